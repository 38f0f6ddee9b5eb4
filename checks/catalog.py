"""Declaring a check: ``@check(...)`` next to its test function.

``@check`` records the check's metadata (``CheckInfo``, from ``collectors.contract``) on the
function and marks it ``@pytest.mark.severity(level=...)``; the check's title is the first
line of the function's docstring, the rest of which says what it verifies and why it
matters. The metadata travels in each result's record, so the reports need no catalog.
``suite_checks`` is the suite's whole catalogue, whatever a run collected.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import pytest

from collectors.contract import AWS_CONFIG, SECURITY_HUB, CheckInfo, Severity

F = TypeVar("F", bound=Callable[..., Any])

# check id -> metadata, for every check module imported so far
CHECKS: dict[str, CheckInfo] = {}
_ATTRIBUTE = "apigw_audit_check"


def check_of(function: Callable[..., Any]) -> CheckInfo | None:
    """The metadata of the check a test function is, or ``None`` for a plain test."""
    info = getattr(function, _ATTRIBUTE, None)
    return info if isinstance(info, CheckInfo) else None


def suite_checks() -> list[tuple[CheckInfo, Callable[..., Any]]]:
    """Every check of the suite's own ``checks/`` package with its test function, most severe
    first, then by id; imports the check modules (a run may have collected only one)."""
    found: dict[str, tuple[CheckInfo, Callable[..., Any]]] = {}
    for module_info in pkgutil.iter_modules([str(Path(__file__).resolve().parent)]):
        if not module_info.name.startswith("test_"):
            continue
        module = importlib.import_module(f"{__package__}.{module_info.name}")
        for _, function in inspect.getmembers(module, inspect.isfunction):
            info = check_of(function)
            if info is not None:
                found[info.id] = (info, function)
    return sorted(found.values(), key=lambda pair: (-pair[0].severity, pair[0].id))


def _posture_owner(key: str, check_id: str) -> str | None:
    """The other check already declaring ``key`` a posture field, if any."""
    return next(
        (info.id for info in CHECKS.values() if info.id != check_id and key in info.posture),
        None,
    )


def check(
    *,
    id: str,
    issue_type: str,
    severity: Severity,
    security_impact: str,
    remediation: tuple[str, ...],
    references: tuple[str, ...] = (),
    posture: tuple[str, ...] = (),
    compliance: Mapping[str, tuple[str, ...]] | None = None,
) -> Callable[[F], F]:
    """Declare a test function to be the check ``id``, with its metadata and severity mark.

    ``posture`` names the evidence keys that describe the target itself (its authorization
    type, its throttle...): the resources report shows them on every operation the target
    contains. Each key belongs to one check.

    ``compliance`` maps the check to the AWS Security Hub control it corresponds to
    (``SECURITY_HUB``), the AWS Config rules (``AWS_CONFIG``) and the requirements Security
    Hub's control reference relates that control to ("NIST.800-53.r5", "PCI DSS v4.0.1"...):
    those come from Security Hub, so they need its control.
    """

    def register(function: F) -> F:
        title = (inspect.getdoc(function) or "").partition("\n")[0].strip()
        if not title:
            raise ValueError(f"check {id} needs a docstring whose first line is its title")
        mapped = dict(compliance or {})
        related = sorted(set(mapped) - {SECURITY_HUB, AWS_CONFIG})
        if related and not mapped.get(SECURITY_HUB):
            raise ValueError(
                f"check {id} maps to {', '.join(related)} without a Security Hub control"
            )
        info = CheckInfo(
            id=id,
            issue_type=issue_type,
            severity=severity,
            title=title,
            security_impact=security_impact,
            remediation=remediation,
            references=references,
            posture=posture,
            compliance=tuple((name, tuple(ids)) for name, ids in mapped.items()),
        )
        # A module imported again (pytester, importlib reloads) re-declares the same check.
        if CHECKS.get(id, info) != info:
            raise ValueError(f"check id {id} is declared twice, with different metadata")
        for key in posture:
            if (owner := _posture_owner(key, id)) is not None:
                raise ValueError(f"check {id}: posture field {key!r} already belongs to {owner}")
        CHECKS[id] = info
        setattr(function, _ATTRIBUTE, info)
        marked: F = pytest.mark.severity(level=severity.name.lower())(function)
        return marked

    return register
