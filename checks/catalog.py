"""What every check is: id, severity, issue type, risk, remediation and references.

A check is declared next to its test function with ``@check(...)``, which registers its
metadata here and marks the test ``@pytest.mark.severity(level=...)``. The reports read this
catalog; a check's outcome and evidence travel in the test report (see ``checks.plugin``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, TypeVar

import pytest

F = TypeVar("F", bound=Callable[..., Any])


class Severity(IntEnum):
    """Ordered so that a higher value is more severe; always shown by name."""

    FINOPS = 1
    LOW = 2
    MEDIUM = 3
    HIGH = 4
    CRITICAL = 5

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in sorted(cls, reverse=True))
            raise ValueError(f"unknown severity {text!r} (expected one of {names})") from None


@dataclass(frozen=True)
class CheckInfo:
    id: str  # stable, e.g. APIGW-AUTH-001
    issue_type: str  # the name reports use, e.g. "Authorization Gap"
    severity: Severity
    title: str
    security_impact: str  # one sentence
    remediation: tuple[str, ...]
    references: tuple[str, ...]  # Security Hub control ids, AWS documentation URLs


# check id -> metadata, for every check module imported so far
CHECKS: dict[str, CheckInfo] = {}
_ATTRIBUTE = "apigw_audit_check"


def check_of(function: Callable[..., Any]) -> CheckInfo | None:
    """The metadata of the check a test function is, or ``None`` for a plain test."""
    info = getattr(function, _ATTRIBUTE, None)
    return info if isinstance(info, CheckInfo) else None


def check(
    *,
    id: str,
    issue_type: str,
    severity: Severity,
    title: str,
    security_impact: str,
    remediation: tuple[str, ...],
    references: tuple[str, ...] = (),
) -> Callable[[F], F]:
    """Declare a test function to be the check ``id``, with its metadata and severity mark."""
    info = CheckInfo(id, issue_type, severity, title, security_impact, remediation, references)

    def register(function: F) -> F:
        # A module imported again (pytester, importlib reloads) re-declares the same check.
        if CHECKS.get(id, info) != info:
            raise ValueError(f"check id {id} is declared twice, with different metadata")
        CHECKS[id] = info
        setattr(function, _ATTRIBUTE, info)
        marked: F = pytest.mark.severity(level=severity.name.lower())(function)
        return marked

    return register
