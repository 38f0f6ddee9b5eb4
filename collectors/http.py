"""Collect one HTTP or WebSocket API (apigatewayv2): four paginated calls, whatever its size.

GetRoutes, GetIntegrations, GetStages and GetAuthorizers; then, for an HTTP API, two per
distinct deployment that an in-scope stage serves: GetDeployment (its date) and ExportApi of
one stage serving it (``collectors.http_export``). AutoDeploy stages too: a failed automatic
deployment leaves the stage on the one before. WebSocket APIs cannot be exported. (moto
lacks GetAuthorizers, deployments and ExportApi; the demo and the tests add them with
``collectors.demo`` shims in AWS's shapes, so this code calls exactly what AWS serves.)
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from collectors.clients import call_recording_errors
from collectors.deployments import DeploymentReader, read_served_deployments
from collectors.http_export import parse_deployed_v2_definition
from collectors.model import (
    CollectionError,
    CorsConfiguration,
    RouteSettings,
    Throttle,
    V2Api,
    V2Authorizer,
    V2Deployment,
    V2Integration,
    V2Route,
    V2Stage,
)
from collectors.parsing import iso, parse_all
from collectors.scope import StageFilter

SERVICE = "apigatewayv2"


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


def _route(raw: Mapping[str, Any]) -> V2Route:
    return V2Route(
        id=raw["RouteId"],
        route_key=raw["RouteKey"],
        authorization_type=raw.get("AuthorizationType", "NONE"),
        authorizer_id=raw.get("AuthorizerId"),
        api_key_required=bool(raw.get("ApiKeyRequired", False)),
        target=raw.get("Target"),
        model_selection_expression=raw.get("ModelSelectionExpression"),
        request_models=dict(raw.get("RequestModels") or {}),
        request_parameters={
            key: bool((value or {}).get("Required", False))
            for key, value in (raw.get("RequestParameters") or {}).items()
        },
    )


def _integration(raw: Mapping[str, Any]) -> V2Integration:
    return V2Integration(
        id=raw["IntegrationId"],
        type=raw.get("IntegrationType", ""),
        uri=raw.get("IntegrationUri"),
        timeout_ms=raw.get("TimeoutInMillis"),
        connection_type=raw.get("ConnectionType"),
        payload_format_version=raw.get("PayloadFormatVersion"),
        subtype=raw.get("IntegrationSubtype"),
    )


def _authorizer(raw: Mapping[str, Any]) -> V2Authorizer:
    return V2Authorizer(
        id=raw["AuthorizerId"], name=raw.get("Name", ""), type=raw["AuthorizerType"]
    )


def _stage(raw: Mapping[str, Any]) -> V2Stage:
    access_log = raw.get("AccessLogSettings") or {}
    default_settings = raw.get("DefaultRouteSettings")
    route_settings = raw.get("RouteSettings") or {}
    return V2Stage(
        name=raw["StageName"],
        deployment_id=raw.get("DeploymentId"),
        created_date=iso(raw.get("CreatedDate")),
        last_updated_date=iso(raw.get("LastUpdatedDate")),
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


def _read_export(client: Any, api_id: str, stage: str) -> dict[str, Any]:
    response = client.export_api(
        ApiId=api_id,
        Specification="OAS30",
        OutputType="JSON",
        IncludeExtensions=True,
        StageName=stage,
    )
    document: dict[str, Any] = json.loads(response["body"].read())
    return document


def collect_v2_deployments(
    client: Any,
    api_id: str,
    region: str,
    stages: tuple[V2Stage, ...],
    errors: list[CollectionError],
) -> tuple[V2Deployment, ...]:
    """The deployments ``stages`` serve, each read once. AutoDeploy stages too: an automatic
    deployment can fail, and the stage then serves the one before."""
    reader = DeploymentReader(
        SERVICE,
        "ExportApi",
        lambda deployment_id: client.get_deployment(ApiId=api_id, DeploymentId=deployment_id),
        functools.partial(_read_export, client, api_id),
    )
    return read_served_deployments(
        reader,
        f"{region}/{api_id}",
        ((stage.name, stage.deployment_id) for stage in stages),
        lambda deployment_id, raw, export: V2Deployment(
            id=deployment_id,
            created_date=iso(raw.get("CreatedDate")),
            description=raw.get("Description"),
            definition=parse_deployed_v2_definition(export or {}),  # the reader exports
        ),
        errors,
    )


def collect_v2_api(
    client: Any,
    summary: Mapping[str, Any],
    region: str,
    audited: StageFilter = lambda _: True,  # the caller applies the scope rule
) -> V2Api:
    """Everything about one HTTP/WebSocket API; a failed call leaves its section ``None``.

    Deployments are read for the HTTP API stages ``audited`` accepts."""
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
    stages = parse_all(raw_stages, _stage, sort_key=lambda s: s.name)
    protocol = summary.get("ProtocolType", "HTTP")
    deployments = (
        collect_v2_deployments(
            client, api_id, region, tuple(s for s in stages or () if audited(s.name)), errors
        )
        if protocol == "HTTP"
        else ()
    )

    return V2Api(
        id=api_id,
        name=summary.get("Name", ""),
        region=region,
        protocol_type=protocol,
        tags=dict(summary.get("Tags") or {}),
        cors=_cors(summary.get("CorsConfiguration")),
        disable_execute_api_endpoint=bool(summary.get("DisableExecuteApiEndpoint", False)),
        api_endpoint=summary.get("ApiEndpoint"),
        routes=parse_all(raw_routes, _route, sort_key=lambda r: r.route_key),
        integrations=parse_all(raw_integrations, _integration),
        authorizers=parse_all(raw_authorizers, _authorizer),
        stages=stages,
        deployments=deployments,
        errors=tuple(errors),
    )
