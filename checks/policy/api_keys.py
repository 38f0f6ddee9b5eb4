"""Which API keys can call a method that requires one, and what their usage plans hold them to.

Since usage plans exist (August 2016), API Gateway lets a request through a method with
``apiKeyRequired`` only when its key is one of the keys of a usage plan bound to the stage;
any other key is refused with 403 (``InvalidKeyParameter``), and so is a disabled key
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html).
Where the key comes from does not change that: the ``X-API-Key`` header (``apiKeySource``
HEADER) or the ``usageIdentifierKey`` a Lambda authorizer returns (AUTHORIZER) are both matched
against the plans' keys. A key in no plan bound to the stage therefore calls nothing here and
is no finding, and a stage with no plan refuses every key. Legacy ``stageKeys`` grant nothing
any more: the migration to usage plans copied them into default plans, which are read as any
other (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-create-usage-plans.html).

A key belongs to at most one usage plan per API stage
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html),
so that plan's limits are the key's on the stage: the throttle the plan applies to the method
(its per-method throttle, else its own: ``checks.policy.traffic.plan_throttle``, as
APIGW-THROTTLE-001 reads it) and its quota. A key is without limits when its plan sets
neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from checks.policy.hardening import NotApplicable
from checks.policy.labels import label
from checks.policy.traffic import plan_throttle, sets_limit, stage_usage_plans
from collectors.model import Inventory, RegionApiKeys, UsagePlanBinding, usage_plan_ref
from collectors.targets import RestMethodTarget, require

THROTTLE_OF_PLAN = "the plan's throttle"


def _named(name: str, identifier: str) -> str:
    """``gold (a1b2c3)``: names are not unique, ids are."""
    return f"{name} ({identifier})" if name else identifier


@dataclass(frozen=True)
class PlanLimits:
    """What one usage plan bound to the stage holds each of its keys to, on the method."""

    plan: str  # "gold (a1b2c3)"
    rate_limit: float | None  # requests per second; None: not set
    burst_limit: int | None
    throttle_from: str | None  # the plan's per-method throttle for the method, or its own
    quota_limit: int | None  # requests per quota_period; None: no quota
    quota_period: str | None  # DAY, WEEK or MONTH

    @property
    def limited(self) -> bool:
        return self.throttle_from is not None or self.quota_limit is not None

    def describe(self) -> str:
        """``no throttle, no quota``, ``10 rps, burst 5; quota 1,000 per DAY``..."""
        if self.throttle_from is None:
            throttle = "no throttle"
        else:
            rate = "no rate" if self.rate_limit is None else f"{self.rate_limit:,g} rps"
            burst = "no burst" if self.burst_limit is None else f"burst {self.burst_limit:,}"
            throttle = f"{rate}, {burst}"
        if self.quota_limit is None:
            return f"{throttle}, no quota"
        return f"{throttle}; quota {self.quota_limit:,} per {self.quota_period or '?'}"


@dataclass(frozen=True)
class ApiKeyLimits:
    """The API keys that can call the method, each with the limits of its plan."""

    key_source: str  # HEADER or AUTHORIZER (apiKeySource)
    plans: tuple[PlanLimits, ...]  # every usage plan bound to the stage
    callers: Mapping[str, PlanLimits]  # each enabled key of those plans -> its plan
    disabled: tuple[str, ...]  # keys of those plans that are disabled: refused

    @property
    def unlimited(self) -> dict[str, PlanLimits]:
        return {key: plan for key, plan in self.callers.items() if not plan.limited}


def _plan_limits(plan: UsagePlanBinding, target: RestMethodTarget) -> PlanLimits:
    throttle = plan_throttle(plan, target)
    throttle_from = None
    if throttle is not None and sets_limit(throttle):
        throttle_from = (
            THROTTLE_OF_PLAN
            if throttle == plan.throttle
            else f"the plan's throttle for {target.method.http_method} {target.resource.path}"
        )
    return PlanLimits(
        plan=_named(plan.plan_name, plan.plan_id),
        rate_limit=throttle.rate_limit if throttle is not None and throttle_from else None,
        burst_limit=throttle.burst_limit if throttle is not None and throttle_from else None,
        throttle_from=throttle_from,
        quota_limit=plan.quota_limit,
        quota_period=plan.quota_period if plan.quota_limit is not None else None,
    )


def api_key_limits(target: RestMethodTarget, inventory: Inventory) -> ApiKeyLimits | NotApplicable:
    """The keys that can call the method as the stage serves it, and their plans' limits.
    Raises ``DataUnavailable`` when the stage's usage plans, a plan's keys (GetUsagePlanKeys)
    or, for plans with keys, the region's keys (GetApiKeys) could not be read."""
    if not target.method.api_key_required:
        return NotApplicable(
            f"{label(target)} does not require an API key (apiKeyRequired=false): usage plans "
            "do not apply to it"
        )
    region = target.api.region
    plans = stage_usage_plans(target)
    region_keys: RegionApiKeys | None = None
    callers: dict[str, PlanLimits] = {}
    disabled: list[str] = []
    all_limits = tuple(_plan_limits(plan, target) for plan in plans)
    for plan, limits in zip(plans, all_limits, strict=True):
        key_ids = require(
            plan.api_key_ids,
            inventory.errors,
            "GetUsagePlanKeys",
            f"the key list of usage plan {limits.plan}",
            target=usage_plan_ref(region, plan.plan_id),
        )
        if key_ids and region_keys is None:
            region_keys = require(
                inventory.region_api_keys(region),
                inventory.errors,
                "GetApiKeys",
                f"the API key list of {region}",
                target=region,
            )
        for key_id in key_ids:
            key = region_keys.key(key_id) if region_keys is not None else None
            # a key GetApiKeys did not list (made since) is judged as enabled: fail closed
            name = key.describe() if key is not None else key_id
            if key is not None and not key.enabled:
                disabled.append(name)
            else:
                callers[name] = limits
    return ApiKeyLimits(
        key_source=target.api.api_key_source or "HEADER",  # AWS's default when unset
        plans=all_limits,
        callers=callers,
        disabled=tuple(disabled),
    )
