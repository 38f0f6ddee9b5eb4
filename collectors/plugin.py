"""pytest glue for the collectors: options, the audit session, and the target fixtures.

- The estate (an inventory per account) is built once, the first time a check's
  parametrization needs it
  (``collectors.session``), and kept in ``config.stash``.
- A check asks for a target fixture by name (``operation``, ``stage``, ``rest_api``... see
  ``collectors.targets.FIXTURES``); ``pytest_generate_tests`` parametrizes it indirectly over
  stable string keys, and the fixture hands the check the target object.
- For the other plugins (``collectors.contract``): how to describe a target, and what the run
  audited, both in ``config.stash``.
- A problem the user must fix (credentials, AWS refusing them, region, profile, snapshot)
  ends the run with one line and pytest's usage-error status 4, not a traceback; checked in
  ``pytest_configure`` (one AWS call: STS GetCallerIdentity), so that nothing is printed or
  written before it.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from collectors.contract import (
    AUDITED_ESTATE,
    DESCRIBE_TARGET,
    RESOLVE_TARGET,
    SCOPE,
    TARGET_FIXTURE,
    deferred_refusal,
    reject_invalid_values,
    runs_checks,
)
from collectors.errors import AuditSetupError, DataUnavailable
from collectors.inventory import DEFAULT_WORKERS
from collectors.model import Shard
from collectors.serialization import save_snapshot
from collectors.session import SHARD_SNAPSHOT, WORKER_SNAPSHOT, AuditSession
from collectors.shards import parse_shard
from collectors.targets import FIXTURES, Target, TargetIndex
from collectors.traffic_options import DEFAULT_TRAFFIC_MAX_GB, traffic_days, traffic_max_gb


def _comma_list(value: str) -> list[str]:
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise argparse.ArgumentTypeError("expected one or more comma-separated values")
    return items


def _max_workers(value: str) -> int:
    try:
        workers = int(value)
    except ValueError:
        workers = 0
    if workers < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value!r}")
    return workers


def _shard(value: str) -> Shard:
    try:
        return parse_shard(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("apigw-audit", "API Gateway audit")
    group.addoption(
        "--region",
        action="append",
        type=deferred_refusal(_comma_list),
        default=[],
        metavar="REGION[,REGION]",
        help="AWS region(s) to audit; repeatable or comma-separated, or 'all': every region "
        "enabled in each account (account:ListRegions) (default: the session's region, from "
        "AWS_REGION / AWS_DEFAULT_REGION / the profile).",
    )
    group.addoption(
        "--aws-profile",
        default=None,
        metavar="NAME",
        help="named profile from the AWS config (default: the standard credential chain).",
    )
    group.addoption(
        "--accounts",
        type=Path,
        default=None,
        metavar="FILE",
        help="audit these accounts, assuming --role-name in each: account ids one a line "
        "('#' comments), or a .yaml/.yml list of ids or of {id, role_name, external_id}.",
    )
    group.addoption(
        "--organization",
        action="store_true",
        default=False,
        help="audit every active account of the AWS Organization (ListAccounts, from the "
        "management or a delegated-administrator account), assuming --role-name in each.",
    )
    group.addoption(
        "--role-name",
        default=None,
        metavar="NAME",
        help="the role to assume in each account of --accounts or --organization "
        "(required: no role is assumed by default).",
    )
    group.addoption(
        "--external-id",
        default=None,
        metavar="ID",
        help="the external id the roles' trust policy requires (sts:ExternalId).",
    )
    group.addoption(
        "--max-workers",
        type=deferred_refusal(_max_workers),
        default=DEFAULT_WORKERS,
        metavar="N",
        help="the most AWS calls in flight at once, over all accounts and regions "
        f"(default: {DEFAULT_WORKERS}; 1: one call at a time).",
    )
    group.addoption(
        "--shard",
        type=deferred_refusal(_shard),
        default=None,
        metavar="K/N",
        help="collect and audit only the K-th of N shares of the (account, region) pairs, for "
        "a CI matrix; also saves the estate in --report-dir (apigw_audit_snapshot.json) for "
        "`apigw-audit merge` to put the shards back together.",
    )
    group.addoption(
        "--stages",
        type=deferred_refusal(_comma_list),
        default=None,
        metavar="GLOB[,GLOB]",
        help="audit the stages whose names match these glob patterns instead of the default "
        "production/staging naming rule (also the 'audit_stages' ini option).",
    )
    group.addoption(
        "--snapshot-out",
        type=Path,
        default=None,
        metavar="FILE",
        help="save the collected inventory as JSON, to audit it again offline.",
    )
    group.addoption(
        "--snapshot-in",
        type=Path,
        default=None,
        metavar="FILE",
        help="audit a saved inventory instead of AWS: no AWS call is made.",
    )
    group.addoption(
        "--demo",
        action="store_true",
        default=False,
        help="audit the built-in sample estate, emulated in-process (no AWS account needed).",
    )
    group.addoption(
        "--traffic-days",
        type=deferred_refusal(traffic_days),
        default=None,
        metavar="N",
        help="read the audited stages' access logs of the last N days with CloudWatch Logs "
        "Insights, billed per GB scanned (also the 'audit_traffic_days' ini option; default: "
        "off, 7 with --demo; 0 turns it off).",
    )
    group.addoption(
        "--traffic-max-gb",
        type=deferred_refusal(traffic_max_gb),
        default=None,
        metavar="GB",
        help="the most the traffic evidence's queries may scan, estimated from the log groups' "
        "stored bytes; queries over it are not run (also the 'audit_traffic_max_gb' ini "
        f"option; default: {DEFAULT_TRAFFIC_MAX_GB:g}).",
    )
    parser.addini(
        "audit_traffic_days",
        type="string",
        default="",
        help="days of access logs to read for the traffic evidence (overridden by --traffic-days).",
    )
    parser.addini(
        "audit_traffic_max_gb",
        type="string",
        default="",
        help="the traffic evidence's scan cap in GB (overridden by --traffic-max-gb).",
    )
    parser.addini(
        "audit_stages",
        type="args",
        default=[],
        help="glob patterns of stage names to audit (overridden by --stages).",
    )


AUDIT_SESSION = pytest.StashKey[AuditSession]()


def audit_session(config: pytest.Config) -> AuditSession | None:
    """The run's audit session (``None`` when the plugin is not active)."""
    return config.stash.get(AUDIT_SESSION, None)


