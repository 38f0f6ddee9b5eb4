"""``python -m bench traffic [--events N]``: the traffic phase against a stage with N events.

One REST API (seven methods and ``ANY /{proxy+}``) with one audited stage writing its access
logs to one log group, filled in three steps, each followed by two collections in a child
process (``bench.collect``), without traffic evidence and with ``--traffic-days 7``:

1. N/10 events over a fixed set of endpoints (operations x statuses, and ``--paths``
   concrete paths behind the greedy resource);
2. the rest of the N events, over the same endpoints: the answers must not grow;
3. N/10 more events over ten times as many new concrete paths: the answers grow with them.

Measured: wall time and peak RSS of each collection (the traffic phase must add at most 50
MiB to the suite's process; the child's own ``VmHWM``, see ``bench.collect``), and the
bytes and rows of the Logs Insights answers the child received (GetQueryResults) beside the
bytes Logs Insights reports it scanned. The events are written to the emulator in
PutLogEvents batches (``collectors.demo.builders.access_logs``).
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tabulate import tabulate

from bench.emulator import Emulator, serve
from bench.process import run_measured
from bench.run import REPO, RESULTS, BenchError, _versions, child_environment
from collectors.demo.builders import ACCOUNT_ID, AccountBuilder, RestApiBuilder, log_formats
from collectors.demo.builders.access_logs import Request, put_events
from collectors.demo.estate import emulated_aws

REGION = "us-east-1"
STAGE = "prod"
DAYS = 7
RSS_LIMIT_MIB = 50.0  # what the traffic phase may add to the suite's peak RSS (issue 12)
OPERATIONS = (
    ("GET", "/items"),
    ("POST", "/items"),
    ("GET", "/items/{id}"),
    ("PUT", "/items/{id}"),
    ("DELETE", "/items/{id}"),
    ("GET", "/users/{id}"),
    ("GET", "/health"),
    ("GET", "/{proxy+}"),
)
STATUSES = (200, 200, 200, 201, 304, 403, 404, 500, 200, 200, 502)
_CHUNK = 100_000  # events rendered and written at a time (one log stream each)
_SPREAD = timedelta(days=6)  # the events' times: within the 7-day window, whenever run


def _build() -> tuple[str, str]:
    """The API and its stage logging to one group; (API id, group ARN)."""
    account = AccountBuilder(REGION)
    account.cloudwatch_role(f"arn:aws:iam::{ACCOUNT_ID}:role/traffic-bench-logs")  # REST logs
    api = RestApiBuilder("traffic-bench")
    for method, resource_path in OPERATIONS:
        api.method("ANY" if resource_path == "/{proxy+}" else method, resource_path)
    api.stage(STAGE)
    group = account.log_group("/aws/apigateway/traffic-bench/prod")
    api.access_logs(STAGE, group, log_formats.REST_JSON_TRAFFIC)
    return api.id, group


def _write(api_id: str, group: str, count: int, paths: list[str], stream: str) -> int:
    """``count`` events cycling over the operations, statuses and ``paths``; the calls."""
    now = datetime.now(UTC) - timedelta(minutes=10)
    step = _SPREAD / count
    calls = 0
    for start in range(0, count, _CHUNK):
        events = []
        for i in range(start, min(start + _CHUNK, count)):
            method, resource_path = OPERATIONS[i % len(OPERATIONS)]
            concrete = resource_path.replace("{id}", str(i % 97))
            if resource_path == "/{proxy+}":
                concrete = paths[(i // len(OPERATIONS)) % len(paths)]
            request = Request(
                at=now - step * i,
                method=method,
                resource=resource_path,
                path=f"/{STAGE}{concrete}",
                status=STATUSES[i % len(STATUSES)],
                source_ip=f"10.{i % 7}.{i % 251}.{i % 13}",
                stage=STAGE,
                api_id=api_id,
                request_id=f"{i:016x}",
                response_length=i % 4_000,
            )
            events.append(request.event(log_formats.REST_JSON_TRAFFIC))
        calls += put_events(REGION, group, events, stream=f"{stream}-{start // _CHUNK}")
    return calls


def _collect(emulator: Emulator, work: Path, name: str, days: int) -> dict[str, Any]:
    emulator.middleware.configure()
    command = [sys.executable, "-m", "bench.collect", "--regions", REGION]
    command += ["--snapshot-out", str(work / f"{name}.snapshot.json"), "--traffic-days", str(days)]
    finished = run_measured(
        command, env=child_environment(emulator.endpoint, REGION), cwd=REPO, log_dir=work,
        name=name,
    )  # fmt: skip
    if finished.status != 0:
        raise BenchError(f"collection '{name}' failed: see {work / name}.err")
    child = json.loads(finished.stdout.splitlines()[-1])
    requests = emulator.middleware.requests
    return {
        "traffic_days": days,
        "seconds": child["seconds"],
        "peak_rss_mib": child["vm_hwm_mib"],
        "wait4_maxrss_mib": finished.peak_rss_mib,  # the parent's, when larger: see bench.collect
        "logs_response_bytes": child["logs_response_bytes"],
        "logs_result_rows": child["logs_result_rows"],
        "traffic": child.get("traffic"),
        "server_requests": {f"{s}.{o}": n for (s, o), n in sorted(requests.items())},
    }


def _step(
    emulator: Emulator, work: Path, label: str, events: int, distinct_paths: int
) -> dict[str, Any]:
    name = f"step{events}-{distinct_paths}"
    without = _collect(emulator, work, f"{name}-without", 0)
    with_traffic = _collect(emulator, work, f"{name}-with", DAYS)
    return {
        "label": label,
        "events": events,
        "distinct_paths": distinct_paths,
        "without": without,
        "with": with_traffic,
    }


def traffic(events: int, paths: int) -> Path:
    """Run the three steps, print the table, save the results; their path."""
    tenth = max(events // 10, 1)
    results: dict[str, Any] = {"events": events, "paths": paths, "versions": _versions()}
    work = Path(tempfile.mkdtemp(prefix="bench-traffic-"))
    fixed = [f"/catalog/{n}" for n in range(paths)]
    more = [f"/archive/{n}" for n in range(10 * paths)]
    loads: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []

    def load(count: int, endpoints: list[str], stream: str) -> None:
        started = time.perf_counter()
        calls = _write(api_id, group, count, endpoints, stream)
        loads.append({"events": count, "seconds": time.perf_counter() - started, "calls": calls})
        print(f"bench: wrote {count:,} events in {loads[-1]['seconds']:.1f} s", flush=True)

    with emulated_aws():
        api_id, group = _build()
        with serve() as emulator:
            load(tenth, fixed, "first")
            steps.append(_step(emulator, work, "N/10", tenth, paths))
            load(events - tenth, fixed, "rest")
            steps.append(_step(emulator, work, "N", events, paths))
            load(tenth, more, "more-paths")
            steps.append(_step(emulator, work, "N + N/10 on 10x paths", events + tenth, 11 * paths))
    results.update(loads=loads, steps=steps)
    results["bench_peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    shutil.rmtree(work)  # kept, with every child's output, when a measurement fails
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{stamp}-traffic.json"
    path.write_text(json.dumps(results, indent=1) + "\n")
    print(render(results))
    print(f"bench: raw results in {path.relative_to(REPO)}")
    return path


def render(results: dict[str, Any]) -> str:
    """The table of a results document."""
    rows = []
    for step in results["steps"]:
        without, with_traffic = step["without"], step["with"]
        added = with_traffic["peak_rss_mib"] - without["peak_rss_mib"]
        answers = with_traffic["logs_response_bytes"]
        evidence = with_traffic["traffic"] or {}
        rows.append(
            [
                step["label"],
                f"{step['events']:,}",
                f"{step['distinct_paths']:,}",
                f"{without['seconds']:.2f} / {with_traffic['seconds']:.2f} s",
                f"{without['peak_rss_mib']:.0f} / {with_traffic['peak_rss_mib']:.0f} MiB",
                f"{added:+.1f} MiB ({'met' if added <= RSS_LIMIT_MIB else 'MISSED'})",
                f"{answers.get('GetQueryResults', 0):,}",
                f"{with_traffic['logs_result_rows'].get('GetQueryResults', 0):,}",
                f"{evidence.get('bytes_scanned', 0):,.0f}",
                "yes" if evidence.get("truncated") else "no",
            ]
        )
    headers = [
        "step",
        "events",
        "proxy paths",
        "collection without / with",
        "peak RSS without / with",
        f"traffic adds (<= {RSS_LIMIT_MIB:.0f})",
        "GetQueryResults bytes",
        "rows",
        "bytes scanned",
        "truncated",
    ]
    loaded = sum(load["events"] for load in results["loads"])
    seconds = sum(load["seconds"] for load in results["loads"])
    calls = sum(load["calls"] for load in results["loads"])
    return (
        f"Traffic evidence, one stage, {results['events']:,} events "
        f"(loaded {loaded:,} in {seconds:.1f} s, {calls:,} PutLogEvents calls)\n\n"
        + tabulate(rows, headers=headers)
    )
