"""The x-amazon-apigateway-* extensions of a REST API export: which ones, and what each says.

``Extensions`` is GetExport's ``extensions`` (which ones a document carries). The functions
write them from a snapshot's JSON-shaped copies of moto's objects, as
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html
documents them: an integration, an authorizer's security scheme (with the ``name``/``in`` its
identity source gives; ``single_identity_source`` is shared with the HTTP API export), the
gateway responses and the request validators.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from collectors.model import REST_INTEGRATION_TIMEOUT_DEFAULT_MS

_DEFAULT_AUTHORIZER_TTL = 300  # AWS's default authorizerResultTtlInSeconds; moto keeps None


@dataclass(frozen=True)
class Extensions:
    """Which x-amazon-apigateway-* keys an export carries (GetExport's ``extensions``).

    botocore's GetExport documentation: ``integrations`` adds x-amazon-apigateway-integration,
    ``authorizers`` adds x-amazon-apigateway-authorizer, ``apigateway`` adds every extension.
    Without any, the document has no x-amazon-apigateway-* key at all (ANY methods included,
    since ``x-amazon-apigateway-any-method`` is one).
    """

    integrations: bool = False
    authorizers: bool = False
    everything: bool = False

    @classmethod
    def parse(cls, value: str | None) -> Extensions:
        names = {part.strip().lower() for part in (value or "").split(",")}
        everything = "apigateway" in names
        return cls(
            integrations=everything or "integrations" in names,
            authorizers=everything or "authorizers" in names,
            everything=everything,
        )

    @property
    def any(self) -> bool:
        return self.integrations or self.authorizers or self.everything


def document_extensions(snapshot: Mapping[str, Any], extensions: Extensions) -> dict[str, Any]:
    """The document-level extensions: gateway responses and request validators (only with
    every extension, ``apigateway``)."""
    if not extensions.everything:
        return {}
    document: dict[str, Any] = {}
    gateway_responses = {
        raw["responseType"]: {
            key: str(raw[key]) if key == "statusCode" else raw[key]
            for key in ("statusCode", "responseParameters", "responseTemplates")
            if raw.get(key)
        }
        for raw in snapshot["gatewayResponses"]
        if not raw.get("defaultResponse")
    }
    if gateway_responses:
        document["x-amazon-apigateway-gateway-responses"] = dict(sorted(gateway_responses.items()))
    validators = snapshot["requestValidators"]
    if validators:
        document["x-amazon-apigateway-request-validators"] = {
            v["name"]: {
                "validateRequestBody": bool(v.get("validateRequestBody")),
                "validateRequestParameters": bool(v.get("validateRequestParameters")),
            }
            for v in sorted(validators, key=lambda v: str(v["name"]))
        }
    return document


def integration_extension(raw: Mapping[str, Any]) -> dict[str, Any]:
    """x-amazon-apigateway-integration: GetIntegration's fields, enum values in lower case."""
    integration: dict[str, Any] = {"type": str(raw.get("type") or "").lower()}
    for key in (
        "httpMethod",
        "uri",
        "credentials",
        "connectionId",
        "requestParameters",
        "requestTemplates",
        "contentHandling",
        "cacheNamespace",
        "cacheKeyParameters",
        "tlsConfig",
    ):
        if raw.get(key):
            integration[key] = raw[key]
    if "requestTemplates" in integration:
        integration["requestTemplates"] = _templates(integration["requestTemplates"])
    # GetIntegration answers INTERNET, WHEN_NO_MATCH and 29000 when they were never set.
    integration["connectionType"] = raw.get("connectionType") or "INTERNET"
    integration["passthroughBehavior"] = str(raw.get("passthroughBehavior") or "WHEN_NO_MATCH")
    integration["passthroughBehavior"] = integration["passthroughBehavior"].lower()
    integration["timeoutInMillis"] = int(
        raw.get("timeoutInMillis") or REST_INTEGRATION_TIMEOUT_DEFAULT_MS
    )
    responses: dict[str, Any] = {}
    for response in (raw.get("integrationResponses") or {}).values():
        entry: dict[str, Any] = {"statusCode": str(response["statusCode"])}
        if response.get("responseParameters"):
            entry["responseParameters"] = response["responseParameters"]
        if response.get("responseTemplates"):
            entry["responseTemplates"] = _templates(response["responseTemplates"])
        if response.get("contentHandling"):
            entry["contentHandling"] = response["contentHandling"]
        responses[response.get("selectionPattern") or "default"] = entry
    if responses:
        integration["responses"] = dict(sorted(responses.items()))
    return integration


def _templates(templates: Mapping[str, Any]) -> dict[str, str]:
    # moto stores an empty mapping template as None; AWS exports it as "".
    return {content_type: body or "" for content_type, body in sorted(templates.items())}


def authorizer_scheme(authorizer: Mapping[str, Any], extensions: Extensions) -> dict[str, Any]:
    """A Lambda (TOKEN/REQUEST) or Cognito authorizer as a security scheme.

    ``name``/``in`` are the one header (or query string parameter) the identity source reads;
    with several sources, or another kind, AWS writes ``"Unused"`` in ``header``
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html).
    """
    kind = str(authorizer.get("type") or "TOKEN").upper()
    name, location = single_identity_source(
        str(authorizer.get("identitySource") or "").split(","),
        {"method.request.header.": "header", "method.request.querystring.": "query"},
    )
    scheme: dict[str, Any] = {"type": "apiKey", "name": name, "in": location}
    if not extensions.authorizers:
        return scheme
    scheme["x-amazon-apigateway-authtype"] = authorizer.get("authType") or (
        "cognito_user_pools" if kind == "COGNITO_USER_POOLS" else "custom"
    )
    body: dict[str, Any] = {"type": kind.lower()}
    for key in (
        "authorizerUri",
        "authorizerCredentials",
        "providerARNs",
        "identitySource",
        "identityValidationExpression",
    ):
        if authorizer.get(key):
            body[key] = authorizer[key]
    ttl = authorizer.get("authorizerResultTtlInSeconds")
    body["authorizerResultTtlInSeconds"] = _DEFAULT_AUTHORIZER_TTL if ttl is None else int(ttl)
    scheme["x-amazon-apigateway-authorizer"] = body
    return scheme


def single_identity_source(sources: list[str], prefixes: Mapping[str, str]) -> tuple[str, str]:
    """(name, in) of a security scheme reading ``sources``: the parameter itself when there is
    one header or query string source, else AWS's placeholder ("Unused", "header")."""
    stripped = [source.strip() for source in sources if source.strip()]
    if len(stripped) == 1:
        for prefix, location in prefixes.items():
            if stripped[0].startswith(prefix):
                return stripped[0][len(prefix) :], location
    return "Unused", "header"
