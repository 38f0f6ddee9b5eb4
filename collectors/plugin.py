"""pytest glue: options, the lazily built inventory, and parametrizing checks over targets.

- The inventory is built once, the first time a check's parametrization needs it (never for
  ``pytest --help`` or ``pytest tests_unit/``), and kept in ``config.stash``.
- A check asks for a target fixture by name (``operation``, ``stage``, ``rest_api``... see
  ``collectors.targets.FIXTURES``); ``pytest_generate_tests`` parametrizes it indirectly over
  stable string keys, and the fixture hands the check the target object.
- Under pytest-xdist the controller collects the inventory once and hands every worker the same
  snapshot file, so all workers collect identical test ids without calling AWS.
- A problem the user must fix (credentials, region, profile, snapshot) ends the run with one
  line and pytest's usage-error status 4, not a traceback.
"""

from __future__ import annotations

import argparse
import gc
import os
import tempfile
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from collectors.clients import AwsClients, make_session, require_credentials, resolve_regions
from collectors.errors import AuditSetupError, DataUnavailable
from collectors.inventory import Progress, ProgressCallback, collect_inventory
from collectors.model import Inventory
from collectors.scope import StageScope
from collectors.serialization import load_snapshot, save_snapshot
from collectors.targets import FIXTURES, Target, TargetIndex

WORKER_SNAPSHOT = "apigw_audit_snapshot"


