"""``python -m bench org [--accounts N] [--latency-ms L]``: an organisation's audit at scale.

The organisation (``bench.org_estate``: N accounts x 2 regions x 5 APIs, each account's role
trusting moto's default account, the management identity) is built and served by a moto
server in a process of its own (``bench.org_server``), which counts every request by
operation. Each measured program is a child process (``bench.process.run_measured``: wall
time, its own peak RSS):

a. ``pytest checks --accounts FILE --role-name R --region r1,r2 --report-dir D``: wall, peak
   RSS, and the calls the server saw, which must equal ``bench.org_estate.organisation_floor``
   (each account's floor in both regions, its AssumeRole, the auditor's GetCallerIdentity);
b. the same as 4 shards (``--shard K/4``, one after the other), each against its own floor;
   then ``python -m collectors.cli merge`` of the 4 report directories, whose audit and
   resources JSON must equal the single run's apart from their timestamps;
c. at L ms injected latency, the collection alone (``bench.org_collect``: ``collect_estate``
   with the audit's pacing and worker processes) with ``--max-workers 16`` and with 1: the
   speedup. The collection alone, because ``--max-workers`` changes nothing else: the check
   phase is the same CPU work in both runs and, added to each, would only dilute the ratio
   being measured. Both runs are answered by the emulator's replay of moto's answers
   (``bench.emulator.AnswerReplay``), filled by an unmeasured run at zero latency first:
   moto's ~7 ms of CPU an answer, which AWS spends on its own servers, would otherwise take
   one of the machine's cores from the audit being measured.

Raw results go to ``bench/results/<UTC timestamp>-org.json``; the table is printed.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.org_estate import ORG_REGIONS, ROLE_NAME, member_accounts, organisation_floor
from bench.org_server import OrgEmulator, start_org_emulator
from bench.org_table import render
from bench.process import run_measured
from bench.run import CHECKS, REPO, RESULTS, BenchError, child_environment, first_difference
from collectors.model.estate import Shard
from reporting import audit_json, resources_json

SHARDS = 4
PARALLEL_WORKERS = 16
# What may differ between a merged report and the single run's: when it was made.
_TIMESTAMPS = frozenset({"generated_at", "collected_at", "judged_on"})


def _say(line: str) -> None:
    print(f"bench: {line}", file=sys.stderr, flush=True)


def _operations(calls: Counter[str]) -> dict[str, int]:
    return dict(sorted(calls.items()))


def _measured(
    emulator: OrgEmulator, command: list[str], work: Path, name: str, expected: Counter[str]
) -> dict[str, Any]:
    """Run ``command`` as a child against the emulator; its wall, peak RSS and calls, and
    the emulator's CPU time meanwhile."""
    before = emulator.usage().cpu_seconds
    finished = run_measured(
        command,
        env=child_environment(emulator.endpoint, ORG_REGIONS[0]),
        cwd=work,
        log_dir=work / "logs",
        name=name,
    )
    usage = emulator.usage()
    calls = usage.requests
    return {
        "exit_status": finished.status,
        "seconds": finished.seconds,
        "peak_rss_mib": finished.peak_rss_mib,
        "emulator_cpu_seconds": usage.cpu_seconds - before,
        "calls": _operations(calls),
        "expected_calls": _operations(expected),
        "calls_equal": calls == expected,
        "stdout_tail": finished.stdout.splitlines()[-1:],
    }


def _audit(
    emulator: OrgEmulator, work: Path, name: str, shard: Shard | None = None
) -> dict[str, Any]:
    """``pytest checks --accounts ...`` end to end, its reports in ``work/name``."""
    emulator.configure()
    command = [sys.executable, "-m", "pytest", str(CHECKS), "--accounts", "accounts.txt"]
    command += ["--role-name", ROLE_NAME, "--region", ",".join(ORG_REGIONS)]
    command += ["--report-dir", name, "-q", "-p", "no:cacheprovider"]
    if shard is not None:
        command += ["--shard", f"{shard.index}/{shard.count}"]
    expected = organisation_floor(emulator.floors, ORG_REGIONS, shard)
    result = _measured(emulator, command, work, name, expected)
    if result["exit_status"] not in (0, 1):  # 1: the audit has findings, as it should
        raise BenchError(f"audit '{name}' exited {result['exit_status']}: see {work}/logs")
    _say(f"audit {name}: {result['seconds']:.1f} s, {result['peak_rss_mib']:.0f} MiB")
    return result


def _timeless(document: Any) -> Any:
    """``document`` without the fields saying when it was made."""
    if isinstance(document, dict):
        return {k: _timeless(v) for k, v in document.items() if k not in _TIMESTAMPS}
    if isinstance(document, list):
        return [_timeless(item) for item in document]
    return document


