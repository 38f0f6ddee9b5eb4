"""One timed collection, in its own process: ``python -m bench.collect --regions ... --workers N``.

The benchmark runs collections in a child process so that the collector and the emulator
each have a core, and so that each collection's peak RSS is its own. The child reaches the
emulator through ``AWS_ENDPOINT_URL`` (set by the parent), saves the inventory as a snapshot,
and prints one JSON line: the collection's wall time and the calls the client made, counted
by the audit's own observer hook (so retries are not in it; the server counts those).
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter
from pathlib import Path

import boto3

from collectors.clients import AwsClients
from collectors.inventory import DEFAULT_WORKERS, collect_inventory
from collectors.serialization import save_snapshot


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.collect", description=__doc__)
    parser.add_argument("--regions", required=True, help="comma-separated regions")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--snapshot-out", type=Path, required=True)
    args = parser.parse_args(argv)
    regions = tuple(args.regions.split(","))

    calls: Counter[str] = Counter()
    lock = threading.Lock()  # the collector's threads all report here

    def observe(service: str, operation: str) -> None:
        with lock:
            calls[f"{service}.{operation}"] += 1

    clients = AwsClients(boto3.Session(region_name=regions[0]), observe)
    started = time.perf_counter()
    inventory = collect_inventory(clients, regions, workers=args.workers)
    seconds = time.perf_counter() - started
    save_snapshot(inventory, args.snapshot_out)
    print(json.dumps({"seconds": seconds, "client_calls": dict(calls)}))


if __name__ == "__main__":
    main()
