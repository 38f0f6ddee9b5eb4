"""What happens behind the gateway: integration timeouts, response caching, X-Ray tracing."""

from __future__ import annotations

from checks.policy.settings import method_caches
from collectors.model import (
    HTTP_INTEGRATION_TIMEOUT_DEFAULT_MS,
    REST_INTEGRATION_TIMEOUT_DEFAULT_MS,
    WEBSOCKET_INTEGRATION_TIMEOUT_DEFAULT_MS,
)
from collectors.targets import (
    RestMethodTarget,
    RestStageTarget,
    V2RouteTarget,
    V2StageTarget,
)


def integration_uri(target: RestMethodTarget | V2RouteTarget) -> str | None:
    integration = target.integration
    return integration.uri if integration is not None else None


def integration_timeout_ms(target: RestMethodTarget | V2RouteTarget) -> int:
    """How long API Gateway waits for the integration before answering 504: the configured
    ``timeoutInMillis``, else the API type's default (29 s REST and WebSocket, 30 s HTTP)."""
    configured = target.integration.timeout_ms if target.integration is not None else None
    if isinstance(target, RestMethodTarget):
        return configured or REST_INTEGRATION_TIMEOUT_DEFAULT_MS
    if target.api.protocol_type == "WEBSOCKET":
        return configured or WEBSOCKET_INTEGRATION_TIMEOUT_DEFAULT_MS
    return configured or HTTP_INTEGRATION_TIMEOUT_DEFAULT_MS


def caching_status(target: RestMethodTarget) -> str:
    """``ENABLED``; ``DISABLED`` (the stage has a cache cluster, but this method's effective
    ``cachingEnabled``, its own setting else, for a GET, ``*/*``, is off, or its effective
    cache TTL is 0); ``CLUSTER_OFF`` (no cache)."""
    if not target.stage.cache_cluster_enabled:
        return "CLUSTER_OFF"
    caches = method_caches(target.stage, target.resource.path, target.method.http_method)
    return "ENABLED" if caches else "DISABLED"


def xray_tracing(target: RestStageTarget | V2StageTarget) -> str:
    """``ENABLED``, ``DISABLED``, or ``UNSUPPORTED``: HTTP and WebSocket APIs have no X-Ray."""
    if isinstance(target, V2StageTarget):
        return "UNSUPPORTED"
    return "ENABLED" if target.stage.tracing_enabled else "DISABLED"
