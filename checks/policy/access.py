"""Who may call an operation, from where, and from which browser origins."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from checks.policy.resource_policy import invoke_access
from collectors.errors import DataUnavailable
from collectors.model import PROXY_INTEGRATION_TYPES, RestApi, RestDeployment, RestMethod
from collectors.targets import (
    RestMethodTarget,
    RestResourceTarget,
    RestStageTarget,
    V2RouteTarget,
    V2StageTarget,
    deployment_reason,
)

# --- Authorization ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Authorization:
    """How an operation authenticates its callers."""

    authorization_type: str  # NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS, JWT
    authorizer_id: str | None
    api_key_required: bool
    # PRIVATE REST APIs: the resource-policy condition that limits callers to a network
    network_restriction: str | None
    # WebSocket routes are authorized when the connection is opened: "$connect"
    decided_by: str | None = None
    via_canary: bool = False  # decided by the stage's canary deployment, not its own

    @property
    def authorized(self) -> bool:
        # An API key alone is not here on purpose: keys identify callers for usage plans and
        # ship inside client code, so anyone holding the app holds the key.
        return self.authorization_type != "NONE" or self.network_restriction is not None


def authorization(target: RestMethodTarget | V2RouteTarget) -> Authorization:
    """The authorization actually attached to the operation (an authorizer merely defined on
    the API protects nothing)."""
    if isinstance(target, RestMethodTarget):
        served = _rest_authorization(target, target.method)
        canary = _canary_authorization(target)
        # A canary sends part of the stage's traffic to another deployment: the method is as
        # open as the more open of the two.
        return canary if served.authorized and canary and not canary.authorized else served
    route = target.route
    if target.api.protocol_type == "WEBSOCKET" and route.route_key != "$connect":
        # Only $connect can carry an authorizer; every message on the connection inherits it.
        connect = next((r for r in target.definition.routes if r.route_key == "$connect"), None)
        return Authorization(
            connect.authorization_type if connect else "NONE",
            connect.authorizer_id if connect else None,
            route.api_key_required,
            None,
            decided_by="$connect",
        )
    return Authorization(
        route.authorization_type, route.authorizer_id, route.api_key_required, None
    )


def _rest_authorization(
    target: RestMethodTarget, method: RestMethod, canary: str | None = None
) -> Authorization:
    return Authorization(
        method.authorization_type,
        method.authorizer_id,
        method.api_key_required,
        network_restriction(
            target.api,
            target.stage.name,
            method.http_method,
            target.resource.path,
            target.definition.policy,
        ),
        decided_by=canary,
        via_canary=canary is not None,
    )


def _canary_authorization(target: RestMethodTarget) -> Authorization | None:
    """How the stage's canary deployment authorizes the method, if a canary takes traffic
    and serves it. Raises ``DataUnavailable`` when the canary deployment could not be read."""
    canary = canary_method(target)
    if canary is None:
        return None
    method, _, served_by = canary
    return _rest_authorization(target, method, served_by)


def canary_method(target: RestMethodTarget) -> tuple[RestMethod, RestDeployment, str] | None:
    """The method as the stage's canary deployment serves it to part of the traffic, that
    deployment, and a phrase naming it ("the canary deployment abc (10% of traffic)"); ``None``
    when no canary takes traffic or it does not serve the method
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/canary-release.html). Raises
    ``DataUnavailable`` when the canary deployment could not be read."""
    stage = target.stage
    canary_id = stage.canary_serves
    if canary_id is None:
        return None
    canary = target.api.deployment(canary_id)
    if canary is None:
        raise DataUnavailable(deployment_reason(target.api, target.stage_key, canary_id))
    method = canary.definition.method(target.resource.path, target.method.http_method)
    if method is None:
        return None
    share = f"{stage.canary_percent_traffic:g}% of traffic"
    return method, canary, f"the canary deployment {canary_id} ({share})"


def network_restriction(
    api: RestApi, stage: str, http_method: str, path: str, deployed_policy: Any = None
) -> str | None:
    """For a PRIVATE REST API, the resource-policy condition that lets only callers from named
    VPC endpoints or VPCs invoke this method; ``None`` when anyone else could invoke it. The
    policy the stage's deployment carries when its export says, else the API's own."""
    if "PRIVATE" not in api.endpoint_types:
        return None
    policy = served_policy(api, deployed_policy)
    # A private API answers only what its resource policy allows: without one, or with one
    # that allows no caller, every call is refused
    # (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-api-create.html).
    if policy is None:
        return "PRIVATE API with no resource policy: AWS accepts no call to it"
    if not isinstance(policy, Mapping):
        return None
    access = invoke_access(
        policy, api_id=api.id, stage=stage, http_method=http_method, resource_path=path
    )
    if not access.allowed:
        return "the resource policy allows no caller to invoke it"
    return access.network_pinned


def served_policy(api: RestApi, deployed_policy: Any) -> Any:
    """The resource policy a stage serves: its deployment's, when the export carries one, else
    the API's current one (snapshots from before the export's policy was read)."""
    return deployed_policy if deployed_policy is not None else api.policy


@dataclass(frozen=True)
class VpcPinning:
    """How a PRIVATE REST stage's deployed methods are limited to named VPC endpoints/VPCs."""

    pins: tuple[str, ...]  # the distinct restrictions that pin its methods, sorted
    unpinned: tuple[str, ...]  # "GET /stock": methods any VPC endpoint of any account can call


