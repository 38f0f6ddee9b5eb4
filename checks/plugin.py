"""pytest glue for the checks: severities, their options, and the evidence contract.

Severity. Every test in ``checks/`` is a check declared with ``@check`` (``checks.catalog``)
and carries exactly one ``severity(level=...)`` mark with a known level, equal to its
catalog severity; its docstring starts with its title and it is parametrized over exactly one
target fixture. Anything else is a collection error. ``--min-severity=LEVEL`` deselects the
checks below LEVEL (reported as deselected); ``-m "severity(level='critical')"`` selects by
mark.

Evidence contract (what the reports read from each check's test reports):

- Before any fixture runs (``pytest_runtest_setup``, tryfirst), every check item gets exactly
  one entry in ``item.user_properties``::

      ("apigw_audit", {"check_id": "APIGW-AUTH-001",
                       "target_fixture": "operation",        # the fixture it runs over
                       "target_key": "us-east-1/a1b2c3/prod/GET /pets",  # "" if no targets
                       "details": {}})

- The function-scoped ``evidence`` fixture returns that same ``details`` dict; the check fills
  it with JSON-serialisable facts (also when it passes), so they reach the call-phase report,
  including under pytest-xdist. Details that are not JSON-serialisable fail the test's
  teardown.
- Outcomes: passed; failed = a finding, the first line of the assertion message is the
  finding in plain English; skipped = not applicable (the reason says why); error = the data
  the check needs was not collected (``DataUnavailable`` raised in a fixture).
"""

from __future__ import annotations

import argparse
import inspect
import json
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from checks.catalog import CheckInfo, Severity, check_of
from checks.policy import Pricing
from collectors.targets import FIXTURES

RECORD = "apigw_audit"
CHECKS_DIR = Path(__file__).resolve().parent


def record_of(user_properties: Sequence[tuple[str, object]]) -> dict[str, Any] | None:
    """The check's record in an item's or a report's ``user_properties``, if any."""
    for name, value in user_properties:
        if name == RECORD and isinstance(value, dict):
            return value
    return None


# --- options ---------------------------------------------------------------------------------


def severity_option(text: str) -> Severity:
    """argparse type for a severity name (--min-severity, --fail-on)."""
    try:
        return Severity.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text}")
    return value


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("apigw-audit-checks", "API Gateway audit checks")
    group.addoption(
        "--min-severity",
        type=severity_option,
        default=None,
        metavar="LEVEL",
        help="run only checks of this severity or higher: critical, high, medium, low, finops "
        "(the others are reported as deselected).",
    )
    group.addoption(
        "--rest-price-per-million",
        type=_non_negative,
        default=Pricing.rest_per_million,
        metavar="USD",
        help="REST API price per million requests, for the cost check (default: %(default)s).",
    )
    group.addoption(
        "--http-price-per-million",
        type=_non_negative,
        default=Pricing.http_per_million,
        metavar="USD",
        help="HTTP API price per million requests, for the cost check (default: %(default)s).",
    )
    group.addoption(
        "--unused-threshold",
        type=_non_negative,
        default=100,
        metavar="REQUESTS",
        help="a stage with fewer requests in the last 30 days is unused (default: %(default)s).",
    )


# --- collection ------------------------------------------------------------------------------


def _in_checks(item: pytest.Item) -> bool:
    return CHECKS_DIR in item.path.parents


def _check_info(item: pytest.Item) -> CheckInfo | None:
    function = getattr(item, "function", None)
    return check_of(function) if function is not None else None


def _target_fixtures(item: pytest.Item) -> list[str]:
    return [name for name in getattr(item, "fixturenames", ()) if name in FIXTURES]


def _problem(item: pytest.Item) -> str | None:
    """Why an item is not a well-formed check, or ``None``."""
    info = _check_info(item)
    marks = list(item.iter_markers("severity"))
    if info is None:
        if _in_checks(item):
            return "is in checks/ but not declared with @check(...)"
        return "has a severity mark but is not declared with @check(...)" if marks else None
    levels = [str(mark.kwargs.get("level", mark.args[0] if mark.args else "")) for mark in marks]
    if len(levels) != 1:
        return f"must have exactly one severity mark, has {len(levels)}: {levels}"
    try:
        level = Severity.parse(levels[0])
    except ValueError as exc:
        return f"has an invalid severity mark: {exc}"
    if level != info.severity:
        return f"is marked {level.name} but {info.id} is declared {info.severity.name}"
    summary = (inspect.getdoc(getattr(item, "function", None)) or "").partition("\n")[0]
    if summary != info.title:
        return f"must have a docstring whose first line is its title {info.title!r}"
    targets = _target_fixtures(item)
    if len(targets) != 1:
        names = ", ".join(sorted(FIXTURES))
        return f"must run over exactly one target fixture ({names}), uses {targets or 'none'}"
    return None


@pytest.hookimpl(wrapper=True)
def pytest_pycollect_makeitem(
    collector: pytest.Collector, name: str, obj: object
) -> Generator[None, Any, Any]:
    result = yield
    items = result if isinstance(result, list) else [result]
    for item in items:
        if isinstance(item, pytest.Item) and (problem := _problem(item)) is not None:
            raise pytest.Collector.CollectError(f"{name} {problem}")
    return result


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    minimum: Severity | None = config.option.min_severity
    if minimum is None:
        return
    kept: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        info = _check_info(item)
        (deselected if info is not None and info.severity < minimum else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


# --- the evidence contract ---------------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    info = _check_info(item)
    if info is None:
        return
    (fixture,) = _target_fixtures(item)
    key = getattr(item, "callspec", None) and item.callspec.params.get(fixture)  # type: ignore[attr-defined]
    record = {
        "check_id": info.id,
        "target_fixture": fixture,
        "target_key": key if isinstance(key, str) else "",
        "details": {},
    }
    # Exactly one record, even when a plugin (reruns) sets the same item up again.
    item.user_properties[:] = [p for p in item.user_properties if p[0] != RECORD]
    item.user_properties.append((RECORD, record))


@pytest.fixture
def evidence(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """The finding's structured details: fill it with JSON-serialisable facts, pass or fail."""
    record = record_of(request.node.user_properties)
    if record is None:
        raise RuntimeError(f"{request.node.name}: evidence is for checks declared with @check")
    details: dict[str, Any] = record["details"]
    yield details
    try:
        json.dumps(details)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{record['check_id']} evidence is not JSON-serialisable ({exc}): {details!r}"
        ) from None


@pytest.fixture(scope="session")
def pricing(pytestconfig: pytest.Config) -> Pricing:
    """Request prices for the cost check (--rest-price-per-million, --http-price-per-million)."""
    option = pytestconfig.option
    return Pricing(option.rest_price_per_million, option.http_price_per_million)


@pytest.fixture(scope="session")
def unused_threshold(pytestconfig: pytest.Config) -> float:
    """Fewer requests than this in 30 days make a stage unused (--unused-threshold)."""
    return float(pytestconfig.option.unused_threshold)
