"""API Key Without Limits: the keys that can call a method, and their usage plans' limits."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from collectors.demo.builders import AccountBuilder, RestApiBuilder
from collectors.demo.estate import emulated_aws
from collectors.model import Inventory, RestApi
from collectors.serialization import from_jsonable, to_jsonable
from tests_unit.checks_harness import (
    AuditRun,
    audit_account,
    audit_inventory,
    denying,
    key,
    written_before,
)
from tests_unit.conftest import REGION, collect

KEY = "APIGW-KEY-001"
# Values given to every key of the estate, to prove none reaches the inventory or a report.
VALUE_PREFIX = "SeCrEtKeyValue"


@dataclass
class Estate:
    shop: RestApiBuilder
    sandbox: RestApiBuilder  # ExcludeFromAudit, its plan has a key
    plans: dict[str, str]  # name -> id
    keys: dict[str, str]  # name -> id
    inventory: Inventory
    calls: Counter[str]
    get_api_keys_queries: list[dict[str, Any]]
    run: AuditRun
    denied: AuditRun  # GetApiKeys and the "bare" plan's GetUsagePlanKeys: AccessDenied
    reports: Path


def _recording_session(queries: list[dict[str, Any]]) -> boto3.Session:
    """A session that records the query string of every GetApiKeys request it sends."""
    session = boto3.Session(region_name=REGION)

    def record(params: dict[str, Any], **_: Any) -> None:
        queries.append(dict(params.get("query_string") or {}))

    session.events.register("before-call.apigateway.GetApiKeys", record)
    return session


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        account = AccountBuilder()
        shop = RestApiBuilder("shop")
        shop.method("GET", "/items", api_key_required=True)
        shop.method("POST", "/orders", api_key_required=True)
        shop.method("GET", "/public")
        for stage in ("prod", "preprod", "staging", "live", "stg", "production", "dev"):
            shop.stage(stage)
        plans = {
            "gold": shop.usage_plan("prod", "preprod", rate=50, burst=10),  # one plan, 2 stages
            "bare": shop.usage_plan("staging", rate=None, burst=None, quota=None),
            "override": shop.usage_plan(
                "live", rate=None, burst=None, quota=None, method_throttles={"/orders/POST": (5, 2)}
            ),
            "metered": shop.usage_plan("stg", rate=None, burst=None, quota=1_000),
            "dev": shop.usage_plan("dev", rate=None, burst=None, quota=None),  # out of scope
        }

        sandbox = RestApiBuilder("sandbox", tags={"ExcludeFromAudit": "true"})
        sandbox.method("GET", "/try", api_key_required=True)
        sandbox.stage("prod")
        sandbox_plan = sandbox.usage_plan("prod", rate=None, burst=None, quota=None)

        def api_key(name: str, *plan_ids: str, enabled: bool = True) -> str:
            value = f"{VALUE_PREFIX}{name}0123456789"
            return account.api_key(name, *plan_ids, enabled=enabled, value=value)

        keys = {
            "acme": api_key("acme", plans["gold"]),
            "retired": api_key("retired", plans["gold"], enabled=False),
            "beta": api_key("beta", plans["bare"]),
            "gamma": api_key("gamma", plans["override"], plans["metered"]),
            "trial": api_key("trial", plans["dev"], sandbox_plan),
            "orphan": api_key("orphan"),
        }

        calls: list[str] = []
        queries: list[dict[str, Any]] = []
        inventory = collect(calls=calls, session=_recording_session(queries))
        reports = tmp_path_factory.mktemp("reports")
        run = audit_inventory(
            inventory, tmp_path_factory.mktemp("audit"), f"--report-dir={reports}"
        )
        denied = audit_account(
            tmp_path_factory, denying("/apikeys", f"/usageplans/{plans['bare']}/keys")
        )
    return Estate(
        shop, sandbox, plans, keys, inventory, Counter(calls), queries, run, denied, reports
    )


def outcome_on(estate: Estate, stage: str, method: str = "GET /items") -> tuple[str, str]:
    result = estate.run[KEY, key(estate.shop, stage, method)]
    return result.outcome, result.message


def named(estate: Estate, key_name: str) -> str:
    return f"{key_name} ({estate.keys[key_name]})"


def plan_named(estate: Estate, plan: str, stage: str) -> str:
    return f"shop-{stage}-plan ({estate.plans[plan]})"


# --- The check -----------------------------------------------------------------------------------


def test_key_in_a_plan_with_a_throttle_and_a_quota_passes(estate: Estate) -> None:
    outcome = estate.run[KEY, key(estate.shop, "prod", "GET /items")]
    assert outcome.outcome == "passed"
    assert outcome.details["api_key_plans"] == {
        plan_named(estate, "gold", "prod"): {
            "throttle": {"rate_limit": 50.0, "burst_limit": 10, "from": "the plan's throttle"},
            "quota": {"limit": 100_000, "period": "MONTH"},
            "api_keys": [named(estate, "acme")],
        }
    }
    assert outcome.details["unlimited_api_keys"] == []
    assert outcome.details["api_key_source"] == "HEADER"


def test_key_in_a_plan_without_throttle_or_quota_fails_naming_key_and_plan(
    estate: Estate,
) -> None:
    assert outcome_on(estate, "staging") == (
        "failed",
        f"GET /items on shop/staging can be called with API keys no usage plan limits: "
        f"{named(estate, 'beta')} (usage plan {plan_named(estate, 'bare', 'staging')}: "
        "no throttle, no quota)",
    )
    details = estate.run[KEY, key(estate.shop, "staging", "GET /items")].details
    assert details["unlimited_api_keys"] == [named(estate, "beta")]


def test_a_quota_alone_limits_a_key(estate: Estate) -> None:
    outcome = estate.run[KEY, key(estate.shop, "stg", "GET /items")]
    assert outcome.outcome == "passed"
    (plan,) = outcome.details["api_key_plans"].values()
    assert (plan["throttle"], plan["quota"]) == (None, {"limit": 1_000, "period": "MONTH"})


def test_the_plans_per_method_throttle_limits_that_method_only(estate: Estate) -> None:
    overridden = estate.run[KEY, key(estate.shop, "live", "POST /orders")]
    assert overridden.outcome == "passed"
    (plan,) = overridden.details["api_key_plans"].values()
    assert plan["throttle"] == {
        "rate_limit": 5.0,
        "burst_limit": 2,
        "from": "the plan's throttle for POST /orders",
    }
    assert outcome_on(estate, "live")[0] == "failed"  # GET /items: the plan sets nothing


def test_disabled_key_is_ignored(estate: Estate) -> None:
    details = estate.run[KEY, key(estate.shop, "prod", "GET /items")].details
    assert details["disabled_api_keys"] == [named(estate, "retired")]
    assert named(estate, "retired") not in json.dumps(details["api_key_plans"])


def test_key_in_no_plan_calls_nothing_and_is_no_finding(estate: Estate) -> None:
    """API Gateway refuses (403) a key that is in no usage plan bound to the stage."""
    for target in estate.run.keys(KEY):
        assert named(estate, "orphan") not in json.dumps(estate.run[KEY, target].details)


def test_stage_without_a_usage_plan_admits_no_key_and_passes(estate: Estate) -> None:
    outcome = estate.run[KEY, key(estate.shop, "production", "GET /items")]
    assert outcome.outcome == "passed"
    assert outcome.details["api_key_plans"] == {}
    assert "refuses every API key" in outcome.details["note"]


def test_method_without_api_key_is_not_applicable(estate: Estate) -> None:
    assert outcome_on(estate, "staging", "GET /public") == (
        "skipped",
        "GET /public on shop/staging does not require an API key (apiKeyRequired=false): "
        "usage plans do not apply to it",
    )


def test_excluded_apis_and_out_of_scope_stages_are_not_targets(estate: Estate) -> None:
    assert estate.run.keys(KEY), "the check ran on no target at all"
    assert not estate.run.on(KEY, apis={estate.sandbox.id}, stages=("dev",))


def test_unreadable_plan_keys_are_unknown_with_the_failed_call(estate: Estate) -> None:
    for method in ("GET /items", "POST /orders"):
        outcome = estate.denied[KEY, key(estate.shop, "staging", method)]
        assert outcome.outcome == "error"
        assert (
            f"GetUsagePlanKeys on us-east-1/usageplans/{estate.plans['bare']} failed "
            "(AccessDeniedException)" in outcome.message
        )


def test_unreadable_api_keys_are_unknown_where_a_plan_has_keys(estate: Estate) -> None:
    outcome = estate.denied[KEY, key(estate.shop, "prod", "GET /items")]
    assert outcome.outcome == "error"
    assert "GetApiKeys on us-east-1 failed (AccessDeniedException)" in outcome.message
    # no plan, no key to look up: still judged
    assert estate.denied.outcome(KEY, key(estate.shop, "production", "GET /items")) == "passed"


def test_a_snapshot_from_before_api_keys_were_read_fails_closed(
    estate: Estate, tmp_path: Path
) -> None:
    document = to_jsonable(estate.inventory)
    del document["api_keys"]
    for api in document["rest_apis"]:
        for stage in api["stages"]:
            for binding in stage["usage_plans"]:
                del binding["api_key_ids"]
    run = audit_inventory(from_jsonable(Inventory, document), tmp_path)
    outcome = run[KEY, key(estate.shop, "prod", "GET /items")]
    assert outcome.outcome == "error"
    assert outcome.message.endswith(
        f"the key list of usage plan {plan_named(estate, 'gold', 'prod')} was not collected"
    )
    assert run.outcome(KEY, key(estate.shop, "production", "GET /items")) == "passed"


# --- Collection ----------------------------------------------------------------------------------


def shop_api(estate: Estate) -> RestApi:
    return next(api for api in estate.inventory.rest_apis if api.id == estate.shop.id)


def key_ids_on(estate: Estate, stage_name: str) -> tuple[str, ...] | None:
    stage = next(s for s in shop_api(estate).stages or () if s.name == stage_name)
    (binding,) = stage.usage_plans or ()
    return binding.api_key_ids


def test_each_plan_of_an_in_scope_stage_is_read_once(estate: Estate) -> None:
    """gold serves prod and preprod: one call; the dev plan and the excluded API's cost none."""
    assert estate.calls["apigateway.GetUsagePlanKeys"] == 4  # gold, bare, override, metered
    assert key_ids_on(estate, "prod") == key_ids_on(estate, "preprod")
    assert key_ids_on(estate, "dev") is None  # not read


