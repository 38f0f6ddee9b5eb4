"""API keys: every key that can call a method is held to a throttle or a quota."""

from __future__ import annotations

import pytest

from checks import Severity, check
from checks.policy import ApiKeyLimits, NotApplicable, PlanLimits, label, some
from collectors.targets import RestMethodTarget

NO_PLAN = (
    "no usage plan is bound to this stage: API Gateway refuses every API key on this method "
    "(403), so no key can call it"
)
NOT_MIGRATED = (
    "the region has not migrated to usage plans (GetAccount's features lack UsagePlans): the "
    "keys whose stageKeys name this stage call the method without any limit"
)


def _plan_evidence(plan: PlanLimits, keys: list[str]) -> dict[str, object]:
    return {
        "throttle": (
            None
            if plan.throttle_from is None
            else {
                "rate_limit": plan.rate_limit,
                "burst_limit": plan.burst_limit,
                "from": plan.throttle_from,
            }
        ),
        "quota": (
            None
            if plan.quota_limit is None
            else {"limit": plan.quota_limit, "period": plan.quota_period}
        ),
        "api_keys": keys,
    }


@check(
    id="APIGW-KEY-001",
    issue_type="API Key Without Limits",
    severity=Severity.MEDIUM,
    security_impact="Whoever holds the key (keys ship inside client code and leak) can call "
    "the method as fast and as often as the account-wide limit allows, running up backend "
    "cost and starving the key's other users.",
    remediation=(
        "Give the usage plan a throttle (rate and burst) and a quota, or a per-method "
        "throttle for this method, or move the key to a plan that has them.",
        "In a region not yet migrated to usage plans, enable them (the console's Enable "
        "Usage Plans, or UpdateAccount adding UsagePlans to /features): the keys' stages are "
        "copied into default plans, which start without limits: give them some.",
        "Do not count on API keys for access control: pair them with an authorizer.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-create-usage-plans.html",
    ),
    posture=("api_key_plans", "unlimited_api_keys"),
)
def test_api_keys_are_throttled_or_capped(
    rest_method: RestMethodTarget,
    method_api_keys: ApiKeyLimits | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """API keys that can call a method are limited by their usage plan

    A method requiring an API key admits the enabled keys of the usage plans bound to its
    stage, whether the caller sends the key or a Lambda authorizer returns it; any other key,
    and a disabled one, is refused. Each such key must be held by its plan to a throttle for
    the method (the plan's per-method throttle, else its own) or to a quota: a plan with
    neither lets one leaked key call the method as much as the account allows. In a region
    of an account from before 11 August 2016 that has not migrated to usage plans, the
    enabled keys whose stageKeys name the stage call it too, with no limit at all: each is a
    finding.
    """
    if isinstance(method_api_keys, NotApplicable):
        pytest.skip(method_api_keys.reason)
    keys = method_api_keys
    unlimited = keys.unlimited
    evidence.update(
        api_key_source=keys.key_source,
        usage_plans_enabled=keys.usage_plans_enabled,
        api_key_plans={
            plan.plan: _plan_evidence(
                plan, sorted(key for key, of in keys.callers.items() if of.plan == plan.plan)
            )
            for plan in keys.plans
        },
        unlimited_api_keys=sorted(unlimited),
        disabled_api_keys=list(keys.disabled),
        judged_on=rest_method.served_from,
    )
    if not keys.usage_plans_enabled:
        evidence.update(stage_api_keys=list(keys.stage_keys), note=NOT_MIGRATED)
    elif not keys.plans:
        evidence["note"] = NO_PLAN
    findings = [f"{key} ({why})" for key, why in unlimited.items()]
    assert not unlimited, (
        f"{label(rest_method)} can be called with API keys no usage plan limits: "
        f"{some(sorted(findings))}"
    )
