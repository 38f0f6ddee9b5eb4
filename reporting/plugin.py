"""pytest glue for the reports: the console summary, the JSON reports, the CI gate.

Output contract of a run over the checks (``pytest checks/``):

- Console, at the end: account, regions and time, totals by severity, the findings (most
  severe first, then API name), the checks that could not be evaluated (UNKNOWN) and the
  waived findings (``reporting.console``); one line per file written; one line with the CI
  gate's decision (``reporting.gate``).
- Files, written once at session finish, each atomically, to ``--report-dir`` (default: the
  current directory): ``api_gateway_audit.json`` (``reporting.audit_json``) and
  ``api_gateway_resources.json`` (``reporting.resources_json``). A run that did not finish
  (Ctrl-C, a collection error, -x) still writes them, with ``complete: false``.
- With ``--html``: the auditor's additions to pytest-html's report (``reporting.html``).
- With ``--json-report``: per-test metadata and the environment (``reporting.json_report``).
- The exit status: pytest's, lowered from 1 to 0 by the gate when every finding is below
  ``--fail-on`` or waived (``--waivers``, ``reporting.waivers``).

Module-level hooks only parse options and decide what to register, and only in a run whose
paths include the checks (``pytest tests_unit/`` stays untouched):

- on every process, ``CheckVerdicts`` attaches each check phase's verdict to its report, where
  the exception is still at hand (``reporting.findings.VERDICT``); JSON-serialisable, it
  reaches a pytest-xdist controller with the report;
- on the controller only (``not hasattr(config, "workerinput")``), ``AuditReporter`` keeps
  all state and writes every file.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from _pytest._code.code import ExceptionChainRepr, ReprFileLocation, ReprTraceback

from checks.catalog import CheckInfo, Severity, check_of
from checks.plugin import record_of, severity_option
from collectors.plugin import audit_session, runs_checks
from collectors.serialization import write_json_atomically
from collectors.targets import TargetIndex
from reporting import audit_json, console, resources_json
from reporting.findings import (
    VERDICT,
    CheckResult,
    Status,
    Verdict,
    check_result,
    combine,
    describe_key,
    phase_verdict,
    stale_waivers,
    verdict_from_json,
    verdict_to_json,
)
from reporting.gate import GateDecision, decide
from reporting.html import HtmlHooks
from reporting.json_report import JsonReportHooks
from reporting.run import RunInfo, run_info
from reporting.waivers import Waiver, WaiverFileError, load_waivers

REPORTER = pytest.StashKey["AuditReporter"]()

# A finding is not a stack trace, and rendering one costs: 2,000 failing checks took 4.0 s
# with pytest's default (long) tracebacks, 3.7 s with --tb=short and 1.65 s with --tb=line,
# as good as none (1.6 s). Checks default to one line each; an explicit --tb wins.
CHECKS_TRACEBACK = "line"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("apigw-audit", "API Gateway audit")
    group.addoption(
        "--report-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="write api_gateway_audit.json and api_gateway_resources.json here "
        "(default: the current directory).",
    )
    group.addoption(
        "--fail-on",
        type=severity_option,
        default=None,
        metavar="SEVERITY",
        help="CI gate: exit 0 when every finding is below SEVERITY (critical, high, medium, "
        "low, finops); checks that could not be evaluated, collection errors and interruptions "
        "still fail. Default: any finding fails the run.",
    )
    group.addoption(
        "--waivers",
        type=Path,
        default=None,
        metavar="FILE",
        help="accepted risks (YAML or TOML): matching findings are reported as WAIVED and do "
        "not fail the run until their waiver expires.",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.option.collectonly or not runs_checks(config):
        return
    is_worker = hasattr(config, "workerinput")
    reporter: AuditReporter | None = None
    if config.option.tbstyle == "auto":  # on workers too: that is where reports are made
        config.option.tbstyle = CHECKS_TRACEBACK
    if config.option.tbstyle in ("line", "no"):
        config.pluginmanager.register(OneLineFindings(), "apigw-audit-one-line-findings")
    if not is_worker:
        reporter = AuditReporter(config, _report_dir(config), _waivers(config))
        config.stash[REPORTER] = reporter
        config.pluginmanager.register(reporter, "apigw-audit-reporter")
        if config.getoption("htmlpath", None):
            config.pluginmanager.register(HtmlHooks(reporter), "apigw-audit-html")
    config.pluginmanager.register(CheckVerdicts(), "apigw-audit-verdicts")
    if config.getoption("json_report", False):
        config.pluginmanager.register(JsonReportHooks(reporter), "apigw-audit-json-report")


def _report_dir(config: pytest.Config) -> Path:
    """The directory for the JSON reports, made now: a bad one ends the run before it starts."""
    directory = config.invocation_params.dir / (config.option.report_dir or Path())
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise pytest.UsageError(
            f"Cannot use --report-dir {directory}: {exc.strerror or exc}."
        ) from None
    return directory


def _waivers(config: pytest.Config) -> tuple[Waiver, ...]:
    path: Path | None = config.option.waivers
    if path is None:
        return ()
    try:
        return load_waivers(config.invocation_params.dir / path)
    except WaiverFileError as exc:
        raise pytest.UsageError(str(exc)) from None


class CheckVerdicts:
    """On whichever process runs a check: each phase's verdict on its report, and on the setup
    report the check's catalog entry (an xdist controller never imports the checks)."""

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        info = check_of(item.function) if isinstance(item, pytest.Function) else None
        if info is not None:
            exception = call.excinfo.value if call.excinfo is not None else None
            verdict = phase_verdict(call.when, exception)
            entry = verdict_to_json(verdict, info if call.when == "setup" else None)
            setattr(report, VERDICT, entry)
        return report


