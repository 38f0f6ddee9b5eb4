"""Collect one REST API (apigateway) with a constant number of calls, whatever its size.

Five paginated calls per API: GetResources (with ``embed=methods``, so methods and their
integrations arrive with the resources), GetStages, GetAuthorizers, GetRequestValidators,
GetGatewayResponses; then two per distinct deployment an in-scope stage serves
(``collectors.rest_deployments``). Usage plans are listed once per region
(``collectors.usage_plans``) and CloudWatch request counts read once per region: a stage is
built when both are known (``RestApiReading.build``), once, complete.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from collectors.clients import call_recording_errors
from collectors.listing import ListedApi
from collectors.model import (
    CollectionError,
    GatewayResponse,
    MethodSetting,
    RequestValidator,
    RestApi,
    RestAuthorizer,
    RestDeployment,
    RestResource,
    RestStage,
    Throttle,
    UsagePlanBinding,
    default_security_policy,
)
from collectors.parsing import PAGE, iso, items_of, parse_all
from collectors.rest_definition import (
    parse_authorizer,
    parse_gateway_response,
    parse_resource_policy,
    parse_resources,
    parse_validator,
)
from collectors.rest_deployments import collect_deployments
from collectors.scope import StageFilter
from collectors.secrets import stage_variable_secrets, variable_schemes
from collectors.usage_plans import UsagePlans

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_apigateway.type_defs import (
        MethodSettingTypeDef,
        RestApiTypeDef,
        StageTypeDef,
    )

SERVICE = "apigateway"
Raw = TypeVar("Raw")


def list_rest_apis(client: APIGatewayClient, region: str) -> list[ListedApi[RestApiTypeDef]]:
    pages = client.get_paginator("get_rest_apis").paginate(PaginationConfig=PAGE)
    return [
        ListedApi(
            id=summary["id"],
            name=summary.get("name", ""),
            region=region,
            api_type="REST",
            tags=dict(summary.get("tags") or {}),
            summary=summary,
        )
        for summary in items_of(pages)
    ]


def _method_setting(key: str, raw: MethodSettingTypeDef) -> MethodSetting:
    return MethodSetting(
        key=key,
        throttle=Throttle(
            rate_limit=raw.get("throttlingRateLimit"), burst_limit=raw.get("throttlingBurstLimit")
        ),
        caching_enabled=raw.get("cachingEnabled"),
        cache_ttl_seconds=raw.get("cacheTtlInSeconds"),
        metrics_enabled=raw.get("metricsEnabled"),
        logging_level=raw.get("loggingLevel"),
        data_trace_enabled=raw.get("dataTraceEnabled"),
        cache_data_encrypted=raw.get("cacheDataEncrypted"),
        require_authorization_for_cache_control=raw.get("requireAuthorizationForCacheControl"),
    )


def parse_stage(
    raw: StageTypeDef,
    *,
    usage_plans: tuple[UsagePlanBinding, ...] | None,
    request_count_30d: float | None,
) -> RestStage:
    access_log = raw.get("accessLogSettings") or {}
    settings = raw.get("methodSettings") or {}
    canary = raw.get("canarySettings") or {}
    return RestStage(
        name=raw["stageName"],
        deployment_id=raw.get("deploymentId"),
        created_date=iso(raw.get("createdDate")),
        last_updated_date=iso(raw.get("lastUpdatedDate")),
        tracing_enabled=bool(raw.get("tracingEnabled", False)),
        cache_cluster_enabled=bool(raw.get("cacheClusterEnabled", False)),
        cache_cluster_size=raw.get("cacheClusterSize"),
        method_settings=tuple(_method_setting(k, settings[k]) for k in sorted(settings)),
        access_log_destination=access_log.get("destinationArn"),
        access_log_format=access_log.get("format"),
        client_certificate_id=raw.get("clientCertificateId"),
        web_acl_arn=raw.get("webAclArn"),
        canary_deployment_id=canary.get("deploymentId"),
        canary_percent_traffic=canary.get("percentTraffic"),
        variable_names=tuple(sorted(raw.get("variables") or {})),
        variable_secrets=stage_variable_secrets(
            raw.get("variables"), canary.get("stageVariableOverrides")
        ),
        variable_schemes=variable_schemes(raw.get("variables")),
        tags=dict(raw.get("tags") or {}),
        usage_plans=usage_plans,
        request_count_30d=request_count_30d,
    )


@dataclass(frozen=True, kw_only=True)
class RestApiReading:
    """One REST API as its calls answered. Its stages wait, as AWS returned them, for what
    only the whole region tells (usage plans, request counts): ``build`` makes the API."""

    listed: ListedApi[RestApiTypeDef]
    resources: tuple[RestResource, ...] | None
    authorizers: tuple[RestAuthorizer, ...] | None
    request_validators: tuple[RequestValidator, ...] | None
    gateway_responses: tuple[GatewayResponse, ...] | None
    policy: Any
    stages: list[StageTypeDef] | None  # by name; None: GetStages failed
    deployments: tuple[RestDeployment, ...]
    errors: tuple[CollectionError, ...]

    @property
    def stage_names(self) -> tuple[str, ...]:
        return tuple(raw["stageName"] for raw in self.stages or ())

    def build(
        self,
        *,
        usage_plans: UsagePlans | None,  # None: GetUsagePlans failed
        request_counts: Mapping[str, float],  # stage name -> requests; absent: unknown
        errors: tuple[CollectionError, ...],  # this API's and the region's that concern it
    ) -> RestApi:
        api_id = self.listed.id

        def stage(raw: StageTypeDef) -> RestStage:
            name = raw["stageName"]
            plans = usage_plans.get((api_id, name), ()) if usage_plans is not None else None
            return parse_stage(raw, usage_plans=plans, request_count_30d=request_counts.get(name))

        summary = self.listed.summary
        endpoint_types = tuple((summary.get("endpointConfiguration") or {}).get("types", []))
        access_mode = summary.get("endpointAccessMode")
        return RestApi(
            id=api_id,
            name=self.listed.name,
            region=self.listed.region,
            endpoint_types=endpoint_types,
            tags=self.listed.tags,
            policy=self.policy,
            disable_execute_api_endpoint=bool(summary.get("disableExecuteApiEndpoint", False)),
            api_key_source=summary.get("apiKeySource"),
            created_date=iso(summary.get("createdDate")),
            resources=self.resources,
            authorizers=self.authorizers,
            request_validators=self.request_validators,
            gateway_responses=self.gateway_responses,
            stages=parse_all(self.stages, stage),
            deployments=self.deployments,
            errors=errors,
            security_policy=str(
                summary.get("securityPolicy") or default_security_policy(endpoint_types)
            ),
            endpoint_access_mode=str(access_mode) if access_mode else None,
        )


def read_rest_api(
    client: APIGatewayClient,
    listed: ListedApi[RestApiTypeDef],
    audited: StageFilter,
) -> RestApiReading:
    """Everything one REST API's own calls tell; a failed call leaves its section ``None``
    and an error. Deployments are read for the stages ``audited`` accepts."""
    api_id = listed.id
    target = f"{listed.region}/{api_id}"
    errors: list[CollectionError] = []

    def read(operation: str, call: Callable[[], list[Raw]]) -> list[Raw] | None:
        return call_recording_errors(errors, SERVICE, operation, target, call)

    raw_resources = read(
        "GetResources",
        lambda: items_of(
            client.get_paginator("get_resources").paginate(
                restApiId=api_id, embed=["methods"], PaginationConfig=PAGE
            )
        ),
    )
    raw_stages = read("GetStages", lambda: client.get_stages(restApiId=api_id).get("item", []))
    raw_authorizers = read(
        "GetAuthorizers",
        lambda: items_of(
            client.get_paginator("get_authorizers").paginate(
                restApiId=api_id, PaginationConfig=PAGE
            )
        ),
    )
    raw_validators = read(
        "GetRequestValidators",
        lambda: items_of(
            client.get_paginator("get_request_validators").paginate(
                restApiId=api_id, PaginationConfig=PAGE
            )
        ),
    )
    raw_responses = read(
        "GetGatewayResponses",
        lambda: items_of(
            client.get_paginator("get_gateway_responses").paginate(
                restApiId=api_id, PaginationConfig=PAGE
            )
        ),
    )

    try:
        policy = parse_resource_policy(listed.summary.get("policy"))
    except ValueError as exc:
        policy = None
        errors.append(
            CollectionError(
                service=SERVICE,
                operation="GetRestApis",
                target=target,
                code="InvalidPolicy",
                message=str(exc),
            )
        )

    stages = (
        sorted(raw_stages, key=lambda raw: raw["stageName"]) if raw_stages is not None else None
    )
    deployments = collect_deployments(
        client,
        api_id,
        listed.region,
        [raw for raw in stages or () if audited(raw["stageName"])],
        errors,
    )
    return RestApiReading(
        listed=listed,
        resources=parse_resources(raw_resources) if raw_resources is not None else None,
        authorizers=parse_all(raw_authorizers, parse_authorizer),
        request_validators=parse_all(raw_validators, parse_validator),
        gateway_responses=parse_all(raw_responses, parse_gateway_response),
        policy=policy,
        stages=stages,
        deployments=deployments,
        errors=tuple(errors),
    )
