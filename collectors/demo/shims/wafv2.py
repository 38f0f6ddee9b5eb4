"""AWS WAF web ACLs in moto, with what only AWS Firewall Manager writes on them.

moto 5.2 answers GetWebACL by Name, Scope and Id (the form the collector uses) with the
rules, default action and AssociationConfig the web ACL was made or updated with, in
botocore's shape. What it cannot hold is what a Firewall Manager policy adds to a web ACL and
no WAF call sets: the rule groups evaluated before and after the web ACL's own rules
(``PreProcessFirewallManagerRuleGroups``, ``PostProcessFirewallManagerRuleGroups``, each a
``FirewallManagerRuleGroup``: Name, Priority, FirewallManagerStatement, OverrideAction,
VisibilityConfig) and ``ManagedByFirewallManager``
(https://docs.aws.amazon.com/waf/latest/developerguide/waf-policies.html).
``set_firewall_manager_rule_groups`` hangs them on moto's web ACL object, which answers them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from moto.wafv2.models import FakeWebACL, wafv2_backends

from collectors.demo.shims._patching import Function, json_copy, wrap

_FIREWALL_MANAGER = "_apigw_audit_firewall_manager"
DEFAULT_ACCOUNT_ID = "123456789012"  # moto's account for any dummy credentials


def _web_acl_json_with_firewall_manager(original: Function) -> Callable[[Any], dict[str, Any]]:
    def to_dict(self: Any) -> dict[str, Any]:
        body: dict[str, Any] = original(self)
        body.update(getattr(self, _FIREWALL_MANAGER, {}))
        return body

    return to_dict


def set_firewall_manager_rule_groups(
    arn: str,
    pre_process: Sequence[dict[str, Any]] = (),
    post_process: Sequence[dict[str, Any]] = (),
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> None:
    """Make the web ACL ``arn`` of the emulated account one a Firewall Manager policy
    manages, running ``pre_process`` rule groups before its rules and ``post_process`` after
    (call inside ``emulated_aws``)."""
    # moto keeps CLOUDFRONT web ACLs in its "global" backend, REGIONAL ones in their region's
    region = "global" if ":global/" in arn else arn.split(":")[3]
    web_acl = wafv2_backends[account_id][region].wacls[arn]
    setattr(
        web_acl,
        _FIREWALL_MANAGER,
        {
            "PreProcessFirewallManagerRuleGroups": json_copy(list(pre_process)),
            "PostProcessFirewallManagerRuleGroups": json_copy(list(post_process)),
            "ManagedByFirewallManager": True,
        },
    )


def install() -> None:
    wrap(FakeWebACL, "to_dict", _web_acl_json_with_firewall_manager)
