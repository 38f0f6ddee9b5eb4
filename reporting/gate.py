"""The CI gate: whether the run's findings fail it (``--fail-on=SEVERITY``). Pure.

The gate only ever turns pytest's exit status 1 (tests failed) into 0, and only when every
failure is a finding below the threshold or a waived one. Without ``--fail-on`` any open
finding fails the run, as in plain pytest, but waived findings do not. The gate never hides
anything else, so these keep their status:

- a check that could not be evaluated (UNKNOWN) or any other failed or errored test (1);
- a run that did not finish: interrupted, a collection error, stopped by -x/--maxfail (2, 1);
- an internal error (3), a usage error (4), no tests collected (5).

A usage error found only once the checks ran (a waiver naming an organisation's check the run
did not collect) ends the run with 4 too, its problem the reason.

An estate with nothing in scope (no API, every API excluded by tag, no stage in scope) is
no clean pass either: it ends with 5, pytest's "no tests collected", as when no check ran,
unless ``--allow-empty`` accepts it (0). Open findings there still fail the run (1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from collectors.contract import Severity, Status
from reporting.findings import CheckResult

_STATUS_MEANING: dict[int, str] = {
    pytest.ExitCode.INTERRUPTED: "the run was interrupted",
    pytest.ExitCode.INTERNAL_ERROR: "pytest met an internal error",
    pytest.ExitCode.USAGE_ERROR: "the command line or setup was wrong",
    pytest.ExitCode.NO_TESTS_COLLECTED: "no check ran",
}


@dataclass(frozen=True)
class GateDecision:
    fail_on: Severity | None
    exit_status: int
    passed: bool
    reason: str

    def line(self) -> str:
        rule = f"--fail-on={self.fail_on.name}" if self.fail_on else "any open finding fails"
        verdict = "passed" if self.passed else "failed"
        return (
            f"apigw-audit gate ({rule}): {verdict}, exit status {self.exit_status}: {self.reason}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "fail_on": self.fail_on.name if self.fail_on else None,
            "passed": self.passed,
            "exit_status": self.exit_status,
            "reason": self.reason,
        }


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def decide(
    fail_on: Severity | None,
    exit_status: int,
    *,
    complete: bool,
    collection_errors: int,
    unexplained_failures: int,
    results: Sequence[CheckResult],
    nothing_in_scope: str | None = None,
    allow_empty: bool = False,
    usage_error: str | None = None,
) -> GateDecision:
    """The exit status the run should end with, and why.

    ``unexplained_failures``: failed or errored tests that are not a check's finding (UNKNOWN
    checks, failing setups or teardowns, failing tests that are not checks).
    ``nothing_in_scope``: why no stage was audited (``None``: some were).
    ``usage_error``: what the user must fix, found once the checks ran (``None``: nothing).
    """

    def keep(reason: str) -> GateDecision:
        return GateDecision(fail_on, exit_status, exit_status == pytest.ExitCode.OK, reason)

    if exit_status not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        return keep(_STATUS_MEANING.get(exit_status, f"pytest exit status {exit_status}"))
    if usage_error is not None:
        return GateDecision(fail_on, pytest.ExitCode.USAGE_ERROR, False, usage_error)
    unknown = sum(r.status is Status.UNKNOWN for r in results)
    if unknown:
        return keep(f"{_plural(unknown, 'check')} could not be evaluated (UNKNOWN)")
    if collection_errors:
        return keep(f"{_plural(collection_errors, 'collection error')}: some checks did not run")
    if unexplained_failures:
        return keep(f"{_plural(unexplained_failures, 'test')} failed or errored without a finding")
    if not complete:
        return keep("the run stopped before every check ran")
    open_findings = [r for r in results if r.status is Status.FAIL]
    blocking = [r for r in open_findings if fail_on is None or r.check.severity >= fail_on]
    waived = sum(r.status is Status.WAIVED for r in results)
    if blocking:
        what = (
            f"{_plural(len(blocking), 'finding')} at {fail_on.name} or above"
            if fail_on
            else f"{_plural(len(blocking), 'open finding')}"
        )
        return GateDecision(fail_on, pytest.ExitCode.TESTS_FAILED, False, what)
    if nothing_in_scope is not None:
        if allow_empty:
            return GateDecision(
                fail_on, pytest.ExitCode.OK, True, f"{nothing_in_scope} (--allow-empty)"
            )
        return GateDecision(
            fail_on,
            pytest.ExitCode.NO_TESTS_COLLECTED,
            False,
            f"{nothing_in_scope}; pass --allow-empty to accept an empty estate",
        )
    parts = [f"no finding at {fail_on.name} or above" if fail_on else "no open finding"]
    if fail_on is not None and open_findings:
        parts.append(f"{_plural(len(open_findings), 'finding')} below {fail_on.name}")
    if waived:
        parts.append(f"{waived} waived")
    return GateDecision(fail_on, pytest.ExitCode.OK, True, ", ".join(parts))
