"""What the estate costs: REST APIs that could be HTTP APIs, and stages nobody calls."""

from __future__ import annotations

from collections.abc import Mapping

from checks import Severity, check
from checks.policy import (
    METRICS_SOURCE,
    Pricing,
    StageRequests,
    api_request_count_30d,
    label,
    monthly_saving,
)
from collectors.targets import RestApiTarget, RestStageTarget, V2StageTarget


@check(
    id="APIGW-COST-001",
    issue_type="Cost Optimization Opportunity",
    severity=Severity.LOW,
    security_impact="The API pays REST API prices (about 3.5 times HTTP API prices) for "
    "features it does not use.",
    remediation=(
        "Move the API to an HTTP API (Lambda and HTTP proxy integrations, JWT and Lambda "
        "authorizers, CORS and throttling are all available there).",
        "Keep it a REST API if you are about to adopt WAF, usage plans, validation, caching, "
        "private endpoints or X-Ray.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vs-rest.html",
        "https://aws.amazon.com/api-gateway/pricing/",
    ),
    posture=("features_used",),
)
def test_rest_api_uses_rest_only_features(
    rest_api: RestApiTarget,
    rest_features: Mapping[str, bool],
    pricing: Pricing,
    evidence: dict[str, object],
) -> None:
    """REST APIs use a feature only REST APIs have

    A REST API that uses none of AWS's REST-only features (an edge-optimized or PRIVATE
    endpoint, WAF, a resource policy, API keys and usage plans, request validators, caching,
    custom gateway responses, canary releases, mapping templates or other non-proxy and mock
    integrations, integration timeouts over 30 s, X-Ray, execution logs, Firehose access
    logs, client certificates) would work as an HTTP API at a fraction of the price per
    request.
    """
    used = [name for name, in_use in rest_features.items() if in_use]
    requests = api_request_count_30d(rest_api)
    saving = monthly_saving(requests, pricing)
    evidence.update(
        features_checked=dict(rest_features),
        features_used=used,
        # the API's requests: every stage's, added up
        api_requests_30d=round(requests) if requests is not None else None,
        rest_price_per_million=pricing.rest_per_million,
        http_price_per_million=pricing.http_per_million,
        estimated_monthly_saving_usd=saving if saving is not None else "unknown",
    )
    estimate = (
        f"about ${saving:,.2f} a month at {requests:,.0f} requests in 30 days"
        if saving is not None and requests is not None
        else "an unknown amount (request counts could not be read)"
    )
    assert used, (
        f"{label(rest_api)} uses no REST-only feature: as an HTTP API it would save {estimate}"
    )


@check(
    id="APIGW-UNUSED-001",
    issue_type="Unused API",
    severity=Severity.FINOPS,
    security_impact="An unused stage is attack surface and configuration to maintain, "
    "with nobody watching it.",
    remediation=(
        "Confirm with the owners, then delete the stage (or the whole API if no stage is used).",
        "If it must stay, restrict it (authorization, WAF or a private endpoint) and tag it "
        "with its owner.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html",
    ),
    posture=("stage_requests_30d",),
)
def test_stage_serves_traffic(
    stage: RestStageTarget | V2StageTarget,
    request_count: StageRequests,
    unused_threshold: float,
    evidence: dict[str, object],
) -> None:
    """Stages serve traffic

    A production or staging stage with almost no requests in 30 days is likely forgotten:
    still reachable, still exposing its backend, but no longer owned or monitored.
    Counts come from CloudWatch AWS/ApiGateway Count; when those cannot be read, from the
    stage's access logs if they were read (--traffic-days) for 30 days or more, else the
    verdict is unknown.
    """
    requests = request_count.requests
    evidence.update(
        stage_requests_30d=round(requests),  # the stage's total, all its methods together
        threshold=unused_threshold,
        request_count_source=request_count.source,
    )
    assert requests >= unused_threshold, (
        f"stage {label(stage)} served {requests:,.0f} requests in the last "
        f"{request_count.days} days (fewer than {unused_threshold:,.0f})"
        + ("" if request_count.source == METRICS_SOURCE else f", per its {request_count.source}")
    )
