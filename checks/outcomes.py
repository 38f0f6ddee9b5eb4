"""What a check test's outcome means, phase by phase, and a finding reported without a traceback.

- passed: PASS; failed in the call phase (its own assertion): FAIL, the first line of the
  message is the finding; skipped: NOT_APPLICABLE with the reason; any other exception
  (``DataUnavailable`` from a fixture, a crash): UNKNOWN, the check could not be evaluated.
- A finding is its message, not a stack trace: rendering tracebacks for thousands of failing
  checks is most of their reporting cost. With ``--tb=line`` or ``--tb=no``, a check's failed
  assertion is reported as ``pytest.fail(finding, pytrace=False)`` (``as_finding``), pytest's
  own way to fail without a traceback, whose crash message junitxml, pytest-html and
  json-report read; any other ``--tb`` keeps the assertion.
- The checks' default is ``--tb=no``: pytest prints no FAILURES section for them, and the
  apigw-audit summary lists each finding on one line that starts with its target
  (``reporting.console``). An explicit ``--tb=line``, ``short`` or ``long`` brings pytest's
  own section back.
"""

from __future__ import annotations

from types import CodeType

import pytest

from collectors.contract import Status, Verdict
from collectors.errors import DataUnavailable

CHECKS_TRACEBACK = "no"  # the checks' default --tb


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def phase_verdict(when: str, exception: BaseException | None) -> Verdict:
    """What one phase of a check test says. Only the check's own failure is a finding: an
    exception anywhere else means the check could not be evaluated."""
    if exception is None:
        return Verdict(Status.PASS)
    if isinstance(exception, pytest.skip.Exception):
        return Verdict(Status.NOT_APPLICABLE, first_line(exception.msg or ""))
    if when == "call" and isinstance(exception, (AssertionError, pytest.fail.Exception)):
        message = exception.msg if isinstance(exception, pytest.fail.Exception) else exception
        return Verdict(Status.FAIL, first_line(str(message)) or "assertion failed")
    if isinstance(exception, DataUnavailable):
        return Verdict(Status.UNKNOWN, first_line(str(exception)))
    message = first_line(str(exception))
    name = type(exception).__name__
    return Verdict(Status.UNKNOWN, f"{name}: {message}" if message else name)


def as_finding(assertion: BaseException, check: CodeType) -> pytest.ExceptionInfo[BaseException]:
    """A check's failed assertion as ``pytest.fail(finding, pytrace=False)`` whose traceback is
    the check's own frame: swapped into the hook's public ``CallInfo`` before pytest makes the
    report, so that pytest shows the finding and where the check failed, and never filters a
    dozen pytest and pluggy frames per failure (most of a failing check's cost)."""
    finding = pytest.fail.Exception(first_line(str(assertion)) or "assertion failed", pytrace=False)
    frames = assertion.__traceback__
    while frames is not None and frames.tb_frame.f_code is not check:
        frames = frames.tb_next
    return pytest.ExceptionInfo.from_exception(
        finding.with_traceback(frames or assertion.__traceback__)
    )
