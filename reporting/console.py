"""The end-of-run summary for an engineer at a terminal, as lines of text. Pure.

First the collection errors (``collection_errors``) and each open finding on one line that
starts with its target (``finding_lines``): the checks default to ``--tb=no``, so pytest
prints neither its ERRORS nor its FAILURES section. Then the summary (``render``), so that
the tables and the gate stay at the bottom of the terminal: where and when (and the audited
regions that hold no API), the checks' outcomes, totals by severity, the open findings grouped
by account, region and API (most severe first inside
an API), each failing check's first remediation step in full, the checks that could not be
evaluated (UNKNOWN, each with its reason in full) and the waived findings (each with its
waiver's terms), in the same layout; the waivers that expired or match nothing; then the APIs
and stages left out of the audit, with why.

A check failing on ``repeats.GROUP_FROM`` or more methods or routes of one stage is one line
and one row, with their number and the first few (``43 methods``, then ``GET /pets, POST /pets,
GET /pets/{id} and 40 more``): the titles keep the exact count, and the JSON and HTML reports
list each finding. Columns are as wide as their values; only what AWS lets be arbitrarily long
(API names, stages, paths) is cut, in the middle. Everything from AWS is stripped of control
characters (an API name must not be able to drive the terminal). Results are grouped before
they are sorted, and only the rows are: 10,000 findings of one check render in about a tenth of
a second.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from tabulate import tabulate

from collectors.contract import Status, TargetDescription
from reporting.audit_json import FILE_NAME as AUDIT_FILE_NAME
from reporting.findings import (
    FINDING_STATUSES,
    SEVERITIES,
    CheckResult,
    count_by_status,
    totals_by_severity,
)
from reporting.repeats import Repeat, repeats
from reporting.run import RunInfo, accounts_label, shard_line
from reporting.waivers import Waiver

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Caps for what AWS lets be long (names up to 1024 characters, paths of any depth); what the
# suite defines (check ids, issue types, severities) and HTTP methods are shown in full.
_API_NAME_WIDTH = 64
_STAGE_WIDTH = 24
_PATH_WIDTH = 48
_REASON_WIDTH = 70
_INDENT = "    "


def plain(text: str) -> str:
    """``text`` with its control characters replaced: a value from AWS must not be able to
    drive the terminal."""
    # A control character is never printable: most text needs no substitution (10,000 rows).
    return text if text.isprintable() else _CONTROL.sub("?", text)


def shorten(text: str, width: int, *, end: bool = False) -> str:
    """``text`` on one line, cut in the middle to ``width`` characters: both ends of a name
    or path say the most (``end``: prose, cut at its end)."""
    text = plain(text)
    if len(text) <= width:
        return text
    if end:
        return f"{text[: width - 1]}…"
    head = (width - 1) // 2 + (width - 1) % 2
    return f"{text[:head]}…{text[len(text) - (width - 1 - head) :]}"


def where(target: TargetDescription, *, operation: bool = True) -> str:
    """The target in AWS's words: account, region, API/stage, then method and path
    (``123456789012 us-east-1 petstore-public/prod GET /pets``; without ``operation``, the
    stage only)."""
    api = target.api_name or target.api_id or ""
    stage = f"{api}/{target.stage}" if target.stage else api
    parts = (target.account or "", target.region, stage, _operation(target) if operation else "")
    return plain(" ".join(part for part in parts if part))


def _operation(target: TargetDescription) -> str:
    return " ".join(part for part in (target.http_method, target.resource_path) if part)


def _example(result: CheckResult) -> str:
    """A target of a group, inside its stage: method and path (its key when it has neither)."""
    target = result.target
    method = plain(target.http_method or "")
    path = shorten(target.resource_path or "", _PATH_WIDTH)
    return " ".join(part for part in (method, path) if part) or plain(target.key)


def columns(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A header, a rule and the rows, each column as wide as its widest value: tabulate's
    "simple" layout in one pass, and without its number parsing (a stage named ``1e3`` stays
    text, left-aligned)."""
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]
    layout = "  ".join(f"{{:<{w}}}" for w in widths)  # cheaper than ljust per cell

    def line(values: Sequence[str]) -> str:
        return layout.format(*values).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(row) for row in rows)]


