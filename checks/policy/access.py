"""Who may call an operation, from where, and from which browser origins."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from collectors.targets import (
    RestMethodTarget,
    RestResourceTarget,
    RestStageTarget,
    V2RouteTarget,
    V2StageTarget,
    require,
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

    @property
    def authorized(self) -> bool:
        # An API key alone is not here on purpose: keys identify callers for usage plans and
        # ship inside client code, so anyone holding the app holds the key.
        return self.authorization_type != "NONE" or self.network_restriction is not None


def authorization(target: RestMethodTarget | V2RouteTarget) -> Authorization:
    """The authorization actually attached to the operation (an authorizer merely defined on
    the API protects nothing)."""
    if isinstance(target, RestMethodTarget):
        method = target.method
        return Authorization(
            method.authorization_type,
            method.authorizer_id,
            method.api_key_required,
            network_restriction(target),
        )
    route = target.route
    if target.api.protocol_type == "WEBSOCKET" and route.route_key != "$connect":
        # Only $connect can carry an authorizer; every message on the connection inherits it.
        connect = next((r for r in target.api.routes or () if r.route_key == "$connect"), None)
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


_NETWORK_KEYS = frozenset({"aws:sourcevpce", "aws:sourcevpc"})
_INVOKE_ACTIONS = frozenset({"execute-api:invoke", "execute-api:*", "*"})
# "arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/GET/pets" -> api id, resource part
_EXECUTE_API_ARN = re.compile(r"^arn:[^:]+:execute-api:[^:]*:[^:]*:([^/]+)/(.*)$")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return [value] if isinstance(value, (str, Mapping)) else list(value)


def _invokes(statement: Mapping[str, Any]) -> bool:
    if "NotAction" in statement:
        excluded = {str(a).lower() for a in _as_list(statement["NotAction"])}
        return not excluded & _INVOKE_ACTIONS
    return any(str(a).lower() in _INVOKE_ACTIONS for a in _as_list(statement.get("Action")))


def _covers(statement: Mapping[str, Any], api_id: str, method_resource: str) -> bool:
    """Whether the statement applies to ``prod/GET/pets`` of this API.

    ``NotResource`` is not evaluated: such an Allow is taken to cover the method and such a
    Deny not to, so an unusual policy can only make the method look less protected.
    """
    if "NotResource" in statement:
        return statement.get("Effect") == "Allow"
    for pattern in _as_list(statement.get("Resource")):
        pattern = str(pattern)
        if pattern == "*":
            return True
        if pattern.startswith("execute-api:/"):
            part = pattern.removeprefix("execute-api:/")
        elif match := _EXECUTE_API_ARN.match(pattern):
            if not fnmatch.fnmatchcase(api_id, match.group(1)):
                continue
            part = match.group(2)
        else:
            continue
        if fnmatch.fnmatchcase(method_resource, part):
            return True
    return False


def _network_conditions(statement: Mapping[str, Any], *, negated: bool) -> Iterator[str]:
    """``aws:SourceVpce=vpce-1`` for each condition pinning named VPC endpoints or VPCs:
    ``StringEquals``/``StringLike`` in an Allow, ``StringNotEquals``/``StringNotLike`` in a
    Deny (``negated``). ``...IfExists`` in an Allow, ``Null``, and values with wildcards pin
    nothing: they also admit requests from any endpoint."""
    expected = ("stringnotequals", "stringnotlike") if negated else ("stringequals", "stringlike")
    for operator, conditions in (statement.get("Condition") or {}).items():
        # "ForAnyValue:StringEquals" -> "stringequals"; IfExists only matters in an Allow
        base = operator.lower().rpartition(":")[2]
        if negated:
            base = base.removesuffix("ifexists")
        if base not in expected or not isinstance(conditions, Mapping):
            continue
        for key, value in conditions.items():
            values = [str(v) for v in _as_list(value)]
            if key.lower() in _NETWORK_KEYS and values and not any("*" in v for v in values):
                yield f"{key}={','.join(values)}"


def network_restriction(target: RestMethodTarget) -> str | None:
    """For a PRIVATE REST API, the resource-policy condition that lets only callers from a VPC
    (endpoint) invoke this method; ``None`` when anyone else could invoke it.

    Either every Allow of ``execute-api:Invoke`` covering the method is conditioned on
    ``aws:SourceVpce``/``aws:SourceVpc``, or a Deny covering it applies to every request not
    from the VPC (endpoint) (``StringNotEquals``), the pattern the AWS documentation uses.
    """
    api = target.api
    if "PRIVATE" not in api.endpoint_types or not isinstance(api.policy, Mapping):
        return None
    method_resource = f"{target.stage.name}/{target.method.http_method}{target.resource.path}"
    statements = [
        s
        for s in _as_list(api.policy.get("Statement"))
        if isinstance(s, Mapping) and _invokes(s) and _covers(s, api.id, method_resource)
    ]
    allows = [s for s in statements if s.get("Effect") == "Allow"]
    if not allows:
        return None
    for deny in (s for s in statements if s.get("Effect") == "Deny"):
        conditions = list(_network_conditions(deny, negated=True))
        if conditions:
            return "resource policy denies Invoke unless " + " and ".join(conditions)
    allowed_under: list[str] = []
    for allow in allows:
        conditions = list(_network_conditions(allow, negated=False))
        if not conditions:
            return None
        allowed_under += conditions
    return "resource policy allows Invoke only with " + " or ".join(sorted(set(allowed_under)))


# --- Perimeter ---------------------------------------------------------------------------------


def waf_status(target: RestStageTarget | V2StageTarget) -> str:
    """``ENABLED`` (a WAFv2 web ACL is associated), ``NONE``, or ``UNSUPPORTED``: AWS WAF cannot
    be associated with HTTP or WebSocket APIs."""
    if isinstance(target, V2StageTarget):
        return "UNSUPPORTED"
    return "ENABLED" if target.stage.web_acl_arn else "NONE"


# --- CORS --------------------------------------------------------------------------------------

_ALLOW_ORIGIN = "access-control-allow-origin"
_ALLOW_CREDENTIALS = "access-control-allow-credentials"


@dataclass(frozen=True)
class CorsExposure:
    """Where browsers are told that any origin may read the responses."""

    wildcard_sources: tuple[str, ...]  # "OPTIONS integration response 204", ...
    allow_credentials: bool

    @property
    def any_origin(self) -> bool:
        return bool(self.wildcard_sources)


def _header(name: str) -> str:
    """``method.response.header.Access-Control-Allow-Origin`` -> ``access-control-allow-origin``"""
    return name.rpartition(".")[2].lower()


def _literal(value: str) -> str:
    """A mapping value as the header will carry it: ``'*'`` is the static value ``*``."""
    return value.strip().strip("'\"").strip()


def cors_exposure(target: RestResourceTarget | V2StageTarget) -> CorsExposure:
    """The CORS headers of a REST resource (every method's integration responses, preflight
    or not, any status code, and the API's gateway responses) or of an HTTP API
    (``CorsConfiguration``). Raises ``DataUnavailable`` if gateway responses were not
    collected."""
    if isinstance(target, V2StageTarget):
        cors = target.api.cors
        if cors is None:
            return CorsExposure((), False)
        wildcard = ("CorsConfiguration.AllowOrigins",) if "*" in cors.allow_origins else ()
        return CorsExposure(wildcard, cors.allow_credentials)
    api = target.api
    gateway_responses = require(
        api.gateway_responses,
        api.errors,
        "GetGatewayResponses",
        f"the gateway responses of {api.name}",
    )
    headers: list[tuple[str, Mapping[str, str]]] = [
        (f"{method.http_method} integration response {status}", parameters)
        for method in target.resource.methods
        if method.integration is not None
        for status, parameters in sorted(method.integration.response_parameters.items())
    ]
    headers += [
        (f"gateway response {response.response_type}", response.response_parameters)
        for response in gateway_responses
    ]
    sources: list[str] = []
    credentials = False
    for source, parameters in headers:
        for name, value in parameters.items():
            if _header(name) == _ALLOW_ORIGIN and _literal(value) == "*":
                sources.append(source)
            if _header(name) == _ALLOW_CREDENTIALS and _literal(value).lower() == "true":
                credentials = True
    return CorsExposure(tuple(sources), credentials)
