"""How much traffic an operation lets through, and whether what it accepts is validated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from collectors.errors import DataUnavailable
from collectors.model import AccountSettings, Inventory, Throttle, UsagePlanBinding
from collectors.targets import RestMethodTarget, V2RouteTarget, require

NONE = "none"

# --- Throttling --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectiveThrottle:
    """The limits a caller of an operation meets, and the level that binds each.

    The limit is the tightest of the account's (per region, GetAccount), the stage's setting
    for the operation (REST: the method's own methodSettings entry, else ``*/*``; HTTP and
    WebSocket: the route's settings, else the default route settings) and, for REST methods
    that require an API key, the per-key limit of the usage plan (its per-method throttle
    first). A level that sets nothing does not bind.
    """

    rate_limit: float  # requests per second
    burst_limit: int
    rate_source: str  # "the method setting for GET /pets", "stage default */*", "account limit"
    burst_source: str
    account_rate_limit: float
    account_burst_limit: int

    @property
    def source(self) -> str:
        if self.rate_source == self.burst_source:
            return self.rate_source
        return f"{self.rate_source} (rate), {self.burst_source} (burst)"

    configured: bool  # whether any level below the account sets a rate or burst at all

    @property
    def below_account_defaults(self) -> bool:
        return (
            self.rate_limit < self.account_rate_limit
            and self.burst_limit < self.account_burst_limit
        )


ACCOUNT = "account limit"


def _limit(value: float | None) -> float | None:
    # Negative (Terraform writes -1) means "not set": that level sets no limit.
    return value if value is not None and value >= 0 else None


def _first_set(levels: Sequence[tuple[str, float | None]]) -> tuple[float | None, str]:
    """The most specific level that sets a value: a method's own setting overrides the stage
    default, as AWS documents."""
    for source, value in levels:
        if _limit(value) is not None:
            return value, source
    return None, NONE


def _tightest(candidates: Sequence[tuple[str, float | None]]) -> tuple[float, str]:
    """The lowest set value, and the level it comes from (the first of equals)."""
    values = [(value, source) for source, value in candidates if value is not None and value >= 0]
    value, source = min(values, key=lambda pair: pair[0])
    return value, source


def stage_usage_plans(target: RestMethodTarget) -> tuple[UsagePlanBinding, ...]:
    """The usage plans bound to the method's stage; ``DataUnavailable`` if GetUsagePlans
    failed."""
    stage = target.stage
    return require(
        stage.usage_plans,
        target.api.errors,
        "GetUsagePlans",
        f"the usage plans of {target.api.name}/{stage.name}",
    )


def plan_throttle(plan: UsagePlanBinding, target: RestMethodTarget) -> Throttle | None:
    """The per-key throttle ``plan`` applies to the method: its per-method throttle for it
    (apiStages[].throttle, keyed ``/pets/{id}/GET``), else the plan's own."""
    method_key = f"{target.resource.path}/{target.method.http_method}"
    return plan.method_throttles.get(method_key) or plan.throttle


def sets_limit(throttle: Throttle | None) -> bool:
    """Whether a throttle sets a rate or a burst at all."""
    return throttle is not None and (
        _limit(throttle.rate_limit) is not None or _limit(throttle.burst_limit) is not None
    )


def _usage_plan_level(target: RestMethodTarget) -> tuple[str, Throttle | None]:
    """The per-key limit of the usage plans bound to the API stage: a caller gets the plan of
    the key they hold, so the most generous plan is the limit a caller can count on."""
    plans = stage_usage_plans(target)
    if not plans:
        return NONE, None
    throttles = [plan_throttle(plan, target) for plan in plans]
    rates = [_limit(t.rate_limit) if t else None for t in throttles]
    bursts = [_limit(t.burst_limit) if t else None for t in throttles]
    names = ", ".join(plan.plan_name or plan.plan_id for plan in plans)
    return (
        f"usage plan {names} (per API key)",
        Throttle(
            rate_limit=None if None in rates else max(r for r in rates if r is not None),
            burst_limit=None if None in bursts else int(max(b for b in bursts if b is not None)),
        ),
    )


def _stage_levels(target: RestMethodTarget | V2RouteTarget) -> list[tuple[str, Throttle | None]]:
    """The stage's levels for the operation, most specific first."""
    if isinstance(target, V2RouteTarget):
        stage = target.stage
        route = stage.route_settings.get(target.route.route_key)
        default = stage.default_route_settings
        return [
            (f"route settings {target.route.route_key}", route.throttle if route else None),
            ("stage default route settings", default.throttle if default else None),
        ]
    method, stage_default = target.method_settings()
    return [
        (
            f"the method setting for {target.method.http_method} {target.resource.path}",
            method.throttle if method else None,
        ),
        ("stage default */*", stage_default.throttle if stage_default else None),
    ]


def account_settings(inventory: Inventory, region: str) -> AccountSettings:
    """API Gateway's account settings in ``region``; ``DataUnavailable`` if GetAccount failed."""
    return require(
        inventory.account(region),
        inventory.errors,
        "GetAccount",
        f"the API Gateway account settings of {region}",
        region,
    )


def effective_throttle(
    target: RestMethodTarget | V2RouteTarget, account: AccountSettings
) -> EffectiveThrottle:
    """The throttle a caller of the operation meets. Raises ``DataUnavailable`` when the usage
    plans are needed but were not collected, or the account limits are unknown."""
    levels = _stage_levels(target)
    stage_rate = _first_set([(s, t.rate_limit) for s, t in levels if t is not None])
    stage_burst = _first_set([(s, t.burst_limit) for s, t in levels if t is not None])
    rate_candidates: list[tuple[str, float | None]] = [(stage_rate[1], stage_rate[0])]
    burst_candidates: list[tuple[str, float | None]] = [(stage_burst[1], stage_burst[0])]
    if isinstance(target, RestMethodTarget) and target.method.api_key_required:
        # Usage-plan throttles are enforced per API key, so they only ever apply to requests
        # that must carry one; a method without apiKeyRequired is not protected by them.
        plan_source, plan = _usage_plan_level(target)
        if plan is not None:
            rate_candidates.append((plan_source, plan.rate_limit))
            burst_candidates.append((plan_source, plan.burst_limit))
    account_rate = account.throttle.rate_limit
    account_burst = account.throttle.burst_limit
    if account_rate is None or account_burst is None:
        raise DataUnavailable(f"GetAccount in {account.region} answered no throttleSettings")
    rate, rate_source = _tightest([*rate_candidates, (ACCOUNT, account_rate)])
    burst, burst_source = _tightest([*burst_candidates, (ACCOUNT, account_burst)])
    return EffectiveThrottle(
        rate_limit=float(rate),
        burst_limit=int(burst),
        rate_source=rate_source,
        burst_source=burst_source,
        account_rate_limit=float(account_rate),
        account_burst_limit=int(account_burst),
        configured=any(
            _limit(value) is not None for _, value in (*rate_candidates, *burst_candidates)
        ),
    )


# --- Request validation ------------------------------------------------------------------------

# Methods whose requests carry a body. ANY accepts every verb, bodies included.
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "ANY"})


