"""Collect one REST API (apigateway) with a constant number of calls, whatever its size.

Five paginated calls per API: GetResources (with ``embed=methods``, so methods and their
integrations arrive with the resources), GetStages, GetAuthorizers, GetRequestValidators,
GetGatewayResponses; then two per distinct deployment an in-scope stage serves:
GetDeployment (``embed=apisummary``) and GetExport of one stage serving it
(``collectors.rest_export``). Usage plans are listed once per region (``list_usage_plans``)
and bound to stages by the orchestrator, as are CloudWatch request counts.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from collectors.clients import call_recording_errors
from collectors.deployments import DeploymentReader, read_served_deployments
from collectors.model import (
    CollectionError,
    GatewayResponse,
    MethodSetting,
    RequestValidator,
    RestApi,
    RestAuthorizer,
    RestDeployment,
    RestIntegration,
    RestMethod,
    RestResource,
    RestStage,
    Throttle,
    UsagePlanBinding,
)
from collectors.parsing import cors_overrides, iso, parse_all
from collectors.rest_export import parse_deployed_definition
from collectors.scope import StageFilter

SERVICE = "apigateway"
# API Gateway's list calls return 25 items a page unless asked; 500 is the most they allow.
PAGE = {"PageSize": 500}


def parse_resource_policy(policy: str | None) -> Any:
    """The resource policy as a dict.

    API Gateway returns the policy JSON with its quotes (and slashes) backslash-escaped, as if
    it were the inside of a JSON string: ``{\\"Version\\":...}``. Plain JSON (as emulators
    return it) is accepted as is. Raises ``ValueError`` when it is neither.
    """
    if not policy:
        return None
    try:
        return json.loads(policy)
    except json.JSONDecodeError:
        pass
    try:
        return json.loads(json.loads(f'"{policy}"', strict=False))
    except json.JSONDecodeError as exc:
        raise ValueError(f"resource policy is not valid JSON: {exc}") from None


def list_rest_apis(client: Any) -> list[dict[str, Any]]:
    pages = client.get_paginator("get_rest_apis").paginate(PaginationConfig=PAGE)
    return [item for page in pages for item in page.get("items", [])]


def list_usage_plans(client: Any) -> dict[tuple[str, str], tuple[UsagePlanBinding, ...]]:
    """Every usage plan of the region, as bindings keyed by (API id, stage name)."""
    bindings: dict[tuple[str, str], list[UsagePlanBinding]] = {}
    for page in client.get_paginator("get_usage_plans").paginate(PaginationConfig=PAGE):
        for plan in page.get("items", []):
            quota = plan.get("quota") or {}
            for api_stage in plan.get("apiStages", []):
                binding = UsagePlanBinding(
                    plan_id=plan["id"],
                    plan_name=plan.get("name", ""),
                    throttle=_throttle(plan.get("throttle")),
                    quota_limit=quota.get("limit"),
                    quota_period=quota.get("period"),
                    method_throttles={
                        key: _throttle(value) or Throttle(None, None)
                        for key, value in (api_stage.get("throttle") or {}).items()
                    },
                )
                key = (api_stage["apiId"], api_stage["stage"])
                bindings.setdefault(key, []).append(binding)
    return {key: tuple(value) for key, value in bindings.items()}


def _throttle(raw: Mapping[str, Any] | None) -> Throttle | None:
    if not raw:
        return None
    rate = raw.get("rateLimit")
    return Throttle(
        rate_limit=float(rate) if rate is not None else None,
        burst_limit=raw.get("burstLimit"),
    )


def _integration(raw: Mapping[str, Any] | None) -> RestIntegration | None:
    if raw is None:
        return None
    return RestIntegration(
        type=raw.get("type", ""),
        uri=raw.get("uri"),
        timeout_ms=raw.get("timeoutInMillis"),
        connection_type=raw.get("connectionType"),
        request_template_content_types=tuple(sorted(raw.get("requestTemplates") or {})),
        response_parameters={
            status: dict(response.get("responseParameters") or {})
            for status, response in (raw.get("integrationResponses") or {}).items()
        },
        response_cors_overrides={
            status: overrides
            for status, response in (raw.get("integrationResponses") or {}).items()
            if (overrides := cors_overrides(response.get("responseTemplates") or {}))
        },
    )


def _method(raw: Mapping[str, Any]) -> RestMethod:
    return RestMethod(
        http_method=raw["httpMethod"],
        authorization_type=raw.get("authorizationType", "NONE"),
        authorizer_id=raw.get("authorizerId"),
        api_key_required=bool(raw.get("apiKeyRequired", False)),
        request_validator_id=raw.get("requestValidatorId"),
        request_parameters=dict(raw.get("requestParameters") or {}),
        request_models=dict(raw.get("requestModels") or {}),
        integration=_integration(raw.get("methodIntegration")),
    )


def _resource(raw: Mapping[str, Any]) -> RestResource:
    methods = raw.get("resourceMethods") or {}
    return RestResource(
        id=raw["id"],
        path=raw["path"],
        methods=tuple(_method({"httpMethod": verb, **methods[verb]}) for verb in sorted(methods)),
    )


def _method_setting(key: str, raw: Mapping[str, Any]) -> MethodSetting:
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
    )


def _authorizer(raw: Mapping[str, Any]) -> RestAuthorizer:
    return RestAuthorizer(
        id=raw["id"],
        name=raw.get("name", ""),
        type=raw.get("type", ""),
        provider_arns=tuple(raw.get("providerARNs") or ()),
        authorizer_uri=raw.get("authorizerUri"),
    )


def _validator(raw: Mapping[str, Any]) -> RequestValidator:
    return RequestValidator(
        id=raw["id"],
        name=raw.get("name", ""),
        validate_request_body=bool(raw.get("validateRequestBody", False)),
        validate_request_parameters=bool(raw.get("validateRequestParameters", False)),
    )


def _gateway_response(raw: Mapping[str, Any]) -> GatewayResponse:
    return GatewayResponse(
        response_type=raw.get("responseType", ""),
        status_code=raw.get("statusCode"),
        response_parameters=dict(raw.get("responseParameters") or {}),
        default_response=bool(raw.get("defaultResponse", False)),
    )


def parse_stage(raw: Mapping[str, Any]) -> RestStage:
    access_log = raw.get("accessLogSettings") or {}
    settings = raw.get("methodSettings") or {}
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
        canary_deployment_id=(raw.get("canarySettings") or {}).get("deploymentId"),
        canary_percent_traffic=(raw.get("canarySettings") or {}).get("percentTraffic"),
        variable_names=tuple(sorted(raw.get("variables") or {})),
        tags=dict(raw.get("tags") or {}),
        usage_plans=None,  # bound by the orchestrator from the region's usage plans
        request_count_30d=None,  # bound by the orchestrator from CloudWatch
    )


def _read_export(client: Any, api_id: str, stage: str) -> dict[str, Any]:
    response = client.get_export(
        restApiId=api_id,
        stageName=stage,
        exportType="oas30",
        parameters={"extensions": "apigateway"},
        accepts="application/json",
    )
    document: dict[str, Any] = json.loads(response["body"].read())
    return document


def _deployment(raw: Mapping[str, Any], export: Mapping[str, Any] | None) -> RestDeployment:
    return RestDeployment(
        id=str(raw["id"]),
        created_date=iso(raw.get("createdDate")),
        description=raw.get("description"),
        definition=parse_deployed_definition(export or {}, raw.get("apiSummary") or {}),
        exported=export is not None,
    )


def collect_deployments(
    client: Any,
    api_id: str,
    region: str,
    stages: tuple[RestStage, ...],
    errors: list[CollectionError],
) -> tuple[RestDeployment, ...]:
    """The deployments ``stages`` serve, each read once whatever the number of its stages;
    and, with one GetDeployment each, the canary deployments no stage serves as its own."""

    def summary(deployment_id: str) -> Any:
        return client.get_deployment(
            restApiId=api_id, deploymentId=deployment_id, embed=["apisummary"]
        )

    # AWS refuses to export some APIs (e.g. with non-JSON models): their deployments keep the
    # API summary, so authorization is still judged, and only what needs the export is unknown.
    reader = DeploymentReader(
        SERVICE,
        "GetExport",
        summary,
        functools.partial(_read_export, client, api_id),
        summary_suffices=True,
    )
    served = read_served_deployments(
        reader,
        f"{region}/{api_id}",
        ((stage.name, stage.deployment_id) for stage in stages),
        lambda _, raw, export: _deployment(raw, export),
        errors,
    )
    own = {stage.deployment_id for stage in stages}
    canaries = read_served_deployments(
        DeploymentReader(SERVICE, "GetExport", summary, None),
        f"{region}/{api_id}",
        ((stage.name, stage.canary_serves) for stage in stages if stage.canary_serves not in own),
        lambda _, raw, export: _deployment(raw, export),
        errors,
    )
    return (*served, *canaries)


def collect_rest_api(
    client: Any,
    summary: Mapping[str, Any],
    region: str,
    audited: StageFilter = lambda _: True,  # the caller applies the scope rule
) -> RestApi:
    """Everything about one REST API; a failed call leaves its section ``None`` and an error.

    Deployments are read for the stages ``audited`` accepts."""
    api_id = summary["id"]
    target = f"{region}/{api_id}"
    errors: list[CollectionError] = []

    def paginate(operation: str, method: str, **kwargs: Any) -> list[dict[str, Any]] | None:
        def run() -> list[dict[str, Any]]:
            pages = client.get_paginator(method).paginate(
                restApiId=api_id, PaginationConfig=PAGE, **kwargs
            )
            return [item for page in pages for item in page.get("items", [])]

        return call_recording_errors(errors, SERVICE, operation, target, run)

    raw_resources = paginate("GetResources", "get_resources", embed=["methods"])
    raw_stages = call_recording_errors(
        errors,
        SERVICE,
        "GetStages",
        target,
        lambda: client.get_stages(restApiId=api_id).get("item", []),
    )
    raw_authorizers = paginate("GetAuthorizers", "get_authorizers")
    raw_validators = paginate("GetRequestValidators", "get_request_validators")
    raw_responses = paginate("GetGatewayResponses", "get_gateway_responses")

    try:
        policy = parse_resource_policy(summary.get("policy"))
    except ValueError as exc:
        policy = None
        errors.append(CollectionError(SERVICE, "GetRestApis", target, "InvalidPolicy", str(exc)))

    stages = parse_all(raw_stages, parse_stage, sort_key=lambda s: s.name)
    deployments = collect_deployments(
        client, api_id, region, tuple(s for s in stages or () if audited(s.name)), errors
    )
    return RestApi(
        id=api_id,
        name=summary.get("name", ""),
        region=region,
        endpoint_types=tuple((summary.get("endpointConfiguration") or {}).get("types", [])),
        tags=dict(summary.get("tags") or {}),
        policy=policy,
        disable_execute_api_endpoint=bool(summary.get("disableExecuteApiEndpoint", False)),
        api_key_source=summary.get("apiKeySource"),
        created_date=iso(summary.get("createdDate")),
        resources=parse_all(raw_resources, _resource, sort_key=lambda r: r.path),
        authorizers=parse_all(raw_authorizers, _authorizer),
        request_validators=parse_all(raw_validators, _validator),
        gateway_responses=parse_all(raw_responses, _gateway_response),
        stages=stages,
        deployments=deployments,
        errors=tuple(errors),
    )
