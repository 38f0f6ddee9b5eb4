"""What traffic gets in: throttling and request validation."""

from __future__ import annotations

import pytest

from checks import Severity, check
from checks.policy import (
    EffectiveThrottle,
    Validation,
    label,
)
from collectors.targets import RestMethodTarget, V2RouteTarget


def _finding(operation: RestMethodTarget | V2RouteTarget, throttle: EffectiveThrottle) -> str:
    account = f"{throttle.account_rate_limit:,g} rps, burst {throttle.account_burst_limit:,}"
    if not throttle.configured:
        return (
            f"{label(operation)} has no throttle: only the account-wide limits apply "
            f"({operation.api.region}: {account})"
        )
    return (
        f"{label(operation)} is not throttled below the account limits "
        f"({throttle.rate_limit:,g} rps from {throttle.rate_source}, burst "
        f"{throttle.burst_limit:,} from {throttle.burst_source}; account in "
        f"{operation.api.region}: {account})"
    )


@check(
    id="APIGW-THROTTLE-001",
    issue_type="Throttling Vulnerability",
    severity=Severity.HIGH,
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
    posture=("rate_limit", "burst_limit", "rate_source", "burst_source"),
)
def test_operation_is_throttled(
    operation: RestMethodTarget | V2RouteTarget,
    throttle: EffectiveThrottle,
    evidence: dict[str, object],
) -> None:
    """Every operation is throttled below the account limits

    Without its own limit an operation shares the account's regional limit (GetAccount;
    10,000 requests per second, burst 5,000 by default, lower in some regions) with every
    other API in the region, so one noisy or hostile client can starve them all. The limit a
    caller meets is the tightest of the account limit, the stage's setting for the operation
    (its own method setting or route setting, else the stage default) and, for methods that
    require an API key, the usage plan's per-key limit. Both rate and burst must be below the
    account's.
    """
    evidence.update(
        rate_limit=throttle.rate_limit,
        burst_limit=throttle.burst_limit,
        rate_source=throttle.rate_source,
        burst_source=throttle.burst_source,
        account_rate_limit=throttle.account_rate_limit,
        account_burst_limit=throttle.account_burst_limit,
    )
    if isinstance(operation, RestMethodTarget):
        method = operation.method
        evidence.update(
            method_settings_key=operation.settings_key,
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
    security_impact="Malformed or malicious input reaches the backend unchecked.",
    remediation=(
        "Attach a request validator that validates the body, with a request model for each "
        "content type, to methods that accept one (POST, PUT, PATCH, ANY).",
        "Mark the parameters a method needs as required and attach a validator that "
        "validates parameters.",
        "WebSocket APIs: set the route's ModelSelectionExpression and RequestModels.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-request-validation.html",
    ),
    posture=("validation",),
)
def test_request_input_is_validated(
    operation: RestMethodTarget | V2RouteTarget,
    validation: Validation,
    evidence: dict[str, object],
) -> None:
    """What a method accepts is validated at the gateway

    A method that takes a body (POST, PUT, PATCH, ANY or declared request models) or declares
    request parameters should have API Gateway reject requests that do not match before they
    reach (and are billed by) the backend. A body validator without a request model validates
    nothing (AWS skips validation when no model matches), and a parameters validator checks
    only the parameters marked required. WebSocket routes validate messages against their
    request models; HTTP APIs cannot validate requests.
    """
    if isinstance(operation, V2RouteTarget) and operation.api.protocol_type == "HTTP":
        pytest.skip("HTTP APIs have no request validation: validate in the backend")
    evidence.update(
        validation=validation.validator,
        accepts=list(validation.accepts),
        unvalidated=list(validation.unvalidated),
        judged_on=operation.served_from,
    )
    if isinstance(operation, RestMethodTarget):
        evidence["request_validator"] = operation.method.request_validator_id
    assert not validation.unvalidated, (
        f"{label(operation)} does not validate the request {' and '.join(validation.unvalidated)}"
        f" (request validator: {validation.validator})"
    )
