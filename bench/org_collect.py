"""One timed organisation collection, in its own process, as the audit's ``--accounts`` run
makes it: ``python -m bench.org_collect --accounts-file F --role-name R --regions ...
--max-workers N``.

``collectors.estate_collection.collect_estate`` with the audit's per-account pacing and worker
processes (``collectors.estate_processes``, as the audit plans them), from the identity in the
environment (pointed at the emulator by ``AWS_ENDPOINT_URL``); prints one
JSON line: the collection's wall time, the calls the client made (the observer hook), the
accounts collected and unreached, and any region errors.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter
from pathlib import Path

import boto3

from collectors.estate_accounts import read_accounts_file
from collectors.estate_collection import collect_estate
from collectors.estate_processes import ProcessPlan, process_count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.org_collect", description=__doc__)
    parser.add_argument("--accounts-file", type=Path, required=True)
    parser.add_argument("--role-name", required=True)
    parser.add_argument("--regions", required=True, help="comma-separated regions")
    parser.add_argument("--max-workers", type=int, required=True)
    args = parser.parse_args(argv)
    regions = tuple(args.regions.split(","))

    calls: Counter[str] = Counter()
    lock = threading.Lock()  # every account's threads report here

    def observe(service: str, operation: str) -> None:
        with lock:
            calls[f"{service}.{operation}"] += 1

    accounts = read_accounts_file(args.accounts_file, args.role_name, None)
    started = time.perf_counter()
    estate = collect_estate(
        boto3.Session(region_name=regions[0]),
        accounts,
        regions,
        home_region=regions[0],
        max_workers=args.max_workers,
        observer=observe,
        processes=ProcessPlan(count=process_count(len(accounts), args.max_workers)),
    )
    seconds = time.perf_counter() - started
    line = {
        "seconds": seconds,
        "client_calls": dict(sorted(calls.items())),
        "inventories": len(estate.inventories),
        "unreached": [account.reason for account in estate.unreached],
        "errors": sum(len(inventory.errors) for inventory in estate.inventories),
        "processes": process_count(len(accounts), args.max_workers),
    }
    print(json.dumps(line))


if __name__ == "__main__":
    main()
