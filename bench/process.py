"""Run a child process and measure it: wall time, exit status, its own peak RSS.

The peak RSS is the child's own high-water mark (``VmHWM`` in ``/proc/PID/status``), read
by a thread every 10 ms while the child runs; the last reading before it exits is the
peak but for growth in its final 10 ms. Not ``os.wait4``'s ``ru_maxrss``: Linux carries
the high-water mark of the memory a process had before ``exec`` into it (``exec_mmap``
in the kernel's ``fs/exec.c``), and a child forked by the benchmark, which holds the whole
emulated estate, starts with the benchmark's: a bare pytest run of the large estate's items
read 516 MiB that way, its own peak being 352 MiB (measured 2026-12-04). Where there is no
``/proc`` (not Linux), ``ru_maxrss`` is what is left.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_POLL_SECONDS = 0.01


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
        watcher = HighWaterMark(child.pid)
        watcher.start()
        _, wait_status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        watcher.join()
    child.returncode = os.waitstatus_to_exitcode(wait_status)  # reaped here, not by Popen
    return Finished(
        command=command,
        status=child.returncode,
        seconds=seconds,
        # KiB on Linux
        peak_rss_mib=(watcher.peak_kib if watcher.read_any else usage.ru_maxrss) / 1024,
        stdout=out_path.read_text(errors="replace"),
        stderr=err_path.read_text(errors="replace"),
    )


class HighWaterMark(threading.Thread):
    """The largest ``VmHWM`` of a running process, read until it can no longer be read."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.status = Path(f"/proc/{pid}/status")
        self.peak_kib = 0
        self.read_any = False

    def run(self) -> None:
        while (kib := self._read()) is not None:
            self.peak_kib = max(self.peak_kib, kib)
            self.read_any = True
            time.sleep(_POLL_SECONDS)

    def _read(self) -> int | None:
        """``VmHWM`` in KiB; None once the process is gone (or is a zombie: no memory)."""
        try:
            text = self.status.read_text()
        except OSError:
            return None
        for line in text.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return None
