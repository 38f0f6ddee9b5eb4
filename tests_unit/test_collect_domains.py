"""Custom domains: regional ones through apigatewayv2, edge-optimized ones through v1."""

from __future__ import annotations

from checks.policy import perimeter
from collectors.demo.builders import AccountBuilder, RestApiBuilder
from collectors.scope import StageScope
from collectors.targets import RestStageTarget, TargetIndex
from tests_unit.conftest import ACCOUNT, REGION, collect


def test_edge_and_regional_domains_are_collected_with_their_mappings(aws: None) -> None:
    api = RestApiBuilder("shop", disable_execute_api_endpoint=True)
    api.method("GET", "/items", authorization="AWS_IAM")
    api.stage("prod")
    api.client.create_domain_name(
        domainName="edge.example.com",
        certificateArn="arn:aws:acm:us-east-1:123456789012:certificate/edge",
        endpointConfiguration={"types": ["EDGE"]},
    )
    # no stage: callers name it after the base path, so every stage is reachable
    api.client.create_base_path_mapping(domainName="edge.example.com", restApiId=api.id)
    AccountBuilder(REGION).custom_domain("regional.example.com", [])

    calls: list[str] = []
    inventory = collect(calls=calls)

    by_name = {domain.name: domain for domain in inventory.custom_domains}
    assert by_name["edge.example.com"].endpoint_type == "EDGE"
    assert by_name["regional.example.com"].endpoint_type == "REGIONAL"
    (mapping,) = by_name["edge.example.com"].mappings or ()
    assert mapping.maps(api.id, "prod")
    assert calls.count("apigateway.GetBasePathMappings") == 1  # per edge domain
    assert calls.count("apigatewayv2.GetApiMappings") == 1  # per regional domain

    index = TargetIndex(inventory, StageScope())
    stage = index.resolve("stage", f"{ACCOUNT}/{REGION}/{api.id}/prod")
    assert isinstance(stage, RestStageTarget)
    edge = perimeter(stage, inventory)
    assert not edge.protected
    assert edge.open_ways_in[0].startswith("edge-optimized custom domain edge.example.com")
