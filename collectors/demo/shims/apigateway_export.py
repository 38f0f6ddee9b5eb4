"""A REST API definition, as ``GetExport`` and ``GetDeployment(embed=apisummary)`` answer it.

Pure functions of a snapshot (``apigateway.snapshot_rest_api``: JSON-shaped copies of moto's
resources, methods, authorizers, validators, gateway responses and models), so a deployment
answers what it froze, whatever the API became since. The document follows AWS's export
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-export-api.html)
and carries the extensions ``apigateway_export_extensions`` writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from collectors.demo.shims.apigateway_export_extensions import (
    Extensions,
    authorizer_scheme,
    document_extensions,
    integration_extension,
)
from collectors.rest_export import ANY_METHOD

OAS30 = "oas30"
SWAGGER = "swagger"
EXPORT_TYPES = (OAS30, SWAGGER)

# Every REST API starts with these two models (the console and CreateRestApi make them), so
# methods refer to "Empty" without defining it; moto creates neither. Exported only when
# referenced and not redefined, schema as AWS exports it ("$schema" dropped).
_BUILT_IN_MODELS: dict[str, dict[str, Any]] = {
    "Empty": {"title": "Empty Schema", "type": "object"},
    "Error": {
        "title": "Error Schema",
        "type": "object",
        "properties": {"message": {"type": "string"}},
    },
}
_PARAMETER_LOCATIONS = {
    "path": "path",
    "querystring": "query",
    "multivaluequerystring": "query",
    "header": "header",
    "multivalueheader": "header",
}


def api_summary(snapshot: Mapping[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """botocore's ``PathToMapOfMethodSnapshot``: path -> VERB -> authorization and API key."""
    return {
        resource["path"]: {
            verb: {
                "authorizationType": method.get("authorizationType") or "NONE",
                "apiKeyRequired": bool(method.get("apiKeyRequired")),
            }
            for verb, method in sorted(resource["methods"].items())
        }
        for resource in snapshot["resources"]
        if resource["methods"]
    }


def rest_export(
    snapshot: Mapping[str, Any],
    *,
    export_type: str,
    stage: str,
    version: str,
    extensions: Extensions,
) -> dict[str, Any]:
    """The OpenAPI 3.0 (``oas30``) or Swagger 2.0 (``swagger``) document of ``snapshot``."""
    exporter = _Exporter(snapshot, export_type, extensions)
    info: dict[str, Any] = {"title": snapshot["name"], "version": version}
    if snapshot.get("description"):
        info["description"] = snapshot["description"]
    host = f"{snapshot['id']}.execute-api.{snapshot['region']}.amazonaws.com"
    document: dict[str, Any]
    if export_type == OAS30:
        document = {
            "openapi": "3.0.1",
            "info": info,
            "servers": [
                {
                    "url": f"https://{host}/{{basePath}}",
                    "variables": {"basePath": {"default": stage}},
                }
            ],
            "paths": exporter.paths(),
            "components": {
                "schemas": exporter.schemas(),
                "securitySchemes": exporter.security_schemes(),
            },
        }
    else:
        document = {
            "swagger": "2.0",
            "info": info,
            "host": host,
            "basePath": f"/{stage}",
            "schemes": ["https"],
            "paths": exporter.paths(),
            "securityDefinitions": exporter.security_schemes(),
            "definitions": exporter.schemas(),
        }
    document.update(document_extensions(snapshot, extensions))
    return document


