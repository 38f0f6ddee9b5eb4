"""pytest glue for the checks: their declaration, options, records and verdicts.

Declaration. Every test in the suite's ``checks/`` is a check declared with ``@check``
(``checks.catalog``), as is any test of an organisation's own that carries the decorator: it
carries exactly one ``severity(level=...)`` mark equal to its declared severity and is
parametrized over exactly one target fixture. Anything else is a collection error.
``--min-severity=LEVEL`` deselects the checks below LEVEL (reported as deselected);
``-m "severity(level='critical')"`` selects by mark, the level in any case (the expression's
levels are lowered before pytest reads it). ``--list-checks`` prints the catalogue instead of
running anything (``checks.listing``), in one process: it turns pytest-xdist's ``-n`` off.

Selection by what people know. In a run given ``-k``, before pytest's own deselection, each
check item gets, as ``extra_keyword_matches`` (pytest's way to add names ``-k`` matches, as
substrings in any case), its check id, issue type, region, API name, API id and stage. ``-k``
words cannot hold a space, so the issue type is also there with dashes:
``-k Authorization-Gap``.

The record (``collectors.contract.CheckRecord``): before any fixture runs
(``pytest_runtest_setup``, tryfirst) every check item gets exactly one, under
``user_properties``: the check's metadata, the target fixture, the target's description
(from the collectors, ``DESCRIBE_TARGET``) and ``details``, the dict the ``evidence``
fixture stands for, for the check to fill with JSON-serialisable facts (also when it passes):
``FixtureHanding`` hands it to the check item with no fixture setup, and with it the item's
target and the fixtures derived from it (``checks.handed``), once the skip marks are judged.
The details are made plain JSON when the call ends (keys as strings); what
is not JSON-serialisable is reported as its repr and fails the test's teardown. Each phase's
verdict (``checks.outcomes``) is attached to its report where the exception is at hand.
Both are let go once the test's reports have been logged (``checks.record_lifetime``).

In a run of the suite's checks alone, output is captured at the Python level and log records
are not captured per test, unless the user chose otherwise (``checks.capture``). In a run of
checks that is its process's one session, what the session keeps to its end is kept out of
the garbage collector's passes (``checks.long_lived``). The items of one check share its
location (``checks.locations``).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from checks.capture import capture_prints_only, record_capture, switch_off_unused_log_capture
from checks.catalog import check_of, suite_checks
from checks.handed import hand_fixture_values
from checks.listing import ListChecks
from checks.locations import share_locations
from checks.long_lived import LongLivedObjects, one_session_per_process
from checks.options import add_options, traffic_min_requests
from checks.outcomes import CHECKS_TRACEBACK, as_finding, phase_verdict
from checks.policy import CACHE_PRICE_PER_HOUR, Pricing
from checks.record_lifetime import RecordLifetime, drop_record
from collectors.contract import (
    COLLECTED_CHECKS,
    DESCRIBE_TARGET,
    RECORD,
    RESOLVE_TARGET,
    SUITE_CHECKS,
    VERDICT,
    CheckInfo,
    CheckRecord,
    Severity,
    TargetDescription,
    record_of,
    reject_invalid_values,
    runs_checks,
)
from collectors.targets import FIXTURES

CHECKS_DIR = Path(__file__).resolve().parent


# --- options (``checks.options``) -------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


# Before pytest's capture plugin, whose own wrapper makes the capture manager.
@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> Generator[None, None, None]:
    capture_prints_only(early_config, parser, args, CHECKS_DIR)
    return (yield)


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    if config.option.list_checks and hasattr(config.option, "numprocesses"):
        # Listing runs nothing: no pytest-xdist workers to start (seconds, for a table). Set
        # whether xdist's own cmdline_main (which turns -n into dist and tx) ran before or not.
        config.option.numprocesses = 0
        config.option.dist = "no"
        config.option.tx = []


def pytest_configure(config: pytest.Config) -> None:
    reject_invalid_values(config)
    # Declared here, not only in pytest.ini, for the installed package (pytest --pyargs checks).
    config.addinivalue_line(
        "markers", "severity(level): the check's severity: critical, high, medium, low or finops"
    )
    if config.option.list_checks:
        config.pluginmanager.register(ListChecks(), "apigw-audit-list-checks")
        return
    if not runs_checks(config):
        return
    config.option.markexpr = severity_in_any_case(config.option.markexpr)
    record_capture(config)
    switch_off_unused_log_capture(config, CHECKS_DIR)
    config.stash[SUITE_CHECKS] = _suite_check_ids
    config.stash[COLLECTED_CHECKS] = lambda: frozenset(config.stash.get(_COLLECTED_CHECKS, ()))
    if config.option.collectonly:
        return
    config.pluginmanager.register(RecordLifetime(), "apigw-audit-record-lifetime")
    config.pluginmanager.register(FixtureHanding(), "apigw-audit-fixture-handing")
    if one_session_per_process(config):
        config.pluginmanager.register(LongLivedObjects(), "apigw-audit-long-lived-objects")
    # On workers too: that is where reports are made. An explicit --tb wins.
    if config.option.tbstyle == "auto":
        config.option.tbstyle = CHECKS_TRACEBACK
    config.stash[FINDINGS_WITHOUT_TRACEBACK] = config.option.tbstyle in ("line", "no")
    traffic_min_requests(config)  # a bad ini value stops the run before any check


_SEVERITY_LEVEL = re.compile(r"""(\bseverity\s*\([^)]*?\blevel\s*=\s*)(['"])(.*?)\2""")


def severity_in_any_case(expression: str) -> str:
    """A ``-m`` expression whose ``severity(level=...)`` values are lower case, as the marks'."""
    return _SEVERITY_LEVEL.sub(
        lambda found: f"{found[1]}{found[2]}{found[3].lower()}{found[2]}", expression
    )


def _suite_check_ids() -> frozenset[str]:
    """``SUITE_CHECKS``: the ids of the suite's whole catalogue."""
    return frozenset(info.id for info, _ in suite_checks())


# --- collection ------------------------------------------------------------------------------


def _in_checks(item: pytest.Item) -> bool:
    return CHECKS_DIR in item.path.parents


_COLLECTED_CHECKS = pytest.StashKey[set[str]]()  # the ids of the checks collected
FINDINGS_WITHOUT_TRACEBACK = pytest.StashKey[bool]()


def _check_info(item: pytest.Item) -> CheckInfo | None:
    """The check an item runs (an attribute of its function: nothing kept per item)."""
    function = getattr(item, "function", None)
    return check_of(function) if function is not None else None


def _target_fixtures(item: pytest.Item) -> list[str]:
    """The target fixtures the collectors parametrized the item over: the one place that
    decides (a test's own fixture named like a target fixture is not one)."""
    callspec = getattr(item, "callspec", None)
    return [name for name in (callspec.params if callspec else ()) if name in FIXTURES]


def _problem(item: pytest.Item) -> str | None:
    """Why an item is not a well-formed check, or ``None``."""
    info = _check_info(item)
    marks = list(item.iter_markers("severity"))
    if info is None:
        if _in_checks(item):
            return "is in checks/ but not declared with @check(...)"
        # Outside an audit, "severity" may be a project's own mark.
        if marks and runs_checks(item.config):
            return "has a severity mark but is not declared with @check(...)"
        return None
    levels = [str(mark.kwargs.get("level", mark.args[0] if mark.args else "")) for mark in marks]
    if len(levels) != 1:
        return f"must have exactly one severity mark, has {len(levels)}: {levels}"
    try:
        level = Severity.parse(levels[0])
    except ValueError as exc:
        return f"has an invalid severity mark: {exc}"
    if level != info.severity:
        return f"is marked {level.name} but {info.id} is declared {info.severity.name}"
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


def _target_key(item: pytest.Item, fixture: str) -> str:
    key = getattr(item, "callspec", None) and item.callspec.params.get(fixture)  # type: ignore[attr-defined]
    return key if isinstance(key, str) else ""


def _described(item: pytest.Item, fixture: str) -> TargetDescription:
    """The item's target as the collectors describe it (once per target: the checks on it
    share it). Each record gets its JSON, let go with the record
    (``checks.record_lifetime``): kept per target, it was 5x the description's memory."""
    return item.config.stash[DESCRIBE_TARGET](fixture, _target_key(item, fixture))


def keywords(info: CheckInfo, target: TargetDescription) -> set[str]:
    """The names ``-k`` matches a check item by, beside its test id."""
    names = {info.id, info.issue_type, _dashed(info.issue_type), target.region}
    names.update(name for name in (target.api_name, target.api_id, target.stage) if name)
    return names


@functools.cache
def _dashed(issue_type: str) -> str:
    """The issue type as one ``-k`` word (one string per issue type, shared by its items)."""
    return issue_type.replace(" ", "-")


@pytest.hookimpl(tryfirst=True)  # before pytest's own -k and -m deselection
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    collected = config.stash.setdefault(_COLLECTED_CHECKS, set())
    # Only -k reads them: without it, no set of names per item (at the xl estate 215,707
    # items, some 70 MiB).
    matched_by_keyword = (
        bool(config.option.keyword) and DESCRIBE_TARGET in config.stash and runs_checks(config)
    )
    for item in items:
        info = _check_info(item)
        if info is None:
            continue
        collected.add(info.id)
        if matched_by_keyword:
            (fixture,) = _target_fixtures(item)
            item.extra_keyword_matches.update(keywords(info, _described(item, fixture)))
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


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    share_locations(session.items, lambda item: _check_info(item) is not None)


# --- the record and the verdicts -----------------------------------------------------------------


@functools.cache
def _check_json(info: CheckInfo) -> dict[str, Any]:
    """One document per check, shared by its records."""
    return info.to_json()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    info = _check_info(item)
    if info is None:
        return
    (fixture,) = _target_fixtures(item)
    record: CheckRecord = {
        "check": _check_json(info),
        "target_fixture": fixture,
        "target": _described(item, fixture).to_json(),
        "details": {},
    }
    # Exactly one record, even when a plugin (reruns) sets the same item up again.
    drop_record(item.user_properties)
    item.user_properties.append((RECORD, record))


class FixtureHanding:
    """Registered for a run of checks: hands a check item its fixtures (``checks.handed``),
    the evidence fixture's value with them, once the skip marks are judged (pytest's skipping
    plugin's setup is tryfirst) and before pytest sets the item up (registered after pytest's
    runner, this runs first)."""

    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        record = record_of(item.user_properties)
        if isinstance(item, pytest.Function) and record is not None:
            hand_fixture_values(
                item,
                item.config.stash.get(RESOLVE_TARGET, None),
                {_evidence_fixture: record["details"]},
            )


@pytest.hookimpl(trylast=True)  # after the fixtures' own teardown
def pytest_runtest_teardown(item: pytest.Item) -> None:
    problem = item.stash.get(EVIDENCE_PROBLEM, None)
    if problem is not None:
        raise TypeError(problem)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    checked = _check_info(item) is not None
    if checked and call.when == "call":
        _settle_evidence(item)
        excinfo = call.excinfo
        if (
            excinfo is not None
            and excinfo.errisinstance(AssertionError)
            and item.config.stash.get(FINDINGS_WITHOUT_TRACEBACK, False)
            and isinstance(item, pytest.Function)
        ):
            call.excinfo = as_finding(excinfo.value, item.function.__code__)
    report = yield
    if checked:
        if call.excinfo is None:
            setattr(report, VERDICT, _PASSED)
        else:
            setattr(report, VERDICT, phase_verdict(call.when, call.excinfo.value).to_json())
        if isinstance(report.longrepr, tuple):  # a skip: (path, line, reason), kept to the end
            report.longrepr = _shared_skip(item.config, report.longrepr)
    return report


_SKIP_STRINGS = pytest.StashKey[dict[str, str]]()


def _shared_skip(config: pytest.Config, longrepr: tuple[str, int, str]) -> tuple[str, int, str]:
    """A skip's report with its module's path and its reason as one string each for every
    skip that has them: pytest makes both anew for each report, and keeps every report to
    the end of the run (at the xl estate 108,287 skips, about 20 MiB; bench/README.md)."""
    known = config.stash.setdefault(_SKIP_STRINGS, {})
    path, line, reason = longrepr
    return (known.setdefault(path, path), line, known.setdefault(reason, reason))


# Most phases pass: their reports share one verdict document (reports only read it).
_PASSED = phase_verdict("call", None).to_json()


EVIDENCE_PROBLEM = pytest.StashKey[str]()


def _settle_evidence(item: pytest.Item) -> None:
    """Make sure the evidence is JSON before the call's report leaves (under pytest-xdist it is
    sent to the controller as it is): what cannot be serialised, or sorted, is kept as its
    repr, and the ``evidence`` fixture then fails the test's teardown for it."""
    record = record_of(item.user_properties)
    if record is None:
        return
    details = record["details"]
    if not details:
        return  # an empty dict is JSON: nothing to check
    try:
        # sort_keys refuses keys of mixed types, which pytest-html's rendering would too;
        # NaN and the infinities are not JSON (the report writers would make them null)
        json.dumps(details, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        item.stash[EVIDENCE_PROBLEM] = (
            f"{record['check']['id']} evidence is not JSON-serialisable ({exc}): {details!r}"
        )
        plain = json.loads(json.dumps(details, default=repr), parse_constant=str)
        details.clear()
        details.update(plain)


def _evidence_fixture(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The finding's structured details: fill it with JSON-serialisable facts, pass or fail."""
    record = record_of(request.node.user_properties)
    if record is None:
        raise RuntimeError(f"{request.node.name}: evidence is for checks declared with @check")
    return record["details"]


evidence = pytest.fixture(name="evidence")(_evidence_fixture)


@pytest.fixture(scope="session")
def pricing(pytestconfig: pytest.Config) -> Pricing:
    """Request prices for the cost check (--rest-price-per-million, --http-price-per-million)
    and cache cluster prices for the idle cache check (--cache-price-per-hour)."""
    option = pytestconfig.option
    return Pricing(
        option.rest_price_per_million,
        option.http_price_per_million,
        {**CACHE_PRICE_PER_HOUR, **dict(option.cache_price_per_hour)},
    )


@pytest.fixture(scope="session")
def unused_threshold(pytestconfig: pytest.Config) -> float:
    """Fewer requests than this in 30 days make a stage unused (--unused-threshold)."""
    return float(pytestconfig.option.unused_threshold)


@pytest.fixture(scope="session")
def tls_policies(pytestconfig: pytest.Config) -> tuple[str, ...]:
    """The security policies the TLS checks allow custom domains and REST default endpoints
    (--tls-policies, else the ini audit_tls_policies, else DEFAULT_TLS_POLICIES)."""
    chosen = pytestconfig.option.tls_policies
    return tuple(chosen) if chosen else tuple(pytestconfig.getini("audit_tls_policies"))


@pytest.fixture(scope="session")
def min_requests(pytestconfig: pytest.Config) -> int:
    """The fewest requests in the traffic window the attack or abuse check judges
    (--traffic-min-requests, else the ini audit_traffic_min_requests)."""
    return traffic_min_requests(pytestconfig)
