"""Custom domains that route by routing rules: the stages they send requests to are the ones
their routing mode says (rules only, rules then API mappings, or mappings only), on an
emulated estate whose domains answer routingMode and ListRoutingRules as AWS does."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import boto3
import pytest
from botocore.exceptions import ClientError

from collectors.demo.builders import AccountBuilder, RestApiBuilder
from collectors.demo.estate import emulated_aws
from collectors.model import ApiMapping, CustomDomain, Inventory, RoutingRule
from tests_unit.checks_harness import AuditRun, audit_account, audit_inventory, denying, key
from tests_unit.conftest import REGION, collect

TLS, ENDPOINT = "APIGW-TLS-001", "APIGW-TLS-002"


@dataclass
class Estate:
    # rules.example.com (TLS_1_0), ROUTING_RULE_ONLY: a rule sends requests to ruled/prod; its
    # API mapping of ruled/staging is left over and routes nothing
    ruled: RestApiBuilder
    # both.example.com (TLS_1_2), ROUTING_RULE_THEN_API_MAPPING: a rule to both/prod, an API
    # mapping of both/staging; the default endpoint stays open
    both: RestApiBuilder
    excluded: RestApiBuilder  # Internal=true, behind a TLS_1_0 domain's rule
    inventory: Inventory
    calls: list[str]
    run: AuditRun
    denied: AuditRun  # ListRoutingRules refused
    old_snapshot: AuditRun  # written before routing modes were read


def _api(name: str, **options: object) -> RestApiBuilder:
    api = RestApiBuilder(name, **options)  # type: ignore[arg-type]
    api.method("GET", "/items", authorization="AWS_IAM")
    api.stage("prod")
    api.stage("staging")
    return api


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        account = AccountBuilder()
        ruled = _api("ruled", disable_execute_api_endpoint=True)
        account.rest_custom_domain("rules.example.com", ruled.id, "staging", "TLS_1_0")
        account.routing_mode("rules.example.com", "ROUTING_RULE_ONLY")
        account.routing_rule("rules.example.com", ruled.id, "prod", priority=10)

        both = _api("both")
        account.rest_custom_domain("both.example.com", both.id, "staging")
        account.routing_mode("both.example.com", "ROUTING_RULE_THEN_BASE_PATH_MAPPING")  # v1's
        account.routing_rule("both.example.com", both.id, "prod", priority=1, base_path="v1")

        excluded = _api("internal-tools", tags={"Internal": "true"})
        account.rest_custom_domain("tools.example.com", excluded.id, "staging", "TLS_1_0")
        account.routing_mode("tools.example.com", "ROUTING_RULE_ONLY")
        account.routing_rule("tools.example.com", excluded.id, "prod", priority=1)

        calls: list[str] = []
        inventory = collect(calls=calls)
        run = audit_account(tmp_path_factory)
        denied = audit_account(tmp_path_factory, denying("/routingrules"))
        old = dataclasses.replace(
            inventory,
            custom_domains=tuple(
                dataclasses.replace(d, routing_mode=None, routing_rules=None)
                for d in inventory.custom_domains
            ),
        )
        old_snapshot = audit_inventory(old, tmp_path_factory.mktemp("old"))
    return Estate(ruled, both, excluded, inventory, calls, run, denied, old_snapshot)


def test_routing_modes_and_rules_are_collected_once_per_domain_that_uses_them(
    estate: Estate,
) -> None:
    domains = {domain.name: domain for domain in estate.inventory.custom_domains}
    rules_only = domains["rules.example.com"]
    assert rules_only.routing_mode == "ROUTING_RULE_ONLY"
    assert [(r.api_id, r.stage, r.priority) for r in rules_only.routing_rules or ()] == [
        (estate.ruled.id, "prod", 10)
    ]
    # apigateway v1's name for it, as apigatewayv2 names it
    assert domains["both.example.com"].routing_mode == "ROUTING_RULE_THEN_API_MAPPING"
    assert estate.calls.count("apigatewayv2.ListRoutingRules") == 3  # the three using rules


def test_a_domain_reaches_the_stages_its_routing_mode_routes_to(estate: Estate) -> None:
    domains = {domain.name: domain for domain in estate.inventory.custom_domains}
    rules_only, both = domains["rules.example.com"], domains["both.example.com"]
    assert rules_only.reaches(estate.ruled.id, "prod")
    assert not rules_only.reaches(estate.ruled.id, "staging")  # its mapping routes nothing
    assert both.reaches(estate.both.id, "prod")
    assert both.reaches(estate.both.id, "staging")


def test_a_stage_reached_only_by_a_routing_rule_is_judged_by_its_domain(estate: Estate) -> None:
    outcome = estate.run[TLS, key(estate.ruled, "prod")]
    assert outcome.outcome == "failed"
    assert "rules.example.com (TLS_1_0)" in outcome.message


def test_a_mapping_a_rules_only_domain_ignores_serves_nothing(estate: Estate) -> None:
    assert estate.run.outcome(TLS, key(estate.ruled, "staging")) == "skipped"
    assert estate.run.outcome(ENDPOINT, key(estate.ruled, "staging")) == "skipped"


def test_rules_then_mappings_serve_both_ways(estate: Estate) -> None:
    for stage in ("prod", "staging"):
        assert estate.run.outcome(TLS, key(estate.both, stage)) == "passed"
        outcome = estate.run[ENDPOINT, key(estate.both, stage)]
        assert outcome.outcome == "failed"
        assert "both.example.com" in outcome.message


def test_an_excluded_api_behind_a_routing_rule_is_not_audited(estate: Estate) -> None:
    audited = {k for _, k in estate.run.outcomes}
    assert not any(k.startswith(key(estate.excluded)) for k in audited)


def test_unread_routing_rules_make_the_domain_checks_unknown(estate: Estate) -> None:
    for api in (estate.ruled, estate.both):
        outcome = estate.denied[TLS, key(api, "prod")]
        assert outcome.outcome == "error"
        assert "ListRoutingRules" in outcome.message


def test_a_snapshot_from_before_routing_modes_were_read_fails_closed(estate: Estate) -> None:
    outcome = estate.old_snapshot[TLS, key(estate.both, "staging")]
    assert outcome.outcome == "error"
    assert "routing mode of custom domain" in outcome.message
    assert "collect the inventory again" in outcome.message


def test_the_emulation_refuses_a_rule_where_the_mode_allows_none(aws: None) -> None:
    api = _api("plain")
    account = AccountBuilder(REGION)
    account.rest_custom_domain("plain.example.com", api.id, "prod")
    client = boto3.client("apigatewayv2", region_name=REGION)
    (listed,) = client.get_domain_names()["Items"]
    assert listed["RoutingMode"] == "API_MAPPING_ONLY"  # every domain's default
    v1 = boto3.client("apigateway", region_name=REGION).get_domain_names()["items"]
    assert v1[0]["routingMode"] == "BASE_PATH_MAPPING_ONLY"
    with pytest.raises(ClientError, match="BadRequestException"):
        account.routing_rule("plain.example.com", api.id, "prod", priority=1)
    with pytest.raises(ClientError, match="NotFoundException"):
        client.list_routing_rules(DomainName="unknown.example.com")


def test_a_routing_mode_this_version_does_not_know_counts_both_ways() -> None:
    """Reading more ways in than AWS uses can only make a domain check stricter."""
    domain = CustomDomain(
        name="new.example.com",
        region=REGION,
        endpoint_type="REGIONAL",
        regional_domain_names=(),
        mappings=(ApiMapping(api_id="a1", stage="staging", key=""),),
        routing_mode="ROUTING_RULE_SOMEDAY",
        routing_rules=(RoutingRule(id="r1", priority=1, api_id="a1", stage="prod"),),
    )
    assert domain.uses_mappings
    assert domain.uses_routing_rules
    assert domain.reaches("a1", "prod")
    assert domain.reaches("a1", "staging")
    assert not domain.reaches("a1", "dev")
