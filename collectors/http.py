"""Collect one HTTP or WebSocket API (apigatewayv2): four paginated calls, whatever its size.

GetRoutes, GetIntegrations, GetStages and GetAuthorizers; then, for an HTTP API, two per
distinct deployment that an in-scope stage serves: GetDeployment (its date) and ExportApi of
one stage serving it (``collectors.http_deployments``). AutoDeploy stages too: a failed
automatic deployment leaves the stage on the one before. WebSocket APIs cannot be exported.
Request
counts are read once per region: a stage is built when they are known
(``V2ApiReading.build``), once, complete. (moto lacks GetAuthorizers, deployments and
ExportApi; the demo and the tests add them with ``collectors.demo`` shims in AWS's shapes, so
this code calls exactly what AWS serves.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from collectors.clients import call_recording_errors
from collectors.http_deployments import collect_v2_deployments
from collectors.listing import ListedApi
from collectors.model import (
    CollectionError,
    CorsConfiguration,
    IntegrationTls,
    RouteSettings,
    Throttle,
    V2Api,
    V2Authorizer,
    V2Deployment,
    V2Integration,
    V2Route,
    V2Stage,
)
from collectors.parsing import iso, parse_all, v2_items_of
from collectors.scope import StageFilter
from collectors.secrets import (
    IntegrationValues,
    ScannedIntegration,
    quoted_literal,
    scan_integrations,
    stage_variable_secrets,
    unmapped_value,
    variable_schemes,
)

if TYPE_CHECKING:
    from mypy_boto3_apigatewayv2 import ApiGatewayV2Client
    from mypy_boto3_apigatewayv2.type_defs import (
        ApiTypeDef,
        AuthorizerTypeDef,
        CorsOutputTypeDef,
        IntegrationTypeDef,
        RouteSettingsTypeDef,
        RouteTypeDef,
        StageTypeDef,
    )

SERVICE = "apigatewayv2"
Raw = TypeVar("Raw")


def list_v2_apis(client: ApiGatewayV2Client, region: str) -> list[ListedApi[ApiTypeDef]]:
    return [
        ListedApi(
            id=summary["ApiId"],
            name=summary.get("Name", ""),
            region=region,
            api_type=summary.get("ProtocolType", "HTTP"),
            tags=dict(summary.get("Tags") or {}),
            summary=summary,
        )
        for summary in v2_items_of(client.get_paginator("get_apis").paginate())
    ]


def _cors(raw: CorsOutputTypeDef | None) -> CorsConfiguration | None:
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


def _route_settings(raw: RouteSettingsTypeDef) -> RouteSettings:
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


def _route(raw: RouteTypeDef) -> V2Route:
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


def _integration(raw: IntegrationTypeDef, scanned: ScannedIntegration) -> V2Integration:
    tls = raw.get("TlsConfig")
    return V2Integration(
        id=raw["IntegrationId"],
        type=raw.get("IntegrationType", ""),
        uri=scanned.uri,
        timeout_ms=raw.get("TimeoutInMillis"),
        connection_type=raw.get("ConnectionType"),
        payload_format_version=raw.get("PayloadFormatVersion"),
        subtype=raw.get("IntegrationSubtype"),
        secrets=scanned.secrets,
        tls=IntegrationTls(
            configured=tls is not None,
            server_name_to_verify=(tls or {}).get("ServerNameToVerify"),
        ),
    )


def parse_integrations(
    raw_integrations: list[IntegrationTypeDef], protocol_type: str
) -> tuple[V2Integration, ...]:
    """A GetIntegrations answer, the values of every integration scanned for credentials in
    one run (``collectors.secrets``): static request parameters are quoted in WebSocket APIs,
    unmapped in HTTP APIs."""
    scanned = scan_integrations(
        {
            raw["IntegrationId"]: IntegrationValues(
                uri=raw.get("IntegrationUri"),
                request_parameters=raw.get("RequestParameters"),
                request_templates=raw.get("RequestTemplates"),
            )
            for raw in raw_integrations
        },
        quoted_literal if protocol_type == "WEBSOCKET" else unmapped_value,
    )
    return tuple(_integration(raw, scanned[raw["IntegrationId"]]) for raw in raw_integrations)


def _authorizer(raw: AuthorizerTypeDef) -> V2Authorizer:
    return V2Authorizer(
        id=raw["AuthorizerId"], name=raw.get("Name", ""), type=raw["AuthorizerType"]
    )


def _stage(raw: StageTypeDef, request_count_30d: float | None) -> V2Stage:
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
        request_count_30d=request_count_30d,
        variable_secrets=stage_variable_secrets(raw.get("StageVariables")),
        variable_schemes=variable_schemes(raw.get("StageVariables")),
        client_certificate_id=raw.get("ClientCertificateId") or None,
    )


@dataclass(frozen=True, kw_only=True)
class V2ApiReading:
    """One HTTP/WebSocket API as its calls answered. Its stages wait, as AWS returned them,
    for the region's request counts: ``build`` makes the API."""

    listed: ListedApi[ApiTypeDef]
    routes: tuple[V2Route, ...] | None
    integrations: tuple[V2Integration, ...] | None
    authorizers: tuple[V2Authorizer, ...] | None
    stages: list[StageTypeDef] | None  # by name; None: GetStages failed
    deployments: tuple[V2Deployment, ...]
    errors: tuple[CollectionError, ...]

    @property
    def protocol_type(self) -> str:
        return self.listed.api_type

    @property
    def stage_names(self) -> tuple[str, ...]:
        return tuple(raw["StageName"] for raw in self.stages or ())

    def build(
        self,
        *,
        request_counts: Mapping[str, float],  # stage name -> requests; absent: unknown
        errors: tuple[CollectionError, ...],  # this API's and the region's that concern it
    ) -> V2Api:
        summary = self.listed.summary
        return V2Api(
            id=self.listed.id,
            name=self.listed.name,
            region=self.listed.region,
            protocol_type=self.protocol_type,
            tags=self.listed.tags,
            cors=_cors(summary.get("CorsConfiguration")),
            disable_execute_api_endpoint=bool(summary.get("DisableExecuteApiEndpoint", False)),
            api_endpoint=summary.get("ApiEndpoint"),
            routes=self.routes,
            integrations=self.integrations,
            authorizers=self.authorizers,
            stages=parse_all(
                self.stages, lambda raw: _stage(raw, request_counts.get(raw["StageName"]))
            ),
            deployments=self.deployments,
            errors=errors,
        )


