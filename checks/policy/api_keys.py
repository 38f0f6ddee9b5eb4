"""Which API keys can call a method that requires one, and what their usage plans hold them to.

Since usage plans exist (August 2016), API Gateway lets a request through a method with
``apiKeyRequired`` only when its key is one of the keys of a usage plan bound to the stage;
any other key is refused with 403 (``InvalidKeyParameter``), and so is a disabled key
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html).
Where the key comes from does not change that: the ``X-API-Key`` header (``apiKeySource``
HEADER) or the ``usageIdentifierKey`` a Lambda authorizer returns (AUTHORIZER) are both matched
against the plans' keys. A key in no plan bound to the stage therefore calls nothing here and
is no finding, and a stage with no plan refuses every key.

That holds in a region that uses usage plans: every account that started after 11 August
2016, and older ones once migrated (GetAccount's ``features`` then include "UsagePlans"; the
migration copied each key's stages into default plans, read as any other). Until an older
account migrates, a key reaches the stages its legacy ``stageKeys`` name, with no throttle
nor quota ("In the default usage plan, no throttle or quota limits are set initially ... The
API behaves the same as before",
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-create-usage-plans.html):
each enabled key naming the stage is then without limits.

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
from checks.policy.traffic import account_settings, plan_throttle, sets_limit, stage_usage_plans
from collectors.errors import DataUnavailable
from collectors.model import (
    Inventory,
    RegionApiKeys,
    UsagePlanBinding,
    name_with_id,
    usage_plan_ref,
)
from collectors.targets import RestMethodTarget, require

THROTTLE_OF_PLAN = "the plan's throttle"
STAGE_KEY = "its stageKeys name the stage, and the region has not migrated to usage plans"


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
    usage_plans_enabled: bool  # False: the region has not migrated to usage plans
    plans: tuple[PlanLimits, ...]  # every usage plan bound to the stage
    callers: Mapping[str, PlanLimits]  # each enabled key of those plans -> its plan
    # before the migration, the enabled keys whose stageKeys name the stage: no limit at all
    stage_keys: tuple[str, ...]
    disabled: tuple[str, ...]  # keys of those plans (or stage keys) that are disabled: refused

    @property
    def unlimited(self) -> dict[str, str]:
        """Each key that can call the method without any limit -> why."""
        found = {
            key: f"usage plan {plan.plan}: {plan.describe()}"
            for key, plan in self.callers.items()
            if not plan.limited
        }
        found.update(dict.fromkeys(self.stage_keys, STAGE_KEY))
        return found


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
        plan=name_with_id(plan.plan_name, plan.plan_id),
        rate_limit=throttle.rate_limit if throttle is not None and throttle_from else None,
        burst_limit=throttle.burst_limit if throttle is not None and throttle_from else None,
        throttle_from=throttle_from,
        quota_limit=plan.quota_limit,
        quota_period=plan.quota_period if plan.quota_limit is not None else None,
    )


def _usage_plans_enabled(inventory: Inventory, region: str) -> bool:
    enabled = account_settings(inventory, region).usage_plans_enabled
    if enabled is None:
        raise DataUnavailable(
            f"whether {region} uses usage plans (GetAccount's features) was not read (a "
            "snapshot written before it was collected): collect again"
        )
    return enabled


def _region_keys(inventory: Inventory, region: str) -> RegionApiKeys:
    return require(
        inventory.region_api_keys(region),
        inventory.errors,
        "GetApiKeys",
        f"the API key list of {region}",
        target=region,
    )


def _stage_keys(target: RestMethodTarget, region_keys: RegionApiKeys) -> list[tuple[str, bool]]:
    """The keys whose stageKeys name the method's stage (each with whether it is enabled)."""
    stage = f"{target.api.id}/{target.stage.name}"
    found: list[tuple[str, bool]] = []
    for key in region_keys.keys:
        if key.stage_keys is None:
            raise DataUnavailable(
                f"the stageKeys of API key {key.describe()} were not read (a snapshot written "
                "before they were collected): collect again"
            )
        if stage in key.stage_keys:
            found.append((key.describe(), key.enabled))
    return found


def api_key_limits(target: RestMethodTarget, inventory: Inventory) -> ApiKeyLimits | NotApplicable:
    """The keys that can call the method as the stage serves it, and their plans' limits.
    Raises ``DataUnavailable`` when whether the region uses usage plans (GetAccount), the
    stage's usage plans, a plan's keys (GetUsagePlanKeys) or, where keys must be looked up,
    the region's keys (GetApiKeys) could not be read."""
    if not target.method.api_key_required:
        return NotApplicable(
            f"{label(target)} does not require an API key (apiKeyRequired=false): usage plans "
            "do not apply to it"
        )
    region = target.api.region
    usage_plans_enabled = _usage_plans_enabled(inventory, region)
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
            region_keys = _region_keys(inventory, region)
        for key_id in key_ids:
            key = region_keys.key(key_id) if region_keys is not None else None
            # a key GetApiKeys did not list (made since) is judged as enabled: fail closed
            name = key.describe() if key is not None else key_id
            if key is not None and not key.enabled:
                disabled.append(name)
            else:
                callers[name] = limits
    stage_keys: list[str] = []
    if not usage_plans_enabled:
        for name, enabled in _stage_keys(target, region_keys or _region_keys(inventory, region)):
            (stage_keys if enabled else disabled).append(name)
    return ApiKeyLimits(
        key_source=target.api.api_key_source or "HEADER",  # AWS's default when unset
        usage_plans_enabled=usage_plans_enabled,
        plans=all_limits,
        callers=callers,
        stage_keys=tuple(stage_keys),
        disabled=tuple(dict.fromkeys(disabled)),
    )
