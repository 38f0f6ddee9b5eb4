"""Whether an API Gateway resource policy opens a method to every AWS account: an Allow for
``Principal: "*"`` (or an AWS principal with a wildcard in it) with no condition limiting the
callers' accounts, organisations, networks or principals (for AWS_IAM methods, any signed
caller of any account gets in)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checks.policy.policy_document import (
    VERBS,
    all_of,
    conditions_of,
    covers,
    invokes,
    statements_of,
    strings,
)

# Condition keys that limit callers to named accounts, organisations, networks or principals:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
_CALLER_KEYS = frozenset(
    key.lower()
    for key in (
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:SourceAccount",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:SourceVpce",
        "aws:SourceVpc",
        "aws:SourceIp",
        "aws:VpcSourceIp",
    )
)
_ANYONE_VALUES = frozenset({"*", "0.0.0.0/0", "::/0"})


def open_to_every_account(
    policy: Mapping[str, Any] | None,
    *,
    api_id: str,
    stage: str,
    http_method: str,
    resource_path: str,
) -> tuple[str, ...]:
    """The Allow statements (by Sid, else ``Statement[i]``) that let ``Principal: "*"`` (or
    ``{"AWS": "*"}``) invoke the method with no condition limiting the callers' accounts,
    organisations, networks or principals: any signed caller of any AWS account gets in.
    Empty when a Deny on every principal shuts out all callers but such limited ones, and
    when there is no policy (then only the API's own account's principals can be authorized:
    https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html).
    An ANY method is judged for every verb; an Allow whose conditions cannot be read counts as
    open."""
    statements = list(statements_of(policy))
    method = http_method.upper()
    path = resource_path.removeprefix("/")
    found: list[str] = []
    for verb in VERBS if method == "ANY" else (method,):
        request = f"{api_id}/{stage}/{verb}/{path}"
        if any(_deny_limits(s, request) for _, s in statements if s.get("Effect") == "Deny"):
            continue
        found += [
            label
            for label, statement in statements
            if str(statement.get("Effect")).lower() == "allow" and _open_allow(statement, request)
        ]
    return tuple(dict.fromkeys(found))


def _everyone(statement: Mapping[str, Any], *, partial_wildcards: bool) -> bool:
    """Whether the statement's Principal is every AWS principal: ``"*"`` or ``{"AWS": "*"}``.
    IAM supports no wildcard inside a principal ARN ("You cannot use a wildcard to match part
    of a principal name or ARN",
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html),
    so what ``arn:aws:iam::*:root`` admits cannot be known from the document: an Allow naming it
    is taken as everyone (``partial_wildcards``), a Deny naming it limits no one."""
    if "NotPrincipal" in statement:
        return False
    principal = statement.get("Principal")
    if principal == "*":
        return True
    aws = strings(principal.get("AWS")) if isinstance(principal, Mapping) else None
    if aws is None:
        return False
    return any(value == "*" or (partial_wildcards and "*" in value) for value in aws)


def _open_allow(statement: Mapping[str, Any], request: str) -> bool:
    if (
        not _everyone(statement, partial_wildcards=True)
        or all_of(invokes(statement), covers(statement, request)) is False
    ):
        return False
    conditions = conditions_of(statement)
    return conditions is None or not any(
        _limits_callers(operator, key, value, deny=False) for operator, key, value in conditions
    )


def _deny_limits(statement: Mapping[str, Any], request: str) -> bool:
    """A Deny on every principal whose every condition is true for callers outside named
    accounts, organisations or networks (or that has none): only those get past it."""
    if (
        not _everyone(statement, partial_wildcards=False)
        or all_of(invokes(statement), covers(statement, request)) is not True
    ):
        return False
    conditions = conditions_of(statement)
    return conditions is not None and all(
        _limits_callers(operator, key, value, deny=True) for operator, key, value in conditions
    )


def _limits_callers(operator: str, key: str, value: Any, *, deny: bool) -> bool:
    """Whether a condition on a caller key is true only for named callers (an Allow's), or
    for every caller not named (a Deny's, ``deny``); ``...IfExists`` and ``ForAllValues:`` are
    true when the key is absent, so in an Allow they limit nothing (see _network_pin)."""
    values = strings(value)
    if key.lower() not in _CALLER_KEYS or values is None or _ANYONE_VALUES & set(values):
        return False
    op = operator.lower()
    if op == "null" or (not deny and (op.endswith("ifexists") or op.startswith("forallvalues:"))):
        return False
    return ("not" in op) == deny
