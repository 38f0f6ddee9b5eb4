"""What an API costs: REST-only features in use, request counts, the saving of an HTTP API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from collectors.targets import RestApiTarget, require

# Integrations an HTTP API can also do; anything else (AWS, HTTP, MOCK) is a non-proxy
# integration with request/response mapping, which only REST APIs have.
_PROXY_INTEGRATIONS = frozenset({"AWS_PROXY", "HTTP_PROXY"})


@dataclass(frozen=True)
class Pricing:
    """USD per million requests (defaults: us-east-1, first pricing tier)."""

    rest_per_million: float = 3.50
    http_per_million: float = 1.00


def rest_only_features(target: RestApiTarget) -> Mapping[str, bool]:
    """Each feature only REST APIs have, and whether the API uses it on any of its stages
    (moving to an HTTP API moves them all). Raises ``DataUnavailable`` if the resources or
    the usage plans were not collected."""
    api = target.api
    stages = api.stages or ()
    resources = require(api.resources, api.errors, "GetResources", f"the resources of {api.name}")
    usage_plans = [
        require(
            stage.usage_plans,
            api.errors,
            "GetUsagePlans",
            f"the usage plans of {api.name}/{stage.name}",
        )
        for stage in stages
    ]
    # OPTIONS preflight mocks are not counted: an HTTP API answers preflights itself.
    methods = [m for r in resources for m in r.methods if m.http_method != "OPTIONS"]
    return {
        "waf": any(stage.web_acl_arn for stage in stages),
        "api_keys_or_usage_plans": any(m.api_key_required for m in methods) or any(usage_plans),
        "request_validators": any(m.request_validator_id for m in methods),
        "caching": any(stage.cache_cluster_enabled for stage in stages),
        "private_endpoint": "PRIVATE" in api.endpoint_types,
        "resource_policy": api.policy is not None,
        "xray_tracing": any(stage.tracing_enabled for stage in stages),
        "non_proxy_integrations": any(
            m.integration is not None and m.integration.type not in _PROXY_INTEGRATIONS
            for m in methods
        ),
        "client_certificate": any(stage.client_certificate_id for stage in stages),
    }


def api_request_count_30d(target: RestApiTarget) -> float | None:
    """Requests to every stage of the API in the last 30 days; ``None`` if any stage's count
    could not be read."""
    counts = [stage.request_count_30d for stage in target.api.stages or ()]
    if None in counts:
        return None
    return sum(c for c in counts if c is not None)


def monthly_saving(requests_30d: float | None, pricing: Pricing) -> float | None:
    """USD a month saved by serving the same requests from an HTTP API; ``None`` if unknown."""
    if requests_30d is None:
        return None
    saving = requests_30d / 1_000_000 * (pricing.rest_per_million - pricing.http_per_million)
    return round(saving, 2)
