"""The audit's policy as pure functions of one target: no pytest, no boto3.

The checks (``checks/test_*.py``) decide with these, and the reports call them to describe
each resource. A function that needs an inventory section that was not collected raises
``collectors.errors.DataUnavailable`` naming the failed call (the check then errors).

Method- and route-level policy reads what the stage serves: the target's deployed
definition (``target.definition``, ``target.method``); stage-level policy reads the stage.

Access (``checks.policy.access``, ``checks.policy.resource_policy``, ``checks.policy.perimeter``):
    authorization(target: RestMethodTarget | V2RouteTarget) -> Authorization
        .authorization_type, .authorizer_id, .api_key_required, .network_restriction,
        .decided_by ("$connect" for WebSocket routes, or a REST stage's canary deployment),
        .authorized
    network_restriction(api, stage, http_method, path, deployed_policy=None) -> str | None
        PRIVATE API whose resource policy admits only aws:SourceVpce / aws:SourceVpc callers
    invoke_access(policy, api_id=, stage=, http_method=, resource_path=) -> InvokeAccess
    perimeter(target: RestStageTarget | V2StageTarget, inventory) -> Perimeter
        .protected, .protected_by, .open_ways_in (default endpoint, custom domains, VPC)
    cors_exposure(target: RestResourceTarget | V2StageTarget) -> CorsExposure
        .wildcard_sources, .reflected_sources, .allow_credentials, .decided_by_backend

Traffic (``checks.policy.traffic``):
    effective_throttle(target, account: AccountSettings) -> EffectiveThrottle
        .rate_limit, .burst_limit, .rate_source, .burst_source, .below_account_defaults
    request_validation(target: RestMethodTarget | V2RouteTarget) -> Validation
        .validator, .accepts, .unvalidated (each with its reason)

Drift (``checks.policy.drift``):
    definition_drift(target: RestStageTarget | V2StageTarget) -> DefinitionDrift | None

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
)
from checks.policy.backend import (
    caching_status,
    integration_timeout_ms,
    integration_uri,
    xray_tracing,
)
from checks.policy.cost import (
    Pricing,
    api_request_count_30d,
    monthly_saving,
    rest_only_features,
    stage_request_count,
)
from checks.policy.drift import DefinitionDrift, definition_drift
from checks.policy.labels import label
from checks.policy.perimeter import Perimeter, perimeter
from checks.policy.traffic import (
    EffectiveThrottle,
    Validation,
    account_settings,
    effective_throttle,
    request_validation,
)

__all__ = [
    "Authorization",
    "CorsExposure",
    "DefinitionDrift",
    "EffectiveThrottle",
    "Perimeter",
    "Pricing",
    "Validation",
    "account_settings",
    "api_request_count_30d",
    "authorization",
    "caching_status",
    "cors_exposure",
    "definition_drift",
    "effective_throttle",
    "integration_timeout_ms",
    "integration_uri",
    "label",
    "monthly_saving",
    "network_restriction",
    "perimeter",
    "request_validation",
    "rest_only_features",
    "stage_request_count",
    "xray_tracing",
]
