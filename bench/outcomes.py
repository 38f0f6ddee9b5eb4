"""pytest plugin for the benchmark: every item's outcome, and where the session's time went.

Loaded with ``-p bench.outcomes`` into both the audit and the bare-pytest runs (so both pay
the same for it), and active only when ``BENCH_OUTCOMES`` names the file to write. The file,
written last thing at ``pytest_unconfigure`` (after every other plugin's session-finish
work, such as writing reports), holds:

    {"outcomes": {nodeid: [outcome, finding]}, "seconds": {"collected": s, "finished": s}}

``outcome`` is passed, failed, skipped, error, xfailed or xpassed; ``finding`` is the
one-line crash message of a failure or error (the check's finding) or the skip reason. The
seconds count from when pytest loaded this plugin, that is right after interpreter start-up
and before any conftest is imported.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import orjson
import pytest

ENVIRONMENT_VARIABLE = "BENCH_OUTCOMES"
Outcomes = dict[str, tuple[str, str | None]]  # nodeid -> (outcome, finding)
_LOADED = time.perf_counter()


def _finding(report: pytest.TestReport) -> str | None:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # a skip: (path, line, reason)
        return str(longrepr[2])
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        return str(crash.message)
    return str(longrepr).strip().splitlines()[-1] if longrepr else None


class OutcomeRecorder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.outcomes: Outcomes = {}
        self.seconds: dict[str, float] = {}

    def pytest_collection_finish(self) -> None:
        self.seconds["collected"] = time.perf_counter() - _LOADED

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call":
            outcome: str = report.outcome
            if hasattr(report, "wasxfail"):
                outcome = "xfailed" if report.skipped else "xpassed"
        elif report.failed:
            outcome = "error"
        elif report.skipped:  # skipped in setup
            outcome = "skipped"
        else:
            return
        finding = _finding(report) if outcome != "passed" else None
        self.outcomes[report.nodeid] = (outcome, finding)

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(self) -> None:
        self.seconds["finished"] = time.perf_counter() - _LOADED
        # Written an entry at a time: encoded whole, the document of the xl estate's audit
        # (its findings and skip reasons far longer than the bare file's) raised that run's
        # peak RSS by over 100 MiB, the benchmark's own memory and not the audit's.
        with self.path.open("wb") as handle:
            handle.write(b'{"outcomes": {')
            for index, (nodeid, entry) in enumerate(self.outcomes.items()):
                handle.write(b", " * bool(index) + orjson.dumps(nodeid) + b": ")
                handle.write(orjson.dumps(entry))
            handle.write(b'}, "seconds": ' + orjson.dumps(self.seconds) + b"}")


def pytest_configure(config: pytest.Config) -> None:
    target = os.environ.get(ENVIRONMENT_VARIABLE)
    if target and not hasattr(config, "workerinput"):  # xdist workers stay inert
        config.pluginmanager.register(OutcomeRecorder(Path(target)), "bench-outcomes")
