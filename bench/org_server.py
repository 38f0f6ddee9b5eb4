"""The organisation's emulator in a process of its own, and the handle the benchmark holds.

An organisation's moto holds every account's estate and serves thousands of calls; in a
process of its own, its GIL is not the benchmark's, its CPU time and memory are measured
apart from everything else, and the benchmark's process stays small.
``python -m bench.org_server --accounts N [--estate tiny]`` builds the organisation
(``bench.org_estate``) inside ``emulated_aws``, serves it with ``bench.emulator.serve``
(every request counted by operation, latency injected when asked), and talks to its parent
over its standard streams, one JSON line each way:

- once built, it writes ``{"endpoint", "floors", "estate", "build_seconds"}``;
- ``{"configure": {"latency_ms": L, "replay": B}}`` resets the counts, sets the latency and
  the replay of kept answers: ``{}``;
- ``{"counts": true}`` answers ``{"requests": {"service.Operation": n}, "cpu_seconds",
  "peak_rss_mib"}``;
- end of input stops the server.

``OrgEmulator`` (``start_org_emulator``) is the parent's end.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from bench.emulator import serve
from bench.org_estate import ESTATES, AccountFloor, build_organisation
from collectors.demo.estate import emulated_aws


@dataclass(frozen=True)
class ServerUsage:
    """What the server process reports: requests by ``service.Operation``, its CPU time so far
    (user and system: how busy the emulator was, next to a measured child's wall time) and its
    peak RSS."""

    requests: Counter[str]
    cpu_seconds: float
    peak_rss_mib: float


@dataclass(frozen=True)
class OrgEmulator:
    """The parent's end: the server's endpoint, what it built, and its two pipes."""

    endpoint: str
    floors: tuple[AccountFloor, ...]
    estate: dict[str, int]
    build_seconds: float
    _requests: IO[str]
    _answers: IO[str]

    def _ask(self, command: dict[str, Any]) -> dict[str, Any]:
        self._requests.write(json.dumps(command) + "\n")
        self._requests.flush()
        answer: dict[str, Any] = json.loads(self._answers.readline())
        return answer

    def configure(self, *, latency_ms: float = 0, replay: bool = False) -> None:
        """Reset the server's counts; inject ``latency_ms`` into every request from now;
        ``replay``: give kept answers to repeated requests (``bench.emulator.AnswerReplay``)."""
        self._ask({"configure": {"latency_ms": latency_ms, "replay": replay}})

    def usage(self) -> ServerUsage:
        """The requests served since the last ``configure``; the server's CPU time and peak."""
        answer = self._ask({"counts": True})
        return ServerUsage(
            requests=Counter(answer["requests"]),
            cpu_seconds=answer["cpu_seconds"],
            peak_rss_mib=answer["peak_rss_mib"],
        )


@contextmanager
def start_org_emulator(accounts: int, log: Path, estate: str = "org") -> Iterator[OrgEmulator]:
    """Start the server process, wait until its organisation (``accounts`` x the ``estate``
    of ``bench.org_estate.ESTATES``) is built, stop it at the end; its standard error goes to
    ``log``."""
    command = [sys.executable, "-m", "bench.org_server", "--accounts", str(accounts)]
    command += ["--estate", estate]
    with log.open("wb") as errors:
        server = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True
        )
        assert server.stdin is not None
        assert server.stdout is not None
        try:
            ready = server.stdout.readline()
            if not ready:
                raise RuntimeError(f"the organisation's emulator did not start: see {log}")
            built = json.loads(ready)
            yield OrgEmulator(
                endpoint=built["endpoint"],
                floors=tuple(AccountFloor(**floor) for floor in built["floors"]),
                estate=built["estate"],
                build_seconds=built["build_seconds"],
                _requests=server.stdin,
                _answers=server.stdout,
            )
        finally:
            server.stdin.close()
            server.wait()


def _serve(accounts: int, estate_name: str) -> None:
    with emulated_aws():
        started = time.perf_counter()
        floors, estate = build_organisation(accounts, ESTATES[estate_name])
        build_seconds = time.perf_counter() - started
        with serve(keep_alive=True) as emulator:
            ready = {
                "endpoint": emulator.endpoint,
                "floors": [asdict(floor) for floor in floors],
                "estate": estate,
                "build_seconds": build_seconds,
            }
            print(json.dumps(ready), flush=True)
            for line in sys.stdin:
                command = json.loads(line)
                answer: dict[str, Any] = {}
                if "configure" in command:
                    emulator.middleware.configure(**command["configure"])
                if "counts" in command:
                    requests = emulator.middleware.requests
                    answer["requests"] = {f"{s}.{o}": n for (s, o), n in requests.items()}
                    usage = resource.getrusage(resource.RUSAGE_SELF)
                    answer["cpu_seconds"] = usage.ru_utime + usage.ru_stime
                    answer["peak_rss_mib"] = usage.ru_maxrss / 1024
                print(json.dumps(answer), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.org_server", description=__doc__)
    parser.add_argument("--accounts", type=int, required=True)
    parser.add_argument("--estate", choices=ESTATES, default="org")
    args = parser.parse_args(argv)
    _serve(args.accounts, args.estate)


if __name__ == "__main__":
    main()
