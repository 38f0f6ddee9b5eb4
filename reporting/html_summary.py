"""The top of the HTML report, for an auditor: what was audited, the gate's decision, the
audit's counts, findings by severity (coloured badges that filter the table) and by check
(inline SVG), what was left out and why, the waivers and the collection errors. Pure.

Counts are the audit's (one result per check and target), not pytest-html's rows. The
severity filter is HTML and CSS only (``:has()``): pytest-html's script redraws the table on
every sort and filter, and a CSS rule applies to every redraw, in a self-contained report or
one with an assets directory alike. Every value is escaped: API names, stages, paths, tags,
error messages and waiver fields can hold markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from importlib import resources
from typing import Any

from collectors.contract import AuditedEstate, Severity, Status
from reporting.findings import SEVERITIES, CheckResult, count_by_severity, count_by_status
from reporting.gate import GateDecision
from reporting.html_chart import Bar, bar_chart
from reporting.run import RunInfo, accounts_label, shard_line
from reporting.waivers import Waiver

PYTEST_ROWS = (
    "The table below is pytest-html's, with one row per pytest report: each check on each "
    "target, one more for a setup or teardown that errored (one check can have two such rows), "
    "and one per test file that failed to collect. Its Result column, outcome filters and the "
    "counts beside them are pytest's outcomes; the Status column is the audit's, so a waived "
    "finding reads WAIVED whatever its pytest outcome."
)


@dataclass(frozen=True)
class FailedCollection:
    """A test file or module pytest could not collect: its checks did not run."""

    node_id: str
    error: str  # the error's last line


def severity_class(severity: Severity) -> str:
    """The CSS class that colours a severity (badges, bars, cells)."""
    return f"sev-{severity.name.lower()}"


def status_class(status: Status) -> str:
    """The CSS class that colours an audit status."""
    return f"status-{status.value.lower().replace('_', '-')}"


def _filter_id(severity: Severity) -> str:
    return f"apigw-show-{severity.name.lower()}"


def stylesheet() -> str:
    """The report's CSS, and one rule per severity that hides its rows when unchecked (the
    filter sits in pytest-html's summary, the table's preceding sibling: a ``:has()`` scoped
    to the summary keeps the table's redraws cheap)."""
    css = resources.files("reporting").joinpath("assets/report.css").read_text(encoding="utf-8")
    rules = "".join(
        f".summary:has(#{_filter_id(s)}:not(:checked)) ~ #results-table "
        f'tbody:has(td.col-severity[data-severity="{s.name}"]) {{ display: none; }}\n'
        for s in SEVERITIES
    )
    return f"<style>{css}{rules}</style>"


