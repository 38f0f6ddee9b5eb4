"""``api_gateway_resources.json``: every audited operation, with or without findings. Pure.

Output contract (JSON Schema: ``reporting/schemas/api_gateway_resources.schema.json``): the
envelope (``reporting.run.envelope``), then

- ``resources``: each in-scope REST method x stage and HTTP/WebSocket route x stage (from the
  collectors' ``AuditedEstate``), by account, then most severe first, then API name, with
  - its description (names, path, execute-api ARN, account, environment);
  - ``posture``: what the checks recorded about it, or about what contains it (its resource,
    stage or API): each check's ``posture`` evidence keys (``CheckInfo.posture``), in check-id
    order. A check that could not be evaluated leaves its keys out, with the reason under
    ``unavailable``; a check that did not run (deselected) leaves them out;
  - its open ``issues`` (issue types of the findings on it, its resource, its stage or its
    API) and their highest ``severity``, the waived ones and those not evaluated;
- ``not_listed``: targets that could not even be listed, with the failed call (an account
  not reached: ``ACCOUNT/(account not reached)``, with why);
- ``unreached_accounts``: the accounts that could not be read at all, with why;
- ``out_of_scope``: APIs excluded by tag and stages outside the scope rule, with the reason;
- ``collection_errors``: every AWS call that failed while collecting, with its account;
- ``traffic``: the traffic evidence read from the audited stages' access logs (the window,
  the Logs Insights queries run and the bytes they scanned, and per stage the operations and
  path templates observed, or why a question went unanswered); ``null`` when not asked for.

Nothing here evaluates the audit again: every value is one a check recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from collectors.contract import AuditedEstate, Severity, Status, TargetDescription
from reporting.findings import CheckResult, report_order
from reporting.run import RunInfo, envelope

FILE_NAME = "api_gateway_resources.json"
# 2: each operation's posture is what the checks recorded, under "posture"; its ARN.
# 3: the traffic evidence, under "traffic".
# 4: each operation's account; request counts are integers, named for what they count
# (stage_requests_30d: the stage's total, shown on each of its operations).
# 5: every account: the envelope's "accounts", "unreached_accounts", the account of each
# collection error, traffic stage and out-of-scope entry; resources by account first.
SCHEMA_VERSION = 5

_Scope = tuple[str | None, str, str | None, str | None, str | None, str | None]


def _scope(target: TargetDescription) -> _Scope:
    return (
        target.account,
        target.region,
        target.api_id,
        target.stage,
        target.resource_path,
        target.http_method,
    )


class ResultsByScope:
    """The results whose target contains a given target: a finding on an API covers its
    operations on every stage, one on a stage its operations, one on a resource its methods;
    never a result in another account.

    Looked up by the (at most eight) scopes that can contain the target, never by scanning
    every result of the API for every operation."""

    def __init__(self, results: Iterable[CheckResult]) -> None:
        self._by_scope: dict[_Scope, list[CheckResult]] = {}
        for result in results:
            if result.target.api_id is not None:
                self._by_scope.setdefault(_scope(result.target), []).append(result)

    def covering(self, target: TargetDescription) -> list[CheckResult]:
        return [
            result
            for stage in dict.fromkeys((None, target.stage))
            for path in dict.fromkeys((None, target.resource_path))
            for method in dict.fromkeys((None, target.http_method))
            for result in self._by_scope.get(
                (target.account, target.region, target.api_id, stage, path, method), ()
            )
        ]


def _issue_types(results: Iterable[CheckResult], status: Status) -> list[str]:
    chosen = sorted((r for r in results if r.status is status), key=report_order)
    return list(dict.fromkeys(r.check.issue_type for r in chosen))


def _posture(results: Iterable[CheckResult]) -> tuple[dict[str, Any], dict[str, str]]:
    """The posture keys the covering checks recorded, and why the others are unknown."""
    posture: dict[str, Any] = {}
    unavailable: dict[str, str] = {}
    for result in sorted(results, key=lambda r: r.check.id):
        for key in result.check.posture:
            if result.status is Status.UNKNOWN:
                unavailable[key] = result.message
            elif key in result.details:
                posture[key] = result.details[key]
    return posture, unavailable


def _resource(operation: TargetDescription, mine: list[CheckResult]) -> dict[str, Any]:
    posture, unavailable = _posture(mine)
    severity = max((r.check.severity for r in mine if r.status is Status.FAIL), default=None)
    document: dict[str, Any] = {
        "target": operation.key,
        "arn": operation.arn,
        "account": operation.account,
        "api_id": operation.api_id,
        "api_name": operation.api_name,
        "api_type": operation.api_type,
        "region": operation.region,
        "stage": operation.stage,
        "environment": operation.environment,
        "resource_path": operation.resource_path,
        "http_method": operation.http_method,
        "posture": posture,
        "issues": _issue_types(mine, Status.FAIL),
        "severity": severity.name if severity is not None else None,
        "waived_issues": _issue_types(mine, Status.WAIVED),
        "not_evaluated": _issue_types(mine, Status.UNKNOWN),
    }
    if unavailable:
        document["unavailable"] = unavailable
    return document


def _order(document: dict[str, Any]) -> tuple[Any, ...]:
    severity = document["severity"]
    return (
        document["account"] or "",
        -(Severity[severity] if severity else 0),
        (document["api_name"] or "").lower(),
        document["api_id"],
        document["stage"],
        document["resource_path"] or "",
        document["http_method"] or "",
    )


def resources_document(
    run: RunInfo, estate: AuditedEstate | None, results: Sequence[CheckResult]
) -> dict[str, Any]:
    """The document; without an estate (the inventory was never built) only the envelope and
    empty lists."""
    document: dict[str, Any] = {
        **envelope(run, SCHEMA_VERSION),
        "resources": [],
        "not_listed": [],
        "unreached_accounts": [],
        "out_of_scope": {"apis": [], "stages": []},
        "collection_errors": [],
        "traffic": None,
    }
    if estate is None:
        return document
    by_scope = ResultsByScope(results)
    resources = [_resource(op, by_scope.covering(op)) for op in estate.operations]
    document["resources"] = sorted(resources, key=_order)
    document["not_listed"] = [dict(entry) for entry in estate.not_listed]
    document["unreached_accounts"] = [dict(entry) for entry in estate.unreached]
    document["out_of_scope"] = {
        "apis": [dict(entry) for entry in estate.out_of_scope_apis],
        "stages": [dict(entry) for entry in estate.out_of_scope_stages],
    }
    document["collection_errors"] = [dict(entry) for entry in estate.collection_errors]
    document["traffic"] = dict(estate.traffic) if estate.traffic is not None else None
    return document
