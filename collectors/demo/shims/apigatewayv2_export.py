"""An HTTP API definition, as apigatewayv2 ``ExportApi`` answers it (OpenAPI 3.0).

Pure functions of a snapshot (``apigatewayv2_deployments.snapshot_http_api``: JSON-shaped
copies of moto's routes, integrations, authorizers and CORS configuration). The document follows
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-export.html and the
extensions of https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html
(the ``$default`` route: ``x-amazon-apigateway-any-method`` on ``/$default`` with
``isDefaultRoute``, api-gateway-swagger-extensions-any-method.html).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from collectors.demo.shims.apigateway_export_extensions import single_identity_source
from collectors.model import HTTP_INTEGRATION_TIMEOUT_DEFAULT_MS
from collectors.rest_export import ANY_METHOD

DEFAULT_ROUTE = "$default"
_CORS_KEYS = (
    "allowOrigins",
    "allowCredentials",
    "allowMethods",
    "allowHeaders",
    "exposeHeaders",
    "maxAge",
)


def http_export(
    snapshot: Mapping[str, Any], *, stage: str | None, version: str, extensions: bool
) -> dict[str, Any]:
    """The OpenAPI 3.0 document of ``snapshot``; ``stage`` None for the latest definition.

    Without extensions (``IncludeExtensions=false``) no x-amazon-apigateway-* key is
    written, ANY and ``$default`` routes included (their operation key is one).
    """
    info: dict[str, Any] = {"title": snapshot["name"], "version": version}
    if snapshot.get("description"):
        info["description"] = snapshot["description"]
    host = f"https://{snapshot['apiId']}.execute-api.{snapshot['region']}.amazonaws.com"
    server: dict[str, Any] = {"url": host}
    if stage is not None:
        # The $default stage is served at the root: its base path is empty.
        base_path = "" if stage == DEFAULT_ROUTE else stage
        server = {"url": f"{host}/{{basePath}}", "variables": {"basePath": {"default": base_path}}}
    authorizers: Mapping[str, Any] = snapshot["authorizers"]
    integrations: Mapping[str, Any] = snapshot["integrations"]
    paths: dict[str, dict[str, Any]] = {}
    uses_iam = False
    for route in snapshot["routes"]:
        key = str(route["routeKey"])
        # the $default route: ANY on /$default, marked isDefaultRoute (an extension)
        default = key == DEFAULT_ROUTE
        verb, _, path = ("ANY", "", f"/{DEFAULT_ROUTE}") if default else key.partition(" ")
        operation_key = ANY_METHOD if verb.upper() == "ANY" else verb.lower()
        if not path or (operation_key == ANY_METHOD and not extensions):
            continue
        operation: dict[str, Any] = {
            "responses": {"default": {"description": f"Default response for {key}"}}
        }
        if default:
            operation["isDefaultRoute"] = True
        authorization = str(route.get("authorizationType") or "NONE").upper()
        authorizer = authorizers.get(route.get("authorizerId") or "")
        if authorization == "AWS_IAM":
            operation["security"] = [{"sigv4": []}]
            uses_iam = True
        elif authorization in ("JWT", "CUSTOM") and authorizer is not None:
            scopes = list(route.get("authorizationScopes") or []) if authorization == "JWT" else []
            operation["security"] = [{authorizer["name"]: scopes}]
        target = str(route.get("target") or "")
        integration = (
            integrations.get(target[len("integrations/") :])
            if target.startswith("integrations/")
            else None
        )
        if extensions and integration is not None:
            operation["x-amazon-apigateway-integration"] = _integration(integration)
        paths.setdefault(path, {})[operation_key] = operation
    schemes = {
        authorizer["name"]: _authorizer_scheme(authorizer, extensions)
        for authorizer in sorted(authorizers.values(), key=lambda a: str(a["name"]))
    }
    if uses_iam:
        schemes["sigv4"] = {"type": "apiKey", "name": "Authorization", "in": "header"}
        if extensions:
            schemes["sigv4"]["x-amazon-apigateway-authtype"] = "awsSigv4"
    document: dict[str, Any] = {
        "openapi": "3.0.1",
        "info": info,
        "servers": [server],
        "paths": dict(sorted(paths.items())),
        "components": {"securitySchemes": schemes},
    }
    if extensions:
        cors = snapshot.get("cors")
        if cors:
            document["x-amazon-apigateway-cors"] = {k: cors[k] for k in _CORS_KEYS if k in cors}
        document["x-amazon-apigateway-importexport-version"] = "1.0"
    return document


def _integration(raw: Mapping[str, Any]) -> dict[str, Any]:
    integration: dict[str, Any] = {"type": str(raw.get("integrationType") or "").lower()}
    for source, key in (
        ("integrationSubtype", "integrationSubtype"),
        ("integrationMethod", "httpMethod"),
        ("integrationUri", "uri"),
        ("credentialsArn", "credentials"),
        ("requestParameters", "requestParameters"),
        ("responseParameters", "responseParameters"),
    ):
        if raw.get(source):
            integration[key] = raw[source]
    # A TlsConfig makes a private integration use HTTPS even without a server name to verify
    # (http-api-develop-integrations-private.html): exported when set, empty or not.
    if raw.get("tlsConfig") is not None:
        integration["tlsConfig"] = raw["tlsConfig"]
    integration["connectionType"] = raw.get("connectionType") or "INTERNET"
    if raw.get("connectionId"):
        integration["connectionId"] = raw["connectionId"]
    integration["timeoutInMillis"] = int(
        raw.get("timeoutInMillis") or HTTP_INTEGRATION_TIMEOUT_DEFAULT_MS
    )
    # 1.0 is the default payload format of HTTP API integrations (CreateIntegration).
    integration["payloadFormatVersion"] = raw.get("payloadFormatVersion") or "1.0"
    return integration


def _authorizer_scheme(authorizer: Mapping[str, Any], extensions: bool) -> dict[str, Any]:
    """A JWT authorizer is an oauth2 scheme, a Lambda (REQUEST) one an apiKey scheme
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-open-api.html)."""
    kind = str(authorizer.get("authorizerType") or "").upper()
    sources = [str(source) for source in authorizer.get("identitySource") or ()]
    scheme: dict[str, Any]
    body: dict[str, Any]
    if kind == "JWT":
        scheme = {"type": "oauth2", "flows": {}}
        jwt = authorizer.get("jwtConfiguration") or {}
        body = {
            "type": "jwt",
            # A JWT authorizer reads one source, exported as a string, not a list.
            "identitySource": ",".join(sources),
            "jwtConfiguration": {k: jwt[k] for k in ("audience", "issuer") if k in jwt},
        }
    else:
        name, location = single_identity_source(
            sources, {"$request.header.": "header", "$request.querystring.": "query"}
        )
        scheme = {"type": "apiKey", "name": name, "in": location}
        body = {"type": "request"}
        for key in (
            "authorizerUri",
            "authorizerCredentialsArn",
            "authorizerPayloadFormatVersion",
            "authorizerResultTtlInSeconds",
            "enableSimpleResponses",
        ):
            if authorizer.get(key) is not None:
                body["authorizerCredentials" if key == "authorizerCredentialsArn" else key] = (
                    authorizer[key]
                )
        # A list, as GetAuthorizer answers it; AWS's extension page shows a comma-separated
        # string (the parsers read neither).
        body["identitySource"] = sources
    if extensions:
        scheme["x-amazon-apigateway-authorizer"] = body
    return scheme
