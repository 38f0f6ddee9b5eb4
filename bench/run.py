"""``python -m bench run --size S``: every measurement of one estate size, side by side.

In this process: the estate is built in-process with the demo builders (inside
``emulated_aws``, seeded) and served by the emulator. Everything measured runs in a child
process, so it has its own core and its own peak RSS:

1. collections (``bench.collect``): clean with the default pool (calls by operation, counted
   by the server, against the floor), with one worker, both again with injected latency, and
   once with a fraction of requests throttled (its inventory must equal the clean one);
2. the audit end to end against the emulator (``pytest checks/ --region ...``), clean and
   throttled (per-item outcomes and findings must be equal);
3. optionally, Prowler's API Gateway checks end to end against the same emulator
   (``bench.prowler``; skipped when Prowler is not installed), alternating with the audit
   and with pytest's floor for as many tests (medians), and once more each at latency;
4. the check phase on the clean snapshot against bare pytest (``bench.checkphase``).

Raw results go to ``bench/results/<UTC timestamp>-<size>.json``; the table is printed.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import prowler
from bench.checkphase import measure_check_phase, run_pytest, write_pytest_floor_suite
from bench.emulator import Emulator, serve
from bench.estate import SIZES, EstateSpec, build_estate
from bench.floor import floor_by_operation
from bench.process import run_measured
from bench.table import render
from collectors.demo.estate import emulated_aws
from collectors.inventory import DEFAULT_WORKERS
from collectors.scope import StageScope
from collectors.serialization import load_snapshot
from collectors.targets import Kind, TargetIndex

REPO = Path(__file__).resolve().parent.parent
CHECKS = REPO / "checks"
RESULTS = Path(__file__).resolve().parent / "results"
# Which fields of a snapshot may differ between two collections of the same estate.
_VOLATILE_METADATA = ("started_at", "finished_at")


class BenchError(Exception):
    """A measurement could not be made; the message says which and where its log is."""


CORES = len(os.sched_getaffinity(0))  # the end-to-end audit runs again with -n CORES


def child_environment(endpoint: str, region: str) -> dict[str, str]:
    """The environment of every measured child: this one, with AWS pointed at the emulator."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION=region,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        NO_PROXY="127.0.0.1,localhost",
        PYTHONPATH=os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH")))),
    )
    return env


def timed_collection(
    emulator: Emulator,
    spec: EstateSpec,
    work: Path,
    name: str,
    *,
    workers: int = DEFAULT_WORKERS,
    latency_ms: float = 0,
    throttle_fraction: float = 0,
) -> dict[str, Any]:
    """One collection in a child process; what the server saw and what the child reported."""
    emulator.middleware.configure(latency_ms=latency_ms, throttle_fraction=throttle_fraction)
    snapshot = work / f"{name}.snapshot.json"
    command = [sys.executable, "-m", "bench.collect", "--regions", ",".join(spec.regions)]
    command += ["--workers", str(workers), "--snapshot-out", str(snapshot)]
    env = child_environment(emulator.endpoint, spec.regions[0])
    finished = run_measured(command, env=env, cwd=REPO, log_dir=work, name=name)
    if finished.status != 0:
        raise BenchError(f"collection '{name}' failed: see {work / name}.err")
    child = json.loads(finished.stdout.splitlines()[-1])
    middleware = emulator.middleware
    return {
        "workers": workers,
        "latency_ms": latency_ms,
        "throttle_fraction": throttle_fraction,
        "seconds": child["seconds"],
        "peak_rss_mib": finished.peak_rss_mib,
        "server_requests": {f"{s}.{o}": n for (s, o), n in sorted(middleware.requests.items())},
        "server_throttled": sum(middleware.throttled.values()),
        "client_calls": dict(sorted(child["client_calls"].items())),
        "snapshot": str(snapshot),
    }