def vpc_pinning(target: RestStageTarget) -> VpcPinning:
    """Which methods the stage serves are pinned to named VPC endpoints or VPCs by the
    resource policy it serves (``network_restriction``). Raises ``DataUnavailable`` when the
    stage's deployment was not read."""
    deployment = target.served_deployment()
    unpinned: list[str] = []
    pins: set[str] = set()
    for resource in deployment.definition.resources:
        for method in resource.methods:
            pin = network_restriction(
                target.api,
                target.stage.name,
                method.http_method,
                resource.path,
                deployment.definition.policy,
            )
            if pin is None:
                unpinned.append(f"{method.http_method} {resource.path}")
            else:
                pins.add(pin)
    return VpcPinning(tuple(sorted(pins)), tuple(unpinned))


# --- CORS --------------------------------------------------------------------------------------

_ALLOW_ORIGIN = "access-control-allow-origin"
_ALLOW_CREDENTIALS = "access-control-allow-credentials"


@dataclass(frozen=True)
class CorsExposure:
    """What browsers are told about reading the responses, and where."""

    wildcard_sources: tuple[str, ...]  # "OPTIONS integration response 204", ...
    reflected_sources: tuple[str, ...]  # where the caller's own Origin is echoed back
    allow_credentials: bool
    # set where the backend decides what browsers are told (proxy methods, headers mapped
    # from the integration's response, an HTTP API without a CORS configuration), which the
    # configuration does not show
    decided_by_backend: str | None = None

    @property
    def any_origin(self) -> bool:
        return bool(self.wildcard_sources)

    @property
    def reflects_origin_with_credentials(self) -> bool:
        """Any site can read authenticated responses: worse than ``*``, which browsers refuse
        together with credentials."""
        return bool(self.reflected_sources) and self.allow_credentials


def _header(name: str) -> str:
    """``method.response.header.Access-Control-Allow-Origin`` -> ``access-control-allow-origin``"""
    return name.rpartition(".")[2].lower()


def _literal(value: str) -> str:
    """A mapping value as the header will carry it: ``'*'`` is the static value ``*``."""
    return value.strip().strip("'\"").strip()


def _reflects_origin(value: str) -> bool:
    """A header value taken from the request's own ``Origin``: the mapping
    ``method.request.header.Origin`` (gateway responses), or a response template expression
    reading it (``$input.params('origin')``, ``$input.params().header.get('Origin')``)."""
    text = value.strip().lower()
    if text == "method.request.header.origin":
        return True
    return "origin" in text and ("$input.params" in text or "$method.request" in text)


def _from_backend(value: str) -> bool:
    """A header value the backend's own response decides (non-proxy integrations)."""
    return value.strip().lower().startswith("integration.response.")


def cors_exposure(target: RestResourceTarget | V2StageTarget) -> CorsExposure:
    """The CORS headers the stage serves for a REST resource (every deployed method's
    integration responses and response-template overrides, preflight or not, and the
    deployed gateway responses) or an HTTP API (its deployed ``CorsConfiguration``). Where
    the backend sets them (proxy integrations, headers mapped from the integration's
    response, an HTTP API without a CORS configuration), ``decided_by_backend`` says so.
    Raises ``DataUnavailable`` when the HTTP API stage's definition could not be read."""
    if isinstance(target, V2StageTarget):
        served = target.served()
        cors = served.cors
        if cors is None:
            # Without a CORS configuration the backend's headers reach the browser; with
            # one, "API Gateway ignores CORS headers returned from your backend integration"
            # (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html).
            routed = any(route.integration_id for route in served.routes)
            backend = (
                "the HTTP API has no CORS configuration, so its integrations' own "
                "Access-Control-Allow-Origin headers reach browsers; the configuration does not "
                "show them"
                if routed
                else None
            )
            return CorsExposure((), (), False, backend)
        sources = ("CorsConfiguration.AllowOrigins",) if "*" in cors.allow_origins else ()
        # "https://*" and "http://*" allow any origin of the scheme, which API Gateway answers
        # by echoing the caller's own Origin (http-api-cors.html: "allows any origin that
        # begins with https://"): any origin, and one reflected, so credentials go with it
        echoed = tuple(
            f"CorsConfiguration.AllowOrigins {origin}"
            for origin in cors.allow_origins
            if origin != "*" and origin.endswith("://*")
        )
        return CorsExposure((*sources, *echoed), echoed, cors.allow_credentials)
    target.require_export()
    headers: list[tuple[str, str, Mapping[str, str]]] = []  # (method, source, headers)
    for method in target.resource.methods:
        integration = method.integration
        if integration is None:
            continue
        for status, parameters in sorted(integration.response_parameters.items()):
            source = f"{method.http_method} integration response {status}"
            headers.append((method.http_method, source, parameters))
        for status, overrides in sorted(integration.response_cors_overrides.items()):
            source = f"{method.http_method} response template {status}"
            headers.append((method.http_method, source, overrides))
    headers += [
        ("", f"gateway response {response.response_type}", response.response_parameters)
        for response in target.definition.gateway_responses
    ]
    wildcard: list[str] = []
    reflected: list[str] = []
    credentials = False
    backend_methods = {
        f"{m.http_method} ({m.integration.type})"
        for m in target.resource.methods
        if m.integration is not None and m.integration.type in PROXY_INTEGRATION_TYPES
    }
    for verb, source, parameters in headers:
        for name, value in parameters.items():
            if _header(name) == _ALLOW_ORIGIN:
                if _literal(value) == "*":
                    wildcard.append(source)
                elif _reflects_origin(value):
                    reflected.append(source)
                elif _from_backend(value) and verb:
                    backend_methods.add(f"{verb} (mapped from the integration's response)")
            if _header(name) == _ALLOW_CREDENTIALS and _literal(value).lower() == "true":
                credentials = True
    decided_by_backend = (
        "the Access-Control-Allow-Origin of "
        + ", ".join(sorted(backend_methods))
        + " is set by the backend, which the configuration does not show"
        if backend_methods
        else None
    )
    return CorsExposure(tuple(wildcard), tuple(reflected), credentials, decided_by_backend)
