"""Check results from the checks' records: verdicts, waivers, order and counts (pure).

Also the small builders the other ``test_reporting_*`` modules share: ``check_info``,
``target`` and ``result`` make a check result in one line.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from collectors.contract import CheckInfo, Severity, Status, TargetDescription, Verdict
from reporting.findings import (
    CheckResult,
    check_result,
    combine,
    count_by_issue_type,
    count_by_severity,
    stale_waivers,
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


def check_info(severity: Severity = Severity.CRITICAL, posture: tuple[str, ...] = ()) -> CheckInfo:
    return CheckInfo(
        id=f"TEST-{severity.name}-001",
        issue_type=ISSUE_TYPES[severity],
        severity=severity,
        title=f"A {severity.name.lower()} check",
        security_impact="Something bad happens.",
        remediation=("Fix it.", "Then check again."),
        references=("APIGateway.1", "https://docs.example.com/check"),
        posture=posture,
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
    return TargetDescription(
        key=key,
        region="us-east-1",
        api_id=api_id,
        api_name=api_name,
        api_type="REST",
        stage=stage,
        environment="production" if stage else None,
        resource_path=path,
        http_method=method,
    )


def result(
    severity: Severity = Severity.CRITICAL,
    status: Status = Status.FAIL,
    where: TargetDescription | None = None,
    details: dict[str, Any] | None = None,
    message: str = "GET /items on shop/prod has no authorizer",
    waiver: Waiver | None = None,
    posture: tuple[str, ...] = (),
) -> CheckResult:
    where = where or target()
    info = check_info(severity, posture)
    test_id = f"checks/test_x.py::test_{severity.name.lower()}[{where.key}]"
    return CheckResult(test_id, info, where, status, message, details or {}, waiver)


def waiver(target_glob: str = "*", expires: date = date(2999, 1, 1), number: int = 1) -> Waiver:
    return Waiver(
        number, "TEST-CRITICAL-001", target_glob, "Accepted.", expires, "ciso@example.com"
    )


# --- verdicts -----------------------------------------------------------------------------------


def test_an_item_takes_the_verdict_of_its_first_phase_that_did_not_pass() -> None:
    passed, failed = Verdict(Status.PASS, ""), Verdict(Status.FAIL, "finding")
    broken_teardown = Verdict(Status.UNKNOWN, "TypeError: not JSON")
    assert combine([passed, failed, broken_teardown]) == failed
    assert combine([passed, passed, broken_teardown]) == broken_teardown
    assert combine([passed, passed, passed]).status is Status.PASS


# --- results ------------------------------------------------------------------------------------


def test_the_waiver_applied_where_the_test_ran_makes_a_failure_waived() -> None:
    applied = waiver("*/prod/GET /items")
    outcome = check_result(
        "t", check_info(), target(), Verdict(Status.FAIL, "m"), {}, [applied], TODAY, applied
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
        "t", check_info(), target(), Verdict(Status.UNKNOWN, "m"), {}, [waiver()], TODAY, waiver()
    )
    assert outcome.status is Status.UNKNOWN


def test_stale_waivers_match_no_failed_check() -> None:
    used, unused, expired = (
        waiver("*/GET /items"),
        waiver("*/DELETE *"),
        waiver(expires=TODAY.replace(year=2020)),
    )
    evaluated = {"TEST-CRITICAL-001"}
    assert stale_waivers([used, unused, expired], [result()], TODAY, evaluated) == [unused]


def test_a_waiver_is_not_judged_stale_where_its_check_was_not_evaluated_everywhere() -> None:
    unused = waiver("*/DELETE *")
    assert stale_waivers([unused], [result()], TODAY, evaluated_in_full=()) == []
    assert stale_waivers([unused], [result()], TODAY, {"TEST-OTHER-001"}) == []


def test_a_waiver_covering_a_check_that_could_not_be_evaluated_is_not_stale() -> None:
    unknown = result(status=Status.UNKNOWN, where=target(method="DELETE", path="/items"))
    stale = stale_waivers([waiver("*/DELETE *")], [unknown], TODAY, {"TEST-CRITICAL-001"})
    assert stale == []


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
