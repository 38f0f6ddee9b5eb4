"""The auditor's additions to pytest-html's report (``--html``).

A title; the audit's rows in the environment table (account, regions, time, tool version,
scope; never credentials); a summary by severity with the gate's decision; sortable
Severity, Check and Target columns; and with each check's row its status, message, security
impact, remediation, references and evidence.

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

from collectors.contract import Status
from reporting.findings import FINDING_STATUSES, CheckResult, totals_by_severity
from reporting.run import environment

if TYPE_CHECKING:
    from reporting.reporter import AuditReporter

TITLE = "API Gateway audit"
COLUMNS = (("severity", "Severity"), ("check", "Check"), ("target", "Target"))


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _cell(column: str, content: str) -> str:
    return f'<td class="col-{column}">{content}</td>'


def _severity_cell(result: CheckResult | None) -> str:
    if result is None:
        return _cell("severity", "")
    # pytest-html sorts a column by its cell's HTML: a hidden rank first sorts by severity.
    severity = result.check.severity
    return _cell("severity", f"<span hidden>{int(severity)}</span>{_text(severity.name)}")


def row_cells(test_id: str, result: CheckResult | None) -> tuple[str, list[str]]:
    """The escaped test-id cell, and the Severity, Check and Target cells of a row."""
    check = result.check.id if result else ""
    target = result.target.key if result else ""
    return _cell("testId", _text(test_id)), [
        _severity_cell(result),
        _cell("check", _text(check)),
        _cell("target", _text(target)),
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
        _references(check.references),
        "<p><strong>Evidence:</strong></p>"
        f"<pre>{_text(json.dumps(dict(result.details), indent=2, sort_keys=True))}</pre>",
    ]
    return f'<div class="apigw-audit">{"".join(parts)}</div>'


def summary_html(reporter: AuditReporter) -> list[str]:
    run, gate = reporter.run, reporter.gate
    if run is None or gate is None:
        return []
    header = "".join(f"<th>{_text(s.value)}</th>" for s in FINDING_STATUSES)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_text(value)}</td>" for value in row) + "</tr>"
        for row in totals_by_severity(reporter.results.values())
    )
    lines = [
        _paragraph(
            "Audited", f"account {run.account or 'unknown'}, regions {', '.join(run.regions)}"
        ),
        _paragraph("CI gate", gate.line()),
    ]
    if not run.complete:
        lines.append(_paragraph("Incomplete", "the run stopped early; this covers what ran"))
    lines.append(f"<table><tr><th>Severity</th>{header}</tr>{rows}</table>")
    return lines


def _position(cells: list[str], marker: str) -> int:
    """Where pytest-html's test-id column is (other plugins may add columns before it)."""
    return next(index for index, cell in enumerate(cells) if marker in cell)


class HtmlHooks:
    """pytest-html's hooks, on the controller, reading the reporter's results."""

    def __init__(self, reporter: AuditReporter) -> None:
        self.reporter = reporter

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_report_title(self, report: Any) -> None:
        report.title = TITLE

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        after = _position(cells, 'data-column-type="testId"') + 1
        cells[after:after] = [
            f'<th class="sortable" data-column-type="{column}">{title}</th>'
            for column, title in COLUMNS
        ]

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_row(self, report: pytest.TestReport, cells: list[str]) -> None:
        test_id = report.nodeid if report.when == "call" else f"{report.nodeid}::{report.when}"
        test_cell, ours = row_cells(test_id, self.reporter.results.get(report.nodeid))
        position = _position(cells, 'class="col-testId"')
        cells[position] = test_cell
        cells[position + 1 : position + 1] = ours

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_html(self, report: pytest.TestReport, data: list[str]) -> None:
        result = self.reporter.results.get(report.nodeid)
        if result is not None:
            data.insert(0, evidence_html(result))

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_summary(
        self, prefix: list[str], summary: list[str], postfix: list[str], session: pytest.Session
    ) -> None:
        prefix.extend(summary_html(self.reporter))

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # pytest-html renders the environment (pytest-metadata's) from this point on, as HTML.
        from pytest_metadata.plugin import metadata_key

        run = self.reporter.run
        if run is not None:
            metadata = session.config.stash[metadata_key]
            metadata.update({key: _text(value) for key, value in environment(run).items()})
