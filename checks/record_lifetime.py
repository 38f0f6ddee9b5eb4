"""How long a check's record and verdicts are kept: while its test's reports are logged.

The record (under ``user_properties``) and each phase's verdict (the ``VERDICT`` attribute)
are read as each report is logged: by the suite's reporter, which keeps one ``CheckResult``
per test for every report it writes, and by pytest-json-report, pytest-html, junitxml and
pytest-xdist, each in its own ``pytest_runtest_logreport``. pytest keeps every report of
every test until the session ends (the terminal summary's statistics), and the item too:
once the test's last report has been logged (``pytest_runtest_logfinish``; on a
pytest-xdist controller too, which is sent it), the record and verdict leave the test's
reports, and the record leaves the item once its protocol is over. At the xl estate
(215,707 tests) they held about 100 MiB to the end of the run (bench/README.md, issue 15).
A plugin of one's own reads them in its ``pytest_runtest_logreport``, as those do.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest

from collectors.contract import RECORD, VERDICT, record_of


class RecordLifetime:
    """Registered for a run of checks: lets go of what each test's reports no longer need."""

    def __init__(self) -> None:
        self._logged: dict[str, list[pytest.TestReport]] = {}  # node id -> its reports so far

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, object, object]:
        try:
            return (yield)
        finally:
            drop_record(item.user_properties)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if hasattr(report, VERDICT) or record_of(report.user_properties) is not None:
            self._logged.setdefault(report.nodeid, []).append(report)

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logfinish(self, nodeid: str) -> None:
        for report in self._logged.pop(nodeid, ()):
            drop_record(report.user_properties)
            if hasattr(report, VERDICT):
                delattr(report, VERDICT)


def drop_record(user_properties: list[tuple[str, object]]) -> None:
    """Take the check's record out of an item's or a report's ``user_properties``."""
    if any(name == RECORD for name, _ in user_properties):
        user_properties[:] = [entry for entry in user_properties if entry[0] != RECORD]