def test_plan_keys_are_bound_to_each_stage_the_plan_serves(estate: Estate) -> None:
    assert set(key_ids_on(estate, "prod") or ()) == {estate.keys["acme"], estate.keys["retired"]}
    assert key_ids_on(estate, "live") == (estate.keys["gamma"],)
    assert key_ids_on(estate, "stg") == (estate.keys["gamma"],)


def test_the_regions_api_keys_are_listed_once_with_their_state(estate: Estate) -> None:
    assert estate.calls["apigateway.GetApiKeys"] == 1
    region_keys = estate.inventory.region_api_keys(REGION)
    assert region_keys is not None
    assert {k.name: k.enabled for k in region_keys.keys} == {
        "acme": True,
        "retired": False,
        "beta": True,
        "gamma": True,
        "trial": True,
        "orphan": True,
    }


def test_key_values_are_never_requested(estate: Estate) -> None:
    assert estate.get_api_keys_queries, "GetApiKeys was not called"
    for query in estate.get_api_keys_queries:
        assert query.get("includeValues") == "false"


def test_key_values_reach_neither_the_inventory_nor_a_report(estate: Estate) -> None:
    assert VALUE_PREFIX not in json.dumps(to_jsonable(estate.inventory))
    assert VALUE_PREFIX not in json.dumps(estate.run.records, default=str)
    written = [path for path in estate.reports.rglob("*") if path.is_file()]
    assert written, "no report was written"
    for path in written:
        assert VALUE_PREFIX not in path.read_text(encoding="utf-8", errors="replace"), path


