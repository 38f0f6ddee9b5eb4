"""An organisation's accounts spread over worker processes read the same estate, with the same
calls, as one process's threads; the plan gives a worker only where it pays.

The workers are spawned interpreters: they cannot see this process's moto, so the estate is
served by the benchmark's emulator, in a process of its own, at ``AWS_ENDPOINT_URL``."""

from __future__ import annotations

import os
import pickle
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from unittest import mock

import boto3
import pytest

from bench.org_estate import ORG_REGIONS, ROLE_NAME, organisation_floor
from bench.org_server import OrgEmulator, start_org_emulator
from bench.run import child_environment
from collectors.estate_accounts import AccountTarget
from collectors.estate_collection import InventoryOptions, collect_estate
from collectors.estate_processes import ACCOUNTS_PER_PROCESS, ProcessPlan, process_count
from collectors.model import Inventory
from collectors.model.estate import Estate
from collectors.scope import StageScope

ACCOUNTS = 9  # 3 processes of 3 accounts each would not pay: ACCOUNTS_PER_PROCESS is 4


@pytest.mark.parametrize(
    ("accounts", "max_workers", "cores", "expected"),
    [
        (1, 16, 8, 1),  # one account: this process
        (7, 16, 8, 1),  # a second process would hold fewer than 4 accounts
        (8, 16, 8, 2),
        (100, 16, 2, 2),  # one per core
        (100, 1, 8, 1),  # --max-workers 1: one call in flight, so one process
        (100, 3, 8, 3),  # each process keeps at least one call in flight
        (100, 16, 1, 1),
    ],
)
def test_a_worker_process_per_core_where_each_has_enough_accounts(
    accounts: int, max_workers: int, cores: int, expected: int
) -> None:
    assert ACCOUNTS_PER_PROCESS == 4
    assert process_count(accounts, max_workers, cores) == expected


def test_the_audits_inventory_options_survive_pickling_for_a_worker() -> None:
    options = InventoryOptions(
        audited=StageScope(["prod*"]).audits, traffic_days=7, traffic_max_bytes=1e9
    )
    copy = pickle.loads(pickle.dumps(options))
    assert (copy.traffic_days, copy.traffic_max_bytes) == (7, 1e9)
    assert copy.audited("prod-eu")
    assert not copy.audited("dev")


@pytest.fixture(scope="module")
def organisation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OrgEmulator]:
    error_log = Path(tmp_path_factory.mktemp("emulator")) / "emulator.err"
    with start_org_emulator(ACCOUNTS, error_log, estate="tiny") as emulator:
        yield emulator


def _read(
    emulator: OrgEmulator, processes: ProcessPlan | None, refused_role: bool = False
) -> tuple[Estate, Counter[str], list[tuple[int, int]], Counter[str]]:
    """The estate, the calls the observer heard, the progress told, the calls served."""
    heard: Counter[str] = Counter()
    progress: list[tuple[int, int]] = []
    targets = [AccountTarget(account_id=f.account_id, role_name=ROLE_NAME) for f in emulator.floors]
    if refused_role:  # moto assumes any role; an external id under 2 characters is refused
        targets[4] = replace(targets[4], external_id="x")
    emulator.configure()
    with mock.patch.dict(os.environ, child_environment(emulator.endpoint, ORG_REGIONS[0])):
        estate = collect_estate(
            boto3.Session(region_name=ORG_REGIONS[0]),
            targets,
            ORG_REGIONS,
            home_region=ORG_REGIONS[0],
            observer=lambda service, operation: heard.update([f"{service}.{operation}"]),
            paced=False,
            on_account_done=lambda done, total: progress.append((done, total)),
            processes=processes,
        )
    return estate, heard, progress, emulator.usage().requests


def _timeless(inventory: Inventory) -> Inventory:
    metadata = replace(inventory.metadata, started_at="", finished_at="")
    return replace(inventory, metadata=metadata)


def test_three_processes_read_the_same_estate_with_the_same_calls_as_one(
    organisation: OrgEmulator,
) -> None:
    threads, threads_heard, _, threads_served = _read(organisation, None)
    spread, heard, progress, served = _read(organisation, ProcessPlan(count=3))

    assert len(spread.inventories) == ACCOUNTS
    assert spread.unreached == ()
    assert [_timeless(i) for i in spread.inventories] == [_timeless(i) for i in threads.inventories]
    floor = organisation_floor(organisation.floors, ORG_REGIONS, auditor_identity=False)
    assert served == threads_served == floor
    assert heard == threads_heard == served  # the workers' calls reach the observer
    assert progress == [(done, ACCOUNTS) for done in range(1, ACCOUNTS + 1)]


def test_an_account_a_worker_cannot_reach_is_reported_and_the_others_complete(
    organisation: OrgEmulator,
) -> None:
    spread, _, progress, _ = _read(organisation, ProcessPlan(count=2), refused_role=True)

    unreachable = organisation.floors[4].account_id
    assert [account.account_id for account in spread.unreached] == [unreachable]
    assert "cannot assume" in spread.unreached[0].reason
    assert len(spread.inventories) == ACCOUNTS - 1
    assert unreachable not in {i.metadata.account_id for i in spread.inventories}
    assert progress[-1] == (ACCOUNTS, ACCOUNTS)


def test_without_an_affinity_call_every_core_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "sched_getaffinity")  # macOS and Windows have none
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    assert process_count(100, 16) == 3