def _comparable_inventory(snapshot: Path) -> dict[str, Any]:
    document = json.loads(snapshot.read_text())
    for inventory in document["estate"]["inventories"]:
        for name in _VOLATILE_METADATA:
            inventory["metadata"].pop(name)
    return dict(document)


def first_difference(left: Any, right: Any, path: str = "") -> str | None:
    """Where two JSON documents first differ (``None`` when equal), for the report."""
    if type(left) is not type(right):
        return f"{path or '/'}: {type(left).__name__} != {type(right).__name__}"
    if isinstance(left, dict):
        for key in sorted(set(left) | set(right)):
            if key not in left or key not in right:
                return f"{path}/{key}: only on one side"
            found = first_difference(left[key], right[key], f"{path}/{key}")
            if found:
                return found
        return None
    if isinstance(left, list):
        if len(left) != len(right):
            return f"{path}: {len(left)} items != {len(right)}"
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            found = first_difference(a, b, f"{path}[{index}]")
            if found:
                return found
        return None
    return None if left == right else f"{path}: {left!r} != {right!r}"


def _targets(snapshot: Path) -> dict[str, int]:
    index = TargetIndex(load_snapshot(snapshot), StageScope([]))
    return {kind.value: sum(1 for _ in index.targets(kind)) for kind in Kind}


def _audit(
    emulator: Emulator,
    spec: EstateSpec,
    work: Path,
    name: str,
    throttle_fraction: float,
    options: tuple[str, ...] = (),
    latency_ms: float = 0.0,
) -> dict[str, Any]:
    """``pytest checks/`` end to end against the emulator, reports and snapshot included;
    ``options``: more of pytest's (``-n N``)."""
    emulator.middleware.configure(latency_ms=latency_ms, throttle_fraction=throttle_fraction)
    run_dir = work / name
    run_dir.mkdir()
    run = run_pytest(
        [
            str(CHECKS),
            "--region",
            ",".join(spec.regions),
            "--snapshot-out",
            "snapshot.json",
            *options,
        ],
        env=child_environment(emulator.endpoint, spec.regions[0]),
        cwd=run_dir,
        log_dir=work,
        name=name,
    )
    return {
        "exit_status": run.process.status,
        "seconds": run.process.seconds,
        "peak_rss_mib": run.process.peak_rss_mib,
        "items": len(run.outcomes),
        "split": dict(run.split()),
        "server_requests": sum(emulator.middleware.requests.values()),
        "server_throttled": sum(emulator.middleware.throttled.values()),
        "files_written": sorted(p.name for p in run_dir.iterdir()),
        "_outcomes": run.outcomes,
    }


def measure_prowler(
    executable: str,
    emulator: Emulator,
    spec: EstateSpec,
    work: Path,
    *,
    latency_ms: float = 0.0,
    name: str = "prowler",
) -> dict[str, Any]:
    """Prowler's API Gateway checks end to end, measured as the audit is."""
    emulator.middleware.configure(latency_ms=latency_ms)
    output = work / f"{name}-output"
    command = prowler.command(executable, spec.regions, output)
    env = child_environment(emulator.endpoint, spec.regions[0])
    finished = run_measured(command, env=env, cwd=work, log_dir=work, name=name)
    if finished.status != 0:
        raise BenchError(f"Prowler exited {finished.status}: see {work / name}.err and .out")
    requests = emulator.middleware.requests
    return {
        "measured": True,
        "command": command,
        "version": prowler.version(executable),
        "exit_status": finished.status,
        "seconds": finished.seconds,
        "peak_rss_mib": finished.peak_rss_mib,
        "findings": prowler.findings(output),
        "server_requests": {f"{s}.{o}": n for (s, o), n in sorted(requests.items())},
    }