class _Exporter:
    def __init__(
        self, snapshot: Mapping[str, Any], export_type: str, extensions: Extensions
    ) -> None:
        self.snapshot = snapshot
        self.oas30 = export_type == OAS30
        self.extensions = extensions
        self.ref_prefix = "#/components/schemas/" if self.oas30 else "#/definitions/"
        self.authorizers = {a["id"]: a for a in snapshot["authorizers"]}
        self.validators = {v["id"]: v for v in snapshot["requestValidators"]}

    def _methods(self) -> Iterator[dict[str, Any]]:
        for resource in self.snapshot["resources"]:
            yield from resource["methods"].values()

    def _ref(self, model: str) -> dict[str, str]:
        return {"$ref": self.ref_prefix + model}

    def _string(self) -> dict[str, Any]:
        return {"schema": {"type": "string"}} if self.oas30 else {"type": "string"}

    def paths(self) -> dict[str, Any]:
        paths: dict[str, Any] = {}
        for resource in self.snapshot["resources"]:
            item: dict[str, Any] = {}
            for verb, method in sorted(resource["methods"].items()):
                if verb == "ANY" and not self.extensions.any:
                    continue
                item[ANY_METHOD if verb == "ANY" else verb.lower()] = self._operation(
                    method, resource["path"]
                )
            if item:
                paths[resource["path"]] = item
        return paths

    def _operation(self, method: Mapping[str, Any], path: str) -> dict[str, Any]:
        operation: dict[str, Any] = {}
        parameters = []
        declared = dict(method.get("requestParameters") or {})
        # AWS's export lists every parameter of the resource path, declared or not, as
        # required (the developer guide's Kinesis export: method.request.path.stream-name).
        for name in re.findall(r"\{([^}]+?)\+?\}", path):
            declared.setdefault(f"method.request.path.{name}", True)
        for key, required in sorted(declared.items()):
            parts = key.split(".", 3)
            if len(parts) == 4 and parts[:2] == ["method", "request"]:
                location = _PARAMETER_LOCATIONS.get(parts[2])
                if location is not None:
                    parameters.append(
                        {"name": parts[3], "in": location, "required": bool(required)}
                        | self._string()
                    )
        models: dict[str, str] = method.get("requestModels") or {}
        if models and self.oas30:
            operation["requestBody"] = {
                "content": {
                    content_type: {"schema": self._ref(model)}
                    for content_type, model in sorted(models.items())
                },
                "required": True,
            }
        elif models:
            operation["consumes"] = sorted(models)
            model = models.get("application/json") or models[sorted(models)[0]]
            parameters.append(
                {"in": "body", "name": model, "required": True, "schema": self._ref(model)}
            )
        if parameters:
            operation["parameters"] = parameters
        operation["responses"] = self._responses(method, operation)
        security = self._security(method)
        if security:
            operation["security"] = security
        validator = self.validators.get(method.get("requestValidatorId"))
        if self.extensions.everything and validator is not None:
            operation["x-amazon-apigateway-request-validator"] = validator["name"]
        integration = method.get("methodIntegration")
        if self.extensions.integrations and integration:
            operation["x-amazon-apigateway-integration"] = integration_extension(integration)
        return operation

    def _responses(self, method: Mapping[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
        responses: dict[str, Any] = {}
        produces: set[str] = set()
        for code, response in sorted((method.get("methodResponses") or {}).items()):
            entry: dict[str, Any] = {"description": f"{code} response"}
            headers = {
                key.split(".", 3)[3]: self._string()
                for key in sorted(response.get("responseParameters") or {})
                if key.startswith("method.response.header.")
            }
            if headers:
                entry["headers"] = headers
            models: dict[str, str] = response.get("responseModels") or {}
            if models and self.oas30:
                entry["content"] = {
                    content_type: {"schema": self._ref(model)}
                    for content_type, model in sorted(models.items())
                }
            elif models:
                entry["schema"] = self._ref(models[sorted(models)[0]])
                produces.update(models)
            responses[str(code)] = entry
        if produces:
            operation["produces"] = sorted(produces)
        return responses

    def _security(self, method: Mapping[str, Any]) -> list[dict[str, list[str]]]:
        # One requirement object per scheme, as AWS exports them (api_key first).
        security: list[dict[str, list[str]]] = []
        if method.get("apiKeyRequired"):
            security.append({"api_key": []})
        authorization = str(method.get("authorizationType") or "NONE").upper()
        if authorization == "AWS_IAM":
            security.append({"sigv4": []})
        elif authorization in ("CUSTOM", "COGNITO_USER_POOLS"):
            authorizer = self.authorizers.get(method.get("authorizerId"))
            if authorizer is not None:
                scopes = method.get("authorizationScopes") or []
                security.append(
                    {authorizer["name"]: list(scopes) if authorization != "CUSTOM" else []}
                )
        return security

    def security_schemes(self) -> dict[str, Any]:
        methods = list(self._methods())
        schemes: dict[str, Any] = {}
        if any(m.get("apiKeyRequired") for m in methods):
            schemes["api_key"] = {"type": "apiKey", "name": "x-api-key", "in": "header"}
        if any(str(m.get("authorizationType")).upper() == "AWS_IAM" for m in methods):
            sigv4: dict[str, Any] = {"type": "apiKey", "name": "Authorization", "in": "header"}
            if self.extensions.authorizers:
                sigv4["x-amazon-apigateway-authtype"] = "awsSigv4"
            schemes["sigv4"] = sigv4
        for authorizer in sorted(self.authorizers.values(), key=lambda a: str(a["name"])):
            schemes[authorizer["name"]] = authorizer_scheme(authorizer, self.extensions)
        return schemes

    def schemas(self) -> dict[str, Any]:
        schemas = {model["name"]: _schema(model.get("schema")) for model in self.snapshot["models"]}
        referenced: set[str] = set()
        for method in self._methods():
            referenced.update((method.get("requestModels") or {}).values())
            for response in (method.get("methodResponses") or {}).values():
                referenced.update((response.get("responseModels") or {}).values())
        for name in sorted(referenced - set(schemas)):
            if name in _BUILT_IN_MODELS:
                schemas[name] = dict(_BUILT_IN_MODELS[name])
        return dict(sorted(schemas.items()))


def _schema(raw: Any) -> dict[str, Any]:
    """A model's schema (moto keeps the JSON text CreateModel sent), without "$schema"."""
    try:
        schema = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
    except ValueError:
        return {}
    if not isinstance(schema, dict):
        return {}
    schema.pop("$schema", None)
    return schema