class OneLineFindings:
    """A finding is its message, not a stack trace.

    Under ``--tb=line`` pytest still formats the whole traceback of every failure and prints
    one line of it; at 100,000 checks that costs about a tenth of the check phase and
    hundreds of MiB (bench/README.md). With ``--tb=line`` or ``no`` (the checks' default), a
    check's failed assertion is reported as the line pytest would show, made directly: where
    the assertion failed and the finding (the first line of its message). Any other ``--tb``
    gets pytest's own report; any other exception too.
    """

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> pytest.TestReport | None:
        excinfo = call.excinfo
        if call.when != "call" or excinfo is None or not excinfo.errisinstance(AssertionError):
            return None
        if not isinstance(item, pytest.Function) or check_of(item.function) is None:
            return None
        finding = str(excinfo.value).partition("\n")[0] or "assertion failed"
        crash = excinfo.traceback[-1]
        # The representation pytest itself builds for --tb=line, minus the formatting work:
        # a crash location and no traceback entries (pytest-xdist serialises it as usual).
        location = ReprFileLocation(str(crash.path), crash.lineno + 1, finding)
        longrepr = ExceptionChainRepr([(ReprTraceback([], None, "line"), location, None)])
        return pytest.TestReport(
            item.nodeid,
            item.location,
            dict.fromkeys(item.keywords, 1),
            "failed",
            longrepr,
            "call",
            duration=call.duration,
            start=call.start,
            stop=call.stop,
            user_properties=item.user_properties,
        )


class _Item:
    """A check's phases as their reports arrive (interleaved between items under xdist)."""

    def __init__(self) -> None:
        self.check: CheckInfo | None = None
        self.verdicts: list[Verdict] = []
        self.record: dict[str, object] = {}
        self.called = False


