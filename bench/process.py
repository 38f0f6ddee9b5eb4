"""Run a child process and measure it: wall time, exit status, its own peak RSS.

``os.wait4`` returns the resource usage of exactly the child waited for, so each measurement
has its own peak RSS (``RUSAGE_CHILDREN`` would give the largest child so far).
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Finished:
    command: list[str]
    status: int
    seconds: float
    peak_rss_mib: float
    stdout: str
    stderr: str


def run_measured(
    command: list[str], *, env: dict[str, str], cwd: Path, log_dir: Path, name: str
) -> Finished:
    """Run ``command``; its output is kept in ``log_dir/name.out`` and ``.err``."""
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_dir / f"{name}.out", log_dir / f"{name}.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=err)
        _, wait_status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(wait_status)  # reaped here, not by Popen
    return Finished(
        command=command,
        status=child.returncode,
        seconds=seconds,
        peak_rss_mib=usage.ru_maxrss / 1024,  # KiB on Linux
        stdout=out_path.read_text(errors="replace"),
        stderr=err_path.read_text(errors="replace"),
    )
