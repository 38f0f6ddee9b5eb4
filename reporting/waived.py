"""Waivers at work: checked against the run's checks, and a waived finding made a pytest xfail.

- Once collection is over and before any check runs, a waiver naming a check id the run does
  not know (``collectors.contract.KNOWN_CHECKS``: the suite's catalogue and the checks
  collected) is a usage error, with the closest known id. A pytest-xdist controller collects
  nothing: there it checks the waivers whose id is in the suite's namespace (``APIGW-...``)
  against the catalogue; an organisation's own ids are checked by serial runs only.
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

from collections.abc import Generator
from datetime import date

import pytest

from collectors.contract import KNOWN_CHECKS, VERDICT, Status, record_of
from reporting.waivers import Waiver, unknown_check, waiver_for

WAIVED_BY = "apigw_audit_waiver"  # the attribute of a waived call report: the waiver's number


class WaiverHooks:
    """The waivers' hooks, on every process that collects or makes reports."""

    def __init__(self, waivers: tuple[Waiver, ...], source: str, today: date) -> None:
        self.waivers = waivers
        self.source = source
        self.today = today

    def _refuse_unknown_checks(self, config: pytest.Config, waivers: tuple[Waiver, ...]) -> None:
        known = config.stash.get(KNOWN_CHECKS, None)
        if known is None or not waivers:
            return
        problem = unknown_check(waivers, known(), self.source)
        if problem is not None:
            raise pytest.UsageError(problem)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if not hasattr(session.config, "workerinput"):  # workers: their controller checked
            self._refuse_unknown_checks(session.config, self.waivers)

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        config = session.config
        # pytest-xdist's controller plugin ("dsession") is there only when workers collect.
        if hasattr(config, "workerinput") or not config.pluginmanager.has_plugin("dsession"):
            return
        known = config.stash.get(KNOWN_CHECKS, None)
        namespaces = tuple({check.split("-")[0] + "-" for check in known()} if known else ())
        self._refuse_unknown_checks(
            config, tuple(w for w in self.waivers if w.check.startswith(namespaces))
        )

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
