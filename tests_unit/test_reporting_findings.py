"""Check results from test reports: verdicts, waivers, order and counts (pure functions).

Also the small builders the other ``test_reporting_*`` modules share: ``check_info``,
``target`` and ``result`` make a check result in one line.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from checks.catalog import CheckInfo, Severity
from collectors.errors import DataUnavailable
from collectors.targets import Kind, TargetDescription
from reporting.findings import (
    CheckResult,
    Status,
    Verdict,
    check_result,
    combine,
    count_by_issue_type,
    count_by_severity,
    describe_key,
    phase_verdict,
    stale_waivers,
    verdict_from_json,
    verdict_to_json,
    with_status,
)
from reporting.waivers import Waiver

TODAY = date(2026, 11, 21)
ISSUE_TYPES = {
    Severity.CRITICAL: "Authorization Gap",
    Severity.HIGH: "Throttling Vulnerability",
    Severity.MEDIUM: "Tracing Deficit",
    Severity.LOW: "Cost Optimization Opportunity",
    Severity.FINOPS: "Unused API",
}


def check_info(severity: Severity = Severity.CRITICAL) -> CheckInfo:
    return CheckInfo(
        id=f"TEST-{severity.name}-001",
        issue_type=ISSUE_TYPES[severity],
        severity=severity,
        title=f"A {severity.name.lower()} check",
        security_impact="Something bad happens.",
        remediation=("Fix it.", "Then check again."),
        references=("APIGateway.1", "https://docs.example.com/check"),
    )


def target(
    api_name: str = "shop",
    stage: str | None = "prod",
    method: str | None = "GET",
    path: str | None = "/items",
    api_id: str = "a1b2c3",
) -> TargetDescription:
    key = "/".join(p for p in ("us-east-1", api_id, stage) if p)
    if method:
        key += f"/{method} {path}"
    kind = Kind.REST_METHOD if method else Kind.REST_STAGE if stage else Kind.REST_API
    return TargetDescription(key, kind, "us-east-1", api_id, api_name, "REST", stage, path, method)


def result(
    severity: Severity = Severity.CRITICAL,
    status: Status = Status.FAIL,
    where: TargetDescription | None = None,
    details: dict[str, Any] | None = None,
    message: str = "GET /items on shop/prod has no authorizer",
    waiver: Waiver | None = None,
) -> CheckResult:
    where = where or target()
    info = check_info(severity)
    test_id = f"checks/test_x.py::test_{severity.name.lower()}[{where.key}]"
    return CheckResult(test_id, info, where, status, message, details or {}, waiver)


def waiver(target_glob: str = "*", expires: date = date(2999, 1, 1), number: int = 1) -> Waiver:
    return Waiver(
        number, "TEST-CRITICAL-001", target_glob, "Accepted.", expires, "ciso@example.com"
    )


# --- verdicts -----------------------------------------------------------------------------------


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


def test_an_item_takes_the_verdict_of_its_first_phase_that_did_not_pass() -> None:
    passed, failed = Verdict(Status.PASS, ""), Verdict(Status.FAIL, "finding")
    broken_teardown = Verdict(Status.UNKNOWN, "TypeError: not JSON")
    assert combine([passed, failed, broken_teardown]) == failed
    assert combine([passed, passed, broken_teardown]) == broken_teardown
    assert combine([passed, passed, passed]).status is Status.PASS


def test_verdict_and_check_survive_json() -> None:
    info = check_info(Severity.HIGH)
    document = verdict_to_json(Verdict(Status.FAIL, "finding"), info)
    assert verdict_from_json(document) == (Verdict(Status.FAIL, "finding"), info)
    assert verdict_from_json(verdict_to_json(Verdict(Status.PASS, ""), None))[1] is None


# --- results ------------------------------------------------------------------------------------


def test_waiver_in_force_turns_a_failure_into_waived() -> None:
    applied = waiver("*/prod/GET /items")
    outcome = check_result(
        "t", check_info(), target(), Verdict(Status.FAIL, "m"), {}, [applied], TODAY
    )
    assert (outcome.status, outcome.waiver) == (Status.WAIVED, applied)


def test_expired_waiver_leaves_the_failure_and_is_remembered() -> None:
    expired = waiver(expires=date(2026, 11, 20))
    outcome = check_result(
        "t", check_info(), target(), Verdict(Status.FAIL, "m"), {}, [expired], TODAY
    )
    assert (outcome.status, outcome.waiver, outcome.expired_waiver) == (Status.FAIL, None, expired)


def test_unknown_is_never_waived() -> None:
    outcome = check_result(
        "t", check_info(), target(), Verdict(Status.UNKNOWN, "m"), {}, [waiver()], TODAY
    )
    assert outcome.status is Status.UNKNOWN


def test_stale_waivers_match_no_failed_check() -> None:
    used, unused, expired = (
        waiver("*/GET /items"),
        waiver("*/DELETE *"),
        waiver(expires=TODAY.replace(year=2020)),
    )
    assert stale_waivers([used, unused, expired], [result()], TODAY) == [unused]


def test_results_are_ordered_most_severe_first_then_by_api_name() -> None:
    results = [
        result(Severity.LOW, where=target("alpha")),
        result(Severity.CRITICAL, where=target("zeta")),
        result(Severity.CRITICAL, where=target("Beta")),
        result(Severity.CRITICAL, Status.PASS, where=target("aaa")),
    ]
    ordered = with_status(results, Status.FAIL)
    assert [(r.check.severity.name, r.api_label) for r in ordered] == [
        ("CRITICAL", "Beta"),
        ("CRITICAL", "zeta"),
        ("LOW", "alpha"),
    ]


def test_counts_name_every_severity_and_issue_types_most_severe_first() -> None:
    results = [result(Severity.LOW), result(Severity.HIGH), result(Severity.HIGH, Status.WAIVED)]
    assert count_by_severity(results, Status.FAIL) == {
        "CRITICAL": 0, "HIGH": 1, "MEDIUM": 0, "LOW": 1, "FINOPS": 0
    }  # fmt: skip
    assert list(count_by_issue_type(results, Status.FAIL)) == [
        "Throttling Vulnerability",
        "Cost Optimization Opportunity",
    ]


def test_a_key_the_index_does_not_know_is_described_from_the_key() -> None:
    described = describe_key(None, "stage", "us-east-1/a1b2c3/prod")
    assert (described.region, described.api_id, described.stage) == ("us-east-1", "a1b2c3", "prod")
    assert described.api_name is None
