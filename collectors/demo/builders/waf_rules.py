"""AWS WAF rules in the shape CreateWebACL and UpdateWebACL take, for ``AccountBuilder.web_acl``.

Each builder returns one rule without its priority: the web ACL numbers its rules in the
order given. Managed rule groups take ``OverrideAction`` (``None``, or ``Count`` for count
mode) and the rules of their own web ACL ``Action``, as AWS requires.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Rule = dict[str, Any]

COMMON_RULE_SET = "AWSManagedRulesCommonRuleSet"
KNOWN_BAD_INPUTS = "AWSManagedRulesKnownBadInputsRuleSet"
SQL_INJECTION_RULE_SET = "AWSManagedRulesSQLiRuleSet"


def visibility(name: str) -> dict[str, Any]:
    return {
        "SampledRequestsEnabled": False,
        "CloudWatchMetricsEnabled": False,
        "MetricName": name,
    }


def _rule(name: str, statement: dict[str, Any], action: str) -> Rule:
    return {
        "Name": name,
        "Statement": statement,
        "Action": {action: {}},
        "VisibilityConfig": visibility(name),
    }


def rate_based(
    name: str = "RateLimit",
    *,
    limit: int = 2_000,
    action: str = "Block",
    scope_down: dict[str, Any] | None = None,
    aggregate_key_type: str = "IP",
    custom_keys: Sequence[dict[str, Any]] = (),
) -> Rule:
    """Requests per IP above ``limit`` in five minutes are refused (``action="Count"``:
    counted only); with ``scope_down``, only the requests that statement matches count.
    ``aggregate_key_type`` FORWARDED_IP counts by X-Forwarded-For, CUSTOM_KEYS by
    ``custom_keys`` (``{"IP": {}}``, ``{"Header": {...}}``...), CONSTANT all together."""
    statement: dict[str, Any] = {"Limit": limit, "AggregateKeyType": aggregate_key_type}
    if aggregate_key_type == "FORWARDED_IP":
        statement["ForwardedIPConfig"] = {
            "HeaderName": "X-Forwarded-For",
            "FallbackBehavior": "NO_MATCH",
        }
    if custom_keys:
        statement["CustomKeys"] = list(custom_keys)
    if scope_down:
        statement["ScopeDownStatement"] = scope_down
    return _rule(name, {"RateBasedStatement": statement}, action)


def managed_group(
    group: str,
    *,
    vendor: str = "AWS",
    count_mode: bool = False,
    overrides: Mapping[str, str] | None = None,
    excluded: Sequence[str] = (),
    scope_down: dict[str, Any] | None = None,
) -> Rule:
    """A managed rule group; ``count_mode`` sets ``OverrideAction: Count``, ``overrides``
    the action of some of its rules (RuleActionOverrides), ``excluded`` the legacy
    ExcludedRules (counted), ``scope_down`` the only requests it inspects."""
    statement: dict[str, Any] = {"VendorName": vendor, "Name": group}
    if scope_down:
        statement["ScopeDownStatement"] = scope_down
    if overrides:
        statement["RuleActionOverrides"] = [
            {"Name": rule, "ActionToUse": {action: {}}} for rule, action in overrides.items()
        ]
    if excluded:
        statement["ExcludedRules"] = [{"Name": rule} for rule in excluded]
    return {
        "Name": f"{vendor}-{group}",
        "Statement": {"ManagedRuleGroupStatement": statement},
        "OverrideAction": {"Count": {}} if count_mode else {"None": {}},
        "VisibilityConfig": visibility(group),
    }


def body_size_limit(
    name: str = "BodySizeLimit",
    size: int = 8_192,
    *,
    operator: str = "GT",
    oversize_handling: str = "CONTINUE",
    action: str = "Block",
    transformation: str = "NONE",
) -> Rule:
    """Requests whose body's size compares ``operator`` ``size`` bytes are refused, the body
    compared after ``transformation`` (NONE: as received)."""
    return _rule(
        name,
        {
            "SizeConstraintStatement": {
                "FieldToMatch": {"Body": {"OversizeHandling": oversize_handling}},
                "ComparisonOperator": operator,
                "Size": size,
                "TextTransformations": [{"Priority": 0, "Type": transformation}],
            }
        },
        action,
    )


def sql_injection(name: str = "SqlInjection", *, action: str = "Block") -> Rule:
    """A rule of the web ACL's own refusing SQL injection in the query string."""
    return _rule(
        name,
        {
            "SqliMatchStatement": {
                "FieldToMatch": {"QueryString": {}},
                "TextTransformations": [{"Priority": 0, "Type": "URL_DECODE"}],
            }
        },
        action,
    )


def uri_path_starts_with(prefix: str) -> dict[str, Any]:
    """A statement matching the requests whose URI path starts with ``prefix``."""
    return {
        "ByteMatchStatement": {
            "SearchString": prefix.encode(),
            "FieldToMatch": {"UriPath": {}},
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
            "PositionalConstraint": "STARTS_WITH",
        }
    }


# AWS WAF has no statement matching every request: a URI path is never shorter than 0 bytes.
EVERY_REQUEST: dict[str, Any] = {
    "SizeConstraintStatement": {
        "FieldToMatch": {"UriPath": {}},
        "ComparisonOperator": "GE",
        "Size": 0,
        "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
    }
}


def allow(name: str = "AllowAll", statement: dict[str, Any] | None = None) -> Rule:
    """Requests matching ``statement`` (every request unless given) are let through: no rule
    after this one sees them."""
    return _rule(name, statement or EVERY_REQUEST, "Allow")


def rule_group(name: str, arn: str) -> Rule:
    """A rule group of the account's own, by ARN."""
    return {
        "Name": name,
        "Statement": {"RuleGroupReferenceStatement": {"ARN": arn}},
        "OverrideAction": {"None": {}},
        "VisibilityConfig": visibility(name),
    }


def blocking_common_attacks() -> list[Rule]:
    """A rate-based rule and AWS's core rule set, known bad inputs and SQL injection groups,
    all blocking: what APIGW-WAF-002 asks of a web ACL."""
    return [
        rate_based(),
        managed_group(COMMON_RULE_SET),
        managed_group(KNOWN_BAD_INPUTS),
        managed_group(SQL_INJECTION_RULE_SET),
    ]
