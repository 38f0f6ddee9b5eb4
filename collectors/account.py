"""API Gateway's account settings in a region (GetAccount): one call per region.

The account-level throttle is per account and per region, and is not always 10,000 requests
per second (burst 5,000): several regions default lower and AWS Support raises it on request
(https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html), so the throttle
checks compare against what GetAccount answers. ``cloudwatchRoleArn`` is the role API Gateway
writes execution and access logs with; without it no log is written. ``features`` holds
"UsagePlans" once the region uses usage plans ("the features list includes an entry of
"UsagePlans" when usage plans are enabled": accounts that started before 11 August 2016 may
not have migrated, https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-create-usage-plans.html).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collectors.clients import call_recording_errors
from collectors.model import AccountSettings, CollectionError, Throttle

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient

SERVICE = "apigateway"


def collect_account(
    client: APIGatewayClient, region: str, errors: list[CollectionError]
) -> AccountSettings | None:
    raw = call_recording_errors(errors, SERVICE, "GetAccount", region, client.get_account)
    if raw is None:
        return None
    limits = raw.get("throttleSettings") or {}
    rate = limits.get("rateLimit")
    return AccountSettings(
        region=region,
        throttle=Throttle(
            rate_limit=float(rate) if rate is not None else None,
            burst_limit=limits.get("burstLimit"),
        ),
        cloudwatch_role_arn=raw.get("cloudwatchRoleArn") or None,
        features=tuple(raw.get("features") or ()),
    )
