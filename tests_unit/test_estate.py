"""An estate of several accounts, end to end: two emulated accounts (moto serves each under
its own id, chosen by ``MOTO_ACCOUNT_ID``) collected one by one, a third that could not be
reached, combined into one ``Estate``, saved as a snapshot and audited with
``pytest checks/ --snapshot-in``.

Both accounts hold the same API (``shop``, execution logging on ``prod``); only the first has
API Gateway's CloudWatch role, so the logging check passes there and fails in the other: a
check reads its own account's settings, never another's.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from collectors.demo.builders import AccountBuilder, RestApiBuilder
from collectors.demo.estate import emulated_aws
from collectors.model import Estate, Shard, UnreachedAccount
from collectors.serialization import load_snapshot, save_snapshot
from reporting import html_summary
from reporting.run import RunInfo
from tests_unit.checks_harness import AuditRun, audit, key
from tests_unit.conftest import ACCOUNT, collect
from tests_unit.test_reporting_rendering import validate

OTHER = "210987654321"
UNREACHED = "333333333333"
WHY = (
    f"AssumeRole on arn:aws:iam::{UNREACHED}:role/apigw-audit failed (AccessDenied): "
    "not authorized to perform sts:AssumeRole"
)
LOGGING = "APIGW-LOG-001"
AUTH = "APIGW-AUTH-001"


@contextmanager
def in_account(account_id: str) -> Iterator[None]:
    """The emulated AWS answers as account ``account_id`` (moto reads it on every request)."""
    os.environ["MOTO_ACCOUNT_ID"] = account_id
    try:
        yield
    finally:
        del os.environ["MOTO_ACCOUNT_ID"]


def logged_shop() -> RestApiBuilder:
    """An API whose prod stage writes execution logs (needs the region's CloudWatch role)."""
    api = RestApiBuilder("shop")
    api.method("GET", "/items")
    api.stage("prod")
    api.method_settings("prod", logging="INFO")
    return api


@dataclass(frozen=True)
class TwoAccounts:
    estate: Estate
    snapshot: Path
    mine: RestApiBuilder
    theirs: RestApiBuilder
    run: AuditRun
    reports: Path

    def document(self, name: str) -> Any:
        return json.loads((self.reports / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> TwoAccounts:
    directory = tmp_path_factory.mktemp("estate")
    with emulated_aws():
        AccountBuilder().cloudwatch_role(f"arn:aws:iam::{ACCOUNT}:role/apigateway-logs")
        mine = logged_shop()
        first = collect()
        with in_account(OTHER):
            other = AccountBuilder()
            other.cloudwatch_role(f"arn:aws:iam::{OTHER}:role/apigateway-logs")
            theirs = logged_shop()
            other.remove_cloudwatch_role()  # no CloudWatch role in this account any more
            second = collect()
    estate = Estate(
        inventories=(first, second),
        unreached=(UnreachedAccount(account_id=UNREACHED, reason=WHY),),
    )
    snapshot = directory / "estate.json"
    save_snapshot(estate, snapshot)
    reports = directory / "reports"
    reports.mkdir()
    run = audit(f"--snapshot-in={snapshot}", "--report-dir", str(reports))
    return TwoAccounts(estate, snapshot, mine, theirs, run, reports)


def test_each_account_is_collected_under_its_own_id(accounts: TwoAccounts) -> None:
    first, second = accounts.estate.inventories
    assert (first.metadata.account_id, second.metadata.account_id) == (ACCOUNT, OTHER)
    assert accounts.estate.accounts == (ACCOUNT, OTHER, UNREACHED)


def test_keys_and_test_ids_begin_with_the_account(accounts: TwoAccounts) -> None:
    assert accounts.run.keys(AUTH) == {
        key(accounts.mine, "prod", "GET /items"),
        key(accounts.theirs, "prod", "GET /items", account=OTHER),
        f"{UNREACHED}/(account not reached)",
    }
    described = {r["target"]["key"]: r["target"]["account"] for r in accounts.run.records}
    assert all(target.startswith(f"{account}/") for target, account in described.items())


def test_a_check_reads_its_own_account_s_settings(accounts: TwoAccounts) -> None:
    run = accounts.run
    assert run.outcome(LOGGING, key(accounts.mine, "prod")) == "passed"
    theirs = run[LOGGING, key(accounts.theirs, "prod", account=OTHER)]
    assert theirs.outcome == "failed"
    assert "has no CloudWatch role" in theirs.message


def test_an_unreached_account_is_unknown_for_every_check_with_the_reason(
    accounts: TwoAccounts,
) -> None:
    placeholder = f"{UNREACHED}/(account not reached)"
    run = accounts.run
    checks = {check for check, _ in run.outcomes}
    assert {check for check, target in run.outcomes if target == placeholder} == checks
    for check in checks:
        outcome = run[check, placeholder]
        assert (outcome.outcome, WHY in outcome.message) == ("error", True), check
    assert run.exit_code == 1


def test_the_audit_report_groups_findings_by_account(accounts: TwoAccounts) -> None:
    document = accounts.document("api_gateway_audit.json")
    validate(document, "api_gateway_audit.json")
    assert (document["account"], document["accounts"]) == (None, [ACCOUNT, OTHER, UNREACHED])
    assert [group["account"] for group in document["groups"]] == sorted(
        group["account"] for group in document["groups"]
    )
    assert {group["account"] for group in document["groups"]} == {OTHER, ACCOUNT, UNREACHED}
    for group in document["groups"]:
        assert all(f["target"].startswith(f"{group['account']}/") for f in group["findings"])
    (unreached,) = [g for g in document["groups"] if g["account"] == UNREACHED]
    assert (unreached["region"], unreached["api_id"]) == ("", None)


def test_the_resources_report_names_every_account_and_the_unreached_one(
    accounts: TwoAccounts,
) -> None:
    document = accounts.document("api_gateway_resources.json")
    validate(document, "api_gateway_resources.json")
    assert [r["account"] for r in document["resources"]] == [ACCOUNT, OTHER]
    assert document["unreached_accounts"] == [{"account": UNREACHED, "reason": WHY}]
    assert {"target": f"{UNREACHED}/(account not reached)", "reason": WHY} in document["not_listed"]


def test_the_html_header_lists_the_accounts() -> None:
    run = RunInfo(
        account=None, accounts=(ACCOUNT, OTHER, UNREACHED), regions=("us-east-1",),
        collected_at=None, demo=False, scope="prod", tool_version="0.1.0",
        generated_at="2026-03-01T12:00:00Z", complete=True,
        unreached=({"account": UNREACHED, "reason": WHY},),
    )  # fmt: skip
    facts = html_summary.facts_html(run)
    assert f"<dt>Accounts</dt><dd>{ACCOUNT}, {OTHER}, {UNREACHED} (1 not reached)</dd>" in facts


def test_a_two_account_estate_round_trips_through_a_snapshot(
    accounts: TwoAccounts, tmp_path: Path
) -> None:
    assert load_snapshot(accounts.snapshot) == accounts.estate
    sharded = Estate(inventories=accounts.estate.inventories, shard=Shard(index=2, count=3))
    save_snapshot(sharded, tmp_path / "shard.json")
    assert load_snapshot(tmp_path / "shard.json") == sharded
