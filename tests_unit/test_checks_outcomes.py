"""What a check test's outcome means (``checks.outcomes``), and the contract's records
surviving JSON (they cross pytest-xdist's wire)."""

from __future__ import annotations

import pytest

from checks.outcomes import phase_verdict
from collectors.contract import CheckInfo, Severity, Status, TargetDescription, Verdict
from collectors.errors import DataUnavailable


def test_failed_assertion_in_the_call_is_a_finding_with_its_first_line() -> None:
    verdict = phase_verdict("call", AssertionError("GET /pets has no authorizer\nassert False"))
    assert verdict == Verdict(Status.FAIL, "GET /pets has no authorizer")


def test_assertion_failing_outside_the_call_is_not_a_finding() -> None:
    assert phase_verdict("setup", AssertionError("fixture broke")).status is Status.UNKNOWN


def test_data_unavailable_is_unknown_with_the_failed_call_as_reason() -> None:
    error = DataUnavailable("GetUsagePlans on us-east-1 failed (AccessDenied): no")
    assert phase_verdict("setup", error) == Verdict(Status.UNKNOWN, str(error))


def test_a_crashing_check_is_unknown_naming_the_exception() -> None:
    assert phase_verdict("call", KeyError("stages")) == Verdict(
        Status.UNKNOWN, "KeyError: 'stages'"
    )


def test_skip_is_not_applicable_with_its_reason() -> None:
    skip = pytest.skip.Exception("HTTP APIs have no X-Ray")
    assert phase_verdict("call", skip) == Verdict(Status.NOT_APPLICABLE, "HTTP APIs have no X-Ray")


def test_a_finding_raised_without_traceback_is_still_a_finding() -> None:
    failure = pytest.fail.Exception("GET /pets has no authorizer", pytrace=False)
    assert phase_verdict("call", failure) == Verdict(Status.FAIL, "GET /pets has no authorizer")


def test_check_metadata_target_and_verdict_survive_json() -> None:
    info = CheckInfo(
        id="TEST-001",
        issue_type="Test",
        severity=Severity.HIGH,
        title="A check",
        security_impact="Bad.",
        remediation=("Fix.",),
        references=("APIGateway.1",),
        posture=("authorization_type",),
    )
    assert CheckInfo.from_json(info.to_json()) == info
    where = TargetDescription(
        key="us-east-1/a1/prod", region="us-east-1", api_id="a1", stage="prod"
    )
    assert TargetDescription.from_json(where.to_json()) == where
    verdict = Verdict(Status.FAIL, "finding")
    assert Verdict.from_json(verdict.to_json()) == verdict
