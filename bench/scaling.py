"""``python -m bench scaling --size S``: doubling methods or stages must not change the calls.

Builds three estates one after the other (each in a fresh emulated account): the size as
defined, then with twice the methods per resource, then with twice the stages per API; each
is collected once with the default pool and the server counts the calls.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from tabulate import tabulate

from bench.emulator import serve
from bench.estate import SIZES, build_estate, doubled
from bench.floor import floor_by_operation
from bench.run import timed_collection
from collectors.demo.estate import emulated_aws


def scaling(size: str) -> bool:
    """Print the table; whether every variant made the same number of calls."""
    base = SIZES[size]
    variants = {
        "as defined": base,
        "2x methods": doubled(base, "methods"),
        "2x stages": doubled(base, "stages"),
    }
    rows: list[list[Any]] = []
    with tempfile.TemporaryDirectory(prefix=f"bench-scaling-{size}-") as tmp:
        for label, spec in variants.items():
            with emulated_aws(spec.seed):
                manifest = build_estate(spec)
                with serve() as emulator:
                    collection = timed_collection(
                        emulator, spec, Path(tmp), label.replace(" ", "-")
                    )
            counts = manifest.counts()
            rows.append(
                [
                    label,
                    f"{spec.methods} x {spec.stages}",
                    counts["rest_methods"],
                    counts["stages"],
                    sum(collection["server_requests"].values()),
                    sum(floor_by_operation(manifest).values()),
                ]
            )
    headers = ["estate", "methods x stages", "REST methods", "stages", "AWS calls", "floor"]
    print(f"Scaling, size {size} ({base.describe()})\n")
    print(tabulate(rows, headers=headers))
    return len({row[4] for row in rows}) == 1
