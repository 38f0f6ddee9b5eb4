"""What a stage's settings come to for each method or route it serves.

A REST method takes each setting from its own methodSettings entry (``~1pets/GET``), else
the stage default (``*/*``), else AWS's default; an HTTP or WebSocket route from the stage's
RouteSettings for its route key, else its DefaultRouteSettings, else AWS's default. AWS
writes every field into an entry it creates, so a method's own entry, once it exists,
decides all its settings; a field an entry leaves out is decided by the next level.

Response caching has one more rule: the stage default caches GET methods only ("only GET
methods have caching enabled by default. [...] You can enable caching for other methods by
overriding method settings",
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html), and
nothing is cached without the stage's cache cluster.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from collectors.model import MethodSetting, RestStage, RouteSettings, V2Stage
from collectors.targets import (
    RestStageTarget,
    V2StageTarget,
    is_exempt_preflight,
    is_mock_preflight,
)

OFF = "OFF"  # loggingLevel where nothing sets it


@dataclass(frozen=True)
class OperationSettings:
    """The settings one method or route a stage serves comes to."""

    operation: str  # "GET /pets", "$connect", "POST /cart"
    logging_level: str  # OFF, ERROR, INFO
    data_trace: bool  # full request and response logging
    detailed_metrics: bool  # REST metricsEnabled, HTTP/WebSocket DetailedMetricsEnabled
    caching: bool  # REST: its responses are cached (never for HTTP and WebSocket routes)
    # REST cache settings; None where no entry says (a snapshot written before they were read)
    cache_encrypted: bool | None
    cache_control_authorized: bool | None


def _first(entries: Sequence[MethodSetting | RouteSettings | None], name: str) -> object:
    """The value the most specific entry that sets ``name`` gives it, or ``None``."""
    for entry in entries:
        value = getattr(entry, name, None) if entry is not None else None
        if value is not None:
            return value
    return None


# AWS's cacheTtlInSeconds where an entry gives none; 0 turns caching off ("TTL=0 means caching
# is disabled", https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html)
DEFAULT_CACHE_TTL_SECONDS = 300


def method_caches(stage: RestStage, path: str, http_method: str) -> bool:
    """Whether the method's responses are cached (the cache cluster aside): its effective
    ``cachingEnabled`` is on (its own setting, else, for a GET method, the stage default) and
    its effective ``cacheTtlInSeconds`` is not 0."""
    own, default = stage.settings_for(path, http_method)
    if own is not None and own.caching_enabled is not None:
        enabled = own.caching_enabled
    else:
        enabled = http_method == "GET" and default is not None and bool(default.caching_enabled)
    ttl = _first((own, default), "cache_ttl_seconds")
    return enabled and (DEFAULT_CACHE_TTL_SECONDS if ttl is None else ttl) != 0


def _rest_method(stage: RestStage, path: str, http_method: str) -> OperationSettings:
    entries = stage.settings_for(path, http_method)
    encrypted, authorized = (
        _first(entries, "cache_data_encrypted"),
        _first(entries, "require_authorization_for_cache_control"),
    )
    return OperationSettings(
        operation=f"{http_method} {path}",
        logging_level=str(_first(entries, "logging_level") or OFF).upper(),
        data_trace=bool(_first(entries, "data_trace_enabled")),
        detailed_metrics=bool(_first(entries, "metrics_enabled")),
        caching=stage.cache_cluster_enabled and method_caches(stage, path, http_method),
        cache_encrypted=None if encrypted is None else bool(encrypted),
        cache_control_authorized=None if authorized is None else bool(authorized),
    )


def _route(stage: V2Stage, route_key: str) -> OperationSettings:
    entries = (stage.route_settings.get(route_key), stage.default_route_settings)
    return OperationSettings(
        operation=route_key,
        logging_level=str(_first(entries, "logging_level") or OFF).upper(),
        data_trace=bool(_first(entries, "data_trace_enabled")),
        detailed_metrics=bool(_first(entries, "detailed_metrics_enabled")),
        caching=False,
        cache_encrypted=None,
        cache_control_authorized=None,
    )


def served_settings(target: RestStageTarget | V2StageTarget) -> tuple[OperationSettings, ...]:
    """The settings of every method or route the stage serves (MOCK CORS preflights and
    integration-less OPTIONS routes aside, as for the method checks). Raises
    ``DataUnavailable`` when what the stage serves is unknown."""
    if isinstance(target, RestStageTarget):
        resources = target.served_deployment().definition.resources
        return tuple(
            _rest_method(target.stage, resource.path, method.http_method)
            for resource in resources
            for method in resource.methods
            if not is_mock_preflight(method)
        )
    return tuple(
        _route(target.stage, route.route_key)
        for route in target.served().routes
        if not is_exempt_preflight(route)
    )


def judged_on(target: RestStageTarget | V2StageTarget) -> str:
    """Which definition's methods or routes were judged, in the words of evidence."""
    if isinstance(target, V2StageTarget):
        return target.served_from
    deployment = target.served_deployment()
    return f"deployment {deployment.id} ({deployment.created_date or 'date unknown'})"
