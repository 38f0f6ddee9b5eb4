"""What a run of checks keeps out of the garbage collector's passes (``checks.long_lived``):
everything there is once collection is done and again once the session has ended, in a
process whose one session it is, and nothing in a process that runs sessions in-process."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from tests_unit.conftest import CHECKS_DIR
from tests_unit.test_reporting_plugin import snapshot

__all__ = ["snapshot"]  # the estate fixture, shared with the reporting plugin's tests

_PROBE = """
import atexit, gc, json

FROZEN = {}

def pytest_runtestloop(session):
    FROZEN["before the checks"] = gc.get_freeze_count()

def pytest_runtest_logfinish(nodeid):
    cycle = []
    cycle.append(cycle)  # garbage the checks make is still collected
    del cycle
    FROZEN["collected garbage"] = gc.collect() > 0

def pytest_unconfigure(config):
    FROZEN["at unconfigure"] = gc.get_freeze_count()
    atexit.register(_write)

def _write():
    FROZEN["at exit"] = gc.get_freeze_count()
    with open("frozen.json", "w") as file:
        json.dump(FROZEN, file)
"""


def test_a_run_of_its_own_keeps_what_it_collected_out_of_the_collector(
    pytester: pytest.Pytester, snapshot: Path
) -> None:
    pytester.makepyfile(probe=_PROBE)
    pytester.syspathinsert()
    result = pytester.runpytest_subprocess(
        str(CHECKS_DIR / "test_access.py"), "--snapshot-in", str(snapshot), "-p", "probe"
    )
    assert result.ret in (0, 1), result.stdout.str()
    frozen = json.loads((pytester.path / "frozen.json").read_text())
    assert frozen["before the checks"] > 0
    assert frozen["collected garbage"] is True
    assert frozen["at exit"] > frozen["at unconfigure"]  # what the session kept, frozen again


def test_an_in_process_run_leaves_the_collector_as_it_was(
    pytester: pytest.Pytester, snapshot: Path
) -> None:
    before = gc.get_freeze_count()
    result = pytester.runpytest(str(CHECKS_DIR / "test_access.py"), "--snapshot-in", str(snapshot))
    assert result.ret in (0, 1), result.stdout.str()
    assert gc.get_freeze_count() == before
