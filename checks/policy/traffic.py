"""How much traffic an operation lets through, and whether what it accepts is validated."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from collectors.model import Throttle, method_settings_key
from collectors.targets import RestMethodTarget, V2RouteTarget, require

# The account-level throttle every API in a region shares unless something lower applies.
ACCOUNT_RATE_LIMIT = 10_000.0
ACCOUNT_BURST_LIMIT = 5_000

NONE = "none"

# --- Throttling --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectiveThrottle:
    """The limits that apply to an operation, and the setting each comes from."""

    rate_limit: float | None  # requests per second; None: no limit below the account's
    burst_limit: int | None
    source: str  # "method settings ~1pets~1{id}/GET", "stage default */*", "usage plan x", "none"

    @property
    def has_limit(self) -> bool:
        return self.rate_limit is not None or self.burst_limit is not None

    @property
    def below_account_defaults(self) -> bool:
        return (
            self.rate_limit is not None
            and self.rate_limit < ACCOUNT_RATE_LIMIT
            and self.burst_limit is not None
            and self.burst_limit < ACCOUNT_BURST_LIMIT
        )


def _limit(value: float | None) -> float | None:
    # Negative (Terraform writes -1) means "not set": that level sets no limit.
    return value if value is not None and value >= 0 else None


def _first_set(
    levels: Sequence[tuple[str, float | None]],
) -> tuple[float | None, str | None]:
    for source, value in levels:
        if _limit(value) is not None:
            return value, source
    return None, None


def _resolve(levels: Sequence[tuple[str, Throttle | None]]) -> EffectiveThrottle:
    """Rate and burst each from the most specific level that sets them."""
    rate, rate_source = _first_set([(s, t.rate_limit) for s, t in levels if t is not None])
    burst, burst_source = _first_set([(s, t.burst_limit) for s, t in levels if t is not None])
    if rate_source == burst_source:
        source = rate_source or NONE
    else:
        source = f"{rate_source or NONE} (rate), {burst_source or NONE} (burst)"
    return EffectiveThrottle(rate, int(burst) if burst is not None else None, source)


def _usage_plan_level(target: RestMethodTarget) -> tuple[str, Throttle | None]:
    """The least restrictive throttle among the usage plans bound to the API stage: a caller
    gets the plan of the key they hold, so the most generous plan is the real limit."""
    stage = target.stage
    plans = require(
        stage.usage_plans,
        target.api.errors,
        "GetUsagePlans",
        f"the usage plans of {target.api.name}/{stage.name}",
    )
    if not plans:
        return NONE, None
    method_key = f"{target.resource.path}/{target.method.http_method}"
    throttles = [plan.method_throttles.get(method_key) or plan.throttle for plan in plans]
    rates = [_limit(t.rate_limit) if t else None for t in throttles]
    bursts = [_limit(t.burst_limit) if t else None for t in throttles]
    names = ", ".join(plan.plan_name or plan.plan_id for plan in plans)
    return (
        f"usage plan {names}",
        Throttle(
            None if None in rates else max(r for r in rates if r is not None),
            None if None in bursts else int(max(b for b in bursts if b is not None)),
        ),
    )


def effective_throttle(target: RestMethodTarget | V2RouteTarget) -> EffectiveThrottle:
    """The throttle API Gateway applies to the operation, in AWS precedence.

    REST: the method's entry in the stage's methodSettings, else the stage default ``*/*``,
    else, only when the method requires an API key, the usage plans bound to the API stage
    (their per-method override first). HTTP/WebSocket: the route's settings, else the stage's
    default route settings. Raises ``DataUnavailable`` when the usage plans are needed but were
    not collected.
    """
    if isinstance(target, V2RouteTarget):
        stage = target.stage
        route = stage.route_settings.get(target.route.route_key)
        default = stage.default_route_settings
        return _resolve(
            [
                (f"route settings {target.route.route_key}", route.throttle if route else None),
                ("stage default route settings", default.throttle if default else None),
            ]
        )
    key = method_settings_key(target.resource.path, target.method.http_method)
    settings = {setting.key: setting.throttle for setting in target.stage.method_settings}
    levels = [
        (f"method settings {key}", settings.get(key)),
        ("stage default */*", settings.get("*/*")),
    ]
    if target.method.api_key_required:
        # Usage-plan throttles are enforced per API key, so they only ever apply to requests
        # that must carry one; a method without apiKeyRequired is not protected by them.
        levels.append(_usage_plan_level(target))
    return _resolve(levels)


# --- Request validation ------------------------------------------------------------------------

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def request_validation(target: RestMethodTarget) -> str:
    """What the method's request validator validates: ``NONE``, ``BODY``, ``PARAMETERS`` or
    ``FULL``. Raises ``DataUnavailable`` if the API's validators were not collected."""
    validator_id = target.method.request_validator_id
    if validator_id is None:
        return "NONE"
    api = target.api
    validators = require(
        api.request_validators,
        api.errors,
        "GetRequestValidators",
        f"the request validators of {api.name}",
    )
    validator = next((v for v in validators if v.id == validator_id), None)
    if validator is None:
        return "NONE"  # AWS refuses dangling ids; an unknown one validates nothing
    return {
        (True, True): "FULL",
        (True, False): "BODY",
        (False, True): "PARAMETERS",
        (False, False): "NONE",
    }[(validator.validate_request_body, validator.validate_request_parameters)]


def accepted_inputs(target: RestMethodTarget) -> tuple[str, ...]:
    """What a request to the method carries that a validator could check: ``body`` (POST, PUT,
    PATCH or declared request models) and ``parameters`` (declared request parameters)."""
    method = target.method
    inputs: list[str] = []
    if method.http_method in BODY_METHODS or method.request_models:
        inputs.append("body")
    if method.request_parameters:
        inputs.append("parameters")
    return tuple(inputs)


def unvalidated_inputs(target: RestMethodTarget) -> tuple[str, ...]:
    """The accepted inputs the attached validator does not validate."""
    validated = {
        "NONE": (),
        "BODY": ("body",),
        "PARAMETERS": ("parameters",),
        "FULL": ("body", "parameters"),
    }[request_validation(target)]
    return tuple(part for part in accepted_inputs(target) if part not in validated)