def _report_differences(single: Path, merged: Path) -> dict[str, str | None]:
    """Per report file, where the merged one first differs from the single run's."""
    differences: dict[str, str | None] = {}
    for file_name in (audit_json.FILE_NAME, resources_json.FILE_NAME):
        left, right = (json.loads((d / file_name).read_text()) for d in (single, merged))
        differences[file_name] = first_difference(_timeless(left), _timeless(right))
    return differences


def _merge(emulator: OrgEmulator, work: Path) -> dict[str, Any]:
    emulator.configure()
    shard_dirs = [f"shard-{k}" for k in range(1, SHARDS + 1)]
    command = [sys.executable, "-m", "collectors.cli", "merge", *shard_dirs]
    command += ["--report-dir", "merged"]
    result = _measured(emulator, command, work, "merge", Counter())  # reads no AWS
    if result["exit_status"] not in (0, 1):
        raise BenchError(f"merge exited {result['exit_status']}: see {work}/logs")
    result["differences"] = _report_differences(work / "single", work / "merged")
    _say(f"merge: {result['seconds']:.1f} s")
    return result


def _collection(emulator: OrgEmulator, work: Path, workers: int, latency_ms: float) -> Any:
    emulator.configure(latency_ms=latency_ms, replay=True)
    command = [sys.executable, "-m", "bench.org_collect", "--accounts-file", "accounts.txt"]
    command += ["--role-name", ROLE_NAME, "--regions", ",".join(ORG_REGIONS)]
    command += ["--max-workers", str(workers)]
    expected = organisation_floor(emulator.floors, ORG_REGIONS, auditor_identity=False)
    result = _measured(emulator, command, work, f"collection-{workers}", expected)
    if result["exit_status"] != 0:
        raise BenchError(f"collection with {workers} workers failed: see {work}/logs")
    child = json.loads(result.pop("stdout_tail")[0])
    result.update(workers=workers, latency_ms=latency_ms, child=child)
    result["collect_seconds"] = child["seconds"]
    _say(f"collection, {workers} worker(s), {latency_ms:g} ms: {child['seconds']:.1f} s")
    return result


def exact(results: dict[str, Any]) -> bool:
    """Whether every run made exactly its floor's calls and the merge equals the single run."""
    runs = [results["single"], *results["shards"], results["merge"], *results["latency"]]
    merge = results["merge"]
    return (
        all(run["calls_equal"] for run in runs)
        and not any(merge["differences"].values())
        and merge["exit_status"] == results["single"]["exit_status"]
    )


def org(accounts: int, latency_ms: float) -> bool:
    """Run every measurement, print the table, write the results; whether they were
    ``exact``."""
    work = Path(tempfile.mkdtemp(prefix="bench-org-"))
    (work / "accounts.txt").write_text("\n".join(member_accounts(accounts)) + "\n")
    started = time.perf_counter()
    _say(f"building {accounts} accounts in the emulator's process")
    with start_org_emulator(accounts, work / "emulator.err") as emulator:
        _say(f"built in {emulator.build_seconds:.0f} s")
        results: dict[str, Any] = {
            "accounts": accounts,
            "regions": list(ORG_REGIONS),
            "estate": emulator.estate,
            "build_seconds": emulator.build_seconds,
            "account_floors": sorted(
                sum(floor.audited_in(ORG_REGIONS).values()) for floor in emulator.floors
            ),
            "single": _audit(emulator, work, "single"),
            "shards": [
                _audit(emulator, work, f"shard-{k}", Shard(index=k, count=SHARDS))
                for k in range(1, SHARDS + 1)
            ],
            "merge": _merge(emulator, work),
            # Not measured: it fills the emulator's replay (bench.emulator.AnswerReplay).
            "replay_warm_up": _collection(emulator, work, PARALLEL_WORKERS, 0),
            "latency": [
                _collection(emulator, work, workers, latency_ms)
                for workers in (PARALLEL_WORKERS, 1)
            ],
        }
        results["emulator_peak_rss_mib"] = emulator.usage().peak_rss_mib
    results["bench_seconds"] = time.perf_counter() - started
    shutil.rmtree(work)  # kept, with every child's output, when a measurement fails
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-org.json"
    path.write_text(json.dumps(results, indent=1) + "\n")
    print(render(results))
    print(f"bench: raw results in {path.relative_to(REPO)}")
    if not exact(results):
        _say("MISMATCH: the AWS calls differ from the floor or the merge from the single run")
        return False
    return True