def _table(
    caption: str, columns: Sequence[tuple[str, str]], entries: Sequence[Mapping[str, Any]]
) -> str:
    """A table of ``entries``, one column per (header, key), captioned with their number;
    nothing when there are none."""
    if not entries:
        return ""
    head = "".join(f"<th>{escape(header)}</th>" for header, _ in columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{escape(str(entry.get(key) or ''))}</td>" for _, key in columns)
        + "</tr>"
        for entry in entries
    )
    return (
        f'<table class="apigw-table"><caption>{escape(caption)} ({len(entries)})</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _section(title: str, *content: str) -> str:
    return f'<section class="apigw-section"><h3>{escape(title)}</h3>{"".join(content)}</section>'


def facts_html(run: RunInfo) -> str:
    """Where, when and under which scope rule the audit ran."""
    facts = (
        ("Account" if len(run.accounts) == 1 else "Accounts", accounts_label(run)),
        ("Regions", ", ".join(run.regions) or "none"),
        ("Estate", "built-in demo estate (emulated, not a real account)" if run.demo else "AWS"),
        ("Inventory collected at", run.collected_at or "never"),
        ("Report generated at", run.generated_at),
        ("Scope rule", run.scope),
        ("apigw-audit version", run.tool_version),
    )
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
    incomplete = (
        ""
        if run.complete
        else '<p class="apigw-incomplete">Incomplete: the run stopped early; this report '
        "covers what ran.</p>"
    )
    shard = shard_line(run)
    partial = "" if shard is None else f'<p class="apigw-incomplete">{escape(shard)}</p>'
    return f'<dl class="apigw-facts">{items}</dl>{partial}{incomplete}'


def gate_html(gate: GateDecision) -> str:
    """The CI gate's decision, green or red."""
    verdict = "passed" if gate.passed else "failed"
    return f'<p class="apigw-gate apigw-gate-{verdict}">{escape(gate.line())}</p>'


def counts_html(results: Sequence[CheckResult]) -> str:
    """The audit's count of results by status, and what pytest's rows below count instead."""
    counts = count_by_status(results)
    badges = "".join(
        f'<span class="apigw-badge {status_class(status)}">{escape(status.value)} '
        f"<b>{counts[status.value]}</b></span>"
        for status in Status
    )
    return (
        f'<p class="apigw-counts"><strong>{len(results)} check results</strong> (one per check '
        f'and target): {badges}</p><p class="apigw-note">{escape(PYTEST_ROWS)}</p>'
    )


def severity_filter_html(results: Sequence[CheckResult]) -> str:
    """A badge per severity with its open findings, each a checkbox that shows or hides that
    severity's rows in the table."""
    open_findings = count_by_severity(results, Status.FAIL)
    waived = count_by_severity(results, Status.WAIVED)
    unknown = count_by_severity(results, Status.UNKNOWN)
    labels = []
    for severity in SEVERITIES:
        name = severity.name
        detail = f"{open_findings[name]} open, {unknown[name]} unknown, {waived[name]} waived"
        labels.append(
            f'<label class="apigw-badge {severity_class(severity)}" title="{detail}">'
            f'<input type="checkbox" id="{_filter_id(severity)}" checked> {name} '
            f"<b>{open_findings[name]}</b></label>"
        )
    return (
        '<fieldset class="apigw-severity-filter"><legend>Open findings by severity '
        "(uncheck a severity to hide its rows in the table)</legend>"
        f"{''.join(labels)}</fieldset>"
    )


def charts_html(results: Sequence[CheckResult]) -> str:
    """Open findings by severity and by check, most first."""
    by_severity = count_by_severity(results, Status.FAIL)
    severity_bars = [Bar(s.name, by_severity[s.name], severity_class(s)) for s in SEVERITIES]
    per_check: dict[str, int] = {}
    severities: dict[str, Severity] = {}
    for result in results:
        if result.status is Status.FAIL:
            per_check[result.check.id] = per_check.get(result.check.id, 0) + 1
            severities[result.check.id] = result.check.severity
    order = sorted(per_check, key=lambda c: (-per_check[c], -severities[c], c))
    check_bars = [Bar(c, per_check[c], severity_class(severities[c])) for c in order]
    charts = [bar_chart("Open findings by severity", severity_bars)]
    if check_bars:
        charts.append(bar_chart("Open findings by check", check_bars))
    return f'<div class="apigw-charts">{"".join(charts)}</div>'


def left_out_html(estate: AuditedEstate | None) -> str:
    """The APIs and stages the audit left out, and why."""
    if estate is None:
        return ""
    apis, stages = estate.out_of_scope_apis, estate.out_of_scope_stages
    if not apis and not stages:
        return _section("Left out of the audit", "<p>No API or stage was left out.</p>")
    where = (
        ("Account", "account"),
        ("Region", "region"),
        ("API", "api_name"),
        ("API id", "api_id"),
    )
    return _section(
        "Left out of the audit",
        _table("APIs left out", (*where, ("Type", "api_type"), ("Why", "reason")), apis),
        _table("Stages left out", (*where, ("Stage", "stage"), ("Why", "reason")), stages),
    )


def _waiver_state(waiver: Waiver, stale: Sequence[Waiver], today: date) -> str:
    if waiver.expired(today):
        return "expired: its findings fail again"
    return "in force, matches no finding (stale)" if waiver in stale else "in force"


WAIVER_COLUMNS = (
    ("#", "number"),
    ("Check", "check"),
    ("Target", "target"),
    ("Reason", "reason"),
    ("Approved by", "approved_by"),
    ("Expires", "expires"),
    ("State", "state"),
)


def waivers_html(waivers: Sequence[Waiver], stale: Sequence[Waiver], today: date) -> str:
    """Every waiver of ``--waivers``: what it covers, who approved it, until when."""
    if not waivers:
        return ""
    entries = [vars(w) | {"state": _waiver_state(w, stale, today)} for w in waivers]
    return _section("Waivers (accepted risks)", _table("Waivers", WAIVER_COLUMNS, entries))


ERROR_COLUMNS = (
    ("Account", "account"),
    ("Service", "service"),
    ("Operation", "operation"),
    ("About", "target"),
    ("Error code", "code"),
    ("Message", "message"),
)


def collection_errors_html(
    estate: AuditedEstate | None, failed_collections: Sequence[FailedCollection]
) -> str:
    """The AWS calls that failed, the targets that could not be listed, and the test files
    pytest could not collect: what the audit could not look at."""
    errors = estate.collection_errors if estate else ()
    unlisted = estate.not_listed if estate else ()
    unreached = estate.unreached if estate else ()
    if not (errors or unlisted or unreached or failed_collections):
        return _section(
            "Collection errors", "<p>None: every AWS call that built this inventory succeeded.</p>"
        )
    return _section(
        "Collection errors",
        _table("Accounts not reached", (("Account", "account"), ("Why", "reason")), unreached),
        _table("AWS calls that failed", ERROR_COLUMNS, errors),
        _table("Could not be listed", (("Target", "target"), ("Why", "reason")), unlisted),
        _table(
            "Test files pytest could not collect",
            (("Test file", "node_id"), ("Error", "error")),
            [vars(f) for f in failed_collections],
        ),
    )


def header_html(
    run: RunInfo,
    gate: GateDecision,
    results: Sequence[CheckResult],
    estate: AuditedEstate | None,
    waivers: Sequence[Waiver],
    stale: Sequence[Waiver],
    today: date,
    failed_collections: Sequence[FailedCollection],
) -> list[str]:
    """The fragments pytest-html puts at the top of its summary, in order."""
    sections = (
        facts_html(run),
        gate_html(gate),
        counts_html(results),
        severity_filter_html(results),
        charts_html(results),
        left_out_html(estate),
        waivers_html(waivers, stale, today),
        collection_errors_html(estate, failed_collections),
    )
    return [stylesheet(), f'<div class="apigw-header">{"".join(sections)}</div>']
