"""pytest's own surfaces speak the audit: waived findings are xfails (serial and under
pytest-xdist), -k selects by check id, issue type, API, stage and region, -m by severity in any
case, --list-checks prints the catalogue, and the README's test ids exist.

The estate and the sample suite are the reporting plugin's (``test_reporting_plugin``): three
open operations (shop GET /items, checkout POST /cart, and one on the API named with markup).
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from checks.plugin import severity_in_any_case
from tests_unit.conftest import REPO_ROOT
from tests_unit.test_bad_input import OTHER_REPORTS, every_file
from tests_unit.test_reporting_plugin import AUDIT, Suite, findings, snapshot

__all__ = ["snapshot"]  # the estate fixture, shared with the reporting plugin's tests

WAIVERS = """
waivers:
  - check: TEST-AUTH-001
    target: "*/prod/GET /items"
    reason: Public catalogue, read-only.
    expires: 2999-12-31
    approved_by: security@example.com
  - check: TEST-AUTH-001
    target: "*/prod/POST /cart"
    reason: Until the JWT rollout.
    expires: 2020-01-31
    approved_by: security@example.com
"""
TERMS = "Public catalogue, read-only. (approved by security@example.com, until 2999-12-31)"


@pytest.fixture
def suite(pytester: pytest.Pytester, snapshot: Path) -> Suite:
    return Suite(pytester, snapshot)


def run(suite: Suite, *args: str, parallel: bool = False) -> pytest.RunResult:
    if parallel:
        return suite.pytester.runpytest_subprocess(*suite.args(*args, "-n", "2"))
    return suite.run(*args)


# --- waived findings are xfails ---------------------------------------------------------------


@pytest.mark.parametrize("parallel", [False, True], ids=["serial", "xdist"])
def test_a_waived_finding_is_an_xfail_everywhere_an_expired_one_fails(
    suite: Suite, parallel: bool
) -> None:
    (suite.pytester.path / "waivers.yaml").write_text(WAIVERS)
    result = run(
        suite, "-k", "authorization", "--waivers", "waivers.yaml", "--junitxml=reports/j.xml",
        "-rx", parallel=parallel,
    )  # fmt: skip
    result.assert_outcomes(failed=2, passed=1, xfailed=1)
    assert result.ret == 1  # the expired waiver covers nothing
    result.stdout.fnmatch_lines(
        [f"XFAIL *test_operation_requires_authorization*GET /items] - {TERMS}"]
    )
    skipped = ET.parse(suite.reports / "j.xml").getroot().findall(".//testcase/skipped")
    assert [(s.get("type"), s.get("message")) for s in skipped] == [("pytest.xfail", TERMS)]
    by_target = {key.split("/", 3)[3]: f for (_, key), f in findings(suite.document(AUDIT)).items()}
    waived = by_target["prod/GET /items"]
    assert (waived["status"], waived["waiver"]["number"]) == ("WAIVED", 1)
    assert by_target["prod/POST /cart"]["status"] == "FAIL"
    assert by_target["prod/POST /cart"]["expired_waiver"]["number"] == 2


def test_a_run_whose_findings_are_all_waived_passes_in_pytest_and_the_gate(suite: Suite) -> None:
    (suite.pytester.path / "waivers.yaml").write_text(
        WAIVERS.replace("*/prod/GET /items", "*").replace("2020-01-31", "2999-01-31")
    )
    result = run(suite, "-k", "authorization", "--waivers", "waivers.yaml")
    result.assert_outcomes(passed=1, xfailed=3)
    assert result.ret == 0
    assert suite.document(AUDIT)["summary"]["statuses"]["WAIVED"] == 3


def test_an_unknown_check_is_never_waived(suite: Suite) -> None:
    (suite.pytester.path / "waivers.yaml").write_text(
        WAIVERS.replace("TEST-AUTH-001", "TEST-TRAFFIC-001").replace("*/prod/GET /items", "*")
    )
    result = run(suite, "-k", "traffic", "--waivers", "waivers.yaml")
    result.assert_outcomes(passed=0, errors=3)
    assert suite.document(AUDIT)["summary"]["statuses"]["UNKNOWN"] == 3


# --- a waiver naming no check ------------------------------------------------------------------

TYPO = (
    "ERROR: Waivers file {path}, entry {number} ({typo}): no check has this id "
    "(did you mean {known}?)."
)
OWN_TYPO = (
    WAIVERS.replace("*/prod/GET /items", "*").replace("2020-01-31", "2999-01-31")
    + """
  - check: TEST-AUTH-01
    target: "*"
    reason: A typo of the organisation's own check id.
    expires: 2999-12-31
    approved_by: security@example.com
