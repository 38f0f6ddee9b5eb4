"""What a check test's outcome means, phase by phase, and a finding shown without a traceback.

- passed: PASS; failed in the call phase (its own assertion): FAIL, the first line of the
  message is the finding; skipped: NOT_APPLICABLE with the reason; any other exception
  (``DataUnavailable`` from a fixture, a crash): UNKNOWN, the check could not be evaluated.
- A finding is its message, not a stack trace: rendering tracebacks for thousands of failing
  checks is most of their reporting cost. With ``--tb=line`` or ``--tb=no`` (the default for
  checks), a check's failed assertion is re-raised as ``pytest.fail(finding, pytrace=False)``,
  pytest's own way to fail without a traceback; any other ``--tb`` keeps the assertion.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest

from checks.catalog import check_of
from collectors.contract import Status, Verdict
from collectors.errors import DataUnavailable

CHECKS_TRACEBACK = "line"  # the checks' default --tb


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


class FindingsWithoutTraceback:
    """Registered for checks runs under ``--tb=line`` or ``--tb=no``."""

    @pytest.hookimpl(wrapper=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> Generator[None, object, object]:
        try:
            return (yield)
        except AssertionError as assertion:
            if check_of(pyfuncitem.function) is None:
                raise
            finding = first_line(str(assertion)) or "assertion failed"
            failure = pytest.fail.Exception(finding, pytrace=False)
            # Keeps where the check failed: pytest reports the innermost frame's line.
            raise failure.with_traceback(assertion.__traceback__) from None
