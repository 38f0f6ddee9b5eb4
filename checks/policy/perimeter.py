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

from checks.policy.access import vpc_pinning
from collectors.errors import DataUnavailable
from collectors.model import CloudFrontDistribution, CustomDomain, Inventory
from collectors.targets import RestStageTarget, V2StageTarget, require

DEFAULT_ENDPOINT = "the default execute-api endpoint"


@dataclass(frozen=True)
class Perimeter:
    protected: bool
    protected_by: tuple[str, ...]  # how each way in is covered
    open_ways_in: tuple[str, ...]  # ways in that reach the stage without a web ACL


def mapping_domains(
    target: RestStageTarget | V2StageTarget, inventory: Inventory
) -> list[CustomDomain]:
    """The custom domains that map the stage. Raises ``DataUnavailable`` when the region's
    domains, or one domain's mappings, could not be read."""
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
            "GetBasePathMappings" if domain.endpoint_type == "EDGE" else "GetApiMappings",
            f"the API mappings of {domain.name}",
            f"{region}/{domain.name}",
        )
        if any(m.maps(target.api.id, target.stage.name) for m in mappings):
            domains.append(domain)
    return domains


def _fronting(
    domain: CustomDomain, distributions: tuple[CloudFrontDistribution, ...]
) -> list[CloudFrontDistribution]:
    """The enabled distributions whose origin is the domain (a disabled one serves nothing)."""
    names = {domain.name, *domain.regional_domain_names}
    return [d for d in distributions if d.enabled and names & set(d.origin_domain_names)]


def _domain_way_in(
    domain: CustomDomain, distributions: tuple[CloudFrontDistribution, ...]
) -> tuple[str | None, str | None]:
    """(how the domain is covered, or why it is an open way in): one of the two is set."""
    if domain.endpoint_type == "EDGE":
        return None, (
            f"edge-optimized custom domain {domain.name} (its AWS-managed CloudFront "
            "distribution carries no web ACL of yours)"
        )
    fronting = _fronting(domain, distributions)
    unfiltered = [d.id for d in fronting if not d.web_acl_id]
    if not fronting:
        return None, f"custom domain {domain.name} (no CloudFront distribution has it as origin)"
    if unfiltered:
        return None, (
            f"custom domain {domain.name} (CloudFront {', '.join(unfiltered)} in front of it "
            "has no web ACL)"
        )
    acls = ", ".join(f"{d.id} with web ACL {d.web_acl_id}" for d in fronting)
    # The domain itself still answers whoever calls it directly: CloudFront resolves it
    # through public DNS, so the API must refuse requests that did not come through CloudFront
    # (a secret origin header checked by an authorizer, or mutual TLS) for this to hold.
    return (
        f"custom domain {domain.name} behind CloudFront {acls} (callers who reach the "
        "domain directly bypass CloudFront unless the API refuses them)"
    ), None


def perimeter(target: RestStageTarget | V2StageTarget, inventory: Inventory) -> Perimeter:
    """How the stage's ways in are protected. Raises ``DataUnavailable`` when the custom
    domains, their mappings or the CloudFront distributions could not be read (and they
    decide), or the PRIVATE API's deployed methods were not read."""
    if isinstance(target, RestStageTarget):
        if target.stage.web_acl_arn:
            return Perimeter(True, (f"web ACL {target.stage.web_acl_arn} on the stage",), ())
        if "PRIVATE" in target.api.endpoint_types:
            return _private_perimeter(target)
    domains = mapping_domains(target, inventory)
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
            covered, open_way = _domain_way_in(domain, distributions)
            if covered:
                protected_by.append(covered)
            if open_way:
                open_ways.append(open_way)
    return Perimeter(not open_ways, tuple(protected_by), tuple(open_ways))


def _private_perimeter(target: RestStageTarget) -> Perimeter:
    pinning = vpc_pinning(target)
    if pinning.unpinned:
        return Perimeter(
            False,
            (),
            (
                "VPC endpoints of any account: the resource policy does not limit "
                f"{', '.join(pinning.unpinned)} to named VPC endpoints or VPCs",
            ),
        )
    return Perimeter(True, pinning.pins or ("PRIVATE endpoint with no methods",), ())
