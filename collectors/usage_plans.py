"""Usage plans (apigateway): one paginated GetUsagePlans per region, bound to the stages they name.

A plan lists the API stages it applies to, each with optional per-method throttles; the plan's
own throttle and quota apply to every API key of the plan, on each of those stages. REST APIs
only: HTTP and WebSocket APIs have no usage plans. Which keys a plan has is read later, once
per plan an in-scope stage is bound to (``collectors.usage_plan_keys``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from collectors.model import Throttle, UsagePlanBinding
from collectors.parsing import PAGE, items_of

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_apigateway.type_defs import ThrottleSettingsTypeDef

UsagePlans = Mapping[tuple[str, str], tuple[UsagePlanBinding, ...]]  # (API id, stage) -> plans


def list_usage_plans(client: APIGatewayClient) -> UsagePlans:
    """Every usage plan of the region, as bindings keyed by (API id, stage name)."""
    bindings: dict[tuple[str, str], list[UsagePlanBinding]] = {}
    for plan in items_of(client.get_paginator("get_usage_plans").paginate(PaginationConfig=PAGE)):
        quota = plan.get("quota") or {}
        for api_stage in plan.get("apiStages", []):
            binding = UsagePlanBinding(
                plan_id=plan["id"],
                plan_name=plan.get("name", ""),
                throttle=_throttle(plan.get("throttle")),
                quota_limit=quota.get("limit"),
                quota_period=quota.get("period"),
                method_throttles={
                    key: _throttle(value) or Throttle(rate_limit=None, burst_limit=None)
                    for key, value in (api_stage.get("throttle") or {}).items()
                },
            )
            key = (api_stage["apiId"], api_stage["stage"])
            bindings.setdefault(key, []).append(binding)
    return {key: tuple(value) for key, value in bindings.items()}


def _throttle(raw: ThrottleSettingsTypeDef | None) -> Throttle | None:
    if not raw:
        return None
    rate = raw.get("rateLimit")
    return Throttle(
        rate_limit=float(rate) if rate is not None else None,
        burst_limit=raw.get("burstLimit"),
    )
