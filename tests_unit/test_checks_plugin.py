"""The checks' pytest glue: severity marks and selection, and the evidence contract."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

import checks.plugin
from checks import Severity
from checks.catalog import CHECKS
from collectors.contract import VERDICT, CheckRecord, record_of
from collectors.demo.builders import AccountBuilder, HttpApiBuilder, RestApiBuilder
from collectors.demo.estate import emulated_aws
from collectors.serialization import save_snapshot
from tests_unit.checks_harness import AuditRun, audit
from tests_unit.conftest import ACCOUNT, collect
from tests_unit.test_checks_demo import THE_CHECKS

CONFTEST = 'pytest_plugins = ("collectors.plugin", "checks.plugin")\n'
INI = "[pytest]\nmarkers =\n    severity(level): the check's severity\n"


@dataclass
class Runs:
    snapshot: Path
    plain: AuditRun
    critical: AuditRun  # -m "severity(level='critical')"
    high: AuditRun  # --min-severity=high


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    snapshot = tmp_path_factory.mktemp("plugin") / "inventory.json"
    with emulated_aws():
        rest = RestApiBuilder("rest")
        rest.method("GET", "/things", lambda_arn=AccountBuilder().lambda_function("fn", 5))
        rest.method("ANY", "/{proxy+}")  # a target for the checks of greedy operations
        rest.stage("prod")
        http = HttpApiBuilder("http")
        http.stage("prod")
        save_snapshot(collect(), snapshot)
    return Runs(
        snapshot,
        audit(f"--snapshot-in={snapshot}"),
        audit(f"--snapshot-in={snapshot}", "-m", "severity(level='critical')"),
        audit(f"--snapshot-in={snapshot}", "--min-severity=high"),
    )


# --- selection by severity ---------------------------------------------------------------------


def test_marker_expression_selects_one_severity(runs: Runs) -> None:
    ran = {record["check"]["id"] for record in runs.critical.records}
    assert ran == {"APIGW-AUTH-001", "APIGW-WAF-001"}


def test_min_severity_deselects_the_lower_checks(runs: Runs) -> None:
    ran = {CHECKS[record["check"]["id"]].severity for record in runs.high.records}
    assert ran == {Severity.HIGH, Severity.CRITICAL}
    lower = [r for r in runs.plain.records if CHECKS[r["check"]["id"]].severity < Severity.HIGH]
    assert runs.high.deselected == len(lower) > 0


def test_unknown_min_severity_is_a_usage_error(runs: Runs) -> None:
    run = audit(f"--snapshot-in={runs.snapshot}", "--min-severity=urgent")
    assert run.exit_code == pytest.ExitCode.USAGE_ERROR


# --- the evidence contract ---------------------------------------------------------------------


def test_every_check_item_carries_one_json_record(runs: Runs) -> None:
    records = runs.plain.records
    assert {r["check"]["id"] for r in records} == set(THE_CHECKS)
    for record in records:
        assert set(record) == {"check", "target_fixture", "target", "details"}
        assert record["target"]["key"].startswith(f"{ACCOUNT}/us-east-1/")
        json.dumps(record)
    assert len({(r["check"]["id"], r["target"]["key"]) for r in records}) == len(records)


def test_record_names_the_target_fixture_and_key(runs: Runs) -> None:
    auth = [r for r in runs.plain.records if r["check"]["id"] == "APIGW-AUTH-001"]
    assert {r["target_fixture"] for r in auth} == {"operation"}
    assert any(r["target"]["key"].endswith("/prod/GET /things") for r in auth)


def test_passing_checks_report_their_evidence_too(runs: Runs) -> None:
    passed = [o for o in runs.plain.outcomes.values() if o.outcome == "passed"]
    assert passed
    assert all(o.details for o in passed)


def test_records_survive_pytest_xdist(runs: Runs) -> None:
    parallel = audit(f"--snapshot-in={runs.snapshot}", "-n", "2")
    assert parallel.outcomes == runs.plain.outcomes


# --- validation at collection, and edge cases, on suites of their own -----------------------

CHECK = """
import pytest
from checks.catalog import Severity, check

