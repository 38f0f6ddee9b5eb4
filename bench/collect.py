"""One timed collection, in its own process: ``python -m bench.collect --regions ... --workers N``.

The benchmark runs collections in a child process so that the collector and the emulator
each have a core, and so that each collection's peak RSS is its own. The child reaches the
emulator through ``AWS_ENDPOINT_URL`` (set by the parent), saves the inventory as a snapshot,
and prints one JSON line: the collection's wall time and the calls the client made, counted
by the audit's own observer hook (so retries are not in it; the server counts those).

With ``--traffic-days N`` the collection also reads the audited stages' access logs (Logs
Insights); the line then has the traffic evidence's queries and bytes scanned, and the bytes
of every CloudWatch Logs answer the child received, by operation (the HTTP bodies, counted
by a botocore ``after-call`` hook on the session the clients are made from) and the result
rows in them.

``vm_hwm_mib`` is this process's peak RSS as Linux keeps it for its own address space
(``VmHWM``): ``os.wait4``'s ``ru_maxrss`` keeps, across ``execve``, the high-water mark of the
parent it was forked (vforked) from, so it reads the parent's size whenever the parent is
the larger, as the traffic benchmark's is once its emulator holds a million events.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import boto3

from collectors.clients import AwsClients
from collectors.inventory import DEFAULT_WORKERS, collect_inventory
from collectors.serialization import save_snapshot


def _vm_hwm_mib() -> float | None:
    """This address space's peak RSS (Linux ``/proc/self/status``); None elsewhere."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.collect", description=__doc__)
    parser.add_argument("--regions", required=True, help="comma-separated regions")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--snapshot-out", type=Path, required=True)
    parser.add_argument("--traffic-days", type=int, default=0)
    parser.add_argument("--traffic-max-gb", type=float, default=10.0)
    args = parser.parse_args(argv)
    regions = tuple(args.regions.split(","))

    calls: Counter[str] = Counter()
    lock = threading.Lock()  # the collector's threads all report here

    def observe(service: str, operation: str) -> None:
        with lock:
            calls[f"{service}.{operation}"] += 1

    logs_bytes: Counter[str] = Counter()
    logs_rows: Counter[str] = Counter()

    def count_logs_answer(http_response: Any, parsed: Any, model: Any, **_: Any) -> None:
        with lock:
            logs_bytes[model.name] += len(http_response.content)
            logs_rows[model.name] += len(parsed.get("results", ()))

    session = boto3.Session(region_name=regions[0])
    session.events.register("after-call.logs", count_logs_answer)
    clients = AwsClients(session, observe)
    started = time.perf_counter()
    inventory = collect_inventory(
        clients,
        regions,
        workers=args.workers,
        traffic_days=args.traffic_days,
        traffic_max_bytes=args.traffic_max_gb * 1e9,
    )
    seconds = time.perf_counter() - started
    save_snapshot(inventory, args.snapshot_out)
    line: dict[str, Any] = {"seconds": seconds, "client_calls": dict(calls)}
    line["logs_response_bytes"] = dict(logs_bytes)
    line["logs_result_rows"] = dict(logs_rows)
    line["vm_hwm_mib"] = _vm_hwm_mib()
    if inventory.traffic is not None:
        line["traffic"] = {
            "queries": inventory.traffic.queries,
            "bytes_scanned": inventory.traffic.bytes_scanned,
            "truncated": any(stage.truncated for stage in inventory.traffic.stages),
        }
    print(json.dumps(line))


if __name__ == "__main__":
    main()