def compare_with_prowler(
    executable: str, emulator: Emulator, spec: EstateSpec, work: Path, repeats: int, items: int
) -> dict[str, Any]:
    """The audit, Prowler and pytest's floor for ``items`` tests end to end at zero latency,
    alternating (audit, Prowler, floor; ``repeats`` times) so that drift on the machine hits
    all three alike; each is its median. One run each is not a measurement on these machines:
    the same Prowler run took 31 s, then 21 s twice, minutes apart (bench/README.md)."""
    floor_file = write_pytest_floor_suite(work / "pytest-floor", items)
    floor_env = child_environment(emulator.endpoint, spec.regions[0])
    suite: list[float] = []
    runs: list[dict[str, Any]] = []
    floor: list[float] = []
    for repeat in range(repeats):
        audit = _audit(emulator, spec, work, f"audit_vs_prowler-{repeat}", 0.0)
        suite.append(audit["seconds"])
        runs.append(measure_prowler(executable, emulator, spec, work, name=f"prowler-{repeat}"))
        floor_run = run_pytest(
            [str(floor_file)],
            env=floor_env,
            cwd=floor_file.parent,
            log_dir=work,
            name=f"floor-{repeat}",
        )
        if floor_run.process.status != 0 or floor_run.split() != {"passed": items}:
            raise BenchError(
                f"the floor run did not pass {items} tests: see {work}/floor-{repeat}.out"
            )
        floor.append(floor_run.process.seconds)
        _say(
            f"audit {suite[-1]:.1f} s, Prowler {runs[-1]['seconds']:.1f} s, "
            f"pytest's floor {floor[-1]:.1f} s"
        )
    prowler_seconds = statistics.median(run["seconds"] for run in runs)
    return runs[-1] | {
        "repeats": repeats,
        "seconds": prowler_seconds,
        "runs_seconds": [run["seconds"] for run in runs],
        "peak_rss_mib": max(run["peak_rss_mib"] for run in runs),
        "suite_seconds": statistics.median(suite),
        "suite_runs_seconds": suite,
        "suite_over_prowler": statistics.median(suite) / prowler_seconds,
        "pytest_floor": {
            "items": items,
            "seconds": statistics.median(floor),
            "runs_seconds": floor,
            "over_prowler": statistics.median(floor) / prowler_seconds,
        },
    }


def _compared_at_latency(
    executable: str, emulator: Emulator, spec: EstateSpec, work: Path, latency_ms: float
) -> dict[str, Any]:
    """The audit and Prowler end to end again, each AWS request answered ``latency_ms`` late
    (as over a network): what the number of calls costs each."""
    suite = _audit(emulator, spec, work, "audit_latency", 0.0, latency_ms=latency_ms)
    other = measure_prowler(
        executable, emulator, spec, work, latency_ms=latency_ms, name="prowler_latency"
    )
    _say(
        f"at {latency_ms:g} ms latency: audit {suite['seconds']:.1f} s, "
        f"Prowler {other['seconds']:.1f} s"
    )
    return {
        "latency_ms": latency_ms,
        "suite_seconds": suite["seconds"],
        "suite_exit_status": suite["exit_status"],
        "prowler_seconds": other["seconds"],
        "suite_over_prowler": suite["seconds"] / other["seconds"],
    }


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "cpus": str(os.cpu_count())}
    for package in ("pytest", "boto3", "botocore", "moto"):
        versions[package] = metadata.version(package)
    revision = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    )
    versions["git"] = revision.stdout.strip() or "unknown"
    return versions


