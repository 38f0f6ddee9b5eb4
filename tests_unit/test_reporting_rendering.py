"""Rendering results: the console tables and the JSON documents (pure; the HTML fragments:
``test_reporting_html``)."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import jsonschema

from checks.catalog import suite_checks
from collectors.contract import Severity, Status, TargetDescription
from reporting import audit_json, console, resources_json
from reporting.gate import decide
from reporting.run import RunInfo, run_info
from tests_unit.conftest import REPO_ROOT
from tests_unit.test_reporting_findings import TODAY, check_info, result, target, waiver

WIDTH = 100  # the terminal's, for the remediation's prose

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
        ],
        WIDTH,
    )
    assert lines == [
        "",
        "Remediation (the first step of each failing check)",
        "TEST-CRITICAL-001 (2 findings): Fix it.",
        "TEST-LOW-001 (1 finding): Fix it.",
    ]
    assert console.remediation([result(status=Status.UNKNOWN)], WIDTH) == []


def test_a_long_remediation_step_is_wrapped_at_words_to_the_width_never_cut() -> None:
    step = (
        "Set a rate and burst limit on the stage (methodSettings */* for REST, "
        "DefaultRouteSettings for HTTP) and tighter ones on expensive methods or routes."
    )
    check = replace(check_info(), remediation=(step, "Then check again."))
    finding = replace(result(), check=check)
    _, _, *lines = console.remediation([finding], 60)
    assert len(lines) > 1
    assert all(len(line) <= 60 for line in lines)
    assert all(line.startswith("    ") for line in lines[1:])
    assert " ".join(line.strip() for line in lines) == f"TEST-CRITICAL-001 (1 finding): {step}"


def test_each_finding_is_one_line_starting_with_its_target_in_the_tables_order() -> None:
    long_message = "GET /items on shop/prod has no authorizer; " + "evidence " * 40
    results = [
        result(Severity.LOW, where=target("alpha", api_id="al1"), message="trace"),
        result(Severity.CRITICAL, where=target("zeta", method="POST"), message=long_message),
        result(Severity.CRITICAL, where=target("alpha", api_id="al1", stage=None, method=None,
                                               path=None), message="evil\x1b[2J"),
        result(Severity.HIGH, status=Status.UNKNOWN),
    ]  # fmt: skip
    assert console.finding_lines(results) == [
        "us-east-1 alpha  TEST-CRITICAL-001  evil?[2J",
        "us-east-1 alpha/prod GET /items  TEST-LOW-001  trace",
        f"us-east-1 zeta/prod POST /items  TEST-CRITICAL-001  {long_message}",
    ]
    rows = [line.split() for line in console.findings_table(results)[4:]]
    checks = [row[1] for row in rows if row[0] in ("CRITICAL", "LOW")]
    assert checks == ["TEST-CRITICAL-001", "TEST-LOW-001", "TEST-CRITICAL-001"]


def test_the_longest_issue_type_of_the_catalogue_is_shown_in_full() -> None:
    longest = max((info for info, _ in suite_checks()), key=lambda info: len(info.issue_type))
    finding = replace(result(where=target("a" * 300, path="/" + "p" * 300)), check=longest)
    lines = console.findings_table([finding])
    assert longest.issue_type in lines[-1]
    # what AWS lets be arbitrarily long is cut in the middle
    row, heading = lines[-1], lines[-2]
    assert "/ppp" in row
    assert "p…p" in row
    assert len(row) < 200
    assert "a…a" in heading
    assert len(heading) < 100


def test_a_numeric_looking_stage_stays_text_in_its_column() -> None:
    assert console.columns(["Stage", "Check"], [["1e3", "TEST-1"]]) == [
        "Stage  Check",
        "-----  ------",
        "1e3    TEST-1",
    ]


def test_ten_thousand_findings_render_in_half_a_second_one_line_per_check_and_stage() -> None:
    results = [
        result(where=target(f"api-{n % 50}", path=f"/items/{n}"), message=f"finding {n}")
        for n in range(10_000)
    ]
    times = []
    # The fastest of three, in CPU seconds (rendering is this process's work alone): on a
    # shared box the other processes' load hardly counts; on an idle one it is the wall time.
    for _ in range(3):
        started = time.process_time()
        lines = console.finding_lines(results)
        summary = console.render(RUN, results, [], [], TODAY, WIDTH)
        times.append(time.process_time() - started)
    assert len(lines) == 50 + 1  # a line for each API's stage, and where each finding is
    assert lines[0] == (
        "us-east-1 api-0/prod  TEST-CRITICAL-001  200 methods (GET /items/0, GET /items/100, "
        "GET /items/1000 and 197 more), e.g. finding 0"
    )
    assert "api_gateway_audit.json" in lines[-1]
    assert "Findings (10000)" in summary
    assert summary.count("TEST-CRITICAL-001 (10000 findings): Fix it.") == 1
    assert len(summary) < 200
    assert min(times) <= 0.5, f"{min(times):.2f} s"


def on_shop(*paths: str, method: str = "GET", stage: str = "prod") -> list[TargetDescription]:
    return [target(method=method, path=path, stage=stage) for path in paths]


def test_a_check_failing_on_four_methods_of_a_stage_is_one_row_with_the_first_three() -> None:
    repeated = [result(where=t) for t in on_shop("/e", "/b", "/d", "/a", "/c")]
    other = result(Severity.LOW, where=target(path="/b"))
    lines = console.findings_table([other, *repeated])
    assert lines[1] == "Findings (6)"  # every finding counted
    assert lines[4] == "us-east-1 shop (REST a1b2c3)"
    assert lines[5].split() == [
        "CRITICAL", "TEST-CRITICAL-001", "prod", "5", "methods", "Authorization", "Gap"
    ]  # fmt: skip
    assert lines[6] == "    GET /a, GET /b, GET /c and 2 more"
    assert lines[7].split()[:5] == ["LOW", "TEST-LOW-001", "prod", "GET", "/b"]
    column = lines[2].index("Resource Path")
    assert lines[5].index("5 methods") == column


def test_three_findings_of_one_check_on_a_stage_stay_three_rows() -> None:
    lines = console.findings_table([result(where=t) for t in on_shop("/a", "/b", "/c")])
    assert [line.split()[4] for line in lines[5:]] == ["/a", "/b", "/c"]


def test_a_repeated_check_is_counted_per_stage_and_stands_where_its_first_finding_did() -> None:
    other = replace(check_info(), id="TEST-OTHER-001")
    results = [
        *(result(where=t) for t in on_shop("/b", "/c", "/d", "/e")),
        *(result(where=t) for t in on_shop("/c", "/d", "/e", "/f", stage="staging")),
        *(replace(result(where=t), check=other) for t in on_shop("/a", "/c")),
    ]
    lines = [line.strip() for line in console.findings_table(results)[5:]]
    assert [line.split()[1:5] for line in lines] == [
        ["TEST-OTHER-001", "prod", "GET", "/a"],
        ["TEST-CRITICAL-001", "prod", "4", "methods"],
        ["/b,", "GET", "/c,", "GET"],
        ["TEST-OTHER-001", "prod", "GET", "/c"],
        ["TEST-CRITICAL-001", "staging", "4", "methods"],
        ["/c,", "GET", "/d,", "GET"],
    ]  # report order: by stage, then path, then check


def test_routes_and_resources_are_counted_in_their_own_words() -> None:
    routes = [replace(t, api_type="HTTP") for t in on_shop("/a", "/b", "/c", "/d", method="POST")]
    resources = [target(stage="live", method=None, path=p) for p in ("/a", "/b", "/c", "/d")]
    lines = console.findings_table([result(where=t) for t in (*routes, *resources)])
    assert "4 targets" in lines[5]  # the stage live comes before prod
    assert lines[6] == "    /a, /b, /c and 1 more"
    assert "4 routes" in lines[7]
    assert lines[8] == "    POST /a, POST /b, POST /c and 1 more"


def test_repeated_findings_are_one_line_from_their_stage_with_the_first_message() -> None:
    results = [
        *(result(where=t, message=f"GET {t.resource_path} is open") for t in on_shop(*"wxyz")),
        result(Severity.LOW, where=target("alpha"), message="trace"),
    ]
    lines = console.finding_lines(results)
    assert lines[:2] == [
        "us-east-1 alpha/prod GET /items  TEST-LOW-001  trace",
        "us-east-1 shop/prod  TEST-CRITICAL-001  4 methods (GET w, GET x, GET y and 1 more), "
        "e.g. GET w is open",
    ]
    assert lines[2].startswith("(a check failing on many methods or routes of one stage is one")
    assert "api_gateway_audit.json" in lines[2]
    assert console.finding_lines(results[:3])[-1].startswith("us-east-1 shop/prod GET")


def test_unknown_results_are_counted_together_only_with_the_same_reason() -> None:
    denied = "GetStages on us-east-1/a1b2c3 failed (AccessDenied)"
    results = [
        *(result(status=Status.UNKNOWN, where=t, message=denied) for t in on_shop(*"abcd")),
        result(status=Status.UNKNOWN, where=target(path="e"), message="the check crashed"),
    ]
    lines = console.unknown_table(results)
    assert lines[1] == "Could not be evaluated (UNKNOWN) (5)"
    assert lines[5].split()[3:5] == ["4", "methods"]
    assert lines[6:8] == ["    GET a, GET b, GET c and 1 more", f"    {denied}"]
    assert lines[8].split()[3:5] == ["GET", "e"]
    assert lines[9] == "    the check crashed"


def test_waived_findings_are_counted_together_per_waiver() -> None:
    results = [
        *(result(status=Status.WAIVED, where=t, waiver=waiver(number=1)) for t in on_shop(*"abcd")),
        result(status=Status.WAIVED, where=target(path="e"), waiver=waiver(number=2)),
    ]
    lines = console.waived_table(results)
    assert lines[1] == "Waived (5)"
    assert lines[5].split()[3:5] == ["4", "methods"]
    assert lines[7].startswith("    waiver 1: ")
    assert lines[9].startswith("    waiver 2: ")


def test_the_console_does_not_depend_on_the_order_results_arrive_in() -> None:
    results = [
        result(severity, where=target(f"api-{n % 3}", stage=("prod", "staging")[n % 2],
                                      path=f"/p/{n % 7}", method=("GET", "PUT")[n % 5 == 0]))
        for n in range(200)
        for severity in (Severity.CRITICAL, Severity.LOW)
    ]  # fmt: skip
    shuffled = sorted(results, key=lambda r: hash(r.test_id))  # as pytest-xdist's workers
    assert console.finding_lines(shuffled) == console.finding_lines(results)
    render = console.render(RUN, results, [], [], TODAY, WIDTH)
    assert console.render(RUN, shuffled, [], [], TODAY, WIDTH) == render


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


def test_unknown_and_waived_tables_have_the_findings_layout_and_the_reason_in_full() -> None:
    reason = "GetStages on us-east-1/a1b2c3 failed (AccessDenied): " + "not allowed " * 20
    unknown = console.unknown_table([result(status=Status.UNKNOWN, message=reason)])
    assert unknown[1] == "Could not be evaluated (UNKNOWN) (1)"
    assert unknown[2].split() == [
        "Severity", "Check", "Stage", "Method", "Resource", "Path", "Issue", "Type"
    ]  # fmt: skip
    assert unknown[4:] == [
        "us-east-1 shop (REST a1b2c3)",
        unknown[5],
        f"    {reason}",
    ]
    assert unknown[5].split() == [
        "CRITICAL", "TEST-CRITICAL-001", "prod", "GET", "/items", "Authorization", "Gap"
    ]  # fmt: skip
    waived = console.waived_table([result(status=Status.WAIVED, waiver=waiver(number=3))])
    assert waived[1] == "Waived (1)"
    assert waived[4] == "us-east-1 shop (REST a1b2c3)"
    assert waived[5].split()[:2] == ["CRITICAL", "TEST-CRITICAL-001"]
    assert waived[6] == ("    waiver 3: Accepted. (approved by ciso@example.com, until 2999-01-01)")


def test_the_header_names_the_audited_regions_that_hold_no_api() -> None:
    two = replace(RUN, regions=("us-east-1", "us-west-2", "eu-west-1"),
                  empty_regions=("us-west-2", "eu-west-1"))  # fmt: skip
    assert "No API Gateway API in us-west-2, eu-west-1." in console.header(two)
    assert not any(line.startswith("No API") for line in console.header(RUN))
    # when no region holds one, the NOTHING AUDITED line says so already
    empty = replace(RUN, empty_regions=RUN.regions, nothing_in_scope="no API Gateway API ...")
    assert not any(line.startswith("No API") for line in console.header(empty))


def test_no_open_finding_is_said_so() -> None:
    assert console.findings_table([result(status=Status.PASS)]) == ["", "No open findings."]


def test_a_run_without_inventory_says_so_in_one_line() -> None:
    run = run_info(None, "any stage", complete=False, now=datetime.now(UTC))
    assert console.render(run, [], [], [], TODAY, WIDTH) == [
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
