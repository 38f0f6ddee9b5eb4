"""What traffic gets in: throttling and request validation."""

from __future__ import annotations

import pytest

from checks.catalog import Severity, check
from checks.policy import (
    ACCOUNT_BURST_LIMIT,
    ACCOUNT_RATE_LIMIT,
    EffectiveThrottle,
    accepted_inputs,
    label,
    method_settings_key,
    unvalidated_inputs,
)
from collectors.targets import RestMethodTarget, V2RouteTarget


def _finding(operation: RestMethodTarget | V2RouteTarget, throttle: EffectiveThrottle) -> str:
    account = f"{ACCOUNT_RATE_LIMIT:,g} rps, burst {ACCOUNT_BURST_LIMIT:,}"
    if not throttle.has_limit:
        return f"{label(operation)} has no throttle: only the account-wide limits apply ({account})"
    rate = f"{throttle.rate_limit:,g} rps" if throttle.rate_limit is not None else "no rate limit"
    burst = f"burst {throttle.burst_limit:,}" if throttle.burst_limit is not None else "no burst"
    return (
        f"{label(operation)} is not throttled below the account limits "
        f"({rate}, {burst} from {throttle.source}; account: {account})"
    )


@check(
    id="APIGW-THROTTLE-001",
    issue_type="Throttling Vulnerability",
    severity=Severity.HIGH,
    title="Every operation is throttled below the account limits",
    security_impact="One client can flood the operation, exhausting the account-wide "
    "throttle for every API in the region and running up backend cost.",
    remediation=(
        "Set a rate and burst limit on the stage (methodSettings */* for REST, "
        "DefaultRouteSettings for HTTP) and tighter ones on expensive methods or routes.",
        "Do not count on usage-plan throttles for methods that do not require an API key: "
        "they only apply to requests that carry one.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html",
    ),
)
def test_operation_is_throttled(
    operation: RestMethodTarget | V2RouteTarget,
    throttle: EffectiveThrottle,
    evidence: dict[str, object],
) -> None:
    """Every operation is throttled below the account limits

    Without its own limit an operation shares the account's 10,000 requests per second
    (burst 5,000) with every other API in the region, so one noisy or hostile client can
    starve them all. The effective limit follows AWS precedence: the method's own setting,
    else the stage default, else (only for methods that require an API key) the usage plan.
    """
    evidence.update(
        rate_limit=throttle.rate_limit,
        burst_limit=throttle.burst_limit,
        source=throttle.source,
        account_rate_limit=ACCOUNT_RATE_LIMIT,
        account_burst_limit=ACCOUNT_BURST_LIMIT,
    )
    if isinstance(operation, RestMethodTarget):
        method = operation.method
        evidence.update(
            method_settings_key=method_settings_key(operation.resource.path, method.http_method),
            api_key_required=method.api_key_required,
        )
        if not method.api_key_required and operation.stage.usage_plans:
            evidence["usage_plans_not_applied"] = (
                "usage plans bound to this stage throttle only requests with an API key, "
                "and this method does not require one"
            )
    assert throttle.below_account_defaults, _finding(operation, throttle)


@check(
    id="APIGW-DATA-001",
    issue_type="Data Integrity Risk",
    severity=Severity.HIGH,
    title="What a method accepts is validated at the gateway",
    security_impact="Malformed or malicious input reaches the backend unchecked.",
    remediation=(
        "Attach a request validator that validates the body (with a request model) to methods "
        "that accept one, and one that validates parameters to methods that declare them.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html",
    ),
)
def test_request_input_is_validated(
    operation: RestMethodTarget | V2RouteTarget,
    validation: str | None,
    evidence: dict[str, object],
) -> None:
    """What a method accepts is validated at the gateway

    A method that takes a body (POST, PUT, PATCH or declared request models) or declares
    request parameters should have API Gateway reject requests that do not match before
    they reach (and are billed by) the backend. A method with neither has nothing to validate.
    """
    if not isinstance(operation, RestMethodTarget):
        pytest.skip("HTTP and WebSocket APIs have no request validation: validate in the backend")
    missing = unvalidated_inputs(operation)
    evidence.update(
        validation=validation,
        request_validator_id=operation.method.request_validator_id,
        accepts=list(accepted_inputs(operation)),
        unvalidated=list(missing),
    )
    assert not missing, (
        f"{label(operation)} does not validate the request {' and '.join(missing)} it accepts "
        f"(request validator: {validation})"
    )
