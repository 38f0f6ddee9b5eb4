"""The public target fixtures: the names a check asks for, and the targets each one means."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from collectors.path_templates import greedy_route
from collectors.targets.objects import (
    Kind,
    RestMethodTarget,
    Target,
    V2RouteTarget,
    V2StageTarget,
)


def _is_lambda_operation(target: Target) -> bool:
    if isinstance(target, RestMethodTarget) and not target.deployment.exported:
        return True  # its integration is unknown: a target, so that the check says so
    return isinstance(target, (RestMethodTarget, V2RouteTarget)) and target.invokes_lambda


def _is_read_operation(target: Target) -> bool:
    if isinstance(target, RestMethodTarget):
        return target.method.http_method == "GET"
    return isinstance(target, V2RouteTarget) and target.route.route_key.startswith("GET ")


def _is_greedy_operation(target: Target) -> bool:
    """REST methods on a greedy resource (``/{proxy+}``); an HTTP API's ``$default`` route and
    its greedy routes (``ANY /{proxy+}``)."""
    if isinstance(target, RestMethodTarget):
        return "+}" in target.resource.path
    return (
        isinstance(target, V2RouteTarget)
        and target.api.protocol_type == "HTTP"
        and greedy_route(target.route.route_key)
    )


def _has_cors(target: Target) -> bool:
    """REST resources and HTTP API stages; a WebSocket handshake involves no CORS."""
    return not (isinstance(target, V2StageTarget) and target.api.protocol_type == "WEBSOCKET")


def _always(_: Target) -> bool:
    return True


@dataclass(frozen=True)
class FixtureTargets:
    """What a public fixture is parametrized over: kinds, optionally narrowed."""

    kinds: tuple[Kind, ...]
    description: str
    where: Callable[[Target], bool] = _always


# Public fixtures a check can ask for. A check's targets are chosen by its fixture's name.
FIXTURES: dict[str, FixtureTargets] = {
    "rest_api": FixtureTargets((Kind.REST_API,), "each in-scope REST API"),
    "http_api": FixtureTargets((Kind.V2_API,), "each in-scope HTTP/WebSocket API"),
    "api": FixtureTargets((Kind.REST_API, Kind.V2_API), "each in-scope API"),
    "rest_stage": FixtureTargets((Kind.REST_STAGE,), "each in-scope REST stage"),
    "http_stage": FixtureTargets((Kind.V2_STAGE,), "each in-scope HTTP/WebSocket stage"),
    "stage": FixtureTargets((Kind.REST_STAGE, Kind.V2_STAGE), "each in-scope stage"),
    "rest_method": FixtureTargets((Kind.REST_METHOD,), "each REST method x in-scope stage"),
    "http_route": FixtureTargets((Kind.V2_ROUTE,), "each HTTP/WebSocket route x in-scope stage"),
    "operation": FixtureTargets(
        (Kind.REST_METHOD, Kind.V2_ROUTE), "each REST method or HTTP route x in-scope stage"
    ),
    "lambda_operation": FixtureTargets(
        (Kind.REST_METHOD, Kind.V2_ROUTE),
        "each method or route x in-scope stage whose integration invokes Lambda",
        _is_lambda_operation,
    ),
    "read_operation": FixtureTargets(
        (Kind.REST_METHOD, Kind.V2_ROUTE),
        "each GET method or route x in-scope stage",
        _is_read_operation,
    ),
    "greedy_operation": FixtureTargets(
        (Kind.REST_METHOD, Kind.V2_ROUTE),
        "each method on a greedy resource ({proxy+}) or HTTP $default route x in-scope stage",
        _is_greedy_operation,
    ),
    "resource": FixtureTargets(
        (Kind.REST_RESOURCE, Kind.V2_STAGE),
        "each REST resource x in-scope stage; for HTTP APIs (one CORS configuration for all "
        "routes) each API x in-scope stage",
        _has_cors,
    ),
}