def test_a_key_chosen_by_a_lambda_authorizer_is_judged_the_same(aws: None, tmp_path: Path) -> None:
    """apiKeySource AUTHORIZER: the authorizer's usageIdentifierKey must still be a key of a
    plan bound to the stage."""
    account = AccountBuilder()
    api = RestApiBuilder("metered")
    api.client.update_rest_api(
        restApiId=api.id,
        patchOperations=[{"op": "replace", "path": "/apiKeySource", "value": "AUTHORIZER"}],
    )
    api.method("GET", "/usage", api_key_required=True)
    api.stage("prod")
    account.api_key("tenant", api.usage_plan("prod", rate=None, burst=None, quota=None))
    run = audit_inventory(collect(), tmp_path)
    outcome = run[KEY, key(api, "prod", "GET /usage")]
    assert outcome.outcome == "failed"
    assert outcome.details["api_key_source"] == "AUTHORIZER"


def test_a_key_missing_from_the_region_listing_is_judged_as_enabled(
    estate: Estate, tmp_path: Path
) -> None:
    """A key made after GetApiKeys answered is in its plan but not in the listing: it may
    call the method, so it is judged (fail closed), under its id."""
    document = to_jsonable(estate.inventory)
    (region,) = document["api_keys"]
    region["keys"] = [k for k in region["keys"] if k["id"] != estate.keys["beta"]]
    run = audit_inventory(from_jsonable(Inventory, document), tmp_path)
    outcome = run[KEY, key(estate.shop, "staging", "GET /items")]
    assert outcome.outcome == "failed"
    assert outcome.details["unlimited_api_keys"] == [estate.keys["beta"]]


