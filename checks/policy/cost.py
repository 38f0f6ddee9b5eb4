"""What an API costs: REST-only features in use, request counts, the saving of an HTTP API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from checks.policy.logged_window import logged_days
from collectors.errors import DataUnavailable
from collectors.model import (
    HTTP_INTEGRATION_TIMEOUT_DEFAULT_MS,
    PROXY_INTEGRATION_TYPES,
    Inventory,
)
from collectors.targets import (
    RestApiTarget,
    RestStageTarget,
    V2StageTarget,
    is_mock_preflight,
    require,
)

# What only REST APIs can do, per AWS's comparison
# (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vs-rest.html):
# edge-optimized and private endpoints; backend client certificates, AWS WAF, resource
# policies; API keys, usage plans (per-client throttling); caching, custom gateway
# responses, canary release deployments, request validation, request body transformation
# (mapping templates); mock integrations; X-Ray tracing, execution logs, access logs to
# Firehose. Amazon Cognito user pool authorizers are not listed: an HTTP API's JWT
# authorizer takes Cognito tokens.


# A REST stage's cache cluster is billed by the hour for as long as it is provisioned,
# whatever it serves: USD per hour by cacheClusterSize (GB), us-east-1, as listed under
# "Caching" on https://aws.amazon.com/api-gateway/pricing/ (other regions cost more).
CACHE_PRICE_PER_HOUR: Mapping[str, float] = {
    "0.5": 0.020,
    "1.6": 0.038,
    "6.1": 0.200,
    "13.5": 0.250,
    "28.4": 0.500,
    "58.2": 1.000,
    "118": 1.900,
    "237": 3.800,
}
HOURS_PER_MONTH = 730  # AWS's pricing examples' month


@dataclass(frozen=True)
class Pricing:
    """USD per million requests (defaults: us-east-1, first pricing tier), and per hour of a
    cache cluster by size."""

    rest_per_million: float = 3.50
    http_per_million: float = 1.00
    cache_per_hour: Mapping[str, float] = field(default_factory=lambda: CACHE_PRICE_PER_HOUR)

    def cache_monthly_cost(self, size: str | None) -> float | None:
        """USD a month for a cache cluster of ``size`` GB; ``None`` for a size not priced."""
        price = self.cache_per_hour.get(size or "")
        return None if price is None else round(price * HOURS_PER_MONTH, 2)


def rest_only_features(target: RestApiTarget) -> Mapping[str, bool]:
    """Each feature only REST APIs have, and whether the API uses it on any of its stages
    (moving to an HTTP API moves them all). Raises ``DataUnavailable`` if the resources, the
    gateway responses or the usage plans were not collected."""
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
    # MOCK preflights are not counted: an HTTP API with a CORS configuration answers
    # preflights itself. An OPTIONS method with a backend is a method like any other.
    methods = [m for r in resources for m in r.methods if not is_mock_preflight(m)]
    customised_responses = require(
        api.gateway_responses,
        api.errors,
        "GetGatewayResponses",
        f"the gateway responses of {api.name}",
    )
    return {
        "edge_optimized_endpoint": "EDGE" in api.endpoint_types,
        "waf": any(stage.web_acl_arn for stage in stages),
        "api_keys_or_usage_plans": any(m.api_key_required for m in methods) or any(usage_plans),
        "request_validators": any(m.request_validator_id for m in methods),
        "caching": any(stage.cache_cluster_enabled for stage in stages),
        "private_endpoint": "PRIVATE" in api.endpoint_types,
        "resource_policy": api.policy is not None,
        "xray_tracing": any(stage.tracing_enabled for stage in stages),
        "non_proxy_integrations": any(
            m.integration is not None and m.integration.type not in PROXY_INTEGRATION_TYPES
            for m in methods
        ),
        "mapping_templates": any(
            m.integration is not None and m.integration.request_template_content_types
            for m in methods
        ),
        "client_certificate": any(stage.client_certificate_id for stage in stages),
        # Regional and private REST APIs can wait longer than 29 s for an integration; an HTTP
        # API's limit is 30 s (.../limits.html, .../http-api-quotas.html).
        "integration_timeout_over_30s": any(
            m.integration is not None
            and (m.integration.timeout_ms or 0) > HTTP_INTEGRATION_TIMEOUT_DEFAULT_MS
            for m in methods
        ),
        "canary_release": any(stage.canary_deployment_id for stage in stages),
        "custom_gateway_responses": any(not r.default_response for r in customised_responses),
        "execution_logs": any(
            setting.logging_level not in (None, "OFF")
            for stage in stages
            for setting in stage.method_settings
        ),
        "firehose_access_logs": any(
            ":firehose:" in (stage.access_log_destination or "") for stage in stages
        ),
    }


def stage_request_count(target: RestStageTarget | V2StageTarget) -> float:
    """The stage's requests in the last 30 days; ``DataUnavailable`` with the reason (the
    stage's own CloudWatch gap first) when CloudWatch could not tell."""
    return require(
        target.stage.request_count_30d,
        target.api.errors,
        "GetMetricData",
        f"the request count of {target.api.name}/{target.stage.name}",
        target.inventory_key,
    )


METRICS_DAYS = 30  # the window of the stages' CloudWatch request counts
METRICS_SOURCE = "CloudWatch metrics"


@dataclass(frozen=True)
class StageRequests:
    """A stage's requests in the last ``days`` days, and where they were counted."""

    requests: float
    source: str  # METRICS_SOURCE, or "access logs (N days)"
    days: int


def stage_requests(target: RestStageTarget | V2StageTarget, inventory: Inventory) -> StageRequests:
    """The stage's requests from CloudWatch (30 days); when CloudWatch could not tell, the
    requests its access logs showed (``--traffic-days``), provided their window is the same 30
    days and their log group keeps them that long: a shorter one says nothing of the days it
    did not read, and in a longer one the requests may all predate them (a stage unused for a
    month would pass).
    Else ``DataUnavailable`` with CloudWatch's reason, and why the logs could not stand in."""
    try:
        return StageRequests(stage_request_count(target), METRICS_SOURCE, METRICS_DAYS)
    except DataUnavailable as unavailable:
        traffic = inventory.traffic
        where = (target.api.region, target.api.id, target.stage.name)
        found = None if traffic is None else traffic.stage(*where)
        if traffic is None or found is None or found.operations is None or found.not_readable:
            raise
        if found.truncated:
            why = "its access-log query hit Logs Insights' 10,000-row limit"
        elif traffic.days != METRICS_DAYS:
            why = (
                f"its access logs were read for {traffic.days} days, not {METRICS_DAYS} "
                f"(--traffic-days {METRICS_DAYS} would answer)"
            )
        elif (kept := logged_days(found, inventory)) != METRICS_DAYS:
            why = f"its log group keeps {kept} days of access logs, not {METRICS_DAYS}"
        else:
            observed = sum(row.requests for row in found.operations)
            return StageRequests(observed, f"access logs ({traffic.days} days)", traffic.days)
        raise DataUnavailable(f"{unavailable}; {why}") from unavailable


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