@check(id="TEST-001", issue_type="Test", severity=Severity.LOW,
       security_impact="None.", remediation=("None.",){posture})
{decorator}def test_check({fixtures}):
    "Test"
    {body}
"""


def _check(
    decorator: str = "",
    fixtures: str = "rest_api, evidence",
    body: str = "pass",
    posture: str = "",
) -> str:
    return CHECK.format(decorator=decorator, fixtures=fixtures, body=body, posture=posture)


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(INI)
    pytester.makeconftest(CONFTEST)
    return pytester


def _collection_error(suite: pytest.Pytester, runs: Runs, source: str) -> str:
    suite.makepyfile(test_checks=source)
    result = suite.runpytest_inprocess(f"--snapshot-in={runs.snapshot}")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    return result.stdout.str()


def test_well_formed_check_collects(suite: pytest.Pytester, runs: Runs) -> None:
    suite.makepyfile(test_checks=_check(body='evidence["ok"] = True'))
    suite.runpytest_inprocess(f"--snapshot-in={runs.snapshot}").assert_outcomes(passed=1)


def test_check_with_two_severity_marks_is_a_collection_error(
    suite: pytest.Pytester, runs: Runs
) -> None:
    output = _collection_error(
        suite, runs, _check(decorator='@pytest.mark.severity(level="high")\n')
    )
    assert "test_check must have exactly one severity mark, has 2" in output


def test_unknown_severity_level_is_a_collection_error(suite: pytest.Pytester, runs: Runs) -> None:
    source = _check() + 'test_check.pytestmark = [pytest.mark.severity(level="urgent").mark]\n'
    output = _collection_error(suite, runs, source)
    assert "test_check has an invalid severity mark: unknown severity 'urgent'" in output


def test_severity_mark_on_an_undeclared_test_is_a_collection_error(
    suite: pytest.Pytester, runs: Runs
) -> None:
    source = 'import pytest\n\n@pytest.mark.severity(level="high")\ndef test_x():\n    pass\n'
    output = _collection_error(suite, runs, source)
    assert "test_x has a severity mark but is not declared with @check(...)" in output


def test_undeclared_test_in_checks_is_a_collection_error(
    suite: pytest.Pytester, runs: Runs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checks.plugin, "CHECKS_DIR", suite.path)
    output = _collection_error(suite, runs, "def test_x():\n    pass\n")
    assert "test_x is in checks/ but not declared with @check(...)" in output


def test_check_without_a_docstring_is_a_collection_error(
    suite: pytest.Pytester, runs: Runs
) -> None:
    output = _collection_error(suite, runs, _check().replace('    "Test"\n', ""))
    assert "check TEST-001 needs a docstring whose first line is its title" in output


def test_a_posture_field_belongs_to_one_check(suite: pytest.Pytester, runs: Runs) -> None:
    source = _check(posture=', posture=("authorization_type",)')
    output = _collection_error(suite, runs, source.replace("TEST-001", "TEST-POSTURE-001"))
    assert "posture field 'authorization_type' already belongs to APIGW-AUTH-001" in output


def test_check_without_a_target_fixture_is_a_collection_error(
    suite: pytest.Pytester, runs: Runs
) -> None:
    output = _collection_error(suite, runs, _check(fixtures="evidence"))
    assert "test_check must run over exactly one target fixture" in output


def test_a_conftest_evidence_fixture_shadows_the_plugins(
    suite: pytest.Pytester, runs: Runs
) -> None:
    suite.makeconftest(
        CONFTEST + "import pytest\n\n@pytest.fixture\ndef evidence():\n"
        '    return {"from": "conftest"}\n'
    )
    suite.makepyfile(test_checks=_check(body='assert evidence == {"from": "conftest"}'))
    suite.runpytest_inprocess(f"--snapshot-in={runs.snapshot}").assert_outcomes(passed=1)


def test_evidence_outside_a_check_is_an_error(suite: pytest.Pytester, runs: Runs) -> None:
    suite.makepyfile(test_other="def test_x(evidence):\n    pass\n")
    result = suite.runpytest_inprocess(f"--snapshot-in={runs.snapshot}")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*RuntimeError: test_x: evidence is for checks*"])


def test_evidence_that_is_not_json_is_an_error(suite: pytest.Pytester, runs: Runs) -> None:
    suite.makepyfile(test_checks=_check(body='evidence["when"] = object()'))
    result = suite.runpytest_inprocess(f"--snapshot-in={runs.snapshot}")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*TEST-001 evidence is not JSON-serialisable*"])


def test_evidence_with_a_nan_is_an_error_and_reports_it_as_text(
    suite: pytest.Pytester, runs: Runs
) -> None:
    suite.makepyfile(test_checks=_check(body='evidence["rate"] = float("nan")'))
    logged = LoggedRecords()
    result = suite.runpytest_inprocess(f"--snapshot-in={runs.snapshot}", plugins=[logged])
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*TEST-001 evidence is not JSON-serialisable (Out of range float*"]
    )
    assert logged.records["call"]["details"] == {"rate": "NaN"}


def test_evidence_is_made_plain_json_before_it_crosses_to_xdist(
    suite: pytest.Pytester, runs: Runs
) -> None:
    body = 'evidence["when"] = object(); evidence[404] = "not found"'
    suite.makepyfile(test_checks=_check(body=body))
    result = suite.runpytest_inprocess(f"--snapshot-in={runs.snapshot}", "-n", "2")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*TEST-001 evidence is not JSON-serialisable*"])


def test_check_without_targets_records_an_empty_key(suite: pytest.Pytester, runs: Runs) -> None:
    suite.makepyfile(test_checks=_check(fixtures="http_route, evidence"))
    logged = LoggedRecords()
    result = suite.runpytest_inprocess(f"--snapshot-in={runs.snapshot}", plugins=[logged])
    result.assert_outcomes(skipped=1)
    record = logged.records["setup"]
    assert (record["check"]["id"], record["target_fixture"]) == ("TEST-001", "http_route")
    assert (record["target"]["key"], record["details"]) == ("", {})


class LoggedRecords:
    """A plugin that reads each report's record and verdict as it is logged, as a plugin of
    one's own does (``checks.record_lifetime``)."""

    def __init__(self) -> None:
        self.records: dict[str, CheckRecord] = {}  # phase -> its record, as logged
        self.verdicts: dict[str, dict[str, str]] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        record = record_of(report.user_properties)
        if record is not None:
            self.records[report.when] = record
        if hasattr(report, VERDICT):
            self.verdicts[report.when] = getattr(report, VERDICT)


