"""Snapshots: the estate round-trips through JSON, and bad files are refused clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from collectors.demo.estate import DEMO_REGIONS, build_demo_estate
from collectors.errors import AuditSetupError
from collectors.model import SCHEMA_VERSION, Estate, Inventory
from collectors.serialization import (
    estate_from_json,
    estate_to_json,
    load_snapshot,
    save_snapshot,
)
from tests_unit.checks_harness import AuditRun, audit
from tests_unit.conftest import collect


@pytest.fixture
def demo_inventory(aws: None) -> Inventory:
    build_demo_estate()
    return collect(DEMO_REGIONS)


def test_demo_inventory_round_trips_exactly(demo_inventory: Inventory, tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    save_snapshot(demo_inventory, path)
    assert load_snapshot(path) == Estate(inventories=(demo_inventory,))
    assert demo_inventory.rest_apis
    assert demo_inventory.http_apis
    assert demo_inventory.skipped_apis


def test_snapshot_is_written_atomically(demo_inventory: Inventory, tmp_path: Path) -> None:
    save_snapshot(demo_inventory, tmp_path / "snapshot.json")
    assert [p.name for p in tmp_path.iterdir()] == ["snapshot.json"]


def test_newer_schema_is_refused_with_upgrade_advice(tmp_path: Path) -> None:
    path = tmp_path / "future.json"
    path.write_text(json.dumps({"schema_version": SCHEMA_VERSION + 1, "inventory": {}}))
    with pytest.raises(AuditSetupError, match=r"newer apigw-audit .* upgrade"):
        load_snapshot(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"inventory": {}}', "not an apigw-audit snapshot"),
        ('{"schema_version": 1, "inventory": {"metadata": {}}}', "missing field 'account_id'"),
    ],
)
def test_malformed_snapshot_is_refused_naming_the_problem(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(AuditSetupError, match=message):
        load_snapshot(path)


def test_wrong_field_type_is_named_with_its_path(demo_inventory: Inventory) -> None:
    document = estate_to_json(demo_inventory)
    document["estate"]["inventories"][0]["rest_apis"][0]["stages"][0]["tracing_enabled"] = "yes"
    with pytest.raises(
        ValueError, match=r"inventories\[0\]\.rest_apis\[0\]\.stages\[0\]\.tracing_enabled"
    ):
        estate_from_json(document)


def test_missing_snapshot_file(tmp_path: Path) -> None:
    with pytest.raises(AuditSetupError, match="does not exist"):
        load_snapshot(tmp_path / "nope.json")


DATA = Path(__file__).parent / "data"
SCHEMA_1_DEMO = DATA / "demo-snapshot-schema1.json"
SCHEMA_2_DEMO = DATA / "demo-snapshot-schema2.json"


def test_a_schema_1_snapshot_still_loads() -> None:
    """Written by apigw-audit 0.1.0 (schema 1) from the demo estate, before deployments,
    account limits, custom domains and CloudFront were collected."""
    (inventory,) = load_snapshot(SCHEMA_1_DEMO).inventories
    assert {api.name for api in inventory.rest_apis} >= {"petstore-public", "reports-api"}
    assert all(api.deployments == () for api in inventory.rest_apis)
    assert inventory.distributions is None


def test_a_schema_1_snapshot_audits_what_it_has_and_fails_closed_on_the_rest() -> None:
    run = audit(f"--snapshot-in={SCHEMA_1_DEMO}")
    assert all(key.startswith("123456789012/") for _, key in run.outcomes)  # its account
    tracing = {o.outcome for (check, _), o in run.outcomes.items() if check == "APIGW-TRACE-001"}
    assert tracing == {"passed", "failed", "skipped"}  # stage settings: still judged
    auth = [o for (check, _), o in run.outcomes.items() if check == "APIGW-AUTH-001"]
    assert auth
    assert all(o.outcome == "error" for o in auth)  # what stages serve: unknown, never a pass
    assert all("schema 1" in o.message for o in auth)


# The checks the demo estate showed when the schema-2 snapshot was written from it.
SCHEMA_2_DEMO_CHECKS = (
    "APIGW-AUTH-001",
    "APIGW-WAF-001",
    "APIGW-CORS-001",
    "APIGW-THROTTLE-001",
    "APIGW-DATA-001",
    "APIGW-TIMEOUT-001",
    "APIGW-TRACE-001",
    "APIGW-CACHE-001",
    "APIGW-COST-001",
    "APIGW-UNUSED-001",
    "APIGW-DRIFT-001",
)


@pytest.fixture(scope="module")
def schema_2_audit() -> AuditRun:
    return audit(f"--snapshot-in={SCHEMA_2_DEMO}")


def test_a_schema_2_snapshot_audits_every_check_with_nothing_unknown(
    schema_2_audit: AuditRun,
) -> None:
    """Written by this version (schema 2) from the demo estate: every check the demo then
    showed passes somewhere and fails somewhere, as on the demo itself, and none lacks data."""
    run = schema_2_audit
    for check in SCHEMA_2_DEMO_CHECKS:
        outcomes = {o.outcome for (c, k), o in run.outcomes.items() if c == check}
        assert {"passed", "failed"} <= outcomes, check
        unknown = {k for (c, k), o in run.outcomes.items() if c == check and o.outcome == "error"}
        # but where a custom domain could serve the stage: its routing mode was not read yet
        assert unknown <= {_NOTIFY_STAGE}, check
    (open_items,) = [k for k in run.keys("APIGW-AUTH-001") if k.endswith("/prod/GET /items")]
    assert run.outcome("APIGW-AUTH-001", open_items) == "failed"  # the old deployment it serves


_NOTIFY_STAGE = "123456789012/eu-west-1/bjnrzvxb/prod-eu-1"  # mapped by notify.example.com


def test_a_schema_2_snapshot_leaves_the_rest_default_endpoints_tls_unknown(
    schema_2_audit: AuditRun,
) -> None:
    """Written before REST APIs' own security policies were read: APIGW-TLS-004 is unknown
    wherever a default endpoint answers (every REST stage it holds), never a pass."""
    outcomes = schema_2_audit.outcomes_of("APIGW-TLS-004")
    assert outcomes == {"error"}
    assert all(
        "collect again" in o.message
        for (check, _), o in schema_2_audit.outcomes.items()
        if check == "APIGW-TLS-004" and o.outcome == "error"
    )


def test_a_snapshot_from_before_routing_modes_were_read_fails_closed_where_a_domain_is(
    schema_2_audit: AuditRun,
) -> None:
    """The schema-2 snapshot predates custom domains' routing modes: whether notify.example.com
    sends requests to the stage it maps, or by routing rules to others of its region, is not
    known, so the checks of what a domain serves are unknown there, never a pass."""
    for check in ("APIGW-WAF-001", "APIGW-TLS-001", "APIGW-TLS-002", "APIGW-TLS-003"):
        outcome = schema_2_audit[check, _NOTIFY_STAGE]
        assert outcome.outcome == "error", check
        assert "routing mode of custom domain notify.example.com" in outcome.message, check
        assert "collect the inventory again" in outcome.message, check


def test_a_snapshot_from_before_the_cache_settings_were_read_fails_closed_on_them(
    schema_2_audit: AuditRun,
) -> None:
    """The schema-2 snapshot predates cacheDataEncrypted, requireAuthorizationForCacheControl,
    cache keys and identity sources: the cache checks are unknown where a method caches, never
    a pass; what the snapshot holds (logging levels, data trace, metrics) is judged."""
    run = schema_2_audit
    (caching_stage,) = [
        k
        for k in run.keys("APIGW-CACHE-002")
        if k.endswith("/prod") and run.outcome("APIGW-CACHE-002", k) != "skipped"
    ]
    for check in ("APIGW-CACHE-002", "APIGW-CACHE-003", "APIGW-CACHE-004"):
        outcome = run[check, caching_stage]
        assert outcome.outcome == "error", check
        assert "collect the inventory again" in outcome.message
    for check in ("APIGW-LOG-001", "APIGW-LOG-002", "APIGW-METRICS-001", "APIGW-CACHE-005"):
        assert run.outcomes_of(check), check
        assert "error" not in run.outcomes_of(check), check


def test_a_field_added_with_a_default_takes_it_when_a_snapshot_lacks_it() -> None:
    """Snapshots written before REST deployments said whether they were exported, and before
    the policy a deployment's export carries was read, load with the defaults: exported, and
    no deployed policy (the API's current one is all that is known)."""
    document = json.loads(SCHEMA_2_DEMO.read_text(encoding="utf-8"))
    for api in document["inventory"]["rest_apis"]:
        for deployment in api["deployments"]:
            del deployment["exported"]
            del deployment["definition"]["policy"]

    (inventory,) = estate_from_json(document).inventories

    deployments = [d for api in inventory.rest_apis for d in api.deployments]
    assert deployments
    assert all(d.exported and d.definition.policy is None for d in deployments)
    assert (
        inventory == load_snapshot(SCHEMA_2_DEMO).inventories[0]
    )  # the demo's values are the defaults


def test_a_field_without_a_default_is_still_required(tmp_path: Path) -> None:
    document = json.loads(SCHEMA_2_DEMO.read_text(encoding="utf-8"))
    del document["inventory"]["rest_apis"][0]["stages"][0]["tracing_enabled"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(document))
    with pytest.raises(
        AuditSetupError, match=r"rest_apis\[0\]\.stages\[0\]: missing field 'tracing_enabled'"
    ):
        load_snapshot(path)
