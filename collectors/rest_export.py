"""Parse what a REST stage serves: its deployment's API summary and its OpenAPI export.

A REST API's methods, integrations, authorizers, validators and gateway responses reach a
stage only when they are deployed to it, so the checks judge the deployment the stage serves,
read with two calls per distinct deployment:

- ``GetDeployment(embed=["apisummary"])``: the deployment's date and, for every deployed
  method, its ``authorizationType`` and ``apiKeyRequired`` (botocore shape ``MethodSnapshot``);
- ``GetExport`` of a stage serving it, ``oas30`` with ``extensions=apigateway``: the deployed
  integrations (``x-amazon-apigateway-integration``), request validators
  (``x-amazon-apigateway-request-validator(s)``), authorizers (security schemes carrying
  ``x-amazon-apigateway-authorizer``), gateway responses
  (``x-amazon-apigateway-gateway-responses``), parameters and request models
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-export-api.html).

The summary is the authority for authorization (the export only encodes it as security
requirements); the export for everything else. The export names authorizers and validators,
it has no ids: in the resulting ``RestDefinition`` their names are their ids.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from collectors.model import (
    GatewayResponse,
    RequestValidator,
    RestAuthorizer,
    RestDefinition,
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
    from mypy_boto3_apigateway.type_defs import MethodSnapshotTypeDef

ANY_METHOD = "x-amazon-apigateway-any-method"
INTEGRATION = "x-amazon-apigateway-integration"
# OpenAPI parameter locations -> API Gateway's request parameter names
PARAMETER_SOURCES = {"path": "path", "query": "querystring", "header": "header"}
# The API key marker scheme; IAM's "sigv4" scheme carries no authorizer extension either.
_API_KEY_SCHEME = "api_key"


def _verb(operation_key: str) -> str | None:
    if operation_key == ANY_METHOD:
        return "ANY"
    if operation_key.startswith("x-") or operation_key in ("parameters", "summary", "servers"):
        return None
    return operation_key.upper()


def _request_parameters(operation: Mapping[str, Any], shared: Mapping[str, Any]) -> dict[str, bool]:
    """``method.request.querystring.q`` -> required; a ``$ref`` names a shared parameter of
    ``components.parameters``."""
    parameters: dict[str, bool] = {}
    for listed in operation.get("parameters") or ():
        reference = str(listed.get("$ref", ""))
        parameter = shared.get(reference.rpartition("/")[2], {}) if reference else listed
        source = PARAMETER_SOURCES.get(str(parameter.get("in", "")))
        if source and parameter.get("name"):
            key = f"method.request.{source}.{parameter['name']}"
            parameters[key] = bool(parameter.get("required", False))
    return parameters


def _request_models(operation: Mapping[str, Any]) -> dict[str, str]:
    content = (operation.get("requestBody") or {}).get("content") or {}
    models: dict[str, str] = {}
    for content_type, media in content.items():
        reference = str(((media or {}).get("schema") or {}).get("$ref", ""))
        if reference:
            models[content_type] = reference.rpartition("/")[2]
    return models


def _integration(
    raw: Mapping[str, Any] | None, scanned: ScannedIntegration | None
) -> RestIntegration | None:
    if raw is None or scanned is None:
        return None
    return RestIntegration(
        type=str(raw.get("type", "")).upper(),
        uri=scanned.uri,
        timeout_ms=raw.get("timeoutInMillis"),
        connection_type=raw.get("connectionType"),
        request_template_content_types=tuple(sorted(raw.get("requestTemplates") or {})),
        # keyed by selection pattern in the export, by status code in GetIntegration
        response_parameters={
            str(response.get("statusCode", pattern)): dict(response.get("responseParameters") or {})
            for pattern, response in (raw.get("responses") or {}).items()
        },
        response_cors_overrides={
            str(response.get("statusCode", pattern)): overrides
            for pattern, response in (raw.get("responses") or {}).items()
            if (overrides := cors_overrides(response.get("responseTemplates") or {}))
        },
        cache_key_parameters=tuple(raw.get("cacheKeyParameters") or ()),
        secrets=scanned.secrets,
    )


def _scanned_integrations(
    operations: Mapping[tuple[str, str], Mapping[str, Any]],
) -> dict[tuple[str, str], ScannedIntegration]:
    """The deployed integrations' values, scanned for credentials in one run."""
    return scan_integrations(
        {
            key: IntegrationValues(
                uri=raw.get("uri"),
                request_parameters=raw.get("requestParameters"),
                request_templates=raw.get("requestTemplates"),
            )
            for key, operation in operations.items()
            if isinstance(raw := operation.get(INTEGRATION), Mapping)
        },
        quoted_literal,
    )


