"""How the definition a stage serves differs from the API's current one (undeployed changes).

A REST API's methods, integrations, authorizers, validators and gateway responses, and an HTTP
API's routes, integrations, authorizers and CORS, reach a stage only when deployed to it
(https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-deployments.html). A
change made and not deployed is invisible to callers, and to every audit that reads the
current definition: it can hide a production stage that still serves the old, weaker one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from collectors.model import (
    HTTP_INTEGRATION_TIMEOUT_DEFAULT_MS,
    REST_INTEGRATION_TIMEOUT_DEFAULT_MS,
    RestDefinition,
    RestDeployment,
    RestIntegration,
    RestMethod,
    V2Definition,
    V2Deployment,
    V2Route,
    lambda_arn_from_uri,
)
from collectors.targets import RestStageTarget, V2StageTarget, require, require_exported


@dataclass(frozen=True)
class DefinitionDrift:
    deployment_id: str
    deployment_date: str | None
    differences: tuple[str, ...]  # "GET /pets: authorization NONE deployed, CUSTOM now"


def _rest_integration(integration: RestIntegration | None) -> dict[str, Any] | None:
    if integration is None:
        return None
    return {
        "type": integration.type,
        "uri": integration.uri,
        "timeout_ms": integration.timeout_ms or REST_INTEGRATION_TIMEOUT_DEFAULT_MS,
        "connection_type": integration.connection_type or "INTERNET",
        "mapping templates": sorted(integration.request_template_content_types),
        "response headers": {k: dict(v) for k, v in integration.response_parameters.items()},
        "response CORS overrides": {
            k: dict(v) for k, v in integration.response_cors_overrides.items()
        },
    }


def _rest_facts(method: RestMethod, definition: RestDefinition) -> dict[str, Any]:
    authorizer = definition.authorizer(method.authorizer_id)
    validator = definition.validator(method.request_validator_id)
    return {
        "authorization": method.authorization_type
        + (f" ({authorizer.name})" if authorizer else ""),
        "API key": method.api_key_required,
        "validator": (
            f"{validator.name} (body={validator.validate_request_body}, "
            f"parameters={validator.validate_request_parameters})"
            if validator
            else None
        ),
        # AWS's export lists every path parameter of the resource path whether the method
        # declares it or not, so only query string and header parameters are compared; and
        # OpenAPI has no multi-value location, so multivaluequerystring.x exports as
        # querystring.x.
        "request parameters": {
            k.replace(".multivalue", "."): v
            for k, v in method.request_parameters.items()
            if ".path." not in k
        },
        "request models": dict(method.request_models),
        "integration": _rest_integration(method.integration),
    }


def _said(value: object) -> str:
    """A deployed or current value in a finding's words, not Python's: ``'NONE'``, ``true``,
    ``none``; a mapping as AWS writes it, its values as they are
    (``{gatewayresponse.header.Access-Control-Allow-Origin: '*'}``)."""
    if value is None or (isinstance(value, Mapping | list | tuple) and not value):
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, Mapping):
        items = (f"{k}: {v if isinstance(v, str) else _said(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return ", ".join(_said(item) for item in value)
    return str(value)


def _compare(where: str, deployed: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    return [
        f"{where}: {name} {_said(deployed[name])} deployed, {_said(current[name])} now"
        for name in deployed
        if deployed[name] != current[name]
    ]


def _rest_methods(definition: RestDefinition) -> dict[str, RestMethod]:
    return {
        f"{method.http_method} {resource.path}": method
        for resource in definition.resources
        for method in resource.methods
    }


def _operation_differences(
    served: Mapping[str, Mapping[str, Any]], now: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """Operations (by name, with their facts) served and defined now, and how they differ."""
    differences = []
    for name in sorted(served.keys() | now.keys()):
        if name not in now:
            differences.append(f"{name}: still served, deleted from the API since")
        elif name not in served:
            differences.append(f"{name}: added to the API, not deployed")
        else:
            differences += _compare(name, served[name], now[name])
    return differences


def _rest_differences(deployed: RestDefinition, current: RestDefinition) -> list[str]:
    differences = _operation_differences(
        {name: _rest_facts(m, deployed) for name, m in _rest_methods(deployed).items()},
        {name: _rest_facts(m, current) for name, m in _rest_methods(current).items()},
    )
    if deployed.policy is not None and deployed.policy != current.policy:
        differences.append("resource policy: the deployed one differs from the API's current one")
    served_responses = {
        r.response_type: dict(r.response_parameters) for r in deployed.gateway_responses
    }
    now_responses = {
        r.response_type: dict(r.response_parameters) for r in current.gateway_responses
    }
    for response_type in sorted(served_responses.keys() | now_responses.keys()):
        if served_responses.get(response_type) != now_responses.get(response_type):
            differences.append(
                f"gateway response {response_type}: {_said(served_responses.get(response_type))} "
                f"deployed, {_said(now_responses.get(response_type))} now"
            )
    return differences


def _v2_facts(route: V2Route, definition: V2Definition) -> dict[str, Any]:
    authorizer = definition.authorizer(route.authorizer_id)
    integration = definition.integration(route)
    return {
        "authorization": route.authorization_type + (f" ({authorizer.name})" if authorizer else ""),
        "integration": (
            {
                "type": integration.type,
                # a Lambda integration's function, however written: GetIntegrations answers the
                # URI as it was made (often the bare function ARN), ExportApi the invocation
                # path (arn:aws:apigateway:{region}:lambda:path/.../functions/{arn}/invocations)
                "uri": lambda_arn_from_uri(integration.uri) or integration.uri,
                "subtype": integration.subtype,
                "timeout_ms": integration.timeout_ms or HTTP_INTEGRATION_TIMEOUT_DEFAULT_MS,
                "connection_type": integration.connection_type or "INTERNET",
            }
            if integration
            else None
        ),
    }


def _v2_differences(deployed: V2Definition, current: V2Definition) -> list[str]:
    differences = _operation_differences(
        {f"route {r.route_key}": _v2_facts(r, deployed) for r in deployed.routes},
        {f"route {r.route_key}": _v2_facts(r, current) for r in current.routes},
    )
    if deployed.cors != current.cors:
        differences.append("CORS configuration differs from the deployed one")
    return differences


def definition_drift(target: RestStageTarget | V2StageTarget) -> DefinitionDrift | None:
    """The differences, or ``None`` where there is no deployment to compare (WebSocket APIs,
    stages never deployed). Raises ``DataUnavailable`` when either definition
    was not read."""
    api = target.api
    if isinstance(target, V2StageTarget):
        if target.deployment is None and target.definition is not None:
            return None  # WebSocket or never deployed: nothing to compare
        target.served()  # raises with the failed call when the deployment was not read
        deployment: RestDeployment | V2Deployment | None = target.deployment
    else:
        deployment = target.served_deployment()
        require_exported(target.api, target.stage, deployment)
    assert deployment is not None
    current = require(
        api.current_definition(),
        api.errors,
        next(
            (e.operation for e in api.errors if e.target == f"{api.region}/{api.id}"),
            "GetResources",
        ),
        f"the current definition of {api.name}",
    )
    if isinstance(deployment.definition, RestDefinition) and isinstance(current, RestDefinition):
        differences = _rest_differences(deployment.definition, current)
    elif isinstance(deployment.definition, V2Definition) and isinstance(current, V2Definition):
        differences = _v2_differences(deployment.definition, current)
    else:  # pragma: no cover - a REST stage always holds a REST deployment
        raise TypeError(f"{target.key}: deployment and API types differ")
    return DefinitionDrift(deployment.id, deployment.created_date, tuple(differences))