def header(run: RunInfo) -> list[str]:
    noun = "Account" if len(run.accounts) == 1 else "Accounts"
    audited = f"{noun} {accounts_label(run)}, regions {', '.join(run.regions) or 'none'}"
    lines = [f"{audited}; inventory collected {run.collected_at or 'never'}"]
    if run.demo:
        lines.append("DEMO DATA: the built-in sample estate, not a real account")
    shard = shard_line(run)
    if shard is not None:
        lines.append(shard)
    lines.append(f"Scope: {run.scope}")
    if run.nothing_in_scope:
        lines.append(f"NOTHING AUDITED: {run.nothing_in_scope}")
    if run.empty_regions and set(run.empty_regions) != set(run.regions):
        # (when every region is empty, the line above says so)
        lines.append(f"No API Gateway API in {', '.join(run.empty_regions)}.")
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


TABLE_COLUMNS = ("Severity", "Check", "Stage", "Method", "Resource Path", "Issue Type")


def _api_group(result: CheckResult) -> tuple[str, str, str, str]:
    target = result.target
    return (target.account or "", target.region, result.api_label.lower(), target.api_id or "")


def table_rows(
    results: Iterable[CheckResult],
    status: Status,
    detail: Callable[[CheckResult], str] | None = None,
) -> list[Repeat]:
    """The rows of the results in ``status`` (``repeats``: a check repeated on one stage is
    one), in the tables' order: by account, region and API, report order (most severe first)
    inside an API. Each API is sorted on its own: at 10,000 results, a third cheaper than one
    sort on both keys."""
    by_api: dict[tuple[str, str, str, str], list[CheckResult]] = {}
    for result in results:
        if result.status is status:
            by_api.setdefault(_api_group(result), []).append(result)
    return [row for api in sorted(by_api) for row in repeats(by_api[api], detail)]


def _api_heading(result: CheckResult) -> str:
    target = result.target
    kind = " ".join(part for part in (target.api_type, target.api_id) if part)
    name = shorten(result.api_label, _API_NAME_WIDTH)
    where = " ".join(part for part in (target.account, target.region, name) if part)
    return where + (f" ({kind})" if kind else "")


def _row(repeat: Repeat) -> list[str]:
    """A result's row; a group's names its number where a result's names its method and path."""
    result, target = repeat.first, repeat.first.target
    return [
        result.check.severity.name,
        result.check.id,
        shorten(target.stage or "", _STAGE_WIDTH),
        "" if repeat.grouped else plain(target.http_method or ""),
        repeat.tally() if repeat.grouped else shorten(target.resource_path or "", _PATH_WIDTH),
        result.check.issue_type,
    ]


def grouped_table(
    title: str, shown: Sequence[Repeat], detail: Callable[[CheckResult], str] | None = None
) -> list[str]:
    """The rows ``shown`` (``table_rows``) as one table whose rows are grouped under a line naming
    the region and the API (one table: the columns line up); a group of repeated results
    (``repeats``) is one row, its first targets on an indented line under it; ``detail``, when
    given, is each row's text in full on an indented line under it (a group's is the same for
    all of it)."""
    header, rule, *rows = columns(TABLE_COLUMNS, [_row(r) for r in shown])
    lines = ["", f"{title} ({sum(repeat.number for repeat in shown)})", header, rule]
    previous: tuple[str, str, str, str] | None = None
    for repeat, row in zip(shown, rows, strict=True):
        result = repeat.first
        api = _api_group(result)
        if api != previous:
            previous = api
            lines.append(_api_heading(result))
        lines.append(row)
        if repeat.grouped:
            lines.append(f"{_INDENT}{repeat.examples(_example)}")
        if detail is not None:
            lines.append(f"{_INDENT}{plain(detail(result))}")
    return lines