def test_a_key_answered_without_its_enabled_flag_is_judged_as_enabled(
    aws: None, tmp_path: Path
) -> None:
    account = AccountBuilder()
    api = RestApiBuilder("feeds")
    api.method("GET", "/feed", api_key_required=True)
    api.stage("prod")
    account.api_key("quiet", api.usage_plan("prod", rate=None, burst=None, quota=None))
    session = boto3.Session(region_name=REGION)

    def drop_enabled(parsed: dict[str, Any], **_: Any) -> None:
        for item in parsed.get("items", []):
            del item["enabled"]

    session.events.register("after-call.apigateway.GetApiKeys", drop_enabled)
    inventory = collect(session=session)
    region_keys = inventory.region_api_keys(REGION)
    assert region_keys is not None
    assert [k.enabled for k in region_keys.keys] == [True]
    assert audit_inventory(inventory, tmp_path).outcome(KEY, key(api, "prod", "GET /feed")) == (
        "failed"
    )


def test_a_plan_is_not_read_for_stages_where_no_method_requires_a_key(aws: None) -> None:
    """Only methods requiring an API key are judged on the plans' keys: a plan bound to a
    stage whose deployment has none costs no GetUsagePlanKeys."""
    account = AccountBuilder()
    open_api = RestApiBuilder("open")
    open_api.method("GET", "/x")
    open_api.stage("prod")
    account.api_key("unused", open_api.usage_plan("prod", rate=10, burst=5))
    keyed = RestApiBuilder("keyed")
    keyed.method("GET", "/y", api_key_required=True)
    keyed.stage("prod")
    account.api_key("used", keyed.usage_plan("prod", rate=10, burst=5))

    calls: list[str] = []
    inventory = collect(calls=calls)

    assert Counter(calls)["apigateway.GetUsagePlanKeys"] == 1
    read = {
        api.name: [binding.api_key_ids for s in api.stages or () for binding in s.usage_plans or ()]
        for api in inventory.rest_apis
    }
    assert read["open"] == [None]
    assert read["keyed"] != [None]


# --- A region that has not migrated to usage plans -------------------------------------------


@dataclass
class Legacy:
    api: RestApiBuilder
    keys: dict[str, str]  # name -> id
    inventory: Inventory
    run: AuditRun
    no_account: AuditRun  # GetAccount: AccessDenied


