"""Reading IAM policy documents as API Gateway resource policies: statements, conditions,
actions and ``execute-api`` resources, each answer True, False or None (cannot be read).

Region, account and partition in ``execute-api`` ARNs are taken to match: the policy is
attached to this API, and API Gateway itself writes them when it saves ``execute-api:/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

# An ANY method is invoked with the verb of each request, and that verb is in the ARN.
VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_INVOKE = "execute-api:Invoke"
_SHORT_FORM = "execute-api:/"

Verdict = bool | None  # None: the statement cannot be read on this point


def statements_of(policy: Any) -> Iterator[tuple[str, Mapping[str, Any]]]:
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


def conditions_of(statement: Mapping[str, Any]) -> list[tuple[str, str, Any]] | None:
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


def invokes(statement: Mapping[str, Any]) -> Verdict:
    """Whether Action/NotAction covers execute-api:Invoke. Actions are case-insensitive:
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    """
    negated = "NotAction" in statement
    patterns = strings(statement.get("NotAction" if negated else "Action"))
    if patterns is None or (negated and "Action" in statement):
        return None
    return any(glob_match(p, _INVOKE, ignore_case=True) for p in patterns) != negated


def covers(statement: Mapping[str, Any], request: str) -> Verdict:
    """Whether Resource/NotResource covers the request. NotResource matches every resource
    except those listed:
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
    """
    negated = "NotResource" in statement
    patterns = strings(statement.get("NotResource" if negated else "Resource"))
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
        return glob_match(pattern.removeprefix(_SHORT_FORM), request.partition("/")[2])
    parts = pattern.split(":", 5)
    if parts[0] != "arn" or len(parts) < 3:
        return None
    if parts[2] != "execute-api":
        # IAM allows no wildcard in the service segment, so this names another service
        return None if "*" in parts[2] or "?" in parts[2] else False
    if len(parts) < 6:
        # "arn:aws:execute-api:*": a * ending a segment runs on past the colons (see glob_match)
        return True if parts[-1].endswith("*") and "/" not in parts[-1] else None
    return glob_match(parts[5], request)


def glob_match(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    """IAM wildcards: ``*`` any run of characters, ``/`` and ``:`` included, ``?`` one.
    Resource ARNs are matched case-sensitively:
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
    """
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.fullmatch(regex, text, flags) is not None


def strings(value: Any) -> list[str] | None:
    """A policy element that may be one string or a list of them; None if it is neither."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    return None


def all_of(*verdicts: Verdict) -> Verdict:
    """False if any part fails, else None if any part is unreadable, else True."""
    if False in verdicts:
        return False
    return None if None in verdicts else True