def _comma_list(value: str) -> list[str]:
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise argparse.ArgumentTypeError("expected one or more comma-separated values")
    return items


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("apigw-audit", "API Gateway audit")
    group.addoption(
        "--region",
        action="append",
        type=_comma_list,
        default=[],
        metavar="REGION[,REGION]",
        help="AWS region(s) to audit; repeatable or comma-separated "
        "(default: the session's region, from AWS_REGION / AWS_DEFAULT_REGION / the profile).",
    )
    group.addoption(
        "--aws-profile",
        default=None,
        metavar="NAME",
        help="named profile from the AWS config (default: the standard credential chain).",
    )
    group.addoption(
        "--stages",
        type=_comma_list,
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
    parser.addini(
        "audit_stages",
        type="args",
        default=[],
        help="glob patterns of stage names to audit (overridden by --stages).",
    )


class AuditSession:
    """The run's inventory and target index, built on first use; one per pytest config."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        option = config.option
        self.is_worker = hasattr(config, "workerinput")
        worker_snapshot = getattr(config, "workerinput", {}).get(WORKER_SNAPSHOT)
        self.snapshot_in: Path | None = (
            Path(worker_snapshot) if worker_snapshot else option.snapshot_in
        )
        self.demo: bool = option.demo and not self.is_worker
        self.regions = [region for group in option.region for region in group]
        self.profile: str | None = option.aws_profile
        self.snapshot_out: Path | None = None if self.is_worker else option.snapshot_out
        self.scope = StageScope(option.stages or config.getini("audit_stages"))
        self.setup_error: AuditSetupError | None = None
        self._inventory: Inventory | None = None
        self._index: TargetIndex | None = None
        self._console = _Console(config)
        self.worker_snapshot_path: Path | None = None
        if not self.is_worker:
            self._validate_options()

    def _validate_options(self) -> None:
        if self.demo and self.snapshot_in:
            raise pytest.UsageError("--demo and --snapshot-in both choose the estate: use one.")
        if self.snapshot_in and (self.regions or self.profile):
            raise pytest.UsageError(
                "--snapshot-in audits a saved inventory: --region and --aws-profile do not apply."
            )

    @property
    def built(self) -> bool:
        return self._inventory is not None

    def inventory(self) -> Inventory:
        if self._inventory is None:
            self._inventory = self._build()
            if self.snapshot_out is not None:
                save_snapshot(self._inventory, self.snapshot_out)
                self._write_line(f"apigw-audit: inventory saved to {self.snapshot_out}")
        return self._inventory

    def index(self) -> TargetIndex:
        if self._index is None:
            self._index = TargetIndex(self.inventory(), self.scope)
        return self._index

    def _build(self) -> Inventory:
        if self.snapshot_in is not None:
            return load_snapshot(self.snapshot_in)
        if self.is_worker:
            raise AuditSetupError(
                "pytest-xdist workers audit the controller's inventory, and this run's arguments "
                "did not name the checks: pass the checks directory (pytest checks/ -n 2)."
            )
        if self.demo:
            return self._build_demo()
        session = make_session(self.profile)
        require_credentials(session)
        regions = resolve_regions(session, self.regions)
        return collect_inventory(
            AwsClients(session),
            regions,
            progress=self._progress(regions),
            audited=self.scope.audits,
        )

    def _build_demo(self) -> Inventory:
        import boto3

        from collectors.demo.estate import DEMO_REGIONS, build_demo_estate, emulated_aws

        self._write_line(
            "apigw-audit: DEMO MODE - auditing a built-in sample estate emulated in-process "
            "(moto); no AWS account is read."
        )
        regions = tuple(self.regions) or DEMO_REGIONS
        with emulated_aws():
            build_demo_estate()
            session = boto3.Session(region_name=regions[0])
            return collect_inventory(
                AwsClients(session),
                regions,
                progress=self._progress(regions),
                demo=True,
                audited=self.scope.audits,
            )

    def _write_line(self, line: str) -> None:
        self._console.line(line)

    def _progress(self, regions: tuple[str, ...]) -> ProgressCallback | None:
        console = self._console
        if not console.active:
            return None
        console.line(f"apigw-audit: collecting {', '.join(regions)}")

        def show(progress: Progress) -> None:
            console.status(
                f"apigw-audit: {progress.regions_listed}/{progress.regions_total} regions listed, "
                f"{progress.apis_done}/{progress.apis_total} APIs collected",
                final=progress.finished,
            )

        return show

    def cleanup(self) -> None:
        if self.worker_snapshot_path is not None:
            self.worker_snapshot_path.unlink(missing_ok=True)


class _Console:
    """Progress lines on the terminal, quiet under ``-q``.

    The inventory is built during collection, while pytest captures output, so every write
    goes through the capture manager's "disabled" window, as pytest's own live output does.
    """

    def __init__(self, config: pytest.Config) -> None:
        self._config = config

    @property
    def _terminal(self) -> Any:
        # looked up when used: the terminal reporter registers after this plugin configures
        if self._config.get_verbosity() < 0:
            return None
        return self._config.pluginmanager.get_plugin("terminalreporter")

    @property
    def _capture(self) -> Any:
        return self._config.pluginmanager.get_plugin("capturemanager")

    @property
    def active(self) -> bool:
        return self._terminal is not None

    @contextmanager
    def _uncaptured(self) -> Iterator[None]:
        capture = self._capture
        if capture is None:
            yield
        else:
            with capture.global_and_fixture_disabled():
                yield

    def line(self, text: str) -> None:
        terminal = self._terminal
        if terminal is not None:
            with self._uncaptured():
                terminal.ensure_newline()
                terminal.write_line(text)

    def status(self, text: str, *, final: bool) -> None:
        """A line rewritten in place on a terminal; elsewhere, only its final state."""
        terminal = self._terminal
        if terminal is None or not (final or terminal.isatty):
            return
        with self._uncaptured():
            terminal.rewrite(text, erase=True)
            if final:
                terminal.write_line("")


AUDIT_SESSION = pytest.StashKey[AuditSession]()


def audit_session(config: pytest.Config) -> AuditSession | None:
    """The run's audit session (``None`` when the plugin is not active)."""
    return config.stash.get(AUDIT_SESSION, None)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[AUDIT_SESSION] = AuditSession(config)
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(XdistHooks(), "apigw-audit-xdist")


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
        and definitions[name][-1].func in _TARGET_FIXTURE_FUNCTIONS
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


def pytest_collection_finish(session: pytest.Session) -> None:
    audit = audit_session(session.config)
    if audit is not None and audit.built:
        # The inventory, the index and one item per target live until the run ends: move
        # them out of the garbage collector's sight, which otherwise rescans them over and
        # over while tests run (about 8% of the check phase at 22,000 items, bench/README.md).
        gc.freeze()


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
    session = request.config.stash[AUDIT_SESSION]
    return session.index().resolve(fixture, request.param)


@pytest.fixture
def audit_index(request: pytest.FixtureRequest) -> TargetIndex:
    """The index of every in-scope target, for checks that look beyond their own target."""
    return request.config.stash[AUDIT_SESSION].index()


_TARGET_FIXTURE_FUNCTIONS: set[Any] = set()


def _target_fixture(name: str) -> Any:
    def fixture(request: pytest.FixtureRequest) -> Target:
        return _resolve(request, name)

    fixture.__name__ = name
    fixture.__doc__ = f"The audit target: {FIXTURES[name].description}."
    _TARGET_FIXTURE_FUNCTIONS.add(fixture)
    return pytest.fixture(name=name)(fixture)


# One public fixture per target set, e.g. ``operation`` or ``stage`` (see FIXTURES).
for _name in FIXTURES:
    globals()[f"_fixture_{_name}"] = _target_fixture(_name)


def runs_checks(config: pytest.Config) -> bool:
    """Whether the run's paths include the checks (the controller cannot wait to collect)."""
    checks = (config.rootpath / "checks").resolve()
    for arg in config.args:
        path = (config.invocation_params.dir / arg.split("::")[0]).resolve()
        if path == checks or checks in path.parents or path in checks.parents:
            return True
    return False


class XdistHooks:
    """Controller side of pytest-xdist: collect once, hand each worker the snapshot.

    The controller does not collect tests itself, so it cannot build the inventory lazily;
    it builds it before the workers start when the run's paths include the checks.
    """

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        session = node.config.stash[AUDIT_SESSION]
        if not runs_checks(node.config):
            return
        if session.worker_snapshot_path is None:
            try:
                inventory = session.inventory()
            except AuditSetupError as exc:
                raise pytest.UsageError(str(exc)) from None
            fd, name = tempfile.mkstemp(prefix="apigw-audit-snapshot-", suffix=".json")
            os.close(fd)
            session.worker_snapshot_path = Path(name)
            save_snapshot(inventory, session.worker_snapshot_path)
        node.workerinput[WORKER_SNAPSHOT] = str(session.worker_snapshot_path)
