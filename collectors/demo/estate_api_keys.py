"""The demo estate's API keys: partner-feeds serves GET /feeds to key holders, on prod through
a plan with a throttle and a quota, on staging through one with neither
(``collectors.demo.estate`` builds them last, so that the ids of what was built before never
change)."""

from __future__ import annotations

from collectors.demo.builders import AccountBuilder, RestApiBuilder


def partner_feeds() -> None:
    """acme-feed calls prod at 20 rps (burst 10), 100,000 requests a month; beta-feed calls
    staging without any limit; retired-feed, disabled, and orphan-feed, in no plan, call
    nothing."""
    account = AccountBuilder("us-east-1")
    api = RestApiBuilder("partner-feeds", tags={"team": "partners"})
    api.method("GET", "/feeds", authorization="AWS_IAM", api_key_required=True)
    api.stage("prod")
    api.stage("staging")
    limited = api.usage_plan("prod", rate=20, burst=10)
    unlimited = api.usage_plan("staging", rate=None, burst=None, quota=None)
    account.api_key("acme-feed", limited)
    account.api_key("retired-feed", limited, enabled=False)
    account.api_key("beta-feed", unlimited)
    account.api_key("orphan-feed")
