"""The auditor's additions to pytest-html's report (``--html``).

A title; the audit's rows in the environment table (accounts, regions, time, tool version,
scope; never credentials); at the top of the summary the audit's header
(``reporting.html_summary``: facts, the gate, counts, severity badges that filter the table,
charts, what was left out, waivers, collection errors); sortable Status, Severity, Check,
Issue type, Region, API, Stage, Method and Path columns; and with each check's row its status,
message, security impact, remediation, references and evidence, in place of pytest-html's
"No log output captured".

pytest-html inserts these fragments as HTML, and it does not escape the test-id cell or the
environment values either. API names, paths and tags are attacker-controllable (an API may be
named ``<img src=x onerror=alert(1)>``), so every value here is escaped, and the test-id cell
is rewritten escaped. Hooks are ``optionalhook``: the suite runs without pytest-html.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING, Any

import pytest

from collectors.contract import Severity, Status
from reporting.findings import CheckResult
from reporting.html_summary import FailedCollection, header_html, severity_class, status_class
from reporting.run import environment

if TYPE_CHECKING:
    from reporting.reporter import AuditReporter

TITLE = "API Gateway audit"
COLUMNS = (
    ("status", "Status"),
    ("severity", "Severity"),
    ("check", "Check"),
    ("issue_type", "Issue type"),
    ("region", "Region"),
    ("api", "API"),
    ("stage", "Stage"),
    ("method", "Method"),
    ("path", "Path"),
)
NO_LOG = "No log output captured."  # pytest-html's log of a row that captured nothing


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _cell(column: str, content: str, attributes: str = "") -> str:
    # One line: pytest-html reads a sortable cell's value with a pattern that stops at "\n".
    return f'<td class="col-{column}"{attributes}>{content}</td>'


def _status_cell(status: Status) -> str:
    label = f'<span class="apigw-status {status_class(status)}">{_text(status.value)}</span>'
    return _cell("status", label, f' data-status="{status.value}"')


def _severity_cell(severity: Severity) -> str:
    # pytest-html sorts a column by its cell's HTML: a hidden rank first sorts by severity.
    label = f'<span class="apigw-sev {severity_class(severity)}">{severity.name}</span>'
    return _cell(
        "severity",
        f"<span hidden>{int(severity)}</span>{label}",
        f' data-severity="{severity.name}"',
    )


def row_cells(test_id: str, result: CheckResult | None) -> tuple[str, list[str]]:
    """The escaped test-id cell, and the cells of ``COLUMNS`` (empty for a test that is not
    a check, or a module that failed to collect)."""
    test_cell = _cell("testId", _text(test_id))
    if result is None:
        return test_cell, [_cell(column, "") for column, _ in COLUMNS]
    check, target = result.check, result.target
    where = (
        ("check", check.id),
        ("issue_type", check.issue_type),
        ("region", target.region),
        ("api", result.api_label),
        ("stage", target.stage),
        ("method", target.http_method),
        ("path", target.resource_path),
    )
    return test_cell, [
        _status_cell(result.status),
        _severity_cell(check.severity),
        *(_cell(column, _text(value or "")) for column, value in where),
    ]


def _paragraph(label: str, text: str) -> str:
    return f"<p><strong>{_text(label)}:</strong> {_text(text)}</p>"


def _list(items: Iterable[str]) -> str:
    return "<ol>" + "".join(f"<li>{_text(item)}</li>" for item in items) + "</ol>"


def _references(references: Iterable[str]) -> str:
    links = [
        f'<a href="{_text(ref)}" rel="noopener noreferrer" target="_blank">{_text(ref)}</a>'
        if ref.startswith("https://")
        else _text(ref)
        for ref in references
    ]
    return f"<p><strong>References:</strong> {', '.join(links)}</p>" if links else ""


def evidence_html(result: CheckResult) -> str:
    """What an auditor needs beside a check's row. One line: pytest-html shows it in a
    pre-wrapped block, where newlines between elements would show as blank lines."""
    check, target = result.check, result.target
    where = " ".join(
        part
        for part in (
            target.api_name or target.api_id,
            target.stage,
            target.http_method,
            target.resource_path,
        )
        if part
    )
    parts = [
        f"<p><strong>{_text(result.status.value)}</strong> {_text(check.id)} "
        f"{_text(check.title)} ({_text(check.severity.name)}, {_text(check.issue_type)})</p>",
    ]
    if result.message:
        parts.append(
            _paragraph("Finding" if result.status is Status.FAIL else "Reason", result.message)
        )
    parts.append(_paragraph("Target", f"{target.key} ({where})" if where else target.key))
    if target.arn:
        parts.append(_paragraph("ARN", target.arn))
    if result.waiver is not None:
        parts.append(_paragraph("Waived", result.waiver.terms()))
    if result.expired_waiver is not None:
        expired = result.expired_waiver
        parts.append(
            _paragraph("Waiver expired", f"{expired.describe()} expired on {expired.expires}")
        )
    parts += [
        _paragraph("Security impact", check.security_impact),
        "<p><strong>Remediation:</strong></p>" + _list(check.remediation),
        *(_paragraph(framework, ", ".join(ids)) for framework, ids in check.compliance),
        _references(check.references),
        "<p><strong>Evidence:</strong></p>"
        f"<pre>{_text(json.dumps(dict(result.details), indent=2, sort_keys=True))}</pre>",
    ]
    return f'<div class="apigw-audit">{"".join(parts)}</div>'


def _position(cells: list[str], marker: str) -> int:
    """Where pytest-html's test-id column is (other plugins may add columns before it)."""
    return next(index for index, cell in enumerate(cells) if marker in cell)


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


class HtmlHooks:
    """pytest-html's hooks, on the controller, reading the reporter's results."""

    def __init__(self, reporter: AuditReporter) -> None:
        self.reporter = reporter
        self.failed_collections: list[FailedCollection] = []

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.failed_collections.append(
                FailedCollection(report.nodeid, _last_line(report.longreprtext))
            )

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_report_title(self, report: Any) -> None:
        report.title = TITLE

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        before = _position(cells, 'data-column-type="testId"')
        cells[before:before] = [
            f'<th class="sortable" data-column-type="{column}">{title}</th>'
            for column, title in COLUMNS
        ]

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_row(self, report: pytest.TestReport, cells: list[str]) -> None:
        test_id = report.nodeid if report.when == "call" else f"{report.nodeid}::{report.when}"
        test_cell, ours = row_cells(test_id, self.reporter.results.get(report.nodeid))
        position = _position(cells, 'class="col-testId"')
        cells[position : position + 1] = [*ours, test_cell]

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_html(self, report: pytest.TestReport, data: list[str]) -> None:
        result = self.reporter.results.get(report.nodeid)
        if result is not None:
            data[:] = [evidence_html(result), *(entry for entry in data if entry != NO_LOG)]

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_summary(
        self, prefix: list[str], summary: list[str], postfix: list[str], session: pytest.Session
    ) -> None:
        reporter = self.reporter
        if reporter.run is None or reporter.gate is None:
            return
        prefix.extend(
            header_html(
                reporter.run,
                reporter.gate,
                list(reporter.results.values()),
                reporter.estate,
                reporter.waivers,
                reporter.stale,
                reporter.today,
                self.failed_collections,
            )
        )

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # pytest-html renders the environment (pytest-metadata's) from this point on, as HTML.
        from pytest_metadata.plugin import metadata_key

        run = self.reporter.run
        if run is not None:
            metadata = session.config.stash[metadata_key]
            metadata.update({key: _text(value) for key, value in environment(run).items()})
