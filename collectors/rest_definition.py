"""Parse what a REST API defines now: its resources, methods and integrations (GetResources
with ``embed=methods``), authorizers, request validators, gateway responses and resource policy.

What its stages serve is parsed from their deployments instead (``collectors.rest_export``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from collectors.model import (
    GatewayResponse,
    RequestValidator,
    RestAuthorizer,
    RestIntegration,
    RestMethod,
    RestResource,
)
from collectors.parsing import cors_overrides, identity_sources
from collectors.secrets import (
    IntegrationValues,
    ScannedIntegration,
    quoted_literal,
    scan_integrations,
)

if TYPE_CHECKING:
    from mypy_boto3_apigateway.type_defs import (
        AuthorizerTypeDef,
        GatewayResponseTypeDef,
        IntegrationTypeDef,
        MethodTypeDef,
        RequestValidatorTypeDef,
        ResourceTypeDef,
    )


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


def _integration(
    raw: IntegrationTypeDef | None, scanned: ScannedIntegration | None
) -> RestIntegration | None:
    if raw is None or scanned is None:
        return None
    return RestIntegration(
        type=raw.get("type", ""),
        uri=scanned.uri,
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
        cache_key_parameters=tuple(raw.get("cacheKeyParameters") or ()),
        secrets=scanned.secrets,
    )


def _method(http_method: str, raw: MethodTypeDef, scanned: ScannedIntegration | None) -> RestMethod:
    return RestMethod(
        http_method=http_method,
        authorization_type=raw.get("authorizationType", "NONE"),
        authorizer_id=raw.get("authorizerId"),
        api_key_required=bool(raw.get("apiKeyRequired", False)),
        request_validator_id=raw.get("requestValidatorId"),
        request_parameters=dict(raw.get("requestParameters") or {}),
        request_models=dict(raw.get("requestModels") or {}),
        integration=_integration(raw.get("methodIntegration"), scanned),
    )


def parse_resources(raw_resources: list[ResourceTypeDef]) -> tuple[RestResource, ...]:
    """A GetResources answer's resources by path, the values of all their integrations
    scanned for credentials in one run (``collectors.secrets``)."""
    scanned = scan_integrations(
        {
            (raw["id"], verb): IntegrationValues(
                uri=integration.get("uri"),
                request_parameters=integration.get("requestParameters"),
                request_templates=integration.get("requestTemplates"),
            )
            for raw in raw_resources
            for verb, method in (raw.get("resourceMethods") or {}).items()
            if (integration := method.get("methodIntegration")) is not None
        },
        quoted_literal,
    )
    resources = []
    for raw in raw_resources:
        methods = raw.get("resourceMethods") or {}
        resources.append(
            RestResource(
                id=raw["id"],
                path=raw["path"],
                methods=tuple(
                    _method(verb, methods[verb], scanned.get((raw["id"], verb)))
                    for verb in sorted(methods)
                ),
            )
        )
    return tuple(sorted(resources, key=lambda resource: resource.path))


def parse_authorizer(raw: AuthorizerTypeDef) -> RestAuthorizer:
    return RestAuthorizer(
        id=raw["id"],
        name=raw.get("name", ""),
        type=raw.get("type", ""),
        provider_arns=tuple(raw.get("providerARNs") or ()),
        authorizer_uri=raw.get("authorizerUri"),
        identity_sources=identity_sources(raw.get("identitySource")),
    )


def parse_validator(raw: RequestValidatorTypeDef) -> RequestValidator:
    return RequestValidator(
        id=raw["id"],
        name=raw.get("name", ""),
        validate_request_body=bool(raw.get("validateRequestBody", False)),
        validate_request_parameters=bool(raw.get("validateRequestParameters", False)),
    )


def parse_gateway_response(raw: GatewayResponseTypeDef) -> GatewayResponse:
    return GatewayResponse(
        response_type=raw.get("responseType", ""),
        status_code=raw.get("statusCode"),
        response_parameters=dict(raw.get("responseParameters") or {}),
        default_response=bool(raw.get("defaultResponse", False)),
    )
