"""The perimeter in front of a stage: does every way in go through AWS WAF (or a VPC)?

A caller reaches a stage through its default ``execute-api`` endpoint (unless
``disableExecuteApiEndpoint``) and through every custom domain that maps it. AWS WAF can be
associated with a REST API stage; HTTP and WebSocket APIs cannot have it at all, so a web ACL
reaches them only on a CloudFront distribution whose origin is their custom domain (by its
name or its regional ``d-...execute-api`` name)
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vs-rest.html,
https://docs.aws.amazon.com/waf/latest/developerguide/cloudfront-features.html). A PRIVATE REST
API is reachable only through VPC endpoints; when its resource policy admits only named ones,
the network is its perimeter.
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.policy.access import network_restriction
from collectors.errors import DataUnavailable
from collectors.model import CloudFrontDistribution, CustomDomain, Inventory
from collectors.targets import RestStageTarget, V2StageTarget, require

DEFAULT_ENDPOINT = "the default execute-api endpoint"


@dataclass(frozen=True)
class Perimeter:
    protected: bool
    protected_by: tuple[str, ...]  # how each way in is covered
    open_ways_in: tuple[str, ...]  # ways in that reach the stage without a web ACL


def _mapping_domains(
    target: RestStageTarget | V2StageTarget, inventory: Inventory
) -> list[CustomDomain]:
    region = target.api.region
    failed = [e for e in inventory.errors if e.operation == "GetDomainNames" and e.target == region]
    if failed:
        raise DataUnavailable(failed[0].describe())
    domains = []
    for domain in inventory.custom_domains:
        if domain.region != region:
            continue
        mappings = require(
            domain.mappings,
            inventory.errors,
            "GetApiMappings",
            f"the API mappings of {domain.name}",
            f"{region}/{domain.name}",
        )
        if any(m.api_id == target.api.id and m.stage == target.stage.name for m in mappings):
            domains.append(domain)
    return domains


def _fronting(
    domain: CustomDomain, distributions: tuple[CloudFrontDistribution, ...]
) -> CloudFrontDistribution | None:
    names = {domain.name, *domain.regional_domain_names}
    for distribution in distributions:
        if (
            distribution.enabled
            and distribution.web_acl_id
            and names & set(distribution.origin_domain_names)
        ):
            return distribution
    return None


def perimeter(target: RestStageTarget | V2StageTarget, inventory: Inventory) -> Perimeter:
    """How the stage's ways in are protected. Raises ``DataUnavailable`` when the custom
    domains, their mappings or the CloudFront distributions could not be read (and they
    decide), or the PRIVATE API's deployed methods were not read."""
    if isinstance(target, RestStageTarget):
        if target.stage.web_acl_arn:
            return Perimeter(True, (f"web ACL {target.stage.web_acl_arn} on the stage",), ())
        if "PRIVATE" in target.api.endpoint_types:
            return _private_perimeter(target)
    domains = _mapping_domains(target, inventory)
    protected_by: list[str] = []
    open_ways: list[str] = []
    if target.api.disable_execute_api_endpoint:
        protected_by.append(f"{DEFAULT_ENDPOINT} is disabled")
    else:
        open_ways.append(DEFAULT_ENDPOINT)
    if domains:
        distributions = require(
            inventory.distributions,
            inventory.errors,
            "ListDistributions",
            "the CloudFront distributions",
        )
        for domain in domains:
            distribution = _fronting(domain, distributions)
            if distribution is None:
                open_ways.append(
                    f"custom domain {domain.name} (no CloudFront distribution with a web ACL "
                    "has it as origin)"
                )
            else:
                protected_by.append(
                    f"custom domain {domain.name} behind CloudFront {distribution.id} "
                    f"with web ACL {distribution.web_acl_id}"
                )
    return Perimeter(not open_ways, tuple(protected_by), tuple(open_ways))


def _private_perimeter(target: RestStageTarget) -> Perimeter:
    deployment = target.served_deployment()
    unpinned: list[str] = []
    pins: set[str] = set()
    for resource in deployment.definition.resources:
        for method in resource.methods:
            pin = network_restriction(
                target.api, target.stage.name, method.http_method, resource.path
            )
            if pin is None:
                unpinned.append(f"{method.http_method} {resource.path}")
            else:
                pins.add(pin)
    if unpinned:
        return Perimeter(
            False,
            (),
            (
                "VPC endpoints of any account: the resource policy does not limit "
                f"{', '.join(unpinned)} to named VPC endpoints or VPCs",
            ),
        )
    return Perimeter(True, tuple(sorted(pins)) or ("PRIVATE endpoint with no methods",), ())
