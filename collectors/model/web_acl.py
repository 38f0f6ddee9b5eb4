"""AWS WAF web ACLs in front of in-scope stages (wafv2 GetWebACL), summarised rule by rule.

A web ACL is kept as what it evaluates, in order: the Firewall Manager rule groups that run
first, its own rules, the Firewall Manager rule groups that run last; each with its action
(a rule of its own) or override action (a rule group), and what its statement is. Only what
the audit judges is read of a statement: a rate-based rule's limit, a managed rule group's
vendor, name and the rules whose action the web ACL overrides, a referenced rule group's ARN,
a size constraint's field, operator, size and oversize handling; ``And``/``Or``/``Not``
keep their statements. Anything else is kept by kind alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple


@dataclass(frozen=True, kw_only=True, slots=True)
class WafStatement:
    """A rule statement: ``kind`` is its Statement member without "Statement" (``RateBased``,
    ``ManagedRuleGroup``, ``RuleGroupReference``, ``SizeConstraint``, ``SqliMatch``,
    ``XssMatch``, ``And``, ``Or``, ``Not``, ``ByteMatch``...); the other fields are set for
    the kinds they belong to."""

    kind: str
    rate_limit: int | None = None  # RateBased: requests per evaluation window
    evaluation_window_sec: int | None = None  # RateBased (AWS's default: 300)
    vendor_name: str | None = None  # ManagedRuleGroup
    name: str | None = None  # ManagedRuleGroup
    # ManagedRuleGroup: the group's rules whose action the web ACL overrides, rule -> the
    # action used instead (RuleActionOverrides' ActionToUse; the legacy ExcludedRules: Count)
    rule_action_overrides: Mapping[str, str] = field(default_factory=dict)
    arn: str | None = None  # RuleGroupReference
    # a statement inspecting a request component (SizeConstraint, SqliMatch, ByteMatch...):
    # its FieldToMatch member ("Body", "UriPath", ...)
    field_to_match: str | None = None
    comparison_operator: str | None = None  # SizeConstraint: EQ, NE, LE, LT, GE, GT
    size: int | None = None  # SizeConstraint, bytes
    # Body/JsonBody: what WAF does with a body larger than it inspects (CONTINUE, MATCH,
    # NO_MATCH); None: not given (AWS's default is CONTINUE)
    oversize_handling: str | None = None
    # RateBased, ManagedRuleGroup: only requests it matches are counted or inspected
    scope_down: WafStatement | None = None
    statements: tuple[WafStatement, ...] = ()  # And, Or; Not: its one statement
    # RateBased: what it counts requests by: IP (AWS's default), FORWARDED_IP, CUSTOM_KEYS or
    # CONSTANT; None: not read (a snapshot written before it was collected)
    aggregate_key_type: str | None = None
    custom_keys: tuple[str, ...] = ()  # RateBased CUSTOM_KEYS: each key's kind (IP, Header...)
    # a statement inspecting a request component: its TextTransformations' types, in priority
    # order (NONE: none); None: not read (a snapshot written before they were collected)
    text_transformations: tuple[str, ...] | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class WebAclRule:
    """A rule of a web ACL, or a Firewall Manager rule group around it."""

    name: str
    priority: int
    action: str | None  # a rule of its own: Block, Allow, Count, Captcha, Challenge
    # a rule group: "Count", or "None" (the member of {"None": {}}: its rules' own actions
    # apply); a rule of its own has none (Python None)
    override_action: str | None
    statement: WafStatement


@dataclass(frozen=True, kw_only=True, slots=True)
class WebAcl:
    """A WAFv2 web ACL (GetWebACL), under the ARN stages and distributions name it by."""

    arn: str
    name: str
    id: str
    scope: str  # REGIONAL or CLOUDFRONT
    # Allow or Block: what happens to a request no rule terminated; None: the answer gave none
    default_action: str | None
    rules: tuple[WebAclRule, ...]
    # Rule groups a Firewall Manager policy runs before and after the web ACL's own rules.
    pre_process_firewall_manager_rule_groups: tuple[WebAclRule, ...] = ()
    post_process_firewall_manager_rule_groups: tuple[WebAclRule, ...] = ()
    # AssociationConfig.RequestBody: resource type (API_GATEWAY, CLOUDFRONT...) -> how much of
    # a body it forwards for inspection (KB_16...KB_64); a type not named forwards 16 KB.
    body_inspection_limits: Mapping[str, str] = field(default_factory=dict)

    @property
    def evaluated(self) -> tuple[WebAclRule, ...]:
        """Every rule and rule group, in the order AWS WAF evaluates them: lowest priority
        first within each of the three sets
        (https://docs.aws.amazon.com/waf/latest/APIReference/API_Rule.html)."""
        return (
            *_by_priority(self.pre_process_firewall_manager_rule_groups),
            *_by_priority(self.rules),
            *_by_priority(self.post_process_firewall_manager_rule_groups),
        )


def _by_priority(rules: tuple[WebAclRule, ...]) -> list[WebAclRule]:
    return sorted(rules, key=lambda rule: rule.priority)


class WebAclRef(NamedTuple):
    """A WAFv2 web ACL as its ARN names it."""

    arn: str
    region: str  # where GetWebACL is called: us-east-1 for CLOUDFRONT
    scope: Literal["REGIONAL", "CLOUDFRONT"]
    name: str
    id: str


# arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>, or .../global/webacl/... for
# CloudFront (always us-east-1).
_WEB_ACL_ARN = re.compile(
    r"^arn:aws[a-z-]*:wafv2:(?P<region>[a-z0-9-]+):\d{12}:"
    r"(?P<scope>regional|global)/webacl/(?P<name>[^/]+)/(?P<id>[^/]+)$"
)
# AWS WAF Classic: a CloudFront distribution names its web ACL by id, a GUID
# (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html,
# WebACLId); a stage by ARN, arn:aws:waf-regional:<region>:<account>:webacl/<id>, and the
# global (CloudFront) ARN is arn:aws:waf::<account>:webacl/<id>.
_WAF_CLASSIC = re.compile(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    r"|^arn:aws[a-z-]*:(waf-regional:[a-z0-9-]+|waf:):\d{12}:webacl/[^/]+$",
    re.IGNORECASE,
)


def web_acl_ref(web_acl_id: str | None) -> WebAclRef | None:
    """The WAFv2 web ACL an ARN names; ``None`` for anything else (``is_waf_classic`` tells a
    WAF Classic one from what this audit does not know)."""
    match = _WEB_ACL_ARN.match(web_acl_id or "")
    if match is None:
        return None
    return WebAclRef(
        match.string,
        match["region"],
        "CLOUDFRONT" if match["scope"] == "global" else "REGIONAL",
        match["name"],
        match["id"],
    )


def is_waf_classic(web_acl_id: str) -> bool:
    """Whether a stage's ``webAclArn`` or a distribution's ``WebACLId`` names an AWS WAF
    Classic web ACL."""
    return _WAF_CLASSIC.match(web_acl_id) is not None
