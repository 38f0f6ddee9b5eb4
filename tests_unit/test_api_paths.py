"""A request path as its API sees it: the stage and custom-domain base paths callers put in
front of it taken off (``collectors.api_paths``)."""

from __future__ import annotations

import pytest

from collectors.api_paths import api_path, path_prefixes
from collectors.model import ApiMapping, CustomDomain

REGION = "us-east-1"


def _domain(*mappings: ApiMapping, region: str = REGION, mode: str = "API_MAPPING_ONLY",
            read: bool = True) -> CustomDomain:  # fmt: skip
    return CustomDomain(
        name="api.example.com",
        region=region,
        endpoint_type="REGIONAL",
        regional_domain_names=("d-abc.execute-api.us-east-1.amazonaws.com",),
        mappings=mappings if read else None,
        routing_mode=mode,
    )


def _mapping(key: str, stage: str = "prod", api_id: str = "abc") -> ApiMapping:
    return ApiMapping(api_id=api_id, stage=stage, key=key)


def test_a_rest_stage_drops_its_stage_and_each_base_path_mapping_it_longest_first() -> None:
    domains = [
        _domain(_mapping(""), _mapping("v1"), _mapping("v1/orders"), _mapping("any", stage="")),
        _domain(_mapping("other", api_id="xyz"), _mapping("beta", stage="beta")),
    ]
    prefixes = path_prefixes(REGION, "abc", "REST", "prod", domains)
    assert prefixes == ("/v1/orders/", "/any/prod/", "/prod/", "/v1/")
    assert api_path("/v1/orders/12", prefixes) == "/12"
    assert api_path("/v1/users/7", prefixes) == "/users/7"
    assert api_path("/any/prod/users/8", prefixes) == "/users/8"
    assert api_path("/prod/users/9", prefixes) == "/users/9"
    assert api_path("/users/10", prefixes) == "/users/10"  # the root mapping's
    assert api_path("/prod", prefixes) == "/"
    assert api_path("/beta/users/1", prefixes) == "/beta/users/1"  # another stage's base path


def test_an_http_stage_has_its_stage_in_the_path_unless_it_is_default() -> None:
    assert path_prefixes(REGION, "abc", "HTTP", "prod", []) == ("/prod/",)
    assert path_prefixes(REGION, "abc", "HTTP", "$default", []) == ()
    domain = _domain(_mapping("shop", stage="$default"))
    assert path_prefixes(REGION, "abc", "HTTP", "$default", [domain]) == ("/shop/",)


@pytest.mark.parametrize(
    "domain",
    [
        _domain(_mapping("v1"), region="eu-west-1"),  # another region's
        _domain(_mapping("v1"), mode="ROUTING_RULE_ONLY"),  # its mappings route nothing
        _domain(_mapping("v1"), read=False),  # mappings not read
    ],
    ids=["other-region", "routing-rules-only", "unread"],
)
def test_domains_whose_mappings_do_not_reach_the_stage_add_nothing(domain: CustomDomain) -> None:
    assert path_prefixes(REGION, "abc", "REST", "prod", [domain]) == ("/prod/",)
