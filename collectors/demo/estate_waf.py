"""The demo estate's web ACL rules: the three web ACLs the estate already has get their rules
(``collectors.demo.estate`` sets them last, so that the ids of what was built before never
change, and APIGW-WAF-001's verdicts, which need only the associations, stay as they were).

- ``petstore-prod-acl`` (petstore-public/prod) blocks what APIGW-WAF-002 asks: a rate-based
  rule and AWS's core rule set, known bad inputs and SQL injection groups;
- ``stock-acl`` (inventory-api/prod) runs the core rule set and known bad inputs in count
  mode, as a team left it after "trying WAF out", with no rate-based rule: a finding;
- ``notify-edge`` (CloudFront in front of notifications-http) counts the core rule set's
  ``SizeRestrictions_BODY`` for larger uploads and limits bodies to 12 KB with a rule of its
  own, below the 16 KB CloudFront forwards for inspection: it passes.
"""

from __future__ import annotations

from collectors.demo.builders import AccountBuilder
from collectors.demo.builders.clients import aws_client
from collectors.demo.builders.waf_rules import (
    COMMON_RULE_SET,
    KNOWN_BAD_INPUTS,
    SQL_INJECTION_RULE_SET,
    blocking_common_attacks,
    body_size_limit,
    managed_group,
    rate_based,
)


def _web_acl_arns(scope: str) -> dict[str, str]:
    listed = aws_client("wafv2", "us-east-1").list_web_acls(Scope=scope)["WebACLs"]
    return {str(acl["Name"]): str(acl["ARN"]) for acl in listed}


def web_acl_rules() -> None:
    account = AccountBuilder("us-east-1")
    regional, edge = _web_acl_arns("REGIONAL"), _web_acl_arns("CLOUDFRONT")
    account.web_acl_rules(regional["petstore-prod-acl"], blocking_common_attacks())
    account.web_acl_rules(
        regional["stock-acl"],
        [
            managed_group(COMMON_RULE_SET, count_mode=True),
            managed_group(KNOWN_BAD_INPUTS, count_mode=True),
            managed_group(SQL_INJECTION_RULE_SET),
        ],
    )
    account.web_acl_rules(
        edge["notify-edge"],
        [
            rate_based(limit=1_000),
            managed_group(COMMON_RULE_SET, overrides={"SizeRestrictions_BODY": "Count"}),
            managed_group(KNOWN_BAD_INPUTS),
            managed_group(SQL_INJECTION_RULE_SET),
            body_size_limit(size=12_288),
        ],
    )