def pytest_cmdline_main(config: pytest.Config) -> None:
    """A shard saves its estate in its report directory unless --snapshot-out says where:
    named before configure, so that the file is checked writable with the other outputs."""
    option = config.option
    if isinstance(option.shard, Shard) and option.snapshot_out is None:
        option.snapshot_out = getattr(option, "report_dir", Path()) / SHARD_SNAPSHOT


def pytest_configure(config: pytest.Config) -> None:
    reject_invalid_values(config)
    session = AuditSession(config)
    config.stash[AUDIT_SESSION] = session
    config.stash[DESCRIBE_TARGET] = session.describe
    config.stash[RESOLVE_TARGET] = session.resolve
    config.stash[AUDITED_ESTATE] = session.audited
    config.stash[SCOPE] = session.scope.describe()
    # Its hooks are optional: harmless without pytest-xdist, whatever name xdist loads under.
    config.pluginmanager.register(XdistHooks(), "apigw-audit-xdist")
    if runs_checks(config) and not session.is_worker and not config.option.help:
        try:
            session.check_setup()
        except AuditSetupError as exc:
            raise pytest.UsageError(str(exc)) from None


def pytest_unconfigure(config: pytest.Config) -> None:
    session = audit_session(config)
    if session is not None:
        session.cleanup()


def _requested_target_fixtures(metafunc: pytest.Metafunc) -> list[str]:
    """The target fixtures this test requests, where they are ours and not shadowed.

    A test suite may define its own fixture named like one of ours (``api``, ``stage``): the
    closest definition wins in pytest, so only ours get parametrized. pytest offers no public
    way to see which definition a name resolves to; ``_arg2fixturedefs`` is that map.
    """
    definitions = getattr(metafunc, "_arg2fixturedefs", {})
    return [
        name
        for name in metafunc.fixturenames
        if name in FIXTURES
        and definitions.get(name)
        and getattr(definitions[name][-1].func, TARGET_FIXTURE, None) == name
    ]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    fixtures = _requested_target_fixtures(metafunc)
    if not fixtures:
        return
    session = metafunc.config.stash[AUDIT_SESSION]
    for name in fixtures:
        keys: list[str] = []
        if session.setup_error is None:
            try:
                keys = session.index().keys(name)
            except AuditSetupError as exc:
                # Raised again, as a usage error, once collection is over: raising here
                # would turn it into a collection error with a traceback.
                session.setup_error = exc
        metafunc.parametrize(name, keys, indirect=True, ids=keys)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config) -> None:
    session = audit_session(config)
    if session is not None and session.setup_error is not None:
        raise pytest.UsageError(str(session.setup_error))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A check that errors because its data is missing shows the reason, not a traceback."""
    report = yield
    if call.excinfo is not None and call.excinfo.errisinstance(DataUnavailable):
        report.longrepr = f"data unavailable: {call.excinfo.value}"
    return report


def _resolve(request: pytest.FixtureRequest, fixture: str) -> Target:
    return request.config.stash[AUDIT_SESSION].resolve(fixture, request.param)


@pytest.fixture(scope="session")
def audit_index(request: pytest.FixtureRequest) -> TargetIndex:
    """The index of every in-scope target, for checks that look beyond their own target: at
    their own account's inventory (``audit_index.inventory_for(target)``).

    Session-scoped: it is the same object for every check, and a function-scoped fixture is
    set up and torn down again for each of them (a tenth of the check phase's fixture work).
    """
    return request.config.stash[AUDIT_SESSION].index()


def _target_fixture(name: str) -> Any:
    def fixture(request: pytest.FixtureRequest) -> Target:
        return _resolve(request, name)

    fixture.__name__ = name
    fixture.__doc__ = f"The audit target: {FIXTURES[name].description}."
    setattr(fixture, TARGET_FIXTURE, name)
    return pytest.fixture(name=name)(fixture)


# One public fixture per target set, e.g. ``operation`` or ``stage`` (see FIXTURES).
for _name in FIXTURES:
    globals()[f"_fixture_{_name}"] = _target_fixture(_name)


class XdistHooks:
    """Controller side of pytest-xdist: collect once, hand each worker the snapshot (the
    whole estate).

    The controller does not collect tests itself, so it cannot build the estate lazily;
    it builds it before the workers start when the run's paths include the checks.
    """

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        session = node.config.stash[AUDIT_SESSION]
        if not runs_checks(node.config):
            return
        if session.worker_snapshot_path is None:
            try:
                estate = session.estate()
            except AuditSetupError as exc:
                raise pytest.UsageError(str(exc)) from None
            fd, name = tempfile.mkstemp(prefix="apigw-audit-snapshot-", suffix=".json")
            os.close(fd)
            session.worker_snapshot_path = Path(name)
            save_snapshot(estate, session.worker_snapshot_path)
        node.workerinput[WORKER_SNAPSHOT] = str(session.worker_snapshot_path)
