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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from checks.policy.policy_document import (
    VERBS,
    Verdict,
    all_of,
    conditions_of,
    covers,
    invokes,
    statements_of,
    strings,
)

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
    statements = list(statements_of(policy))
    if not statements:
        return InvokeAccess(False, None, ())
    method = http_method.upper()
    path = resource_path.removeprefix("/")  # "/" -> "prod/GET/", "/pets" -> "prod/GET/pets"
    verdicts = [
        _for_request(statements, f"{api_id}/{stage}/{verb}/{path}")
        for verb in (VERBS if method == "ANY" else (method,))
    ]
    pins = [v.network_pinned for v in verdicts]
    return InvokeAccess(
        any(v.allowed for v in verdicts),
        "; ".join(dict.fromkeys(p for p in pins if p)) if all(pins) else None,
        tuple(dict.fromkeys(s for v in verdicts for s in v.unpinned_statements)),
    )


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
    return all_of(invokes(statement), covers(statement, request), True if readable else None)


def _deny_pin(statement: Mapping[str, Any], request: str) -> str | None:
    """How a Deny shuts out every caller not from the named VPC endpoints/VPCs, if it does.

    It must name every principal (principals a NotPrincipal exempts may call from anywhere),
    and each of its conditions must be a negated network condition: any other condition is
    ANDed, so outside callers for whom it is false escape the Deny.
    """
    principal = statement.get("Principal")
    aws = strings(principal.get("AWS")) if isinstance(principal, Mapping) else None
    everyone = principal == "*" or (aws is not None and "*" in aws)
    if "NotPrincipal" in statement or not everyone:
        return None
    if all_of(invokes(statement), covers(statement, request)) is not True:
        return None
    conditions = conditions_of(statement)
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
    conditions = conditions_of(statement)
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
    values = strings(value)
    if name is None or values is None or any(re.search(r"[*?]|\$\{", v) for v in values):
        return None
    pins = operator.lower() in (_DENY_PINS if deny else _ALLOW_PINS)
    return f"{name}={','.join(values)}" if pins else None
