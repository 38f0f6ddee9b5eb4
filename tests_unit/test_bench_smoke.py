"""Smoke test of the benchmark (bench/): the small estate costs exactly its floor in AWS calls.

The benchmark itself is not a test (timings belong in bench/results/, not in CI); this runs
its emulator and its small estate once and asserts the one exact number it produces.
"""

from __future__ import annotations

import os
from collections import Counter
from unittest import mock

import boto3

from bench.emulator import serve
from bench.estate import SIZES, build_estate
from bench.floor import floor_by_operation
from collectors.clients import AwsClients
from collectors.demo.estate import emulated_aws
from collectors.inventory import collect_inventory


def test_small_estate_is_collected_in_exactly_the_floor_number_of_calls() -> None:
    spec = SIZES["small"]
    client_calls: Counter[str] = Counter()
    with emulated_aws(spec.seed):
        manifest = build_estate(spec)
        with serve() as emulator, mock.patch.dict(os.environ, AWS_ENDPOINT_URL=emulator.endpoint):
            clients = AwsClients(
                boto3.Session(region_name=spec.regions[0]),
                lambda service, operation: client_calls.update([f"{service}.{operation}"]),
            )
            inventory = collect_inventory(clients, spec.regions, workers=1)
            server_calls = {f"{s}.{o}": n for (s, o), n in emulator.middleware.requests.items()}

    assert inventory.errors == ()
    assert server_calls == floor_by_operation(manifest)  # measured / floor = 1.00, per operation
    assert client_calls == server_calls