"""
)


@pytest.mark.parametrize("parallel", [False, True], ids=["serial", "xdist"])
def test_a_waiver_naming_no_suite_check_stops_the_run_before_the_session_starts(
    suite: Suite, parallel: bool
) -> None:
    assert run(suite, *OTHER_REPORTS, parallel=parallel).ret == 1  # an earlier run's reports
    before = every_file(suite.reports)
    waivers = suite.pytester.path / "waivers.yaml"
    waivers.write_text(WAIVERS.replace("TEST-AUTH-001", "APIGW-AUTH-01", 1))
    result = run(suite, "--waivers", "waivers.yaml", *OTHER_REPORTS, parallel=parallel)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert [line for line in result.errlines if line.strip()] == [
        TYPO.format(path=waivers, number=1, typo="APIGW-AUTH-01", known="APIGW-AUTH-001")
    ]
    assert not [line for line in result.outlines if line.strip()]  # no header, no collection
    assert every_file(suite.reports) == before


@pytest.mark.parametrize("parallel", [False, True], ids=["serial", "xdist"])
def test_a_waiver_naming_no_collected_own_check_ends_an_otherwise_passing_run_with_4(
    suite: Suite, parallel: bool
) -> None:
    waivers = suite.pytester.path / "waivers.yaml"
    waivers.write_text(OWN_TYPO)
    result = run(
        suite, "-k", "authorization", "--waivers", "waivers.yaml", "--json-report",
        "--json-report-file=reports/report.json", parallel=parallel,
    )  # fmt: skip
    result.assert_outcomes(passed=1, xfailed=3)  # every finding waived: it would pass
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    problem = TYPO.format(path=waivers, number=3, typo="TEST-AUTH-01", known="TEST-AUTH-001")
    problem = problem.removeprefix("ERROR: ")
    result.stdout.fnmatch_lines(
        [f"apigw-audit gate (any open finding fails): failed, exit status 4: {problem}"]
    )
    assert "Stale" not in result.stdout.str()  # a typo, not an accepted risk that went away
    gate = suite.document(AUDIT)["summary"]["gate"]
    assert (gate["exit_status"], gate["passed"], gate["reason"]) == (4, False, problem)
    assert suite.document("report.json")["exitcode"] == pytest.ExitCode.USAGE_ERROR


def test_a_waiver_for_a_suite_check_not_collected_is_valid(suite: Suite) -> None:
    (suite.pytester.path / "waivers.yaml").write_text(WAIVERS.replace("TEST-AUTH", "APIGW-AUTH"))
    result = run(suite, "-k", "traces", "--waivers", "waivers.yaml")
    assert result.ret == 1  # the tracing finding
    assert "Stale" not in result.stdout.str()  # APIGW-AUTH-001 did not run: not judged


# --- stale waivers: judged only when the run evaluated their check everywhere -------------------

UNUSED = """
waivers:
  - check: TEST-TRACE-001
    target: "*/staging"
    reason: Staging traces elsewhere.
    expires: 2999-12-31
    approved_by: security@example.com
