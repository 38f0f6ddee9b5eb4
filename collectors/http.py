"""Collect one HTTP or WebSocket API (apigatewayv2): four paginated calls, whatever its size.

GetRoutes, GetIntegrations, GetStages and GetAuthorizers. (moto does not implement the list
call GetAuthorizers; the demo and the tests add it with ``collectors.demo.moto_shims``, so this
code calls exactly what AWS serves.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from collectors.clients import call_recording_errors
from collectors.model import (
    CollectionError,
    CorsConfiguration,
    RouteSettings,
    Throttle,
    V2Api,
    V2Authorizer,
    V2Integration,
    V2Route,
    V2Stage,
)

SERVICE = "apigatewayv2"


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def list_v2_apis(client: Any) -> list[dict[str, Any]]:
    pages = client.get_paginator("get_apis").paginate()
    return [item for page in pages for item in page.get("Items", [])]


def _cors(raw: Mapping[str, Any] | None) -> CorsConfiguration | None:
    if raw is None:
        return None
    return CorsConfiguration(
        allow_origins=tuple(raw.get("AllowOrigins") or ()),
        allow_credentials=bool(raw.get("AllowCredentials", False)),
        allow_methods=tuple(raw.get("AllowMethods") or ()),
        allow_headers=tuple(raw.get("AllowHeaders") or ()),
        expose_headers=tuple(raw.get("ExposeHeaders") or ()),
        max_age=raw.get("MaxAge"),
    )


def _route_settings(raw: Mapping[str, Any]) -> RouteSettings:
    rate = raw.get("ThrottlingRateLimit")
    return RouteSettings(
        throttle=Throttle(
            rate_limit=float(rate) if rate is not None else None,
            burst_limit=raw.get("ThrottlingBurstLimit"),
        ),
        logging_level=raw.get("LoggingLevel"),
        data_trace_enabled=raw.get("DataTraceEnabled"),
        detailed_metrics_enabled=raw.get("DetailedMetricsEnabled"),
    )


def _stage(raw: Mapping[str, Any]) -> V2Stage:
    access_log = raw.get("AccessLogSettings") or {}
    default_settings = raw.get("DefaultRouteSettings")
    route_settings = raw.get("RouteSettings") or {}
    return V2Stage(
        name=raw["StageName"],
        deployment_id=raw.get("DeploymentId"),
        created_date=_iso(raw.get("CreatedDate")),
        last_updated_date=_iso(raw.get("LastUpdatedDate")),
        auto_deploy=bool(raw.get("AutoDeploy", False)),
        default_route_settings=(
            _route_settings(default_settings) if default_settings is not None else None
        ),
        route_settings={
            key: _route_settings(route_settings[key]) for key in sorted(route_settings)
        },
        access_log_destination=access_log.get("DestinationArn"),
        access_log_format=access_log.get("Format"),
        tags=dict(raw.get("Tags") or {}),
        request_count_30d=None,  # bound by the orchestrator from CloudWatch
    )


def collect_v2_api(client: Any, summary: Mapping[str, Any], region: str) -> V2Api:
    """Everything about one HTTP/WebSocket API; a failed call leaves its section ``None``."""
    api_id = summary["ApiId"]
    target = f"{region}/{api_id}"
    errors: list[CollectionError] = []

    def paginate(operation: str, method: str) -> list[dict[str, Any]] | None:
        def run() -> list[dict[str, Any]]:
            pages = client.get_paginator(method).paginate(ApiId=api_id)
            return [item for page in pages for item in page.get("Items", [])]

        return call_recording_errors(errors, SERVICE, operation, target, run)

    raw_routes = paginate("GetRoutes", "get_routes")
    raw_integrations = paginate("GetIntegrations", "get_integrations")
    raw_stages = paginate("GetStages", "get_stages")
    raw_authorizers = paginate("GetAuthorizers", "get_authorizers")

    return V2Api(
        id=api_id,
        name=summary.get("Name", ""),
        region=region,
        protocol_type=summary.get("ProtocolType", "HTTP"),
        tags=dict(summary.get("Tags") or {}),
        cors=_cors(summary.get("CorsConfiguration")),
        disable_execute_api_endpoint=bool(summary.get("DisableExecuteApiEndpoint", False)),
        api_endpoint=summary.get("ApiEndpoint"),
        routes=(
            tuple(
                sorted(
                    (
                        V2Route(
                            id=r["RouteId"],
                            route_key=r["RouteKey"],
                            authorization_type=r.get("AuthorizationType", "NONE"),
                            authorizer_id=r.get("AuthorizerId"),
                            api_key_required=bool(r.get("ApiKeyRequired", False)),
                            target=r.get("Target"),
                        )
                        for r in raw_routes
                    ),
                    key=lambda route: route.route_key,
                )
            )
            if raw_routes is not None
            else None
        ),
        integrations=(
            tuple(
                V2Integration(
                    id=i["IntegrationId"],
                    type=i.get("IntegrationType", ""),
                    uri=i.get("IntegrationUri"),
                    timeout_ms=i.get("TimeoutInMillis"),
                    connection_type=i.get("ConnectionType"),
                    payload_format_version=i.get("PayloadFormatVersion"),
                )
                for i in raw_integrations
            )
            if raw_integrations is not None
            else None
        ),
        authorizers=(
            tuple(
                V2Authorizer(id=a["AuthorizerId"], name=a.get("Name", ""), type=a["AuthorizerType"])
                for a in raw_authorizers
            )
            if raw_authorizers is not None
            else None
        ),
        stages=(
            tuple(sorted((_stage(s) for s in raw_stages), key=lambda s: s.name))
            if raw_stages is not None
            else None
        ),
        errors=tuple(errors),
    )
