"""What a check test's outcome means, phase by phase, and a finding shown without a traceback.

- passed: PASS; failed in the call phase (its own assertion): FAIL, the first line of the
  message is the finding; skipped: NOT_APPLICABLE with the reason; any other exception
  (``DataUnavailable`` from a fixture, a crash): UNKNOWN, the check could not be evaluated.
- A finding is its message, not a stack trace: rendering tracebacks for thousands of failing
  checks is most of their reporting cost. With ``--tb=line`` or ``--tb=no`` (the default for
  checks), a check's failed assertion is reported as ``pytest.fail(finding, pytrace=False)``
  (``as_finding``), pytest's own way to fail without a traceback; any other ``--tb`` keeps
  the assertion.
- Where the terminal is (not on a pytest-xdist worker, whose report pytest serialises as it
  made it), that finding's ``longrepr`` becomes one line that starts with the target
  (``finding_repr``); the verdict, and so every report's message, is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import CodeType
from typing import Protocol

import pytest

from collectors.contract import Status, TargetDescription, Verdict
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


def where(target: TargetDescription) -> str:
    """The target in the words of the console: region, API/stage, then method and path
    (``us-east-1 petstore-public/prod GET /pets``)."""
    api = target.api_name or target.api_id or ""
    operation = " ".join(part for part in (target.http_method, target.resource_path) if part)
    parts = (target.region, f"{api}/{target.stage}" if target.stage else api, operation)
    return " ".join(part for part in parts if part)


class _Writer(Protocol):
    """What a ``longrepr`` writes to (pytest's terminal writer; not a public type)."""

    def write(self, msg: str) -> None: ...

    def line(self, s: str = "") -> None: ...


@dataclass(frozen=True)
class FindingCrash:
    """Where a check found its finding, read as pytest reads a failure's crash: the short
    summary, junitxml and json-report take the ``message``. Its text is empty: pytest's
    ``--tb=line`` summary writes it after the report's own text, which is the whole finding."""

    path: str
    lineno: int
    message: str

    def __str__(self) -> str:
        return ""


@dataclass(frozen=True)
class FindingRepr:
    """A finding as its report's ``longrepr``: one line, where then what
    (``us-east-1 petstore-public/prod GET /pets: ...``), instead of the finding and then the
    check's file and line. ``--tb=line`` ends the line with the crash text (empty); when
    captured output follows, the finding ends its own line."""

    line: str
    reprcrash: FindingCrash
    ends_line: bool = False

    def toterminal(self, out: _Writer) -> None:
        if self.ends_line:
            out.line(self.line)
        else:
            out.write(self.line)

    def __str__(self) -> str:
        return self.line


def finding_repr(
    target: TargetDescription, finding: Verdict, crash: object, *, sections: bool
) -> FindingRepr | None:
    """The one-line ``longrepr`` of a finding whose pytest ``longrepr`` has a crash (a
    failure reported without a traceback); ``None`` for anything else."""
    path, lineno, message = (getattr(crash, name, None) for name in ("path", "lineno", "message"))
    if finding.status is not Status.FAIL or not isinstance(message, str):
        return None
    return FindingRepr(
        f"{where(target)}: {finding.message}",
        FindingCrash(str(path), lineno if isinstance(lineno, int) else 0, message),
        ends_line=sections,
    )
