"""Custom domain names and the API stages they map, per region.

Regional domains through apigatewayv2: one GetDomainNames per region, then one GetApiMappings
per domain (its mappings include REST base path mappings). apigatewayv2 manages only regional
domains ("For EDGE domain names, please use the API Gateway V1 API";
https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-custom-domains.html), so
edge-optimized and private ones come from apigateway v1: one GetDomainNames per region, then
one GetBasePathMappings per edge or private domain. A private domain (a PRIVATE REST API's) is
known by its name and ``domainNameId`` (a public domain may have the same name), and every
call about it names both
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-custom-domains.html).
A domain whose routing mode uses routing rules (REST API stages only;
https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-routing-mode.html)
has them listed too: one apigatewayv2 ListRoutingRules, the one API that lists them, whatever
API family the domain came from. Each is a distinct referenced resource, never per API or
stage. What the listings say of each domain's certificates is read by
``collectors.listed_certificates``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from collectors.clients import call_recording_errors
from collectors.listed_certificates import ListedCertificates, v1_certificates, v2_certificates
from collectors.model import ApiMapping, CollectionError, CustomDomain, RoutingRule
from collectors.model.account import API_MAPPING_ONLY, V1_ROUTING_MODE_NAMES, domain_label
from collectors.parsing import PAGE, items_of, v2_items_of

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_apigateway.type_defs import BasePathMappingTypeDef
    from mypy_boto3_apigatewayv2 import ApiGatewayV2Client
    from mypy_boto3_apigatewayv2.type_defs import (
        ApiMappingTypeDef,
        GetApiMappingsRequestTypeDef,
        RoutingRuleTypeDef,
    )

SERVICE = "apigatewayv2"
RawMapping = TypeVar("RawMapping")
StageRef = tuple[str, str, str]  # (region, API id, stage name)


def maps_any(domain: CustomDomain, stages: Collection[StageRef]) -> bool:
    """Whether ``domain`` reaches one of ``stages`` (``CustomDomain.reaches``); a domain whose
    mappings or routing rules could not be read reaches none through them that is known."""
    return any(
        domain.reaches(api_id, stage) for region, api_id, stage in stages if region == domain.region
    )


_FROM_V1_NAMES = {v1: mode for mode, v1 in V1_ROUTING_MODE_NAMES.items()}


def _routing_mode(answered: object) -> str:
    """A domain's routing mode as apigatewayv2 names it. An answer without one is a domain
    that routes by API mappings, every domain's default; one this version does not know is
    kept as answered (routing rules are then read, and an unknown mode is judged by them and
    its mappings alike)."""
    if not answered:
        return API_MAPPING_ONLY
    mode = str(answered).upper()
    return _FROM_V1_NAMES.get(mode, mode)


def _routing_rules(
    client: ApiGatewayV2Client, domain: str, domain_name_id: str | None
) -> list[RoutingRuleTypeDef]:
    paginator = client.get_paginator("list_routing_rules")
    pages = (
        paginator.paginate(DomainName=domain, DomainNameId=domain_name_id)
        if domain_name_id
        else paginator.paginate(DomainName=domain)
    )
    return [rule for page in pages for rule in page.get("RoutingRules", [])]


def _rules(raw: RoutingRuleTypeDef) -> list[RoutingRule]:
    """A listed rule, one per stage its actions invoke (AWS allows one action a rule)."""
    return [
        RoutingRule(
            id=str(raw.get("RoutingRuleId", "")),
            priority=int(raw.get("Priority", 0)),
            api_id=str(action["InvokeApi"]["ApiId"]),
            stage=str(action["InvokeApi"]["Stage"]),
        )
        for action in raw.get("Actions", [])
        if "InvokeApi" in action
    ]


def _api_mappings(
    client: ApiGatewayV2Client, domain: str, _: str | None
) -> list[ApiMappingTypeDef]:
    """Every mapping of ``domain`` (apigatewayv2 has no private domain); botocore has no
    paginator for GetApiMappings, so the ``NextToken`` loop is written out."""
    items: list[ApiMappingTypeDef] = []
    request: GetApiMappingsRequestTypeDef = {"DomainName": domain}
    while True:
        page = client.get_api_mappings(**request)
        items += page.get("Items", [])
        token = page.get("NextToken")
        if not token:
            return items
        request["NextToken"] = token


@dataclass(frozen=True)
class _Listing(Generic[RawMapping]):
    """How one API family lists its custom domains' mappings, and how their routing rules
    are listed."""

    service: str
    mappings_operation: str
    # (domain name, a private one's domainNameId) -> raw mappings, raw rules
    list_mappings: Callable[[str, str | None], list[RawMapping]]
    mapping: Callable[[RawMapping], ApiMapping]  # raw mapping -> ApiMapping
    list_rules: Callable[[str, str | None], list[RoutingRuleTypeDef]]


def _domain(
    listing: _Listing[RawMapping],
    name: str,
    region: str,
    endpoint_type: str,
    hosts: tuple[str, ...],
    security_policies: tuple[str, ...],
    listed: ListedCertificates,
    mode: str,
    errors: list[CollectionError],
    domain_name_id: str | None = None,
) -> CustomDomain:
    label = domain_label(name, domain_name_id)
    raw_mappings = call_recording_errors(
        errors,
        listing.service,
        listing.mappings_operation,
        f"{region}/{label}",
        functools.partial(listing.list_mappings, name, domain_name_id),
    )
    raw_rules = (
        call_recording_errors(
            errors,
            SERVICE,
            "ListRoutingRules",
            f"{region}/{label}",
            functools.partial(listing.list_rules, name, domain_name_id),
        )
        if mode != API_MAPPING_ONLY
        else None
    )
    return CustomDomain(
        name=name,
        region=region,
        endpoint_type=endpoint_type,
        regional_domain_names=hosts,
        mappings=(
            tuple(listing.mapping(m) for m in raw_mappings) if raw_mappings is not None else None
        ),
        security_policies=security_policies,
        certificates=listed.certificates,
        status=listed.status,
        status_message=listed.status_message,
        mutual_tls=listed.mutual_tls,
        routing_mode=mode,
        routing_rules=(
            tuple(sorted((rule for raw in raw_rules for rule in _rules(raw)), key=_by_priority))
            if raw_rules is not None
            else None
        ),
        domain_name_id=domain_name_id,
    )


def _by_priority(rule: RoutingRule) -> tuple[int, str]:
    return rule.priority, rule.id


def _v2_mapping(raw: ApiMappingTypeDef) -> ApiMapping:
    return ApiMapping(
        api_id=str(raw["ApiId"]),
        stage=str(raw.get("Stage", "")),
        key=str(raw.get("ApiMappingKey", "")),
    )


def _v1_mapping(raw: BasePathMappingTypeDef) -> ApiMapping:
    return ApiMapping(
        api_id=str(raw["restApiId"]),
        # "(none)": callers name the stage after the base path
        stage="" if raw.get("stage") in (None, "(none)") else str(raw["stage"]),
        key="" if raw.get("basePath") == "(none)" else str(raw.get("basePath", "")),
    )


def collect_custom_domains(
    client: ApiGatewayV2Client, region: str, errors: list[CollectionError]
) -> tuple[CustomDomain, ...] | None:
    """The region's regional custom domains (apigatewayv2); ``None`` when they could not be
    listed."""
    raw_domains = call_recording_errors(
        errors,
        SERVICE,
        "GetDomainNames",
        region,
        lambda: v2_items_of(client.get_paginator("get_domain_names").paginate()),
    )
    if raw_domains is None:
        return None
    listing = _Listing(
        SERVICE,
        "GetApiMappings",
        functools.partial(_api_mappings, client),
        _v2_mapping,
        functools.partial(_routing_rules, client),
    )
    domains = []
    for raw in sorted(raw_domains, key=lambda d: str(d["DomainName"])):
        configurations = raw.get("DomainNameConfigurations") or ()
        if any(str(c.get("EndpointType", "")).upper() == "EDGE" for c in configurations):
            continue  # managed, and listed, through apigateway v1
        hosts = tuple(
            str(c["ApiGatewayDomainName"]) for c in configurations if c.get("ApiGatewayDomainName")
        )
        policies = tuple(
            str(c["SecurityPolicy"]) for c in configurations if c.get("SecurityPolicy")
        )
        name = str(raw["DomainName"])
        mode = _routing_mode(raw.get("RoutingMode"))
        listed = v2_certificates(raw)
        domains.append(
            _domain(listing, name, region, "REGIONAL", hosts, policies, listed, mode, errors)
        )
    return tuple(domains)


def collect_v1_domains(
    client: APIGatewayClient,
    rules_client: ApiGatewayV2Client,
    region: str,
    errors: list[CollectionError],
) -> tuple[CustomDomain, ...] | None:
    """The region's edge-optimized and private custom domains (apigateway v1; their routing
    rules, if their mode uses any, through apigatewayv2, ``rules_client``); ``None`` when they
    could not be listed. v1 lists regional ones too: those come from apigatewayv2."""
    raw_domains = call_recording_errors(
        errors,
        "apigateway",
        "GetDomainNames",
        region,
        lambda: items_of(client.get_paginator("get_domain_names").paginate(PaginationConfig=PAGE)),
    )
    if raw_domains is None:
        return None
    listing = _Listing(
        "apigateway",
        "GetBasePathMappings",
        lambda name, domain_name_id: items_of(
            client.get_paginator("get_base_path_mappings").paginate(
                domainName=name,
                **({"domainNameId": domain_name_id} if domain_name_id else {}),
                PaginationConfig=PAGE,
            )
        ),
        _v1_mapping,
        functools.partial(_routing_rules, rules_client),
    )
    domains = []
    for raw in sorted(
        raw_domains, key=lambda d: (str(d["domainName"]), str(d.get("domainNameId", "")))
    ):
        types = [str(t).upper() for t in (raw.get("endpointConfiguration") or {}).get("types", [])]
        kind = next((t for t in ("EDGE", "PRIVATE") if t in types), None)
        if kind is None:
            continue
        # an edge domain answers at its AWS-managed CloudFront distribution; a private one at
        # the VPC endpoints associated with it
        host = raw.get("distributionDomainName") if kind == "EDGE" else None
        hosts = (str(host),) if host else ()
        policy = raw.get("securityPolicy")
        policies = (str(policy),) if policy else ()
        name = str(raw["domainName"])
        mode = _routing_mode(raw.get("routingMode"))
        listed = v1_certificates(raw)
        domain_name_id = str(raw.get("domainNameId") or "") if kind == "PRIVATE" else ""
        domains.append(
            _domain(
                listing,
                name,
                region,
                kind,
                hosts,
                policies,
                listed,
                mode,
                errors,
                domain_name_id or None,
            )
        )
    return tuple(domains)
