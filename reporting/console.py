"""The end-of-run summary for an engineer at a terminal, as lines of text. Pure.

Where and when, the checks' outcomes, totals by severity, then the open findings grouped
by account, region and API (most severe first inside an API), each failing check's first
remediation step, the checks that could not be evaluated (UNKNOWN, with the reason) and the
waived findings; the waivers that expired or match nothing; then the APIs and stages left out
of the audit, with why. Values come from AWS, so they are cut to a readable width and
stripped of control characters (an API name must not be able to drive the terminal).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from tabulate import tabulate

from collectors.contract import Status
from reporting.findings import (
    FINDING_STATUSES,
    SEVERITIES,
    CheckResult,
    count_by_status,
    totals_by_severity,
    with_status,
)
from reporting.run import RunInfo, accounts_label
from reporting.waivers import Waiver

WHERE = ("API Name", "Stage", "Resource Path", "Method", "Issue Type")
_WIDTHS = {"API Name": 28, "Stage": 16, "Resource Path": 36, "Method": 7, "Issue Type": 30}
_REASON_WIDTH = 70
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shorten(text: str, width: int, *, end: bool = False) -> str:
    """``text`` on one line, cut in the middle to ``width`` characters: both ends of a name
    or path say the most (``end``: prose, cut at its end)."""
    text = _CONTROL.sub("?", text)
    if len(text) <= width:
        return text
    if end:
        return f"{text[: width - 1]}…"
    head = (width - 1) // 2 + (width - 1) % 2
    return f"{text[:head]}…{text[len(text) - (width - 1 - head) :]}"


def _where(result: CheckResult) -> list[str]:
    target = result.target
    values = (
        result.api_label,
        target.stage or "",
        target.resource_path or "",
        target.http_method or "",
        result.check.issue_type,
    )
    return [shorten(v, _WIDTHS[column]) for column, v in zip(WHERE, values, strict=True)]


def _table(title: str, headers: Sequence[str], rows: list[list[str]]) -> list[str]:
    return ["", f"{title} ({len(rows)})", tabulate(rows, headers=headers, tablefmt="simple")]


def header(run: RunInfo) -> list[str]:
    noun = "Account" if len(run.accounts) == 1 else "Accounts"
    where = f"{noun} {accounts_label(run)}, regions {', '.join(run.regions) or 'none'}"
    lines = [f"{where}; inventory collected {run.collected_at or 'never'}"]
    if run.demo:
        lines.append("DEMO DATA: the built-in sample estate, not a real account")
    lines.append(f"Scope: {run.scope}")
    if run.nothing_in_scope:
        lines.append(f"NOTHING AUDITED: {run.nothing_in_scope}")
    if not run.complete:
        lines.append("INCOMPLETE: the run stopped early; the reports cover only what ran")
    return lines


def outcomes(results: Sequence[CheckResult]) -> str:
    counts = count_by_status(results)
    parts = ", ".join(
        f"{counts[status.value]} {status.value.lower().replace('_', ' ')}" for status in Status
    )
    return f"Checks evaluated: {len(results)} ({parts})"


def severity_totals(results: Sequence[CheckResult]) -> list[str]:
    headers = ["Severity", *(status.value for status in FINDING_STATUSES)]
    return ["", tabulate(totals_by_severity(results), headers=headers, tablefmt="simple")]


FINDING_COLUMNS = ("Severity", "Check", "Stage", "Method", "Resource Path", "Issue Type")
_FINDING_WIDTHS = {"Stage": 16, "Resource Path": 30, "Issue Type": 40}
_REMEDIATION_WIDTH = 110


def _api_group(result: CheckResult) -> tuple[str, str, str, str]:
    target = result.target
    return (target.account or "", target.region, result.api_label.lower(), target.api_id or "")


def _api_heading(result: CheckResult) -> str:
    target = result.target
    kind = " ".join(part for part in (target.api_type, target.api_id) if part)
    name = shorten(result.api_label, _WIDTHS["API Name"])
    where = " ".join(part for part in (target.account, target.region, name) if part)
    return where + (f" ({kind})" if kind else "")


def _finding_row(result: CheckResult) -> list[str]:
    target = result.target
    values = {
        "Severity": result.check.severity.name,
        "Check": result.check.id,
        "Stage": target.stage or "",
        "Method": target.http_method or "",
        "Resource Path": target.resource_path or "",
        "Issue Type": result.check.issue_type,
    }
    return [shorten(values[c], _FINDING_WIDTHS.get(c, 30)) for c in FINDING_COLUMNS]


def findings_table(results: Sequence[CheckResult]) -> list[str]:
    """The open findings, one table whose rows are grouped under a line naming the account,
    the region and the API; most severe first inside a group (one table: the columns line up)."""
    # sorted() is stable: report order (most severe first) is kept inside a group
    failed = sorted(with_status(results, Status.FAIL), key=_api_group)
    if not failed:
        return ["", "No open findings."]
    header, rule, *rows = tabulate(
        [_finding_row(r) for r in failed], headers=FINDING_COLUMNS, tablefmt="simple"
    ).splitlines()
    lines = ["", f"Findings ({len(failed)})", header, rule]
    previous: tuple[str, str, str, str] | None = None
    for result, row in zip(failed, rows, strict=True):
        if _api_group(result) != previous:
            previous = _api_group(result)
            lines.append(_api_heading(result))
        lines.append(row)
    return lines


def remediation(results: Sequence[CheckResult]) -> list[str]:
    """Each failing check's first remediation step, once per check, most severe first."""
    failed = with_status(results, Status.FAIL)
    counts: dict[str, int] = {}
    for result in failed:
        counts[result.check.id] = counts.get(result.check.id, 0) + 1
    checks = {r.check.id: r.check for r in failed}
    order = sorted(checks.values(), key=lambda c: (SEVERITIES.index(c.severity), c.id))
    lines = [
        shorten(
            f"{c.id} ({counts[c.id]} finding{'' if counts[c.id] == 1 else 's'}): "
            f"{c.remediation[0] if c.remediation else 'see the check documentation'}",
            _REMEDIATION_WIDTH,
            end=True,
        )
        for c in order
    ]
    return ["", "Remediation (the first step of each failing check)", *lines] if lines else []