class AuditReporter:
    """All of a run's reporting state, on the controller; writes the files at session finish."""

    def __init__(
        self, config: pytest.Config, report_dir: Path, waivers: tuple[Waiver, ...]
    ) -> None:
        self.config = config
        self.report_dir = report_dir
        self.waivers = waivers
        self.fail_on: Severity | None = config.option.fail_on
        self.today = datetime.now(UTC).date()
        self.results: dict[str, CheckResult] = {}  # test id -> the check's result
        self._pending: dict[str, _Item] = {}
        self._unexplained: set[str] = set()  # failed or errored tests that are not findings
        self._collection_errors = 0
        # Known at session finish:
        self.run: RunInfo | None = None
        self.gate: GateDecision | None = None
        self.stale: list[Waiver] = []
        self.written: list[Path] = []

    # --- while the tests run ---------------------------------------------------------------

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self._collection_errors += 1

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        entry = getattr(report, VERDICT, None)
        record = record_of(report.user_properties)
        if entry is None or record is None:
            if report.failed:
                self._unexplained.add(report.nodeid)
            return
        verdict, check = verdict_from_json(entry)
        item = self._pending.setdefault(report.nodeid, _Item())
        item.check = check or item.check
        item.verdicts.append(verdict)
        item.record = record
        item.called = item.called or report.when == "call"
        if report.failed and verdict.status is not Status.FAIL:
            self._unexplained.add(report.nodeid)
        if report.when == "teardown":
            self._finish_item(report.nodeid)

    def _index(self) -> TargetIndex | None:
        # Never build the inventory here: reading it must not start an AWS collection.
        session = audit_session(self.config)
        return session.index() if session is not None and session.built else None

    def _finish_item(self, test_id: str) -> None:
        item = self._pending.pop(test_id)
        verdict = combine(item.verdicts)
        if item.check is None or (verdict.status is Status.PASS and not item.called):
            return  # never evaluated (interrupted before its call)
        fixture, key = str(item.record["target_fixture"]), str(item.record["target_key"])
        details = item.record.get("details")
        self.results[test_id] = check_result(
            test_id,
            item.check,
            describe_key(self._index(), fixture, key),
            verdict,
            details if isinstance(details, dict) else {},
            self.waivers,
            self.today,
        )

    # --- at the end --------------------------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> Generator[None, None, None]:
        # A wrapper runs before every plain hook: pytest-json-report (tryfirst) and others
        # record session.exitstatus only after the gate has set it.
        self._finish(session)
        return (yield)

    def _finish(self, session: pytest.Session) -> None:
        for test_id in list(self._pending):
            self._finish_item(test_id)
        exit_status = int(session.exitstatus)
        complete = not (
            exit_status
            in (
                pytest.ExitCode.INTERRUPTED,
                pytest.ExitCode.INTERNAL_ERROR,
                pytest.ExitCode.USAGE_ERROR,
            )
            or self._collection_errors
            or session.shouldstop
            or session.shouldfail
        )
        audit = audit_session(self.config)
        index = self._index()
        results = list(self.results.values())
        self.run = run_info(
            index.inventory if index is not None else None,
            audit.scope.describe() if audit is not None else "",
            complete=complete,
            now=datetime.now(UTC),
        )
        self.gate = decide(
            self.fail_on,
            exit_status,
            complete=self.run.complete,
            collection_errors=self._collection_errors,
            unexplained_failures=len(self._unexplained),
            results=results,
        )
        session.exitstatus = self.gate.exit_status
        self.stale = stale_waivers(self.waivers, results, self.today)
        documents = {
            audit_json.FILE_NAME: audit_json.audit_document(
                self.run, results, self.gate, self.waivers, self.stale, self.today
            ),
            resources_json.FILE_NAME: resources_json.resources_document(self.run, index, results),
        }
        for name, document in documents.items():
            path = self.report_dir / name
            write_json_atomically(path, document)
            self.written.append(path)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.run is None or self.gate is None:
            return
        terminalreporter.write_sep("=", "apigw-audit")
        results = list(self.results.values())
        for line in console.render(self.run, results, self.waivers, self.stale, self.today):
            terminalreporter.write_line(line)
        for path in self.written:
            terminalreporter.write_sep("-", f"apigw-audit: wrote {path}")
        terminalreporter.write_line(
            self.gate.line(), bold=True, green=self.gate.passed, red=not self.gate.passed
        )


def pytest_unconfigure(config: pytest.Config) -> None:
    reporter = config.stash.get(REPORTER, None)
    if reporter is not None:
        del config.stash[REPORTER]
        config.pluginmanager.unregister(reporter)