@dataclass(frozen=True)
class Validation:
    """What the gateway validates of an operation's requests, and what it lets through."""

    validator: str  # NONE, BODY, PARAMETERS, FULL (REST); MODELS (WebSocket)
    accepts: tuple[str, ...]  # "body", "parameters"
    unvalidated: tuple[str, ...]  # each with its reason: "body (no request model ...)"


def _rest_validator(target: RestMethodTarget) -> str:
    """``NONE``, ``BODY``, ``PARAMETERS`` or ``FULL``: what the deployed method's validator
    is set to validate."""
    validator = target.definition.validator(target.method.request_validator_id)
    if validator is None:
        return "NONE"  # none attached (AWS refuses dangling ids)
    return {
        (True, True): "FULL",
        (True, False): "BODY",
        (False, True): "PARAMETERS",
        (False, False): "NONE",
    }[(validator.validate_request_body, validator.validate_request_parameters)]


def request_validation(target: RestMethodTarget | V2RouteTarget) -> Validation:
    """What reaches the backend unvalidated.

    REST (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html):
    a body validator validates a body only against a request model for its content type, and
    skips validation when no model matches, so a body validator on a method with no request
    model validates nothing; a parameters validator checks only that parameters marked
    required are present, so optional parameters are never validated.
    WebSocket routes validate message bodies against ``RequestModels`` chosen by the route's
    ``ModelSelectionExpression``
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-request-validation.html).
    """
    if isinstance(target, V2RouteTarget):
        route = target.route
        if route.route_key in ("$connect", "$disconnect"):
            return Validation("NONE", (), ())  # no message body
        validates = bool(route.request_models) and bool(route.model_selection_expression)
        return Validation(
            "MODELS" if validates else "NONE",
            ("body",),
            () if validates else ("body (the route has no request model to validate messages)",),
        )
    target.require_export()
    method = target.method
    validator = _rest_validator(target)
    accepts: list[str] = []
    unvalidated: list[str] = []
    if method.http_method in BODY_METHODS or method.request_models:
        accepts.append("body")
        if validator not in ("BODY", "FULL"):
            unvalidated.append("body")
        elif not method.request_models:
            unvalidated.append(
                "body (the validator checks bodies against a request model, and the method has "
                "none, so AWS skips validation)"
            )
        elif "$default" not in method.request_models:
            # "If no matching content type is found, request validation is not performed":
            # only a $default model covers a body sent with any other Content-Type.
            unvalidated.append(
                "body (validated only when sent as "
                + ", ".join(sorted(method.request_models))
                + "; any other Content-Type skips validation: add a $default model)"
            )
    # Path parameters are always present (API Gateway cannot route a request without them),
    # and AWS's export lists every one of the resource path: nothing to validate there.
    parameters = {k: v for k, v in method.request_parameters.items() if ".path." not in k}
    if parameters:
        accepts.append("parameters")
        optional = sorted(name for name, required in parameters.items() if not required)
        if validator not in ("PARAMETERS", "FULL"):
            unvalidated.append("parameters")
        elif optional:
            unvalidated.append(
                "parameters (a parameters validator checks only required ones; optional: "
                + ", ".join(optional)
                + ")"
            )
    return Validation(validator, tuple(accepts), tuple(unvalidated))