def unknown_table(results: Sequence[CheckResult]) -> list[str]:
    rows = [
        [*_where(r), shorten(r.message, _REASON_WIDTH)]
        for r in with_status(results, Status.UNKNOWN)
    ]
    return _table("Could not be evaluated (UNKNOWN)", [*WHERE, "Reason"], rows) if rows else []


def waived_table(results: Sequence[CheckResult]) -> list[str]:
    rows = [
        [*_where(r), r.check.severity.name, shorten(r.waiver.terms(), _REASON_WIDTH)]
        for r in with_status(results, Status.WAIVED)
        if r.waiver is not None
    ]
    return _table("Waived", [*WHERE, "Severity", "Waiver"], rows) if rows else []


def waiver_notes(
    waivers: Sequence[Waiver], stale: Sequence[Waiver], results: Sequence[CheckResult], today: date
) -> list[str]:
    lines: list[str] = []
    for waiver in waivers:
        if waiver.expired(today):
            matched = sum(
                waiver.matches(r.check.id, r.target.key, r.test_id)
                for r in results
                if r.status in (Status.FAIL, Status.WAIVED)
            )
            lines.append(
                f"Expired: {waiver.describe()} expired on {waiver.expires} and was not applied "
                f"({matched} finding{'' if matched == 1 else 's'} it would cover)"
            )
    lines += [f"Stale: {waiver.describe()} matches no finding; remove it" for waiver in stale]
    return ["", *lines] if lines else []


def _stage_reason(entry: Mapping[str, Any]) -> str:
    """Why a stage was left out, without its own name (the line names it)."""
    reason = str(entry.get("reason", ""))
    return reason.removeprefix(f"stage '{entry.get('stage')}' ").removeprefix("is ")


def _api_label(entry: Mapping[str, Any]) -> str:
    name = shorten(str(entry.get("api_name") or entry.get("api_id") or ""), _WIDTHS["API Name"])
    return f"{entry.get('region')} {name} ({entry.get('api_id')})"


def left_out(apis: Iterable[Mapping[str, Any]], stages: Iterable[Mapping[str, Any]]) -> list[str]:
    """The APIs and stages the audit left out, with why: one line per API, its stages
    grouped by reason."""
    lines = [f"  {_api_label(e)}: {shorten(str(e.get('reason', '')), _REASON_WIDTH)}" for e in apis]
    by_api: dict[str, dict[str, list[str]]] = {}
    for entry in stages:
        reasons = by_api.setdefault(_api_label(entry), {})
        reasons.setdefault(_stage_reason(entry), []).append(str(entry.get("stage")))
    for label, reasons in by_api.items():
        said = "; ".join(
            f"stage{'' if len(names) == 1 else 's'} {', '.join(names)} ({reason})"
            for reason, names in reasons.items()
        )
        lines.append(f"  {label}: {shorten(said, _REASON_WIDTH, end=True)}")
    return ["", "Left out of the audit", *lines] if lines else []


def render(
    run: RunInfo,
    results: Sequence[CheckResult],
    waivers: Sequence[Waiver],
    stale: Sequence[Waiver],
    today: date,
) -> list[str]:
    if not run.accounts:
        return ["No inventory was built: nothing was audited."]
    return [
        *header(run),
        outcomes(results),
        *severity_totals(results),
        *findings_table(results),
        *remediation(results),
        *unknown_table(results),
        *waived_table(results),
        *waiver_notes(waivers, stale, results, today),
        *left_out(run.out_of_scope_apis, run.out_of_scope_stages),
    ]