@pytest.mark.parametrize("processes", [(), ("-n", "2")], ids=["one process", "xdist"])
def test_records_and_verdicts_are_let_go_once_a_test_s_reports_are_logged(
    suite: pytest.Pytester, runs: Runs, processes: tuple[str, ...]
) -> None:
    suite.makepyfile(test_checks=_check(body='evidence["seen"] = 3'))
    logged = LoggedRecords()
    result = suite.runpytest_inprocess(
        f"--snapshot-in={runs.snapshot}", *processes, plugins=[logged]
    )
    result.assert_outcomes(passed=1)
    assert set(logged.records) == set(logged.verdicts) == {"setup", "call", "teardown"}
    assert logged.records["teardown"]["details"] == {"seen": 3}
    assert logged.verdicts["call"]["status"] == "PASS"
    reports = result.reprec.getreports("pytest_runtest_logreport")  # type: ignore[attr-defined]
    assert len(reports) == 3
    for report in reports:  # kept by pytest to the end of the run, without them
        assert record_of(report.user_properties) is None
        assert not hasattr(report, VERDICT)
    if not processes:  # under xdist the items are the workers'
        (finished,) = result.reprec.getcalls("pytest_collection_finish")  # type: ignore[attr-defined]
        (item,) = finished.session.items
        assert record_of(item.user_properties) is None
