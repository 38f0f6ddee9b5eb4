"""``--list-checks``: the catalogue of checks as a table, instead of an audit.

The suite's whole catalogue (``checks.catalog.suite_checks``) and every check the run's paths
declare (an organisation's own): id, severity, issue type, title and the Security Hub
controls it maps to. A listed check is not collected as tests, so no target is looked up,
no inventory is built and no AWS call is made; the run exits 0. pytest-xdist starts no
workers for it (``checks.plugin.pytest_cmdline_main`` turns ``-n`` off).
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from tabulate import tabulate

from checks.catalog import check_of, suite_checks
from checks.docs import mappings
from collectors.contract import CheckInfo

HEADERS = ("Check", "Severity", "Issue type", "Title", "Security Hub / AWS Config")


def catalogue_table(checks: Iterable[CheckInfo]) -> str:
    """The checks as a table, most severe first, then by id."""
    rows = [
        (info.id, info.severity.name, info.issue_type, info.title, ", ".join(mappings(info)))
        for info in sorted(checks, key=lambda info: (-info.severity, info.id))
    ]
    return tabulate(rows, headers=HEADERS)


class ListChecks:
    """The hooks of a ``--list-checks`` run."""

    def __init__(self) -> None:
        self.declared: dict[str, CheckInfo] = {info.id: info for info, _ in suite_checks()}

    @pytest.hookimpl(tryfirst=True)
    def pytest_pycollect_makeitem(self, name: str, obj: object) -> list[pytest.Item] | None:
        info = check_of(obj) if callable(obj) else None
        if info is None:
            return None
        self.declared[info.id] = info
        return []  # listed, not collected: no target, so no inventory

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        terminal = session.config.pluginmanager.get_plugin("terminalreporter")
        if terminal is not None:
            terminal.write_line("")
            for line in catalogue_table(self.declared.values()).splitlines():
                terminal.write_line(line)
        return True

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if session.exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
            session.exitstatus = pytest.ExitCode.OK  # nothing was meant to run