def run(
    size: str,
    *,
    repeats: int,
    latency_ms: float,
    throttle_fraction: float,
    prowler_executable: str | None = None,
) -> Path:
    spec = SIZES[size]
    results: dict[str, Any] = {"size": size, "spec": asdict(spec), "versions": _versions()}
    work = Path(tempfile.mkdtemp(prefix=f"bench-{size}-"))
    with emulated_aws(spec.seed):
        started = time.perf_counter()
        manifest = build_estate(spec)
        results["build_seconds"] = time.perf_counter() - started
        results["estate"] = manifest.counts()
        results["floor"] = dict(sorted(floor_by_operation(manifest).items()))
        _say(f"{size} estate built in {results['build_seconds']:.1f} s")
        with serve() as emulator:
            results.update(
                _measure(
                    emulator,
                    spec,
                    work,
                    repeats,
                    latency_ms,
                    throttle_fraction,
                    prowler.locate(prowler_executable),
                )
            )
    results["bench_peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    shutil.rmtree(work)  # kept, with every child's output, when a measurement fails
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{stamp}-{size}.json"
    path.write_text(json.dumps(results, indent=1) + "\n")
    print(render(results))
    print(f"bench: raw results in {path.relative_to(REPO)}")
    return path


def _say(line: str) -> None:
    print(f"bench: {line}", file=sys.stderr, flush=True)


def _measure(
    emulator: Emulator,
    spec: EstateSpec,
    work: Path,
    repeats: int,
    latency_ms: float,
    throttle_fraction: float,
    prowler_executable: str | None,
) -> dict[str, Any]:
    runs: dict[str, dict[str, Any]] = {
        "clean": {},
        "clean_one_worker": {"workers": 1},
        "latency": {"latency_ms": latency_ms},
        "latency_one_worker": {"latency_ms": latency_ms, "workers": 1},
        "throttled": {"throttle_fraction": throttle_fraction},
    }
    collections: dict[str, Any] = {}
    for name, options in runs.items():
        collections[name] = timed_collection(emulator, spec, work, name, **options)
        _say(f"collection {name}: {collections[name]['seconds']:.2f} s")
    snapshots = {name: Path(result.pop("snapshot")) for name, result in collections.items()}
    clean = snapshots["clean"]
    audits = {"audit": _audit(emulator, spec, work, "audit", 0.0)}
    _say(f"end-to-end audit: {audits['audit']['seconds']:.1f} s, {audits['audit']['items']} items")
    if CORES > 1:  # the same audit on every core, as `pytest -n N` runs it
        audits["audit_parallel"] = _audit(
            emulator, spec, work, "audit_parallel", 0.0, ("-n", str(CORES))
        ) | {"cores": CORES}
        _say(f"end-to-end audit, -n {CORES}: {audits['audit_parallel']['seconds']:.1f} s")
    audits["audit_throttled"] = _audit(emulator, spec, work, "audit_throttled", throttle_fraction)
    outcomes = {name: audit.pop("_outcomes") for name, audit in audits.items()}
    if prowler_executable:
        prowler_run = compare_with_prowler(
            prowler_executable, emulator, spec, work, repeats, audits["audit"]["items"]
        )
        if "audit_parallel" in audits:
            parallel_seconds = audits["audit_parallel"]["seconds"]
            prowler_run["suite_parallel_over_prowler"] = parallel_seconds / prowler_run["seconds"]
        if latency_ms > 0:
            prowler_run["at_latency"] = _compared_at_latency(
                prowler_executable, emulator, spec, work, latency_ms
            )
    else:
        prowler_run = prowler.skipped()
        _say(f"Prowler {prowler_run['reason']}")
    emulator.middleware.configure()
    check_phase = measure_check_phase(
        CHECKS,
        clean,
        env=child_environment(emulator.endpoint, spec.regions[0]),
        work=work,
        repeats=repeats,
    )
    check_phase["server_requests"] = sum(emulator.middleware.requests.values())
    return {
        "targets": _targets(clean),
        "collections": collections,
        "throttled_inventory_difference": first_difference(
            _comparable_inventory(clean),
            _comparable_inventory(snapshots["throttled"]),
        ),
        "audits": audits,
        "throttled_findings_difference": (
            first_difference(outcomes["audit"], outcomes["audit_throttled"])
            if outcomes["audit"]
            else "not compared: the audit ran no test"
        ),
        "parallel_findings_difference": (
            first_difference(outcomes["audit"], outcomes["audit_parallel"])
            if "audit_parallel" in outcomes
            else "not run: one core"
        ),
        "prowler": prowler_run,
        "check_phase": check_phase,
    }
