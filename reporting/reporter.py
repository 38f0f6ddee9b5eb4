"""The run's reporting state, on the controller: each check's result as its reports arrive,
and at session finish the gate, the JSON reports and the console summary.

Everything is read from what the checks recorded where they ran (``collectors.contract``):
the record in ``user_properties`` and each phase's verdict. What the run audited comes from
the collectors through ``config.stash`` and is read only at the end, never built here.
"""

from __future__ import annotations

import shutil
from collections.abc import Generator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from collectors.contract import (
    AUDITED_ESTATE,
    DESCRIBE_TARGET,
    SCOPE,
    VERDICT,
    AuditedEstate,
    CheckInfo,
    Status,
    TargetDescription,
    Verdict,
    record_of,
)
from collectors.jsonfile import write_json_atomically
from reporting import audit_json, console, ocsf, resources_json
from reporting.findings import (
    CheckResult,
    check_result,
    combine,
    count_by_status,
    stale_waivers,
)
from reporting.gate import GateDecision, decide
from reporting.run import RunInfo, run_info
from reporting.waived import WAIVED_BY, WaiverHooks
from reporting.waivers import Waiver

_NO_DETAILS: Mapping[str, Any] = MappingProxyType({})


class _Item:
    """A check's phases as their reports arrive (interleaved between items under xdist)."""

    __slots__ = ("called", "check", "details", "target", "verdicts", "waived_by")

    def __init__(self) -> None:
        self.verdicts: list[Verdict] = []  # of the phases that did not pass
        self.check: CheckInfo | None = None
        self.target: TargetDescription | None = None
        self.details: dict[str, object] = {}
        self.called = False
        self.waived_by: int | None = None  # the waiver that made its failure an xfail