def read_v2_api(
    client: ApiGatewayV2Client,
    listed: ListedApi[ApiTypeDef],
    audited: StageFilter,
) -> V2ApiReading:
    """Everything one HTTP/WebSocket API's own calls tell; a failed call leaves its section
    ``None``. Deployments are read for the HTTP API stages ``audited`` accepts."""
    api_id = listed.id
    target = f"{listed.region}/{api_id}"
    errors: list[CollectionError] = []

    def read(operation: str, call: Callable[[], list[Raw]]) -> list[Raw] | None:
        return call_recording_errors(errors, SERVICE, operation, target, call)

    raw_routes = read(
        "GetRoutes", lambda: v2_items_of(client.get_paginator("get_routes").paginate(ApiId=api_id))
    )
    raw_integrations = read(
        "GetIntegrations",
        lambda: v2_items_of(client.get_paginator("get_integrations").paginate(ApiId=api_id)),
    )
    raw_stages = read(
        "GetStages", lambda: v2_items_of(client.get_paginator("get_stages").paginate(ApiId=api_id))
    )
    raw_authorizers = read(
        "GetAuthorizers",
        lambda: v2_items_of(client.get_paginator("get_authorizers").paginate(ApiId=api_id)),
    )
    stages = (
        sorted(raw_stages, key=lambda raw: raw["StageName"]) if raw_stages is not None else None
    )
    deployments = (
        collect_v2_deployments(
            client,
            api_id,
            listed.region,
            [raw for raw in stages or () if audited(raw["StageName"])],
            errors,
        )
        if listed.api_type == "HTTP"
        else ()
    )
    return V2ApiReading(
        listed=listed,
        routes=parse_all(raw_routes, _route, sort_key=lambda r: r.route_key),
        integrations=(
            parse_integrations(raw_integrations, listed.api_type)
            if raw_integrations is not None
            else None
        ),
        authorizers=parse_all(raw_authorizers, _authorizer),
        stages=stages,
        deployments=deployments,
        errors=tuple(errors),
    )