def finding_lines(results: Sequence[CheckResult]) -> list[str]:
    """Each open finding on one line, in the findings table's order: its target, its check
    and its message in full (``us-east-1 shop/prod GET /items  APIGW-AUTH-001  GET /items on
    shop/prod has no authorizer``); a group of repeated findings (``repeats``) on one line that
    starts with its stage, with their number, the first few and the first's message, and a
    last line saying where each one is listed."""
    shown = table_rows(results, Status.FAIL)
    lines: list[str] = []
    for repeat in shown:
        result = repeat.first
        if repeat.grouped:
            lines.append(
                f"{where(result.target, operation=False)}  {result.check.id}  "
                f"{repeat.tally()} ({repeat.examples(_example)}), e.g. {plain(result.message)}"
            )
        else:
            lines.append(f"{where(result.target)}  {result.check.id}  {plain(result.message)}")
    if any(repeat.grouped for repeat in shown):
        lines.append(
            "(a check failing on many methods or routes of one stage is one line here and one "
            f"row below; {AUDIT_FILE_NAME}, and the HTML report with --html, list each finding)"
        )
    return lines


def collection_errors(errors: Mapping[str, str]) -> list[str]:
    """Each collection error: what could not be collected, then pytest's text of it, indented."""
    return [
        line
        for nodeid, text in errors.items()
        for line in (f"ERROR {plain(nodeid) or '(the session)'}", *_indented(text))
    ]


def _indented(text: str) -> list[str]:
    return [f"{_INDENT}{plain(line)}" for line in text.splitlines()]


def findings_table(results: Sequence[CheckResult]) -> list[str]:
    """The open findings, grouped by region and API, most severe first inside an API."""
    failed = table_rows(results, Status.FAIL)
    return grouped_table("Findings", failed) if failed else ["", "No open findings."]


def remediation(results: Sequence[CheckResult], width: int) -> list[str]:
    """Each failing check's first remediation step in full, once per check, most severe
    first, wrapped at word boundaries to ``width`` columns."""
    failed = [r for r in results if r.status is Status.FAIL]  # counted: no need to sort
    counts: dict[str, int] = {}
    for result in failed:
        counts[result.check.id] = counts.get(result.check.id, 0) + 1
    checks = {r.check.id: r.check for r in failed}
    order = sorted(checks.values(), key=lambda c: (SEVERITIES.index(c.severity), c.id))
    lines = [
        line
        for c in order
        for line in textwrap.wrap(
            f"{c.id} ({counts[c.id]} finding{'' if counts[c.id] == 1 else 's'}): "
            f"{c.remediation[0] if c.remediation else 'see the check documentation'}",
            width,
            subsequent_indent=_INDENT,
            break_long_words=False,
            break_on_hyphens=False,
        )
    ]
    return ["", "Remediation (the first step of each failing check)", *lines] if lines else []


def unknown_table(results: Sequence[CheckResult]) -> list[str]:
    """The checks that could not be evaluated, each with the reason in full."""
    unknown = table_rows(results, Status.UNKNOWN, _reason)
    return grouped_table("Could not be evaluated (UNKNOWN)", unknown, _reason) if unknown else []


def _reason(result: CheckResult) -> str:
    return result.message


def _waiver_terms(result: CheckResult) -> str:
    waiver = result.waiver
    return f"waiver {waiver.number}: {waiver.terms()}" if waiver is not None else "waived"


def waived_table(results: Sequence[CheckResult]) -> list[str]:
    """The waived findings, each with its waiver's terms (reason, approver, expiry) in full."""
    waived = table_rows(results, Status.WAIVED, _waiver_terms)
    return grouped_table("Waived", waived, _waiver_terms) if waived else []


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
    name = shorten(str(entry.get("api_name") or entry.get("api_id") or ""), _API_NAME_WIDTH)
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
    width: int,
) -> list[str]:
    """The summary under the findings' lines; ``width``: the terminal's, for prose."""
    if not run.accounts:
        return ["No inventory was built: nothing was audited."]
    return [
        *header(run),
        outcomes(results),
        *severity_totals(results),
        *findings_table(results),
        *remediation(results, width),
        *unknown_table(results),
        *waived_table(results),
        *waiver_notes(waivers, stale, results, today),
        *left_out(run.out_of_scope_apis, run.out_of_scope_stages),
    ]
