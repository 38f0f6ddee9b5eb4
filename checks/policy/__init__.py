"""The audit's policy as pure functions of one target: no pytest, no boto3.

The checks (``checks/test_*.py``) decide with these, and the reports call them to describe
each resource. A function that needs an inventory section that was not collected raises
``collectors.errors.DataUnavailable`` naming the failed call (the check then errors).

Access (``checks.policy.access``):
    authorization(target: RestMethodTarget | V2RouteTarget) -> Authorization
        .authorization_type, .authorizer_id, .api_key_required, .network_restriction,
        .decided_by ("$connect" for WebSocket routes), .authorized
    network_restriction(target: RestMethodTarget) -> str | None
        PRIVATE API whose resource policy admits only aws:SourceVpce / aws:SourceVpc callers
    waf_status(target: RestStageTarget | V2StageTarget) -> "ENABLED" | "NONE" | "UNSUPPORTED"
    cors_exposure(target: RestResourceTarget | V2StageTarget) -> CorsExposure
        .wildcard_sources (where '*' is allowed), .allow_credentials, .any_origin

Traffic (``checks.policy.traffic``):
    effective_throttle(target: RestMethodTarget | V2RouteTarget) -> EffectiveThrottle
        .rate_limit, .burst_limit, .source, .has_limit, .below_account_defaults
    method_settings_key(path: str, http_method: str) -> str     "~1pets~1{id}/GET"
    request_validation(target: RestMethodTarget) -> "NONE" | "BODY" | "PARAMETERS" | "FULL"
    accepted_inputs(target: RestMethodTarget) -> tuple[str, ...]     ("body", "parameters")
    unvalidated_inputs(target: RestMethodTarget) -> tuple[str, ...]

Backend (``checks.policy.backend``):
    integration_uri(target: RestMethodTarget | V2RouteTarget) -> str | None
    integration_timeout_ms(target: RestMethodTarget | V2RouteTarget) -> int
    caching_status(target: RestMethodTarget) -> "ENABLED" | "DISABLED" | "CLUSTER_OFF"
    xray_tracing(target: RestStageTarget | V2StageTarget) -> "ENABLED" | "DISABLED" | "UNSUPPORTED"

Cost (``checks.policy.cost``):
    rest_only_features(target: RestApiTarget) -> Mapping[str, bool]
    api_request_count_30d(target: RestApiTarget) -> float | None
    monthly_saving(requests_30d: float | None, pricing: Pricing) -> float | None

Wording (``checks.policy.labels``):
    label(target) -> str     "GET /pets on petstore-public/prod"
"""

from checks.policy.access import (
    Authorization,
    CorsExposure,
    authorization,
    cors_exposure,
    network_restriction,
    waf_status,
)
from checks.policy.backend import (
    caching_status,
    integration_timeout_ms,
    integration_uri,
    xray_tracing,
)
from checks.policy.cost import Pricing, api_request_count_30d, monthly_saving, rest_only_features
from checks.policy.labels import label
from checks.policy.traffic import (
    ACCOUNT_BURST_LIMIT,
    ACCOUNT_RATE_LIMIT,
    EffectiveThrottle,
    accepted_inputs,
    effective_throttle,
    request_validation,
    unvalidated_inputs,
)
from collectors.model import method_settings_key

__all__ = [
    "ACCOUNT_BURST_LIMIT",
    "ACCOUNT_RATE_LIMIT",
    "Authorization",
    "CorsExposure",
    "EffectiveThrottle",
    "Pricing",
    "accepted_inputs",
    "api_request_count_30d",
    "authorization",
    "caching_status",
    "cors_exposure",
    "effective_throttle",
    "integration_timeout_ms",
    "integration_uri",
    "label",
    "method_settings_key",
    "monthly_saving",
    "network_restriction",
    "request_validation",
    "rest_only_features",
    "unvalidated_inputs",
    "waf_status",
    "xray_tracing",
]
