"""``api_gateway_audit.json``: the findings, grouped by API and stage. Pure.

Output contract (JSON Schema: ``reporting/schemas/api_gateway_audit.schema.json``): the
envelope (``reporting.run.envelope``), then

- ``summary``: checks evaluated, counts by status, open findings by severity and by issue
  type, the CI gate's decision, and why nothing was in scope (``nothing_in_scope``, ``null``
  when something was);
- ``groups``: one per account, region, API and stage with findings (FAIL, UNKNOWN or
  WAIVED), keyed by API id since names are not unique; API-wide findings (the cost check)
  have ``stage: null``, those on an account that could not be reached ``region: ""`` and
  ``api_id: null``. Grouped by account first, then most severe group first.
  Each finding names its target by key, ARN and account, and carries the check's mapping
  to Security Hub, AWS Config and the frameworks Security Hub relates it to (``compliance``).
  A group with open cost findings carries ``cost_optimization``,
  whose saving is counted once per API and stage, never once per method;
- ``waivers``: those applied, expired and stale.

Severities are always labels (``CRITICAL`` ... ``FINOPS``), never numbers.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date
from typing import Any

from collectors.contract import CheckInfo, Severity, Status
from reporting.findings import (
    FINDING_STATUSES,
    CheckResult,
    count_by_issue_type,
    count_by_severity,
    count_by_status,
    report_order,
    with_status,
)
from reporting.gate import GateDecision
from reporting.run import RunInfo, envelope
from reporting.waivers import Waiver

FILE_NAME = "api_gateway_audit.json"
# 2: each finding's ARN, account and compliance mapping; Security Hub control ids and AWS
# Config rules moved from "references" (links only) to "compliance".
# 3: every account: the envelope's "accounts" ("account" is null unless there is one),
# groups keyed by account too, target keys beginning with the account id.
SCHEMA_VERSION = 3
# The cost check's evidence field with its monthly saving in USD ("unknown" when request
# counts could not be read): see checks/test_cost.py.
SAVING_FIELD = "estimated_monthly_saving_usd"

GroupKey = tuple[str | None, str, str | None, str | None]  # account, region, API id, stage


def waiver_json(waiver: Waiver) -> dict[str, Any]:
    return {
        "number": waiver.number,
        "check": waiver.check,
        "target": waiver.target,
        "reason": waiver.reason,
        "expires": waiver.expires.isoformat(),
        "approved_by": waiver.approved_by,
    }


def finding_json(result: CheckResult) -> dict[str, Any]:
    check = result.check
    remediation, references, compliance = _check_lists(check)
    details = result.details
    document: dict[str, Any] = {
        "check_id": check.id,
        "title": check.title,
        "issue_type": check.issue_type,
        "severity": check.severity.name,
        "status": result.status.value,
        "message": result.message,
        "target": result.target.key,
        "arn": result.target.arn,
        "account": result.target.account,
        "test_id": result.test_id,
        "resource_path": result.target.resource_path,
        "http_method": result.target.http_method,
        "details": details if type(details) is dict else dict(details),
        "security_impact": check.security_impact,
        "remediation": remediation,
        "references": references,
        "compliance": compliance,
    }
    if result.waiver is not None:
        document["waiver"] = waiver_json(result.waiver)
    if result.expired_waiver is not None:
        document["expired_waiver"] = waiver_json(result.expired_waiver)
    return document


@functools.cache
def _check_lists(
    check: CheckInfo,
) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """A check's remediation, references and compliance as JSON, made once per check and
    shared by its findings (a document is only written: at the xl estate, 48,270 findings)."""
    compliance = {framework: list(ids) for framework, ids in check.compliance}
    return list(check.remediation), list(check.references), compliance


def _is_cost_finding(result: CheckResult) -> bool:
    return SAVING_FIELD in result.details or result.check.severity is Severity.FINOPS


def _saving(result: CheckResult) -> float | None:
    value = result.details.get(SAVING_FIELD)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None  # "unknown": the request counts could not be read


def cost_optimization(findings: Sequence[CheckResult]) -> dict[str, Any] | None:
    """One recommendation per cost check among a group's open findings; each check's saving
    counted once, however many of the group's targets it was found on."""
    by_check: dict[str, list[CheckResult]] = {}
    for result in findings:
        if result.status is Status.FAIL and _is_cost_finding(result):
            by_check.setdefault(result.check.id, []).append(result)
    if not by_check:
        return None
    recommendations = []
    known: list[float] = []
    for check_findings in by_check.values():
        savings = [s for s in map(_saving, check_findings) if s is not None]
        known += [max(savings)] if savings else []
        first = check_findings[0]
        recommendations.append(
            {
                "check_id": first.check.id,
                "issue_type": first.check.issue_type,
                "finding": first.message,
                "findings": len(check_findings),
                "potential_savings": max(savings) if savings else None,
                "remediation": list(first.check.remediation),
            }
        )
    return {
        "total_potential_savings": round(sum(known), 2) if known else None,
        "currency": "USD",
        "period": "month",
        "recommendations": recommendations,
    }


def _group_order(item: tuple[GroupKey, list[CheckResult]]) -> tuple[Any, ...]:
    (account, region, api_id, stage), findings = item
    return (account or "", report_order(findings[0])[:2], api_id or "", stage or "", region)


def groups(results: Sequence[CheckResult]) -> list[dict[str, Any]]:
    by_group: dict[GroupKey, list[CheckResult]] = {}
    for result in with_status(results, *FINDING_STATUSES):
        t = result.target
        by_group.setdefault((t.account, t.region, t.api_id, t.stage), []).append(result)
    documents = []
    for (account, region, api_id, stage), findings in sorted(by_group.items(), key=_group_order):
        target = findings[0].target
        document: dict[str, Any] = {
            "account": account,
            "api_id": api_id,
            "api_name": target.api_name,
            "api_type": target.api_type,
            "region": region,
            "stage": stage,
            "findings": [finding_json(r) for r in findings],
        }
        costs = cost_optimization(findings)
        if costs is not None:
            document["cost_optimization"] = costs
        documents.append(document)
    return documents


def summary(results: Sequence[CheckResult], gate: GateDecision, run: RunInfo) -> dict[str, Any]:
    return {
        "checks_evaluated": len(results),
        "statuses": count_by_status(results),
        "findings_by_severity": count_by_severity(results, Status.FAIL),
        "findings_by_issue_type": count_by_issue_type(results, Status.FAIL),
        "gate": gate.to_json(),
        "nothing_in_scope": run.nothing_in_scope,
    }


def audit_document(
    run: RunInfo,
    results: Sequence[CheckResult],
    gate: GateDecision,
    waivers: Sequence[Waiver],
    stale: Sequence[Waiver],
    today: date,
) -> dict[str, Any]:
    applied = {r.waiver for r in results if r.waiver is not None}
    return {
        **envelope(run, SCHEMA_VERSION),
        "summary": summary(results, gate, run),
        "groups": groups(results),
        "waivers": {
            "applied": [waiver_json(w) for w in waivers if w in applied],
            "expired": [waiver_json(w) for w in waivers if w.expired(today)],
            "stale": [waiver_json(w) for w in stale],
        },
    }