@pytest.fixture(scope="module")
def legacy(tmp_path_factory: pytest.TempPathFactory) -> Legacy:
    """An account from before usage plans (11 August 2016), not migrated: its keys name the
    stages they call (stageKeys)."""
    with emulated_aws():
        account = AccountBuilder()
        account.before_usage_plans()
        api = RestApiBuilder("legacy")
        api.method("GET", "/items", api_key_required=True)
        api.stage("prod")
        api.stage("staging")
        keys = {
            "old": account.api_key("old", stages=((api.id, "prod"),)),
            "off": account.api_key("off", enabled=False, stages=((api.id, "prod"),)),
            "elsewhere": account.api_key("elsewhere", stages=((api.id, "staging"),)),
        }
        inventory = collect()
        run = audit_inventory(inventory, tmp_path_factory.mktemp("legacy"))
        no_account = audit_account(tmp_path_factory, denying("/account"))
    return Legacy(api, keys, inventory, run, no_account)


def test_the_emulated_account_uses_usage_plans(estate: Estate) -> None:
    account = estate.inventory.account(REGION)
    assert account is not None
    assert account.features == ("UsagePlans",)
    details = estate.run[KEY, key(estate.shop, "prod", "GET /items")].details
    assert details["usage_plans_enabled"] is True


def test_before_the_migration_a_key_naming_the_stage_calls_it_without_limits(
    legacy: Legacy,
) -> None:
    outcome = legacy.run[KEY, key(legacy.api, "prod", "GET /items")]
    old = f"old ({legacy.keys['old']})"
    assert (outcome.outcome, outcome.message) == (
        "failed",
        "GET /items on legacy/prod can be called with API keys no usage plan limits: "
        f"{old} (its stageKeys name the stage, and the region has not migrated to usage "
        "plans)",
    )
    assert outcome.details["usage_plans_enabled"] is False
    assert outcome.details["stage_api_keys"] == [old]
    assert outcome.details["unlimited_api_keys"] == [old]
    assert outcome.details["disabled_api_keys"] == [f"off ({legacy.keys['off']})"]
    assert "has not migrated to usage plans" in outcome.details["note"]
    staging = legacy.run[KEY, key(legacy.api, "staging", "GET /items")]
    assert staging.details["unlimited_api_keys"] == [f"elsewhere ({legacy.keys['elsewhere']})"]


def test_stage_keys_are_read_as_aws_names_them_without_values(legacy: Legacy) -> None:
    region_keys = legacy.inventory.region_api_keys(REGION)
    assert region_keys is not None
    old = region_keys.key(legacy.keys["old"])
    assert old is not None
    assert old.stage_keys == (f"{legacy.api.id}/prod",)
    account = legacy.inventory.account(REGION)
    assert account is not None
    assert account.features == ()


def test_once_migrated_stage_keys_grant_nothing(legacy: Legacy, tmp_path: Path) -> None:
    """The migration copies stage keys into default plans; the stageKeys left on a key no
    longer admit it."""
    document = to_jsonable(legacy.inventory)
    for account in document["accounts"]:
        account["features"] = ["UsagePlans"]
    run = audit_inventory(from_jsonable(Inventory, document), tmp_path)
    outcome = run[KEY, key(legacy.api, "prod", "GET /items")]
    assert outcome.outcome == "passed"
    assert outcome.details["unlimited_api_keys"] == []
    assert "refuses every API key" in outcome.details["note"]


def test_whether_the_region_uses_usage_plans_unknown_is_unknown(
    legacy: Legacy, estate: Estate, tmp_path: Path
) -> None:
    outcome = legacy.no_account[KEY, key(legacy.api, "prod", "GET /items")]
    assert outcome.outcome == "error"
    assert "GetAccount on us-east-1 failed (AccessDeniedException)" in outcome.message
    before_features = audit_inventory(written_before(estate.inventory, "features"), tmp_path)
    outcome = before_features[KEY, key(estate.shop, "prod", "GET /items")]
    assert outcome.outcome == "error"
    assert "whether us-east-1 uses usage plans (GetAccount's features) was not read" in (
        outcome.message
    )


def test_unread_stage_keys_are_unknown_before_the_migration(legacy: Legacy, tmp_path: Path) -> None:
    run = audit_inventory(written_before(legacy.inventory, "stage_keys"), tmp_path)
    outcome = run[KEY, key(legacy.api, "prod", "GET /items")]
    assert outcome.outcome == "error"
    assert "the stageKeys of API key" in outcome.message