def _authorizer_name(operation: Mapping[str, Any], authorizers: Mapping[str, Any]) -> str | None:
    for requirement in operation.get("security") or ():
        for scheme in requirement:
            if scheme in authorizers:
                return str(scheme)
    return None


def _authorizers(schemes: Mapping[str, Any]) -> dict[str, RestAuthorizer]:
    authorizers: dict[str, RestAuthorizer] = {}
    for name, scheme in schemes.items():
        extension = scheme.get("x-amazon-apigateway-authorizer")
        if name == _API_KEY_SCHEME or extension is None:
            continue
        authorizers[name] = RestAuthorizer(
            id=name,
            name=name,
            type=str(extension.get("type", "")).upper(),
            provider_arns=tuple(extension.get("providerARNs") or ()),
            authorizer_uri=extension.get("authorizerUri"),
            identity_sources=_identity_sources(scheme, extension),
        )
    return authorizers


def _identity_sources(scheme: Mapping[str, Any], extension: Mapping[str, Any]) -> tuple[str, ...]:
    """Where the authorizer reads the caller's identity. The extension's identitySource is
    written for REQUEST authorizers only; a TOKEN or Cognito authorizer's one header is the
    security scheme's ``name`` ``in`` header ("Unused" when it reads several), per
    https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html
    """
    if extension.get("identitySource"):
        return identity_sources(str(extension["identitySource"]))
    name, location = str(scheme.get("name") or ""), scheme.get("in")
    prefix = {"header": "method.request.header.", "query": "method.request.querystring."}
    if name and name != "Unused" and location in prefix:
        return (f"{prefix[str(location)]}{name}",)
    return ()


def parse_deployed_definition(
    export: Mapping[str, Any], api_summary: Mapping[str, Mapping[str, MethodSnapshotTypeDef]]
) -> RestDefinition:
    """The definition a stage serves, from its export and its deployment's API summary.

    Methods come from the summary (every deployed method is in it); a method the export
    lacks has no integration, parameters or validator."""
    components = export.get("components") or {}
    authorizers = _authorizers(components.get("securitySchemes") or {})
    paths = export.get("paths") or {}
    default_validator = export.get("x-amazon-apigateway-request-validator")
    operations: dict[tuple[str, str], Mapping[str, Any]] = {}
    for path in api_summary:
        exported = {
            verb: operation
            for key, operation in (paths.get(path) or {}).items()
            if (verb := _verb(key)) is not None and isinstance(operation, Mapping)
        }
        for verb in api_summary[path]:
            operations[(path, verb)] = exported.get(verb) or {}
    scanned = _scanned_integrations(operations)
    resources: list[RestResource] = []
    for path in sorted(api_summary):
        methods = []
        for verb in sorted(api_summary[path]):
            summary = api_summary[path][verb]
            operation = operations[(path, verb)]
            methods.append(
                RestMethod(
                    http_method=verb,
                    authorization_type=str(summary.get("authorizationType", "NONE")),
                    authorizer_id=_authorizer_name(operation, authorizers),
                    api_key_required=bool(summary.get("apiKeyRequired", False)),
                    # a document-level validator applies to the methods that name none
                    request_validator_id=operation.get(
                        "x-amazon-apigateway-request-validator", default_validator
                    ),
                    request_parameters=_request_parameters(
                        operation, components.get("parameters") or {}
                    ),
                    request_models=_request_models(operation),
                    integration=_integration(operation.get(INTEGRATION), scanned.get((path, verb))),
                )
            )
        resources.append(RestResource(id=path, path=path, methods=tuple(methods)))
    validators = export.get("x-amazon-apigateway-request-validators") or {}
    responses = export.get("x-amazon-apigateway-gateway-responses") or {}
    return RestDefinition(
        resources=tuple(resources),
        authorizers=tuple(authorizers[name] for name in sorted(authorizers)),
        request_validators=tuple(
            RequestValidator(
                id=name,
                name=name,
                validate_request_body=bool(flags.get("validateRequestBody", False)),
                validate_request_parameters=bool(flags.get("validateRequestParameters", False)),
            )
            for name, flags in sorted(validators.items())
        ),
        gateway_responses=tuple(
            GatewayResponse(
                response_type=response_type,
                status_code=response.get("statusCode"),
                response_parameters=dict(response.get("responseParameters") or {}),
                default_response=False,
            )
            for response_type, response in sorted(responses.items())
        ),
        policy=_policy(export.get("x-amazon-apigateway-policy")),
    )


def _policy(raw: Any) -> Any:
    """The exported resource policy: a document, or (as the REST API returns it) its JSON
    text."""
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return None
    return raw if isinstance(raw, Mapping) else None
