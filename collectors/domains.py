"""Custom domain names and the API stages they map, per region.

Regional domains through apigatewayv2: one GetDomainNames per region, then one GetApiMappings
per domain (its mappings include REST base path mappings). apigatewayv2 manages only regional
domains ("For EDGE domain names, please use the API Gateway V1 API";
https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-custom-domains.html), so
edge-optimized ones come from apigateway v1: one GetDomainNames per region, then one
GetBasePathMappings per edge domain. Each is a distinct referenced resource, never per API
or stage.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from collectors.clients import call_recording_errors
from collectors.model import ApiMapping, CollectionError, CustomDomain

SERVICE = "apigatewayv2"


def _domain_names(client: Any) -> list[dict[str, Any]]:
    pages = client.get_paginator("get_domain_names").paginate()
    return [item for page in pages for item in page.get("Items", [])]


def _api_mappings(client: Any, domain: str) -> list[dict[str, Any]]:
    """Every mapping of ``domain``; botocore has no paginator for GetApiMappings, so the
    ``NextToken`` loop is written out."""
    items: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = client.get_api_mappings(DomainName=domain, **({"NextToken": token} if token else {}))
        items += page.get("Items", [])
        token = page.get("NextToken")
        if not token:
            return items


@dataclass(frozen=True)
class _Listing:
    """How one API family lists its custom domains and their mappings."""

    service: str
    mappings_operation: str
    list_mappings: Callable[[str], list[dict[str, Any]]]  # domain name -> raw mappings
    mapping: Callable[[Mapping[str, Any]], ApiMapping]  # raw mapping -> ApiMapping


def _domain(
    listing: _Listing,
    name: str,
    region: str,
    endpoint_type: str,
    hosts: tuple[str, ...],
    errors: list[CollectionError],
) -> CustomDomain:
    raw_mappings = call_recording_errors(
        errors,
        listing.service,
        listing.mappings_operation,
        f"{region}/{name}",
        functools.partial(listing.list_mappings, name),
    )
    return CustomDomain(
        name=name,
        region=region,
        endpoint_type=endpoint_type,
        regional_domain_names=hosts,
        mappings=(
            tuple(listing.mapping(m) for m in raw_mappings) if raw_mappings is not None else None
        ),
    )


def _v2_mapping(raw: Mapping[str, Any]) -> ApiMapping:
    return ApiMapping(
        api_id=str(raw["ApiId"]),
        stage=str(raw.get("Stage", "")),
        key=str(raw.get("ApiMappingKey", "")),
    )


def _v1_mapping(raw: Mapping[str, Any]) -> ApiMapping:
    return ApiMapping(
        api_id=str(raw["restApiId"]),
        # "(none)": callers name the stage after the base path
        stage="" if raw.get("stage") in (None, "(none)") else str(raw["stage"]),
        key="" if raw.get("basePath") == "(none)" else str(raw.get("basePath", "")),
    )


def collect_custom_domains(
    client: Any, region: str, errors: list[CollectionError]
) -> tuple[CustomDomain, ...] | None:
    """The region's regional custom domains (apigatewayv2); ``None`` when they could not be
    listed."""
    raw_domains = call_recording_errors(
        errors, SERVICE, "GetDomainNames", region, lambda: _domain_names(client)
    )
    if raw_domains is None:
        return None
    listing = _Listing(
        SERVICE, "GetApiMappings", functools.partial(_api_mappings, client), _v2_mapping
    )
    domains = []
    for raw in sorted(raw_domains, key=lambda d: str(d["DomainName"])):
        configurations = raw.get("DomainNameConfigurations") or ()
        if any(str(c.get("EndpointType", "")).upper() == "EDGE" for c in configurations):
            continue  # managed, and listed, through apigateway v1
        hosts = tuple(
            str(c["ApiGatewayDomainName"]) for c in configurations if c.get("ApiGatewayDomainName")
        )
        domains.append(_domain(listing, str(raw["DomainName"]), region, "REGIONAL", hosts, errors))
    return tuple(domains)


def _v1_list(client: Any, method: str, **kwargs: Any) -> list[dict[str, Any]]:
    pages = client.get_paginator(method).paginate(PaginationConfig={"PageSize": 500}, **kwargs)
    return [item for page in pages for item in page.get("items", [])]


def collect_edge_domains(
    client: Any, region: str, errors: list[CollectionError]
) -> tuple[CustomDomain, ...] | None:
    """The region's edge-optimized custom domains (apigateway v1); ``None`` when they could
    not be listed. v1 lists regional ones too: those come from apigatewayv2."""
    raw_domains = call_recording_errors(
        errors, "apigateway", "GetDomainNames", region, lambda: _v1_list(client, "get_domain_names")
    )
    if raw_domains is None:
        return None
    listing = _Listing(
        "apigateway",
        "GetBasePathMappings",
        lambda name: _v1_list(client, "get_base_path_mappings", domainName=name),
        _v1_mapping,
    )
    domains = []
    for raw in sorted(raw_domains, key=lambda d: str(d["domainName"])):
        types = [str(t).upper() for t in (raw.get("endpointConfiguration") or {}).get("types", [])]
        if "EDGE" not in types:
            continue
        # an edge domain answers at its AWS-managed CloudFront distribution
        host = raw.get("distributionDomainName")
        hosts = (str(host),) if host else ()
        domains.append(_domain(listing, str(raw["domainName"]), region, "EDGE", hosts, errors))
    return tuple(domains)
