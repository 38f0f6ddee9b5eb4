"""The benchmark's measure of a child's memory is the child's own, not its parent's."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

import pytest

from bench.process import run_measured

_ALLOCATE = """
import time
held = bytearray({mib} * 2**20)
for at in range(0, len(held), 4096):
    held[at] = 1
time.sleep(0.1)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_a_child_peak_rss_is_its_own_not_the_large_parent_s(tmp_path: Path) -> None:
    parent = bytearray(400 * 2**20)  # the benchmark holds the emulated estate as it forks
    for at in range(0, len(parent), 4096):
        parent[at] = 1
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 > 400

    small = run_measured(
        [sys.executable, "-c", "pass"], env={}, cwd=tmp_path, log_dir=tmp_path, name="small"
    )
    large = run_measured(
        [sys.executable, "-c", _ALLOCATE.format(mib=120)],
        env={},
        cwd=tmp_path,
        log_dir=tmp_path,
        name="large",
    )
    del parent

    assert (small.status, large.status) == (0, 0)
    assert small.peak_rss_mib < 60  # an interpreter that did nothing
    assert 120 < large.peak_rss_mib < 200  # its 120 MiB and an interpreter, not 400 MiB more
