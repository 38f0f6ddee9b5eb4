"""An organisation's audit: a role assumed once in each account, each account's own APIs in
its inventory, an unreachable account reported with AWS's reason while the others complete,
and at most --max-workers calls in flight. moto gives an assumed role's credentials the
role's account, so one emulator serves every account."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import boto3
import pytest

from collectors.clients import ALL_REGIONS, AwsClients
from collectors.demo.builders import RestApiBuilder, in_account
from collectors.demo.shims import set_region_opt_status
from collectors.estate_accounts import AccountTarget
from collectors.estate_collection import collect_estate, role_arn, worker_split
from collectors.model import Inventory
from collectors.model.estate import Estate
from tests_unit.conftest import REGION, collect, failing_session

ACCOUNTS = ("111111111111", "222222222222", "333333333333")


def targets(*account_ids: str, external_id: str | None = None) -> list[AccountTarget]:
    return [
        AccountTarget(account_id=a, role_name="apigw-audit", external_id=external_id)
        for a in account_ids
    ]


def estate(
    account_ids: tuple[str, ...] = ACCOUNTS,
    session: boto3.Session | None = None,
    calls: list[str] | None = None,
    regions: tuple[str, ...] = (REGION,),
    **options: Any,
) -> Estate:
    return collect_estate(
        session or boto3.Session(region_name=REGION),
        targets(*account_ids),
        regions,
        home_region=REGION,
        observer=(lambda s, o: calls.append(f"{s}.{o}")) if calls is not None else None,
        **options,
    )


def api_in(account_id: str, name: str, region: str = REGION) -> None:
    with in_account(account_id):
        api = RestApiBuilder(name, region=region)
        api.method("GET", "/pets", http_url="https://backend.example.com/pets")
        api.stage("prod")


def test_each_account_is_read_through_its_role_and_holds_its_own_apis(aws: None) -> None:
    for account_id in ACCOUNTS:
        api_in(account_id, f"api-of-{account_id}")
    result = estate()
    assert result.accounts == ACCOUNTS
    assert result.unreached == ()
    for inventory in result.inventories:
        owner = inventory.metadata.account_id
        assert [api.name for api in inventory.rest_apis] == [f"api-of-{owner}"]


def test_the_role_is_assumed_once_per_account_with_the_session_name_and_external_id(
    aws: None,
) -> None:
    sent: list[dict[str, Any]] = []
    session = boto3.Session(region_name=REGION)
    session.events.register(
        "provide-client-params.sts.AssumeRole", lambda params, **_: sent.append(dict(params))
    )
    collect_estate(
        session,
        targets(*ACCOUNTS, external_id="ext-42"),
        (REGION,),
        home_region=REGION,
        paced=False,
    )
    assert sorted(p["RoleArn"] for p in sent) == [
        f"arn:aws:iam::{a}:role/apigw-audit" for a in ACCOUNTS
    ]
    assert {(p["RoleSessionName"], p["ExternalId"]) for p in sent} == {("apigw-audit", "ext-42")}


def test_the_calls_are_each_accounts_plus_one_assume_role_each(aws: None) -> None:
    for account_id in ACCOUNTS:
        api_in(account_id, "shop")
    with in_account(ACCOUNTS[0]):
        one_account: list[str] = []
        collect(calls=one_account)
    calls: list[str] = []
    estate(calls=calls)
    assert Counter(calls)["sts.AssumeRole"] == len(ACCOUNTS)
    assert len(calls) == len(ACCOUNTS) * (len(one_account) + 1)


def test_an_account_whose_role_cannot_be_assumed_is_unreached_and_the_others_complete(
    aws: None,
) -> None:
    denied = ACCOUNTS[1]
    session = failing_session(
        "before-call.sts.AssumeRole",
        "AccessDenied",
        when=lambda request: denied in str(request.get("body")),
    )
    result = estate(session=session)
    assert [i.metadata.account_id for i in result.inventories] == [ACCOUNTS[0], ACCOUNTS[2]]
    [unreached] = result.unreached
    assert unreached.account_id == denied
    assert f"cannot assume {role_arn('aws', targets(denied)[0])}" in unreached.reason
    assert "AccessDenied: injected AccessDenied" in unreached.reason
    assert result.accounts == ACCOUNTS


def test_an_account_whose_regions_cannot_be_listed_is_unreached(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collectors import estate_collection

    def listing(clients: AwsClients, home_region: str) -> tuple[str, ...]:
        if clients.sts(home_region).get_caller_identity()["Account"] == ACCOUNTS[0]:
            from collectors.errors import AuditSetupError

            raise AuditSetupError("Cannot list the account's enabled regions (AccessDenied)")
        return (REGION,)

    monkeypatch.setattr(estate_collection, "enabled_regions", listing)
    result = estate(regions=(ALL_REGIONS,))
    assert [u.account_id for u in result.unreached] == [ACCOUNTS[0]]
    assert "enabled regions" in result.unreached[0].reason
    assert len(result.inventories) == 2


def test_region_all_audits_each_accounts_enabled_regions(aws: None) -> None:
    for account_id, enabled in ((ACCOUNTS[0], ("us-east-1",)), (ACCOUNTS[1], ("eu-west-1",))):
        with in_account(account_id):
            set_region_opt_status(
                {
                    region: "ENABLED_BY_DEFAULT" if region in enabled else "DISABLED"
                    for region in boto3.Session().get_available_regions("ec2")
                },
                account_id=account_id,
            )
    calls: list[str] = []
    result = estate(ACCOUNTS[:2], calls=calls, regions=(ALL_REGIONS,))
    assert [i.metadata.regions for i in result.inventories] == [("us-east-1",), ("eu-west-1",)]
    assert Counter(calls)["account.ListRegions"] == 2


@pytest.mark.parametrize(
    ("max_workers", "accounts", "split"),
    [(1, 100, (1, 1)), (16, 100, (16, 1)), (16, 1, (1, 16)), (8, 3, (3, 2)), (4, 0, (1, 4))],
)
def test_the_workers_are_split_between_accounts_and_their_calls(
    max_workers: int, accounts: int, split: tuple[int, int]
) -> None:
    at_once, each = worker_split(max_workers, accounts)
    assert (at_once, each) == split
    assert at_once * each <= max(max_workers, 1)


@pytest.mark.parametrize("max_workers", [1, 3])
def test_no_more_calls_are_in_flight_than_max_workers(aws: None, max_workers: int) -> None:
    in_flight = 0
    most = 0
    lock = threading.Lock()

    def slow_call(service: str, operation: str) -> None:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        time.sleep(0.005)
        with lock:
            in_flight -= 1

    workers: list[int] = []

    def collector(clients: AwsClients, regions: tuple[str, ...], threads: int) -> Inventory:
        workers.append(threads)
        from collectors.inventory import collect_inventory

        return collect_inventory(clients, regions, workers=threads)

    collect_estate(
        boto3.Session(region_name=REGION),
        targets(*ACCOUNTS, "444444444444", "555555555555"),
        (REGION, "eu-west-1"),
        home_region=REGION,
        observer=slow_call,
        max_workers=max_workers,
        collect=collector,
        paced=False,
    )
    assert most == max_workers
    assert workers == [1] * 5
