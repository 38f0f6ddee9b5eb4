"""The HTML report's fragments: row cells, evidence, the header and its charts (pure).

The same report in a real browser: ``test_reporting_html_browser``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from html import escape
from typing import Any

from collectors.contract import AuditedEstate, Severity, Status
from reporting import html, html_summary
from reporting.gate import GateDecision
from reporting.html_chart import BAR_WIDTH, Bar, bar_chart
from reporting.html_summary import FailedCollection
from tests_unit.test_reporting_findings import TODAY, result, target, waiver
from tests_unit.test_reporting_rendering import RUN

HOSTILE = "<img src=x onerror=alert(1)>"


def estate(**fields: Any) -> AuditedEstate:
    empty: dict[str, Any] = {
        "account": "123456789012",
        "accounts": ("123456789012",),
        "regions": ("us-east-1",),
        "collected_at": "2026-11-21T10:00:00+00:00",
        "demo": False,
        "operations": (),
        "not_listed": (),
        "out_of_scope_apis": (),
        "out_of_scope_stages": (),
        "collection_errors": (),
    }
    return AuditedEstate(**(empty | fields))


def gate(passed: bool = False) -> GateDecision:
    return GateDecision(None, 0 if passed else 1, passed, "no open finding" if passed else "1 open")


# --- the results table --------------------------------------------------------------------------


def test_row_cells_escape_the_test_id_and_rank_severity_for_sorting() -> None:
    hostile = result(where=target(api_id="<b>x</b>"))
    test_cell, (status, severity, *_) = html.row_cells("t[<script>]", hostile)
    assert test_cell == '<td class="col-testId">t[&lt;script&gt;]</td>'
    assert status == (
        '<td class="col-status" data-status="FAIL">'
        '<span class="apigw-status status-fail">FAIL</span></td>'
    )
    assert severity == (
        '<td class="col-severity" data-severity="CRITICAL"><span hidden>5</span>'
        '<span class="apigw-sev sev-critical">CRITICAL</span></td>'
    )


def test_row_cells_say_what_was_checked_where_each_in_its_column() -> None:
    waived = result(
        Severity.HIGH, Status.WAIVED, where=target(HOSTILE, stage="live", method="POST")
    )
    _, cells = html.row_cells("t", waived)
    assert len(cells) == len(html.COLUMNS)
    by_column = dict(zip((column for column, _ in html.COLUMNS), cells, strict=True))
    assert 'data-status="WAIVED">' in by_column["status"]
    assert by_column["check"] == '<td class="col-check">TEST-HIGH-001</td>'
    assert by_column["issue_type"] == '<td class="col-issue_type">Throttling Vulnerability</td>'
    assert by_column["region"] == '<td class="col-region">us-east-1</td>'
    assert by_column["api"] == f'<td class="col-api">{escape(HOSTILE)}</td>'
    assert by_column["stage"] == '<td class="col-stage">live</td>'
    assert by_column["method"] == '<td class="col-method">POST</td>'
    assert by_column["path"] == '<td class="col-path">/items</td>'
    assert all("\n" not in cell for cell in cells)  # pytest-html reads a cell up to a newline


def test_a_test_that_is_not_a_check_gets_empty_cells() -> None:
    test_cell, cells = html.row_cells("tests/test_other.py::test_x", None)
    assert test_cell == '<td class="col-testId">tests/test_other.py::test_x</td>'
    assert cells == [f'<td class="col-{column}"></td>' for column, _ in html.COLUMNS]


def test_evidence_escapes_every_value_from_aws() -> None:
    fragment = html.evidence_html(
        result(
            where=target(HOSTILE),
            message=f"GET /items on {HOSTILE}/prod has no authorizer",
            details={"api_name": HOSTILE, "tags": {"team": "</pre><script>x()</script>"}},
        )
    )
    assert HOSTILE not in fragment
    assert "<script>" not in fragment
    assert escape(HOSTILE) in fragment
    assert "<ol><li>Fix it.</li><li>Then check again.</li></ol>" in fragment
    assert '<a href="https://docs.example.com/check"' in fragment
    assert "\n" not in fragment.split("<pre>")[0]  # one line: shown pre-wrapped


# --- the header ---------------------------------------------------------------------------------


def test_header_escapes_every_value_from_aws_and_the_waivers_file() -> None:
    hostile_api = {"region": "us-east-1", "api_id": "a1", "api_name": HOSTILE, "api_type": "REST"}
    left_out = estate(
        out_of_scope_apis=({**hostile_api, "reason": f"tagged {HOSTILE}=true"},),
        out_of_scope_stages=({**hostile_api, "stage": HOSTILE, "reason": "not production"},),
        collection_errors=(
            {
                "service": "apigateway",
                "operation": "GetStages",
                "target": "us-east-1/a1",
                "code": "AccessDenied",
                "message": HOSTILE,
            },
        ),
        not_listed=({"target": HOSTILE, "reason": HOSTILE},),
    )
    hostile_waiver = waiver(HOSTILE)
    page = "".join(
        html_summary.header_html(
            RUN,
            gate(),
            [result(where=target(HOSTILE), waiver=hostile_waiver)],
            left_out,
            [hostile_waiver],
            [],
            TODAY,
            [FailedCollection(f"checks/{HOSTILE}.py", HOSTILE)],
        )
    )
    assert HOSTILE not in page
    assert page.count(escape(HOSTILE)) >= 8


def test_facts_say_where_when_and_under_which_scope() -> None:
    facts = html_summary.facts_html(RUN)
    for fact in ("123456789012", "us-east-1", "2026-11-21T10:00:00+00:00", "2026-11-21T10:01:00Z"):
        assert f"<dd>{fact}</dd>" in facts
    assert "<dt>Scope rule</dt><dd>production and staging stages</dd>" in facts
    assert "Incomplete" not in facts


def test_the_gate_is_green_when_it_passes_and_red_when_it_fails() -> None:
    assert 'class="apigw-gate apigw-gate-passed"' in html_summary.gate_html(gate(passed=True))
    failed = html_summary.gate_html(gate(passed=False))
    assert 'class="apigw-gate apigw-gate-failed"' in failed
    assert "failed, exit status 1: 1 open" in failed


def test_counts_are_the_audits_one_per_check_and_target() -> None:
    results = [
        result(),
        result(status=Status.PASS),
        result(status=Status.WAIVED, waiver=waiver()),
        result(status=Status.NOT_APPLICABLE),
    ]
    counts = html_summary.counts_html(results)
    assert "<strong>4 check results</strong>" in counts
    assert '<span class="apigw-badge status-waived">WAIVED <b>1</b></span>' in counts
    assert '<span class="apigw-badge status-unknown">UNKNOWN <b>0</b></span>' in counts
    assert "one more for a setup or teardown that errored" in counts  # what pytest's rows are


def test_severity_badges_count_open_findings_and_each_filters_its_rows() -> None:
    results = [
        result(Severity.CRITICAL),
        result(Severity.CRITICAL),
        result(Severity.CRITICAL, Status.WAIVED, waiver=waiver()),
        result(Severity.LOW, Status.UNKNOWN),
    ]
    badges = html_summary.severity_filter_html(results)
    assert (
        '<label class="apigw-badge sev-critical" title="2 open, 0 unknown, 1 waived">'
        '<input type="checkbox" id="apigw-show-critical" checked> CRITICAL <b>2</b></label>'
    ) in badges
    assert 'title="0 open, 1 unknown, 0 waived"><input type="checkbox" id="apigw-show-low"' in (
        badges
    )
    rules = html_summary.stylesheet()
    for severity in Severity:
        assert (
            f".summary:has(#apigw-show-{severity.name.lower()}:not(:checked)) ~ #results-table "
            f'tbody:has(td.col-severity[data-severity="{severity.name}"]) {{ display: none; }}'
        ) in rules
    assert ".logwrapper { max-height: none;" in rules  # the evidence is not clipped


def test_bar_chart_draws_the_largest_value_longest_and_escapes_labels() -> None:
    svg = bar_chart("By <check>", [Bar(HOSTILE, 10, "sev-high"), Bar("B", 5, "sev-low")])
    figure = ET.fromstring(svg)
    rects = figure.findall(".//{http://www.w3.org/2000/svg}rect")
    assert [(r.get("width"), r.get("class")) for r in rects] == [
        (str(BAR_WIDTH), "sev-high"),
        (str(BAR_WIDTH // 2), "sev-low"),
    ]
    labels = [t.text for t in figure.iter("{http://www.w3.org/2000/svg}text")]
    assert labels == [HOSTILE, "10", "B", "5"]
    assert figure.findtext("figcaption") == "By <check>"


def test_a_chart_of_zeros_draws_empty_bars() -> None:
    figure = ET.fromstring(bar_chart("Nothing", [Bar("CRITICAL", 0, "sev-critical")]))
    assert [r.get("width") for r in figure.iter("{http://www.w3.org/2000/svg}rect")] == ["0"]


def test_charts_count_open_findings_by_severity_and_by_check_most_first() -> None:
    results = [
        result(Severity.LOW),
        result(Severity.LOW),
        result(Severity.CRITICAL),
        result(Severity.CRITICAL, Status.PASS),
        result(Severity.HIGH, Status.WAIVED, waiver=waiver()),
    ]
    figures = ET.fromstring(html_summary.charts_html(results))
    by_severity, by_check = (
        [t.text for t in figure.iter("{http://www.w3.org/2000/svg}text")]
        for figure in figures.findall("figure")
    )
    assert by_severity == ["CRITICAL", "1", "HIGH", "0", "MEDIUM", "0", "LOW", "2", "FINOPS", "0"]
    assert by_check == ["TEST-LOW-001", "2", "TEST-CRITICAL-001", "1"]


def test_left_out_lists_apis_and_stages_with_why() -> None:
    api = {"region": "eu-west-1", "api_id": "s1", "api_name": "sandbox", "api_type": "HTTP"}
    section = html_summary.left_out_html(
        estate(
            out_of_scope_apis=({**api, "reason": "tagged ExcludeFromAudit=true"},),
            out_of_scope_stages=({**api, "stage": "dev", "reason": "stage 'dev' is not ..."},),
        )
    )
    assert "<caption>APIs left out (1)</caption>" in section
    assert (
        "<td>sandbox</td><td>s1</td><td>HTTP</td><td>tagged ExcludeFromAudit=true</td>" in section
    )
    assert "<caption>Stages left out (1)</caption>" in section
    assert "<td>dev</td><td>stage &#x27;dev&#x27; is not ...</td>" in section
    assert "No API or stage was left out." in html_summary.left_out_html(estate())
    assert html_summary.left_out_html(None) == ""


def test_waivers_show_approver_expiry_and_whether_in_force() -> None:
    in_force, expired, stale = (
        waiver("*/GET /items", number=1),
        waiver(expires=date(2020, 1, 1), number=2),
        waiver("us-east-1/gone/*", number=3),
    )
    section = html_summary.waivers_html([in_force, expired, stale], [stale], TODAY)
    assert (
        "<td>1</td><td>TEST-CRITICAL-001</td><td>*/GET /items</td><td>Accepted.</td>"
        "<td>ciso@example.com</td><td>2999-01-01</td><td>in force</td>"
    ) in section
    assert "<td>2020-01-01</td><td>expired: its findings fail again</td>" in section
    assert "<td>in force, matches no finding (stale)</td>" in section
    assert html_summary.waivers_html([], [], TODAY) == ""


def test_collection_errors_list_failed_calls_unlisted_targets_and_uncollected_files() -> None:
    error = {
        "service": "cloudwatch",
        "operation": "GetMetricData",
        "target": "us-east-1",
        "code": "AccessDeniedException",
        "message": "not authorized",
    }
    section = html_summary.collection_errors_html(
        estate(
            collection_errors=(error,),
            not_listed=({"target": "us-east-1/a1", "reason": "GetResources failed"},),
        ),
        [FailedCollection("checks/test_broken.py", "SyntaxError: invalid syntax")],
    )
    assert (
        "<td>cloudwatch</td><td>GetMetricData</td><td>us-east-1</td>"
        "<td>AccessDeniedException</td><td>not authorized</td>"
    ) in section
    assert "<td>us-east-1/a1</td><td>GetResources failed</td>" in section
    assert "<td>checks/test_broken.py</td><td>SyntaxError: invalid syntax</td>" in section
    assert "None: every AWS call" in html_summary.collection_errors_html(estate(), [])


def test_an_incomplete_run_says_so_at_the_top() -> None:
    facts = html_summary.facts_html(replace(RUN, complete=False))
    assert "Incomplete: the run stopped early" in facts


def test_evidence_names_the_arn_and_the_compliance_mapping() -> None:
    mapped = replace(
        result(
            where=replace(target(), arn="arn:aws:execute-api:us-east-1:1:a1b2c3/prod/GET/items")
        ),
        check=replace(
            result().check,
            compliance=(("AWS Security Hub", ("APIGateway.1",)), ("PCI DSS v4.0.1", ("10.4.2",))),
        ),
    )
    fragment = html.evidence_html(mapped)
    assert "<p><strong>ARN:</strong> arn:aws:execute-api:us-east-1:1:a1b2c3/prod/GET/items</p>" in (
        fragment
    )
    assert "<p><strong>AWS Security Hub:</strong> APIGateway.1</p>" in fragment
    assert "<p><strong>PCI DSS v4.0.1:</strong> 10.4.2</p>" in fragment
