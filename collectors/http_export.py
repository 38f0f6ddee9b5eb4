"""Parse what an HTTP API stage serves: ExportApi of the stage (OpenAPI 3.0 with extensions).

``ExportApi`` with ``StageName`` exports the definition the stage's deployment froze
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-export.html). It has
no route, integration or authorizer ids: integrations are inline in each operation
(``x-amazon-apigateway-integration``) and authorizers are security schemes by name. In the
resulting ``V2Definition`` a route's id and its integration's id are the route key, and an
authorizer's id is its name. AWS exports HTTP APIs only; WebSocket APIs are judged on their
current definition.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from collectors.model import (
    CorsConfiguration,
    IntegrationTls,
    V2Authorizer,
    V2Definition,
    V2Integration,
    V2Route,
)
from collectors.rest_export import ANY_METHOD, INTEGRATION
from collectors.secrets import IntegrationValues, scan_integrations, unmapped_value

_SIGV4 = "sigv4"


def _route_key(path: str, operation_key: str, operation: Any) -> str | None:
    # The $default route is an ANY operation on the path /$default, marked isDefaultRoute
    # (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-any-method.html)
    default = isinstance(operation, Mapping) and operation.get("isDefaultRoute") is True
    if default or path in ("/$default", "$default"):
        return "$default" if operation_key == ANY_METHOD else None
    if operation_key == ANY_METHOD:
        return f"ANY {path}"
    if operation_key.startswith("x-") or operation_key in ("parameters", "summary", "servers"):
        return None
    return f"{operation_key.upper()} {path}"


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _cors(raw: Mapping[str, Any] | None) -> CorsConfiguration | None:
    if raw is None:
        return None
    return CorsConfiguration(
        allow_origins=tuple(raw.get("allowOrigins") or ()),
        allow_credentials=bool(raw.get("allowCredentials", False)),
        allow_methods=tuple(raw.get("allowMethods") or ()),
        allow_headers=tuple(raw.get("allowHeaders") or ()),
        expose_headers=tuple(raw.get("exposeHeaders") or ()),
        max_age=raw.get("maxAge"),
    )


def _authorization(
    operation: Mapping[str, Any], authorizers: Mapping[str, V2Authorizer]
) -> tuple[str, str | None]:
    """(AuthorizationType, authorizer name) from the operation's security requirements."""
    for requirement in operation.get("security") or ():
        for scheme in requirement:
            if scheme == _SIGV4:
                return "AWS_IAM", None
            authorizer = authorizers.get(scheme)
            if authorizer is not None:
                return ("JWT" if authorizer.type == "JWT" else "CUSTOM"), authorizer.id
    return "NONE", None


def parse_deployed_v2_definition(export: Mapping[str, Any]) -> V2Definition:
    schemes = (export.get("components") or {}).get("securitySchemes") or {}
    authorizers = {
        name: V2Authorizer(id=name, name=name, type=str(extension.get("type", "")).upper())
        for name, scheme in schemes.items()
        if (extension := scheme.get("x-amazon-apigateway-authorizer")) is not None
    }
    operations: dict[str, Mapping[str, Any]] = {}
    for path, items in (export.get("paths") or {}).items():
        for operation_key, operation in (items or {}).items():
            route_key = _route_key(path, operation_key, operation)
            if route_key is not None and isinstance(operation, Mapping):
                operations[route_key] = operation
    scanned = scan_integrations(
        {
            route_key: IntegrationValues(
                uri=raw.get("uri"),
                request_parameters=raw.get("requestParameters"),
                request_templates=None,  # HTTP APIs have no mapping templates
            )
            for route_key, operation in operations.items()
            if isinstance(raw := operation.get(INTEGRATION), Mapping)
        },
        unmapped_value,
    )
    routes: list[V2Route] = []
    integrations: list[V2Integration] = []
    for route_key, operation in operations.items():
        authorization_type, authorizer_id = _authorization(operation, authorizers)
        raw = operation.get(INTEGRATION)
        found = scanned.get(route_key)
        if isinstance(raw, Mapping) and found is not None:
            tls = raw.get("tlsConfig") if isinstance(raw.get("tlsConfig"), Mapping) else None
            integrations.append(
                V2Integration(
                    id=route_key,
                    type=str(raw.get("type", "")).upper(),
                    uri=found.uri,
                    timeout_ms=raw.get("timeoutInMillis"),
                    connection_type=raw.get("connectionType"),
                    # AWS's own examples write it as a number (1.0): keep it as text
                    payload_format_version=_text(raw.get("payloadFormatVersion")),
                    subtype=raw.get("integrationSubtype"),
                    secrets=found.secrets,
                    # x-amazon-apigateway-integration.tlsConfig: HTTP API private integrations
                    # (api-gateway-extensions-integration-tls-config.html)
                    tls=IntegrationTls(
                        configured=tls is not None,
                        server_name_to_verify=_text((tls or {}).get("serverNameToVerify")),
                    ),
                )
            )
        routes.append(
            V2Route(
                id=route_key,
                route_key=route_key,
                authorization_type=authorization_type,
                authorizer_id=authorizer_id,
                api_key_required=False,  # HTTP APIs have no API keys
                target=f"integrations/{route_key}" if found is not None else None,
                model_selection_expression=None,
                request_models={},
                request_parameters={},
            )
        )
    return V2Definition(
        routes=tuple(sorted(routes, key=lambda r: r.route_key)),
        integrations=tuple(sorted(integrations, key=lambda i: i.id)),
        authorizers=tuple(authorizers[name] for name in sorted(authorizers)),
        cors=_cors(export.get("x-amazon-apigateway-cors")),
    )
