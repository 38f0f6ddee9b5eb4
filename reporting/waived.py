"""Waivers at work: checked against the run's checks, and a waived finding made a pytest xfail.

- A waiver naming an id in the suite's namespace (``APIGW-...``) that its catalogue
  (``collectors.contract.SUITE_CHECKS``) does not hold is a typo: a usage error, with the
  closest id, raised in ``pytest_configure`` (``refuse_unknown_suite_checks``), before the
  session starts, so nothing is collected, printed or written.
- An organisation's own check ids are only known once their modules are collected: the run
  goes on, and at its end a waiver naming one the run did not collect
  (``WaiverHooks.unknown_own_check``) makes the gate end it with status 4 and that one line,
  after the reports, which say so, are written. A pytest-xdist controller collects nothing:
  each worker sends the ids it collected in its ``workeroutput``, read when the node goes down.
- Stale: whether a waiver matches no finding is only judged for the checks the run evaluated
  on every target (``WaiverHooks.evaluated_in_full``): none when it deselected anything (-k,
  -m, --deselect, --min-severity, --lf) or was given test ids (``file.py::test``).
- Where the report is made (in-process, or on each pytest-xdist worker, which loads the
  waivers too), a check's failure covered by a waiver in force is reported as pytest reports
  an ``xfail``: outcome ``skipped`` with ``wasxfail`` the waiver's terms, as pytest's own
  skipping plugin does. So pytest's summary line ("35 failed, 4 xfailed"), ``--junitxml``
  (a ``skipped`` element with the terms), pytest-html and pytest-json-report agree with the
  audit. The report keeps the check's verdict (FAIL) and carries the waiver's number under
  ``WAIVED_BY``, for the reporter to classify the finding as WAIVED with that waiver. An
  expired waiver does not apply (the failure stays a failure); UNKNOWN is never waived.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from datetime import date
from typing import Any

import pytest

from collectors.contract import COLLECTED_CHECKS, SUITE_CHECKS, VERDICT, Status, record_of
from reporting.waivers import Waiver, in_namespace, unknown_check, waiver_for

WAIVED_BY = "apigw_audit_waiver"  # the attribute of a waived call report: the waiver's number
WORKER_COLLECTION = "apigw_audit_collection"  # a worker's workeroutput: what it collected


def refuse_unknown_suite_checks(
    config: pytest.Config, waivers: Sequence[Waiver], source: str
) -> None:
    """A usage error for the first waiver naming an id of the suite's namespace that is not in
    its catalogue; once the checks plugin has configured (``SUITE_CHECKS``)."""
    suite = config.stash.get(SUITE_CHECKS, None)
    if suite is None or not waivers:
        return
    ids = suite()
    problem = unknown_check((w for w in waivers if in_namespace(w, ids)), ids, source)
    if problem is not None:
        raise pytest.UsageError(problem)


class WaiverHooks:
    """The waivers' hooks, on every process that collects or makes reports."""

    def __init__(self, waivers: tuple[Waiver, ...], source: str, today: date) -> None:
        self.waivers = waivers
        self.source = source
        self.today = today
        # What the run collected: on a pytest-xdist controller, what its workers sent.
        self.collected: set[str] = set()  # check ids, before any deselection
        self.deselected = False

    def pytest_deselected(self, items: Sequence[pytest.Item]) -> None:
        self.deselected = self.deselected or bool(items)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        config = session.config
        collected = config.stash.get(COLLECTED_CHECKS, None)
        self.collected.update(collected() if collected is not None else ())
        workeroutput = getattr(config, "workeroutput", None)
        if workeroutput is not None:  # sent to the controller when the worker ends
            workeroutput[WORKER_COLLECTION] = {
                "checks": sorted(self.collected),
                "deselected": self.deselected,
            }

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        sent = getattr(node, "workeroutput", {}).get(WORKER_COLLECTION)
        if sent is not None:
            self.collected.update(sent["checks"])
            self.deselected = self.deselected or sent["deselected"]

    def unknown_own_check(self, config: pytest.Config) -> str | None:
        """The problem with the first waiver naming an organisation's check id (outside the
        suite's namespace) that the run did not collect, or ``None``."""
        suite = config.stash.get(SUITE_CHECKS, None)
        ids = suite() if suite is not None else frozenset()
        own = [w for w in self.waivers if not in_namespace(w, ids)]
        return unknown_check(own, self.collected, self.source)

    def evaluated_in_full(self, config: pytest.Config) -> frozenset[str]:
        """The ids of the checks the run evaluated on every target they have: those collected,
        unless the run deselected some tests or was given test ids."""
        if self.deselected or any("::" in arg for arg in config.args):
            return frozenset()
        return frozenset(self.collected)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        # Outermost (tryfirst): the checks plugin has attached the phase's verdict.
        report = yield
        verdict = getattr(report, VERDICT, None)
        if call.when != "call" or verdict is None or verdict["status"] != Status.FAIL.value:
            return report
        record = record_of(item.user_properties)
        if record is None:
            return report
        applied, _ = waiver_for(
            self.waivers, record["check"]["id"], record["target"]["key"], item.nodeid, self.today
        )
        if applied is not None:
            report.outcome = "skipped"
            report.wasxfail = applied.terms()
            setattr(report, WAIVED_BY, applied.number)
        return report
