"""Smoke test of the benchmark (bench/): the small estate, and a tiny organisation served by
the emulator's own process, cost exactly their floor in AWS calls.

The benchmark itself is not a test (timings belong in bench/results/, not in CI); this runs
its emulator and its small estate once and asserts the one exact number it produces.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from unittest import mock

import boto3

from bench.emulator import serve
from bench.estate import SIZES, build_estate
from bench.floor import floor_by_operation
from bench.org_estate import ORG_REGIONS, ROLE_NAME, member_accounts, organisation_floor
from bench.org_server import start_org_emulator
from bench.run import child_environment
from collectors.clients import AwsClients
from collectors.demo.estate import emulated_aws
from collectors.estate_accounts import AccountTarget
from collectors.estate_collection import collect_estate
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


def test_an_organisation_is_collected_in_its_floor_plus_one_assume_role_per_account(
    tmp_path: Path,
) -> None:
    # 3 accounts x 2 regions x 1 REST API, served by the emulator's own process (bench org)
    calls: Counter[str] = Counter()
    with start_org_emulator(3, tmp_path / "emulator.err", estate="tiny") as emulator:
        environment = child_environment(emulator.endpoint, ORG_REGIONS[0])
        with mock.patch.dict(os.environ, environment, clear=True):
            estate = collect_estate(
                boto3.Session(region_name=ORG_REGIONS[0]),
                [
                    AccountTarget(account_id=floor.account_id, role_name=ROLE_NAME)
                    for floor in emulator.floors
                ],
                ORG_REGIONS,
                home_region=ORG_REGIONS[0],
                observer=lambda service, operation: calls.update([f"{service}.{operation}"]),
            )
        served = emulator.usage().requests

    assert [i.metadata.account_id for i in estate.inventories] == list(member_accounts(3))
    assert all(len(i.rest_apis) == 2 and i.errors == () for i in estate.inventories)
    floor = organisation_floor(emulator.floors, ORG_REGIONS, auditor_identity=False)
    assert floor["sts.AssumeRole"] == 3
    assert served == floor  # per operation: the floor of each account, its AssumeRole
    assert calls == served
