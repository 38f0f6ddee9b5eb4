"""Who an API Gateway resource policy lets invoke one REST API method on one stage.

Pure functions of the policy document. The question asked of every statement is the one an
auditor cares about: could a caller that does NOT come from the named VPC endpoints or VPCs
still invoke the method? Statements that cannot be read are taken the unsafe way: an Allow
that might apply admits such callers, a Deny protects nothing.

Region, account and partition in ``execute-api`` ARNs are taken to match: the policy is
attached to this API, and API Gateway itself writes them when it saves ``execute-api:/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

# An ANY method is invoked with the verb of each request, and that verb is in the ARN.
_VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_INVOKE = "execute-api:Invoke"
_SHORT_FORM = "execute-api:/"
# Condition key names are case-insensitive:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
_NETWORK_KEYS = {"aws:sourcevpce": "aws:SourceVpce", "aws:sourcevpc": "aws:SourceVpc"}
# Operators that, on a network key, are true only for requests from the named endpoints/VPCs
# (an Allow's pin), or true for every request not from them (a Deny's pin). See _network_pin.
_ALLOW_PINS = {f"{q}string{o}" for q in ("", "foranyvalue:") for o in ("equals", "like")}
_DENY_PINS = {
    f"{q}stringnot{o}{e}"
    for q in ("", "forallvalues:")
    for o in ("equals", "like")
    for e in ("", "ifexists")
}

Verdict = bool | None  # None: the statement cannot be read on this point


@dataclass(frozen=True)
class InvokeAccess:
    """Who the resource policy lets invoke a method, judged for callers outside the VPC."""

    allowed: bool  # some Allow grants execute-api:Invoke on this method (to someone)
    # when every way in requires the caller to come from named VPC endpoints/VPCs, how
    network_pinned: str | None
    # Allow statements (by Sid, else "Statement[i]") that admit callers without a network pin
    unpinned_statements: tuple[str, ...]


def invoke_access(
    policy: Mapping[str, Any] | None,
    *,
    api_id: str,
    stage: str,
    http_method: str,
    resource_path: str,
) -> InvokeAccess:
    """What ``policy`` says about invoking ``http_method resource_path`` on ``stage``.

    An ANY method is judged for every verb: allowed if allowed for one, pinned only if
    pinned for all. ``network_pinned`` is also set when a Deny shuts out every caller, and
    is None when no Allow covers the method and no Deny pins it: same-account callers that
    their own IAM policies allow (AWS_IAM methods) need no Allow here to invoke it:
    https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html
    """
    statements = list(_statements(policy))
    if not statements:
        return InvokeAccess(False, None, ())
    method = http_method.upper()
    path = resource_path.removeprefix("/")  # "/" -> "prod/GET/", "/pets" -> "prod/GET/pets"
    verdicts = [
        _for_request(statements, f"{api_id}/{stage}/{verb}/{path}")
        for verb in (_VERBS if method == "ANY" else (method,))
    ]
    pins = [v.network_pinned for v in verdicts]
    return InvokeAccess(
        any(v.allowed for v in verdicts),
        "; ".join(dict.fromkeys(p for p in pins if p)) if all(pins) else None,
        tuple(dict.fromkeys(s for v in verdicts for s in v.unpinned_statements)),
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
    statements = list(_statements(policy))
    method = http_method.upper()
    path = resource_path.removeprefix("/")
    found: list[str] = []
    for verb in _VERBS if method == "ANY" else (method,):
        request = f"{api_id}/{stage}/{verb}/{path}"
        if any(_deny_limits(s, request) for _, s in statements if s.get("Effect") == "Deny"):
            continue
        found += [
            label
            for label, statement in statements
            if str(statement.get("Effect")).lower() == "allow" and _open_allow(statement, request)
        ]
    return tuple(dict.fromkeys(found))


def _everyone(statement: Mapping[str, Any]) -> bool:
    principal = statement.get("Principal")
    aws = _strings(principal.get("AWS")) if isinstance(principal, Mapping) else None
    return "NotPrincipal" not in statement and (
        principal == "*" or (aws is not None and "*" in aws)
    )


def _open_allow(statement: Mapping[str, Any], request: str) -> bool:
    if not _everyone(statement) or _all(_invokes(statement), _covers(statement, request)) is False:
        return False
    conditions = _conditions(statement)
    return conditions is None or not any(
        _limits_callers(operator, key, value, deny=False) for operator, key, value in conditions
    )


def _deny_limits(statement: Mapping[str, Any], request: str) -> bool:
    """A Deny on every principal whose every condition is true for callers outside named
    accounts, organisations or networks (or that has none): only those get past it."""
    if (
        not _everyone(statement)
        or _all(_invokes(statement), _covers(statement, request)) is not True
    ):
        return False
    conditions = _conditions(statement)
    return conditions is not None and all(
        _limits_callers(operator, key, value, deny=True) for operator, key, value in conditions
    )


def _limits_callers(operator: str, key: str, value: Any, *, deny: bool) -> bool:
    """Whether a condition on a caller key is true only for named callers (an Allow's), or
    for every caller not named (a Deny's, ``deny``); ``...IfExists`` and ``ForAllValues:`` are
    true when the key is absent, so in an Allow they limit nothing (see _network_pin)."""
    values = _strings(value)
    if key.lower() not in _CALLER_KEYS or values is None or _ANYONE_VALUES & set(values):
        return False
    op = operator.lower()
    if op == "null" or (not deny and (op.endswith("ifexists") or op.startswith("forallvalues:"))):
        return False
    return ("not" in op) == deny


def _statements(policy: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(label, statement) for each statement; a single statement need not be in a list."""
    if not isinstance(policy, Mapping):
        return
    statements = policy.get("Statement")
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list):
        return
    for index, statement in enumerate(statements):
        if isinstance(statement, Mapping):  # anything else cannot grant anything
            sid = statement.get("Sid")
            yield (sid if isinstance(sid, str) and sid else f"Statement[{index}]"), statement


def _for_request(statements: list[tuple[str, Mapping[str, Any]]], request: str) -> InvokeAccess:
    """The verdict for one request resource, ``API-ID/STAGE/VERB/PATH``."""
    allowed = False
    denied: str | None = None  # how the first Deny that pins the method does it
    unpinned: list[str] = []
    allow_pins: list[str] = []
    for label, statement in statements:
        effect = statement.get("Effect")
        if effect == "Deny":
            denied = denied or _deny_pin(statement, request)
        elif str(effect).lower() == "allow":  # "allow" is malformed, yet may be an Allow
            applies = _applies(statement, request) if effect == "Allow" else None
            if applies is False:
                continue
            allowed = True
            pins = _allow_pins(statement) if applies else None
            if pins:
                allow_pins.append(" and ".join(pins))
            else:
                unpinned.append(label)
    # An explicit Deny overrides any Allow:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
    if denied:
        return InvokeAccess(allowed, denied, ())
    if allowed and not unpinned:
        pinned = "resource policy allows Invoke only with " + " or ".join(dict.fromkeys(allow_pins))
        return InvokeAccess(True, pinned, ())
    return InvokeAccess(allowed, None, tuple(unpinned))


def _applies(statement: Mapping[str, Any], request: str) -> Verdict:
    """Whether an Allow grants Invoke on the request to anyone, conditions aside."""
    # NotPrincipal "must be used with Deny"; with Allow it is unsupported, hence unreadable:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
    principal = statement.get("Principal")
    readable = "NotPrincipal" not in statement and (
        principal == "*" or (isinstance(principal, Mapping) and bool(principal))
    )
    return _all(_invokes(statement), _covers(statement, request), True if readable else None)


def _deny_pin(statement: Mapping[str, Any], request: str) -> str | None:
    """How a Deny shuts out every caller not from the named VPC endpoints/VPCs, if it does.

    It must name every principal (principals a NotPrincipal exempts may call from anywhere),
    and each of its conditions must be a negated network condition: any other condition is
    ANDed, so outside callers for whom it is false escape the Deny.
    """
    principal = statement.get("Principal")
    aws = _strings(principal.get("AWS")) if isinstance(principal, Mapping) else None
    everyone = principal == "*" or (aws is not None and "*" in aws)
    if "NotPrincipal" in statement or not everyone:
        return None
    if _all(_invokes(statement), _covers(statement, request)) is not True:
        return None
    conditions = _conditions(statement)
    if conditions is None:
        return None
    if not conditions:
        return "resource policy denies Invoke to every caller"
    pins = [_network_pin(operator, key, value, deny=True) for operator, key, value in conditions]
    if not all(pins):
        return None
    return "resource policy denies Invoke unless " + " or ".join(p for p in pins if p)


def _allow_pins(statement: Mapping[str, Any]) -> list[str] | None:
    """The network conditions an Allow requires (ANDed with the rest), or None."""
    conditions = _conditions(statement)
    if conditions is None:
        return None
    pins = [_network_pin(operator, key, value, deny=False) for operator, key, value in conditions]
    return [p for p in pins if p] or None


def _network_pin(operator: str, key: str, value: Any, *, deny: bool) -> str | None:
    """``aws:SourceVpce=vpce-1,vpce-2`` when the condition is true for a request from those
    endpoints only (Allow) or for every request not from them (Deny, ``deny``).

    A key absent from the request (no VPC endpoint) makes ``StringEquals`` false and
    ``StringNotEquals`` true; ``...IfExists`` and ``ForAllValues:`` make any operator true:
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
    So in an Allow they pin nothing, and in a Deny they still deny outsiders. Values with
    wildcards or policy variables (``vpce-*``, ``${aws:SourceVpce}``) name no endpoint.
    """
    name = _NETWORK_KEYS.get(key.lower())
    values = _strings(value)
    if name is None or values is None or any(re.search(r"[*?]|\$\{", v) for v in values):
        return None
    pins = operator.lower() in (_DENY_PINS if deny else _ALLOW_PINS)
    return f"{name}={','.join(values)}" if pins else None


def _conditions(statement: Mapping[str, Any]) -> list[tuple[str, str, Any]] | None:
    """(operator, key, value) for each condition, all ANDed; None if unreadable:
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
    """
    block = statement.get("Condition", {})
    if not isinstance(block, Mapping) or not all(
        isinstance(operator, str) and isinstance(entries, Mapping) and entries
        for operator, entries in block.items()
    ):
        return None
    conditions = [(o, k, v) for o, entries in block.items() for k, v in entries.items()]
    return None if any(not isinstance(k, str) for _, k, _ in conditions) else conditions


def _invokes(statement: Mapping[str, Any]) -> Verdict:
    """Whether Action/NotAction covers execute-api:Invoke. Actions are case-insensitive:
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    """
    negated = "NotAction" in statement
    patterns = _strings(statement.get("NotAction" if negated else "Action"))
    if patterns is None or (negated and "Action" in statement):
        return None
    return any(_glob(p, _INVOKE, ignore_case=True) for p in patterns) != negated


def _covers(statement: Mapping[str, Any], request: str) -> Verdict:
    """Whether Resource/NotResource covers the request. NotResource matches every resource
    except those listed:
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
    """
    negated = "NotResource" in statement
    patterns = _strings(statement.get("NotResource" if negated else "Resource"))
    if patterns is None or (negated and "Resource" in statement):
        return None
    verdicts = [_resource_matches(p, request) for p in patterns]
    if True in verdicts:  # one match decides, whatever the entries that cannot be read
        return not negated
    return None if None in verdicts else negated


def _resource_matches(pattern: str, request: str) -> Verdict:
    """Whether a Resource entry names ``API-ID/STAGE/VERB/PATH``. Forms:
    ``*``; ``execute-api:/STAGE/VERB/PATH`` for this API, ``execute-api:/*`` all of it
    https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html
    ``arn:PARTITION:execute-api:REGION:ACCOUNT:API-ID/STAGE/VERB/PATH``
    https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html
    """
    if pattern == "*":
        return True
    if pattern.startswith(_SHORT_FORM):
        return _glob(pattern.removeprefix(_SHORT_FORM), request.partition("/")[2])
    parts = pattern.split(":", 5)
    if parts[0] != "arn" or len(parts) < 3:
        return None
    if parts[2] != "execute-api":
        # IAM allows no wildcard in the service segment, so this names another service
        return None if "*" in parts[2] or "?" in parts[2] else False
    if len(parts) < 6:
        # "arn:aws:execute-api:*": a * ending a segment runs on past the colons (see _glob)
        return True if parts[-1].endswith("*") and "/" not in parts[-1] else None
    return _glob(parts[5], request)


def _glob(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    """IAM wildcards: ``*`` any run of characters, ``/`` and ``:`` included, ``?`` one.
    Resource ARNs are matched case-sensitively:
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
    """
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.fullmatch(regex, text, flags) is not None


def _strings(value: Any) -> list[str] | None:
    """A policy element that may be one string or a list of them; None if it is neither."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    return None


def _all(*verdicts: Verdict) -> Verdict:
    """False if any part fails, else None if any part is unreadable, else True."""
    if False in verdicts:
        return False
    return None if None in verdicts else True
