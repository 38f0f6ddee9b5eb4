"""The CI gate: findings below --fail-on or waived pass; nothing else is ever hidden."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from collectors.contract import Severity, Status
from reporting.findings import CheckResult
from reporting.gate import decide
from tests_unit.test_reporting_findings import result

FAILED = pytest.ExitCode.TESTS_FAILED


def gate(
    results: Sequence[CheckResult],
    fail_on: Severity | None = Severity.HIGH,
    exit_status: int = FAILED,
    *,
    complete: bool = True,
    collection_errors: int = 0,
    unexplained: int = 0,
) -> tuple[int, bool, str]:
    decision = decide(
        fail_on,
        exit_status,
        complete=complete,
        collection_errors=collection_errors,
        unexplained_failures=unexplained,
        results=results,
    )
    return decision.exit_status, decision.passed, decision.reason


def test_findings_below_the_threshold_exit_0() -> None:
    assert gate([result(Severity.MEDIUM), result(Severity.LOW, Status.WAIVED)]) == (
        0,
        True,
        "no finding at HIGH or above, 1 finding below HIGH, 1 waived",
    )


def test_a_finding_at_the_threshold_exits_1() -> None:
    assert gate([result(Severity.HIGH), result(Severity.LOW)]) == (
        1,
        False,
        "1 finding at HIGH or above",
    )


def test_without_threshold_any_open_finding_fails_but_waived_ones_do_not() -> None:
    assert gate([result(Severity.FINOPS)], fail_on=None)[:2] == (1, False)
    assert gate([result(Severity.CRITICAL, Status.WAIVED)], fail_on=None) == (
        0,
        True,
        "no open finding, 1 waived",
    )


def test_unknown_checks_keep_the_failure_whatever_the_threshold() -> None:
    results = [result(Severity.FINOPS, Status.UNKNOWN)]
    assert gate(results, Severity.CRITICAL, unexplained=1) == (
        1,
        False,
        "1 check could not be evaluated (UNKNOWN)",
    )


def test_other_failures_and_early_stops_keep_the_failure() -> None:
    below = [result(Severity.LOW)]
    assert gate(below, unexplained=2)[2] == "2 tests failed or errored without a finding"
    assert gate(below, complete=False)[2] == "the run stopped before every check ran"
    # with --continue-on-collection-errors (or under xdist) the run goes on: still a failure
    errors = gate(below, complete=False, collection_errors=1)
    assert errors == (1, False, "1 collection error: some checks did not run")


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (pytest.ExitCode.INTERRUPTED, "the run was interrupted"),
        (pytest.ExitCode.INTERNAL_ERROR, "pytest met an internal error"),
        (pytest.ExitCode.USAGE_ERROR, "the command line or setup was wrong"),
        (pytest.ExitCode.NO_TESTS_COLLECTED, "no check ran"),
    ],
)
def test_other_exit_statuses_are_kept(status: pytest.ExitCode, reason: str) -> None:
    assert gate([result(Severity.LOW)], exit_status=status) == (status, False, reason)


def test_the_decision_is_one_line() -> None:
    decision = decide(
        Severity.HIGH, 1, complete=True, collection_errors=0, unexplained_failures=0, results=[]
    )
    assert decision.line() == (
        "apigw-audit gate (--fail-on=HIGH): passed, exit status 0: no finding at HIGH or above"
    )


@pytest.mark.parametrize("exit_status", [pytest.ExitCode.OK, FAILED])
def test_a_usage_error_found_once_the_checks_ran_exits_4_with_its_problem(
    exit_status: int,
) -> None:
    problem = "Waivers file w.yaml, entry 1 (ACME-AUTH-01): no check has this id."
    decision = decide(
        None,
        exit_status,
        complete=True,
        collection_errors=0,
        unexplained_failures=0,
        results=[result(Severity.CRITICAL, Status.WAIVED)],
        usage_error=problem,
    )
    assert (decision.exit_status, decision.passed, decision.reason) == (
        pytest.ExitCode.USAGE_ERROR,
        False,
        problem,
    )


def test_an_interrupted_run_keeps_its_status_over_a_usage_error_found_late() -> None:
    decision = decide(
        None,
        pytest.ExitCode.INTERRUPTED,
        complete=False,
        collection_errors=0,
        unexplained_failures=0,
        results=[],
        usage_error="Waivers file w.yaml, entry 1 (ACME-AUTH-01): no check has this id.",
    )
    assert decision.exit_status == pytest.ExitCode.INTERRUPTED
