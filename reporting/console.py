"""The end-of-run summary for an engineer at a terminal, as lines of text. Pure.

Where and when, the checks' outcomes, totals by severity, then three tables: the open
findings (most severe first, then API name), the checks that could not be evaluated
(UNKNOWN, with the reason) and the waived findings; then the waivers that expired or match
nothing. Values come from AWS, so they are cut to a readable width and stripped of control
characters (an API name must not be able to drive the terminal).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from tabulate import tabulate

from collectors.contract import Status
from reporting.findings import (
    FINDING_STATUSES,
    CheckResult,
    count_by_status,
    totals_by_severity,
    with_status,
)
from reporting.run import RunInfo
from reporting.waivers import Waiver

WHERE = ("API Name", "Stage", "Resource Path", "Method", "Issue Type")
_WIDTHS = {"API Name": 28, "Stage": 16, "Resource Path": 36, "Method": 7, "Issue Type": 30}
_REASON_WIDTH = 70
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shorten(text: str, width: int) -> str:
    """``text`` on one line, cut in the middle to ``width`` characters: both ends of a name
    or path say the most."""
    text = _CONTROL.sub("?", text)
    if len(text) <= width:
        return text
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
    where = f"Account {run.account or 'unknown'}, regions {', '.join(run.regions) or 'none'}"
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


def findings_table(results: Sequence[CheckResult]) -> list[str]:
    rows = [[*_where(r), r.check.severity.name] for r in with_status(results, Status.FAIL)]
    if not rows:
        return ["", "No open findings."]
    return _table("Findings", [*WHERE, "Severity"], rows)


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


def render(
    run: RunInfo,
    results: Sequence[CheckResult],
    waivers: Sequence[Waiver],
    stale: Sequence[Waiver],
    today: date,
) -> list[str]:
    if run.account is None:
        return ["No inventory was built: nothing was audited."]
    return [
        *header(run),
        outcomes(results),
        *severity_totals(results),
        *findings_table(results),
        *unknown_table(results),
        *waived_table(results),
        *waiver_notes(waivers, stale, results, today),
    ]
