"""Rendering results: the console tables and the JSON documents (pure; the HTML fragments:
``test_reporting_html``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import jsonschema

from collectors.contract import Severity, Status
from reporting import audit_json, console, resources_json
from reporting.gate import decide
from reporting.run import RunInfo, run_info
from tests_unit.conftest import REPO_ROOT
from tests_unit.test_reporting_findings import TODAY, result, target, waiver

RUN = RunInfo(
    account="123456789012",
    accounts=("123456789012",),
    regions=("us-east-1",),
    collected_at="2026-11-21T10:00:00+00:00",
    demo=False,
    scope="production and staging stages",
    tool_version="0.1.0",
    generated_at="2026-11-21T10:01:00Z",
    complete=True,
)


def validate(document: dict[str, Any], report_name: str) -> None:
    """Check a report document against its JSON Schema (reporting/schemas/<report>.schema.json)."""
    schema_path = REPO_ROOT / "reporting" / "schemas" / report_name.replace(".json", ".schema.json")
    schema = json.loads(schema_path.read_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    validator.validate(document)


# --- console ------------------------------------------------------------------------------------


def test_long_values_are_cut_in_the_middle_and_control_characters_dropped() -> None:
    assert console.shorten("/very/long/path/to/a/resource/{id}", 15) == "/very/l…ce/{id}"
    assert console.shorten("short", 15) == "short"
    assert console.shorten("evil\x1b[2Jname", 20) == "evil?[2Jname"


def test_findings_are_grouped_by_region_and_api_most_severe_first_inside() -> None:
    lines = console.findings_table(
        [
            result(Severity.LOW, where=target("alpha", api_id="al1")),
            result(Severity.CRITICAL, where=target("zeta", method="POST", path="/orders")),
            result(Severity.CRITICAL, where=target("alpha", api_id="al1", stage="staging")),
        ]
    )
    assert lines[1] == "Findings (3)"
    assert lines[2].split() == [
        "Severity", "Check", "Stage", "Method", "Resource", "Path", "Issue", "Type"
    ]  # fmt: skip
    assert lines[4] == "us-east-1 alpha (REST al1)"
    assert lines[5].split() == [
        "CRITICAL", "TEST-CRITICAL-001", "staging", "GET", "/items", "Authorization", "Gap"
    ]  # fmt: skip
    assert lines[6].split()[:2] == ["LOW", "TEST-LOW-001"]
    assert lines[7] == "us-east-1 zeta (REST a1b2c3)"
    assert lines[8].split()[:5] == ["CRITICAL", "TEST-CRITICAL-001", "prod", "POST", "/orders"]
    column = lines[2].index("Check")
    assert {row.index("TEST-") for row in (lines[5], lines[6], lines[8])} == {column}  # aligned


def test_each_failing_check_gets_its_first_remediation_step_once() -> None:
    lines = console.remediation(
        [
            result(Severity.LOW),
            result(Severity.CRITICAL, where=target("alpha")),
            result(Severity.CRITICAL),
            result(Severity.HIGH, status=Status.PASS),
        ]
    )
    assert lines == [
        "",
        "Remediation (the first step of each failing check)",
        "TEST-CRITICAL-001 (2 findings): Fix it.",
        "TEST-LOW-001 (1 finding): Fix it.",
    ]
    assert console.remediation([result(status=Status.UNKNOWN)]) == []


def test_apis_and_stages_left_out_are_listed_with_why_one_line_per_api() -> None:
    api = {
        "api_id": "b9",
        "api_name": "batch",
        "region": "us-east-1",
        "reason": "tagged Internal=true",
    }
    stages = [
        {"api_id": "a1", "api_name": "shop", "region": "us-east-1", "stage": name,
         "reason": f"stage '{name}' is not a production or staging stage"}
        for name in ("dev", "qa")
    ]  # fmt: skip
    assert console.left_out([api], stages) == [
        "",
        "Left out of the audit",
        "  us-east-1 batch (b9): tagged Internal=true",
        "  us-east-1 shop (a1): stages dev, qa (not a production or staging stage)",
    ]
    assert console.left_out([], []) == []


def test_unknown_and_waived_tables_appear_only_when_needed() -> None:
    assert console.unknown_table([result()]) == []
    assert console.waived_table([result()]) == []
    unknown = console.unknown_table([result(status=Status.UNKNOWN, message="GetStages failed")])
    assert unknown[2].splitlines()[2].split()[-2:] == ["GetStages", "failed"]
    waived = console.waived_table([result(status=Status.WAIVED, waiver=waiver())])
    assert "Accepted. (approved by ciso@example.com, until 2999-01-01)" in waived[2]


def test_no_open_finding_is_said_so() -> None:
    assert console.findings_table([result(status=Status.PASS)]) == ["", "No open findings."]


def test_a_run_without_inventory_says_so_in_one_line() -> None:
    run = run_info(None, "any stage", complete=False, now=datetime.now(UTC))
    assert console.render(run, [], [], [], TODAY) == [
        "No inventory was built: nothing was audited."
    ]


# --- api_gateway_audit.json ---------------------------------------------------------------------


def test_audit_document_groups_by_api_id_and_stage_most_severe_first() -> None:
    same_name = target("shop", api_id="other1")
    results = [
        result(Severity.LOW),
        result(Severity.CRITICAL, where=same_name),
        result(Severity.HIGH, Status.PASS),
        result(Severity.MEDIUM, Status.WAIVED, waiver=waiver()),
    ]
    gate = decide(
        None, 1, complete=True, collection_errors=0, unexplained_failures=0, results=results
    )
    document = audit_json.audit_document(RUN, results, gate, [waiver()], [], TODAY)
    validate(document, audit_json.FILE_NAME)
    groups = [
        (g["api_id"], g["stage"], [f["severity"] for f in g["findings"]])
        for g in document["groups"]
    ]
    assert groups == [("other1", "prod", ["CRITICAL"]), ("a1b2c3", "prod", ["MEDIUM", "LOW"])]
    assert document["summary"]["findings_by_severity"]["LOW"] == 1
    assert document["waivers"]["applied"][0]["approved_by"] == "ciso@example.com"


def test_a_saving_is_counted_once_per_api_and_stage_not_per_method() -> None:
    saving = {audit_json.SAVING_FIELD: 120.5}
    per_method = [
        result(Severity.LOW, where=target(method=verb), details=saving)
        for verb in ("GET", "PUT", "POST")
    ]
    elsewhere = result(
        Severity.LOW, where=target(stage="staging"), details={audit_json.SAVING_FIELD: 10}
    )
    unknown = result(
        Severity.LOW, where=target(stage="live"), details={audit_json.SAVING_FIELD: "unknown"}
    )
    costs = {
        g["stage"]: g["cost_optimization"]
        for g in audit_json.groups([*per_method, elsewhere, unknown])
    }
    assert costs["prod"]["total_potential_savings"] == 120.5
    assert costs["prod"]["recommendations"][0]["findings"] == 3
    assert costs["staging"]["total_potential_savings"] == 10
    assert costs["live"]["total_potential_savings"] is None


def test_groups_without_cost_findings_carry_no_cost_section() -> None:
    (group,) = audit_json.groups([result(Severity.CRITICAL)])
    assert "cost_optimization" not in group


# --- api_gateway_resources.json -----------------------------------------------------------------


def test_a_finding_covers_the_operations_inside_its_target() -> None:
    covering = [
        result(where=target(stage=None, method=None, path=None), message="api"),
        result(where=target(method=None, path=None), message="stage"),
        result(where=target(method=None), message="resource /items"),
        result(where=target(), message="the method itself"),
    ]
    elsewhere = [
        result(where=target(method=None, path="/other")),
        result(where=target(stage="staging")),
        result(where=target(api_id="z9")),
        result(where=target(method="POST")),
    ]
    index = resources_json.ResultsByScope([*elsewhere, *covering])
    assert sorted(r.message for r in index.covering(target())) == sorted(
        r.message for r in covering
    )


def test_without_an_inventory_both_documents_are_empty_and_incomplete() -> None:
    run = run_info(None, "production and staging stages", complete=True, now=datetime.now(UTC))
    assert (run.complete, run.account) == (False, None)
    resources = resources_json.resources_document(run, None, [])
    validate(resources, resources_json.FILE_NAME)
    assert resources["resources"] == []
    gate = decide(None, 4, complete=False, collection_errors=0, unexplained_failures=0, results=[])
    validate(audit_json.audit_document(run, [], gate, [], [], TODAY), audit_json.FILE_NAME)