class AuditReporter:
    """All of a run's reporting state, on the controller; writes the files at session finish."""

    def __init__(
        self,
        config: pytest.Config,
        report_dir: Path,
        waiver_hooks: WaiverHooks | None,
        today: date,
    ) -> None:
        self.config = config
        self.report_dir = report_dir
        self.waiver_hooks = waiver_hooks  # None: no --waivers
        self.waivers = waiver_hooks.waivers if waiver_hooks is not None else ()
        self.fail_on = config.option.fail_on
        self.allow_empty: bool = config.option.allow_empty
        self.today = today
        self.results: dict[str, CheckResult] = {}  # test id -> the check's result
        self._pending: dict[str, _Item] = {}
        self._unexplained: set[str] = set()  # failed or errored tests that are not findings
        self._collection_errors: dict[str, str] = {}  # node id -> pytest's text of the error
        self._checks: dict[str, CheckInfo] = {}
        self._targets: dict[str, TargetDescription] = {}  # target key -> its description
        self._reasons: dict[str, str] = {}  # the reasons of skipped or unknown results
        # Known at session finish:
        self.run: RunInfo | None = None
        self.estate: AuditedEstate | None = None
        self.gate: GateDecision | None = None
        self.stale: list[Waiver] = []
        self.written: list[Path] = []

    # --- while the tests run ---------------------------------------------------------------

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self._collection_errors[report.nodeid] = report.longreprtext

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        entry = getattr(report, VERDICT, None)
        record = record_of(report.user_properties)
        if entry is None or record is None:
            if report.failed:
                self._unexplained.add(report.nodeid)
            return
        item = self._pending.setdefault(report.nodeid, _Item())
        if item.check is None:
            item.check = self._check(record["check"])
            item.target = self._target(record["target_fixture"], record["target"])
        status = Status(entry["status"])
        if status is not Status.PASS:  # the item's verdict is its first phase's that is not
            item.verdicts.append(Verdict.from_json(entry))
        item.details = record["details"]
        item.called = item.called or report.when == "call"
        item.waived_by = item.waived_by or getattr(report, WAIVED_BY, None)
        if report.failed and status is not Status.FAIL:
            self._unexplained.add(report.nodeid)
        if report.when == "teardown":
            self._finish_item(report.nodeid)

    def _check(self, document: dict[str, Any]) -> CheckInfo:
        """The check's metadata, read once per check (every record of it carries it)."""
        known = self._checks.get(document["id"])
        if known is None:
            known = self._checks[document["id"]] = CheckInfo.from_json(document)
        return known

    def _target(self, fixture: str, document: dict[str, Any]) -> TargetDescription:
        """The target's description, read once per target (shared by the checks on it): the
        collectors' own object when this process describes the target alike (one per
        target for the whole run, not two), else the one the record holds."""
        known = self._targets.get(document["key"])
        if known is None:
            known = TargetDescription.from_json(document)
            describe = self.config.stash.get(DESCRIBE_TARGET, None)
            if describe is not None and (described := describe(fixture, known.key)) == known:
                known = described
            self._targets[known.key] = known
        return known

    def _finish_item(self, test_id: str) -> None:
        item = self._pending.pop(test_id)
        verdict = combine(item.verdicts)
        if item.check is None or item.target is None:
            return
        if verdict.status is Status.PASS and not item.called:
            return  # never evaluated (interrupted before its call)
        applied = next((w for w in self.waivers if w.number == item.waived_by), None)
        if verdict.status in (Status.NOT_APPLICABLE, Status.UNKNOWN):
            # Reasons repeat (one per check at most targets): one string each for all.
            message = self._reasons.setdefault(verdict.message, verdict.message)
            verdict = Verdict(verdict.status, message)
        self.results[test_id] = check_result(
            test_id,
            item.check,
            item.target,
            verdict,
            item.details or _NO_DETAILS,  # the empty ones, one for all
            self.waivers,
            self.today,
            applied=applied,
        )

    # --- at the end --------------------------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> Generator[None, None, None]:
        # A wrapper runs before every plain hook: pytest-json-report (tryfirst) and others
        # record session.exitstatus only after the gate has set it.
        self._finish(session)
        return (yield)

    def _estate(self) -> AuditedEstate | None:
        audited = self.config.stash.get(AUDITED_ESTATE, None)
        return audited() if audited is not None else None

    def _complete(self, session: pytest.Session) -> bool:
        stopped = (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR)
        return not (
            int(session.exitstatus) in stopped
            or self._collection_errors
            or session.shouldstop
            or session.shouldfail
        )

    def _finish(self, session: pytest.Session) -> None:
        if session.exitstatus == pytest.ExitCode.USAGE_ERROR:
            # Found while collecting: pytest prints the one line; the reports of an earlier run
            # stay as they were, and no summary hides it.
            return
        for test_id in list(self._pending):
            self._finish_item(test_id)
        self.estate = estate = self._estate()
        results = list(self.results.values())
        self.run = run_info(
            estate,
            self.config.stash.get(SCOPE, ""),
            complete=self._complete(session),
            now=datetime.now(UTC),
        )
        self.gate = decide(
            self.fail_on,
            int(session.exitstatus),
            complete=self.run.complete,
            collection_errors=len(self._collection_errors),
            unexplained_failures=len(self._unexplained),
            results=results,
            nothing_in_scope=self.run.nothing_in_scope,
            allow_empty=self.allow_empty,
            usage_error=self._unknown_own_check(),
        )
        session.exitstatus = self.gate.exit_status
        judged = frozenset[str]()
        # A shard saw its share of the targets only: the others' may still need a waiver.
        if self.waiver_hooks is not None and self.run.complete and self.run.shard is None:
            judged = self.waiver_hooks.evaluated_in_full(self.config)
        self.stale = stale_waivers(self.waivers, results, self.today, judged)
        # One document at a time, let go once written: at the xl estate each is hundreds of
        # MiB as Python objects (bench/README.md).
        self._write_report(
            audit_json.FILE_NAME,
            audit_json.audit_document(
                self.run, results, self.gate, self.waivers, self.stale, self.today
            ),
        )
        self._write_report(
            resources_json.FILE_NAME, resources_json.resources_document(self.run, estate, results)
        )
        if self.config.option.ocsf is not None:
            path = self.config.invocation_params.dir / self.config.option.ocsf
            ocsf.write_events(path, ocsf.detection_findings(self.run, results))
            self.written.append(path)

    def _write_report(self, name: str, document: dict[str, Any]) -> None:
        path = self.report_dir / name
        write_json_atomically(path, document)
        self.written.append(path)

    def _unknown_own_check(self) -> str | None:
        """A waiver naming an organisation's check the run did not collect; not judged when a
        module could not be collected (its checks are unknown, and the run fails already)."""
        if self.waiver_hooks is None or self._collection_errors:
            return None
        return self.waiver_hooks.unknown_own_check(self.config)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.run is None or self.gate is None:
            return
        results = list(self.results.values())
        if self.config.option.tbstyle == "no":
            # The checks' default: pytest shows neither the failures nor the collection
            # errors, so they are here; the findings one line each, from the results (so the
            # same under pytest-xdist); the title counts every finding, also those a line counts
            # together.
            errors, findings = self._collection_errors, console.finding_lines(results)
            self._write_section(
                terminalreporter,
                f"apigw-audit collection errors ({len(errors)})",
                console.collection_errors(errors),
            )
            failed = count_by_status(results)[Status.FAIL.value]
            self._write_section(terminalreporter, f"apigw-audit findings ({failed})", findings)
        terminalreporter.write_sep("=", "apigw-audit")
        width = shutil.get_terminal_size().columns
        summary = console.render(self.run, results, self.waivers, self.stale, self.today, width)
        terminalreporter.write("".join(f"{line}\n" for line in summary))
        for path in self.written:
            terminalreporter.write_sep("-", f"apigw-audit: wrote {path}")

    @pytest.hookimpl(wrapper=True, tryfirst=True, specname="pytest_terminal_summary")
    def pytest_terminal_summary_gate_line(
        self, terminalreporter: pytest.TerminalReporter
    ) -> Generator[None, None, None]:
        """The gate's decision after everything else of the summary, pytest's own short test
        summary included (the outermost wrapper ends last): the line a CI log is read for."""
        yield
        if self.run is not None and self.gate is not None:
            terminalreporter.write_line(
                self.gate.line(), bold=True, green=self.gate.passed, red=not self.gate.passed
            )

    @staticmethod
    def _write_section(
        terminalreporter: pytest.TerminalReporter, title: str, lines: list[str]
    ) -> None:
        if lines:
            terminalreporter.write_sep("=", title)
            terminalreporter.write("".join(f"{line}\n" for line in lines))