"""
STALE = "Stale: waiver 1 (TEST-TRACE-001 on */staging) matches no finding; remove it"


@pytest.mark.parametrize("parallel", [False, True], ids=["serial", "xdist"])
def test_a_waiver_matching_no_finding_of_a_run_of_every_check_is_stale(
    suite: Suite, parallel: bool
) -> None:
    (suite.pytester.path / "waivers.yaml").write_text(UNUSED)
    result = run(suite, "--waivers", "waivers.yaml", parallel=parallel)
    result.stdout.fnmatch_lines([STALE])
    assert [w["number"] for w in suite.document(AUDIT)["waivers"]["stale"]] == [1]


@pytest.mark.parametrize(
    ("narrowing", "parallel"),
    [
        (("-k", "shop"), False),
        (("-k", "shop"), True),
        (("-m", "severity(level='low')"), False),
        (("--min-severity", "low"), False),
        (("--deselect", "checks/test_reporting_sample.py::test_stage_serves_traffic"), False),
    ],
    ids=["k", "k-xdist", "m", "min-severity", "deselect"],
)
def test_a_run_narrowed_by_selection_judges_no_waiver_stale(
    suite: Suite, narrowing: tuple[str, ...], parallel: bool
) -> None:
    (suite.pytester.path / "waivers.yaml").write_text(UNUSED)
    result = run(suite, "--waivers", "waivers.yaml", *narrowing, parallel=parallel)
    assert sum(result.parseoutcomes().get(o, 0) for o in ("passed", "failed", "errors")) < 10
    assert "Stale" not in result.stdout.str()
    assert suite.document(AUDIT)["waivers"]["stale"] == []


def test_a_run_given_test_ids_judges_no_waiver_stale(suite: Suite) -> None:
    (suite.pytester.path / "waivers.yaml").write_text(UNUSED)
    result = suite.pytester.runpytest_inprocess(
        "checks/test_reporting_sample.py::test_stage_traces_requests", "--snapshot-in",
        str(suite.snapshot), "--report-dir", "reports", "--waivers", "waivers.yaml",
    )  # fmt: skip
    assert result.ret == 1  # the tracing finding
    assert "Stale" not in result.stdout.str()


# --- selection ------------------------------------------------------------------------------------


def selected(result: pytest.RunResult) -> list[str]:
    return sorted(line for line in result.outlines if "::" in line)


@pytest.mark.parametrize(
    ("expression", "count"),
    [
        ("TEST-AUTH-001", 4),  # the check id
        ("Authorization-Gap", 4),  # the issue type, dashed: -k words hold no space
        ("authorization and gap", 4),
        ("shop", 4),  # the API name: its two operations and its stage, for every check
        ("checkout and TEST-AUTH-001", 1),
        ("us-east-1 and TEST-TRACE-001", 3),  # the region
        ("prod and TEST-TRACE-001", 3),  # the stage
    ],
)
def test_k_selects_by_what_people_know(suite: Suite, expression: str, count: int) -> None:
    result = run(suite, "--collect-only", "-q", "-k", expression)
    assert len(selected(result)) == count, result.outlines


def test_k_selects_by_api_id(suite: Suite) -> None:
    everything = selected(run(suite, "--collect-only", "-q"))
    api_id = next(line for line in everything if "GET /items" in line).split("[")[1].split("/")[2]
    chosen = selected(run(suite, "--collect-only", "-q", "-k", api_id))
    assert chosen == [line for line in everything if f"/{api_id}/" in line]


@pytest.mark.parametrize("level", ["CRITICAL", "critical", "Critical"])
def test_m_selects_a_severity_in_any_case(suite: Suite, level: str) -> None:
    result = run(suite, "-q", "-m", f"severity(level='{level}')")
    result.assert_outcomes(failed=3, passed=1)


def test_only_severity_levels_are_lowered_in_a_mark_expression() -> None:
    assert severity_in_any_case('severity(level="HIGH") or slow(level="X")') == (
        'severity(level="high") or slow(level="X")'
    )


def test_list_checks_starts_no_pytest_xdist_workers(suite: Suite) -> None:
    result = suite.pytester.runpytest_subprocess("checks", "--list-checks", "-n", "2")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["APIGW-AUTH-001*CRITICAL*Authorization Gap*"])
    result.stdout.no_fnmatch_line("*bringing up nodes*")
    result.stdout.no_fnmatch_line("created: * workers")


def test_list_checks_prints_the_catalogue_and_the_collected_checks_without_aws(
    suite: Suite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # any AWS call would fail
    result = suite.pytester.runpytest_inprocess("checks", "--list-checks", "--region", "us-east-1")
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "Check*Severity*Issue type*Title*Security Hub / AWS Config",
            "APIGW-AUTH-001*CRITICAL*Authorization Gap*APIGateway.8",
            "TEST-AUTH-001*CRITICAL*Authorization Gap*Operations require authoriz*APIGateway.8",
            "*APIGW-UNUSED-001*FINOPS*Unused API*",
        ]
    )
    assert "apigw-audit gate" not in result.stdout.str()
    assert not list(suite.pytester.path.rglob("api_gateway_*.json"))


# --- the README's test ids ---------------------------------------------------------------------

_TEST_ID = re.compile(r"checks/test_\w+\.py::test_\w+(?:\[[^\]\n]*\])?")


@pytest.fixture(scope="module")
def demo_test_ids() -> set[str]:
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "checks", "--demo", "--collect-only", "-q",
         "-p", "no:randomly", "-p", "no:cacheprovider"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return set(collected.stdout.splitlines())


def test_every_test_id_the_readme_shows_is_collected(demo_test_ids: set[str]) -> None:
    shown = _TEST_ID.findall((REPO_ROOT / "README.md").read_text(encoding="utf-8"))
    assert shown
    functions = {test_id.split("[")[0] for test_id in demo_test_ids}
    missing = [t for t in shown if t not in (demo_test_ids if "[" in t else functions)]
    assert not missing
