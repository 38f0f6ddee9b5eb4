"""What each check said about each target, in the words the reports use. Pure functions.

Everything comes from what the checks recorded where they ran (``collectors.contract``): the
check's record (metadata, the target's description, the evidence) and each phase's verdict.
``CheckResult`` is the one record per result that every report reads.

Statuses:
    PASS            the check passed
    FAIL            a finding: the check's assertion failed; the message is the finding
    UNKNOWN         the check could not be evaluated: a fixture raised (``DataUnavailable``:
                    the data was not collected) or the check itself crashed
    NOT_APPLICABLE  skipped, with the reason
    WAIVED          a FAIL covered by a waiver in force: decided where the test ran, which
                    reported it as a pytest xfail (``reporting.waived``)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from collectors.contract import CheckInfo, Severity, Status, TargetDescription, Verdict
from reporting.waivers import Waiver, waiver_for

# What the reports list as findings, each in its own table.
FINDING_STATUSES = (Status.FAIL, Status.UNKNOWN, Status.WAIVED)
SEVERITIES = tuple(sorted(Severity, reverse=True))  # CRITICAL first


def combine(verdicts: Iterable[Verdict]) -> Verdict:
    """An item's verdict from its phases' (setup, call, teardown): the first that did not pass."""
    return next((v for v in verdicts if v.status is not Status.PASS), Verdict(Status.PASS))


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check on one target: its status, the one-line message and the evidence."""

    test_id: str
    check: CheckInfo
    target: TargetDescription
    status: Status
    message: str
    details: Mapping[str, Any]
    waiver: Waiver | None = None  # the waiver that made it WAIVED
    expired_waiver: Waiver | None = None  # a matching waiver past its date, not applied

    @property
    def api_label(self) -> str:
        return self.target.api_name or self.target.api_id or ""


def check_result(
    test_id: str,
    check: CheckInfo,
    target: TargetDescription,
    verdict: Verdict,
    details: Mapping[str, Any],
    waivers: Sequence[Waiver],
    today: date,
    applied: Waiver | None = None,
) -> CheckResult:
    """The result of a check on a target. A failure is WAIVED by ``applied``, the waiver in
    force that made it a pytest xfail where the test ran; a failure that only an expired
    waiver matches keeps that waiver as ``expired_waiver``."""
    result = CheckResult(test_id, check, target, verdict.status, verdict.message, details)
    if verdict.status is not Status.FAIL:
        return result
    _, expired = waiver_for(waivers, check.id, target.key, test_id, today)
    if applied is not None:
        return CheckResult(
            test_id, check, target, Status.WAIVED, verdict.message, details, waiver=applied
        )
    if expired is not None:
        return CheckResult(
            test_id, check, target, verdict.status, verdict.message, details, expired_waiver=expired
        )
    return result


def report_order(result: CheckResult) -> tuple[Any, ...]:
    """Most severe first, then API name, then where in the API, then check and key."""
    target = result.target
    return (
        -result.check.severity,
        result.api_label.lower(),
        target.api_id or "",
        target.stage or "",
        target.resource_path or "",
        target.http_method or "",
        result.check.id,
        target.key,
    )


def with_status(results: Iterable[CheckResult], *statuses: Status) -> list[CheckResult]:
    """The results with one of ``statuses``, in report order."""
    return sorted((r for r in results if r.status in statuses), key=report_order)


def count_by_status(results: Iterable[CheckResult]) -> dict[str, int]:
    counts = dict.fromkeys((s.value for s in Status), 0)
    for result in results:
        counts[result.status.value] += 1
    return counts


def count_by_severity(results: Iterable[CheckResult], status: Status) -> dict[str, int]:
    """Every severity, CRITICAL first, with the number of results in ``status``."""
    counts = dict.fromkeys((s.name for s in SEVERITIES), 0)
    for result in results:
        if result.status is status:
            counts[result.check.severity.name] += 1
    return counts


def totals_by_severity(results: Iterable[CheckResult]) -> list[list[Any]]:
    """Rows of severity name and its FAIL, UNKNOWN and WAIVED counts, CRITICAL first."""
    results = list(results)
    columns = [count_by_severity(results, status) for status in FINDING_STATUSES]
    return [[severity.name, *(c[severity.name] for c in columns)] for severity in SEVERITIES]


def count_by_issue_type(results: Iterable[CheckResult], status: Status) -> dict[str, int]:
    """Issue types with results in ``status``: the most severe first, then by name."""
    severities: dict[str, Severity] = {}
    counts: dict[str, int] = {}
    for result in results:
        if result.status is status:
            issue_type = result.check.issue_type
            severities[issue_type] = result.check.severity
            counts[issue_type] = counts.get(issue_type, 0) + 1
    return {name: counts[name] for name in sorted(counts, key=lambda n: (-severities[n], n))}


def stale_waivers(
    waivers: Iterable[Waiver],
    results: Iterable[CheckResult],
    today: date,
    evaluated_in_full: Collection[str],
) -> list[Waiver]:
    """Waivers in force that match no failed check: the risk they accepted is gone. Judged only
    for a check the run evaluated on every target (``evaluated_in_full``: their ids; none in a
    run narrowed by selection), and not where it could not be evaluated (UNKNOWN) on one the
    waiver covers: there the risk may still be."""
    undecided = [r for r in results if r.status in (Status.FAIL, Status.WAIVED, Status.UNKNOWN)]
    return [
        waiver
        for waiver in waivers
        if waiver.check in evaluated_in_full
        and not waiver.expired(today)
        and not any(waiver.matches(r.check.id, r.target.key, r.test_id) for r in undecided)
    ]
