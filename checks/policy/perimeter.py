"""The perimeter in front of a stage: does every way in go through AWS WAF (or a VPC)?

A caller reaches a stage through its default ``execute-api`` endpoint (unless
``disableExecuteApiEndpoint``) and through every custom domain that sends requests to it, by
an API mapping or a routing rule. AWS WAF can be associated with a REST API stage; HTTP and
WebSocket APIs cannot have it at all, so a web ACL reaches them only on a CloudFront
distribution whose origin is their custom domain (by its name or its regional
``d-...execute-api`` name)
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vs-rest.html,
https://docs.aws.amazon.com/waf/latest/developerguide/cloudfront-features.html). A PRIVATE REST
API is reachable only through VPC endpoints; when its resource policy admits only named ones,
the network is its perimeter.

What stands in front of a stage is decided once, in ``in_front``: APIGW-WAF-001 asks whether
every way in goes through a web ACL (``perimeter``), APIGW-WAF-002 what those web ACLs block
(``checks.policy.web_acl``). A REST stage's own web ACL sees every request, through whichever
way in; otherwise the web ACLs in front are those of the CloudFront distributions in front of
the custom domains that map the stage.
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
    """The custom domains that send requests to the stage, by API mapping or routing rule, as
    each domain's routing mode says (``CustomDomain.reaches``): a PRIVATE REST API's are
    private domains, any other API's public ones. Raises ``DataUnavailable`` when the region's
    domains, or what routes one domain's requests, could not be read."""
    region = target.api.region
    failed = [e for e in inventory.errors if e.operation == "GetDomainNames" and e.target == region]
    if failed:
        raise DataUnavailable(failed[0].describe())
    private = isinstance(target, RestStageTarget) and "PRIVATE" in target.api.endpoint_types
    domains = []
    for domain in inventory.custom_domains:
        # a private domain serves PRIVATE REST APIs only (apigateway-private-custom-domains)
        if domain.region != region or (domain.endpoint_type == "PRIVATE") != private:
            continue
        _require_routing(domain, inventory)
        if domain.reaches(target.api.id, target.stage.name):
            domains.append(domain)
    return domains


def _require_routing(domain: CustomDomain, inventory: Inventory) -> None:
    """``DataUnavailable`` unless what the domain's routing mode routes by was read."""
    if domain.routing_mode is None:
        raise DataUnavailable(
            f"the routing mode of custom domain {domain.label} is not known (a snapshot taken "
            "before apigw-audit read it): collect the inventory again"
        )
    key = f"{domain.region}/{domain.label}"
    if domain.uses_mappings:
        require(
            domain.mappings,
            inventory.errors,
            "GetApiMappings" if domain.endpoint_type == "REGIONAL" else "GetBasePathMappings",
            f"the API mappings of {domain.label}",
            key,
        )
    if domain.uses_routing_rules:
        require(
            domain.routing_rules,
            inventory.errors,
            "ListRoutingRules",
            f"the routing rules of {domain.label}",
            key,
        )


@dataclass(frozen=True)
class WebAclInFront:
    """A web ACL requests to the stage pass through, and where it stands."""

    id: str  # a WAFv2 web ACL ARN, or what names an AWS WAF Classic one
    on: str  # "the stage", "CloudFront E2CDN in front of custom domain api.example.com"
    resource_type: str  # API_GATEWAY or CLOUDFRONT: whose body inspection limit applies


@dataclass(frozen=True)
class DomainFront:
    """A custom domain that maps the stage, and the CloudFront distributions in front of it."""

    domain: CustomDomain
    # enabled, with the domain as origin; none for an edge-optimized domain, whose
    # distribution is AWS's
    distributions: tuple[CloudFrontDistribution, ...]


@dataclass(frozen=True)
class InFront:
    """What stands in front of a stage's ways in."""

    stage_web_acl: str | None  # a REST stage's own web ACL: every request meets it
    private: bool  # a PRIVATE REST API without one: reached through VPC endpoints only
    # the custom domains mapping the stage; read only when neither of the above decides
    domains: tuple[DomainFront, ...]

    @property
    def web_acls(self) -> tuple[WebAclInFront, ...]:
        if self.stage_web_acl:
            return (WebAclInFront(self.stage_web_acl, "the stage", "API_GATEWAY"),)
        return tuple(
            WebAclInFront(
                distribution.web_acl_id,
                f"CloudFront {distribution.id} in front of custom domain {front.domain.label}",
                "CLOUDFRONT",
            )
            for front in self.domains
            for distribution in front.distributions
            if distribution.web_acl_id
        )


def in_front(target: RestStageTarget | V2StageTarget, inventory: Inventory) -> InFront:
    """What stands in front of the stage's ways in: its own web ACL (REST), else the custom
    domains that map it and the distributions in front of them. Raises ``DataUnavailable``
    when the custom domains, their mappings or the CloudFront distributions could not be read
    (and they decide)."""
    if isinstance(target, RestStageTarget):
        if target.stage.web_acl_arn:
            return InFront(target.stage.web_acl_arn, False, ())
        if "PRIVATE" in target.api.endpoint_types:
            return InFront(None, True, ())
    domains = mapping_domains(target, inventory)
    if not domains:
        return InFront(None, False, ())
    distributions = require(
        inventory.distributions,
        inventory.errors,
        "ListDistributions",
        "the CloudFront distributions",
    )
    return InFront(
        None,
        False,
        tuple(
            DomainFront(
                domain, () if domain.endpoint_type == "EDGE" else _fronting(domain, distributions)
            )
            for domain in domains
        ),
    )


def _fronting(
    domain: CustomDomain, distributions: tuple[CloudFrontDistribution, ...]
) -> tuple[CloudFrontDistribution, ...]:
    """The distributions in front of the domain. Raises ``DataUnavailable`` for one whose
    web ACL is not the one its requests meet: a multi-tenant distribution's tenants may
    override it or turn it off (their customizations are not read), and one from a snapshot
    written before connection modes were read might be multi-tenant."""
    fronting = tuple(d for d in distributions if d.fronts(domain))
    for distribution in fronting:
        if distribution.connection_mode is None:
            raise DataUnavailable(
                f"whether CloudFront distribution {distribution.id} in front of custom domain "
                f"{domain.label} is multi-tenant was not read (a snapshot written before it "
                "was collected): collect again"
            )
        if distribution.multi_tenant:
            raise DataUnavailable(
                f"CloudFront distribution {distribution.id} in front of custom domain "
                f"{domain.label} is multi-tenant (ConnectionMode tenant-only): each distribution "
                "tenant may override or disable its web ACL, and tenants are not read"
            )
    return fronting


def _domain_way_in(front: DomainFront) -> tuple[str | None, str | None]:
    """(how the domain is covered, or why it is an open way in): one of the two is set."""
    domain, fronting = front.domain, front.distributions
    if domain.endpoint_type == "EDGE":
        return None, (
            f"edge-optimized custom domain {domain.label} (its AWS-managed CloudFront "
            "distribution carries no web ACL of yours)"
        )
    unfiltered = [d.id for d in fronting if not d.web_acl_id]
    if not fronting:
        return None, f"custom domain {domain.label} (no CloudFront distribution has it as origin)"
    if unfiltered:
        return None, (
            f"custom domain {domain.label} (CloudFront {', '.join(unfiltered)} in front of it "
            "has no web ACL)"
        )
    acls = ", ".join(f"{d.id} with web ACL {d.web_acl_id}" for d in fronting)
    # The domain itself still answers whoever calls it directly: CloudFront resolves it
    # through public DNS, so the API must refuse requests that did not come through CloudFront
    # (a secret origin header checked by an authorizer, or mutual TLS) for this to hold.
    return (
        f"custom domain {domain.label} behind CloudFront {acls} (callers who reach the "
        "domain directly bypass CloudFront unless the API refuses them)"
    ), None


def perimeter(target: RestStageTarget | V2StageTarget, inventory: Inventory) -> Perimeter:
    """How the stage's ways in are protected. Raises ``DataUnavailable`` when the custom
    domains, their mappings or the CloudFront distributions could not be read (and they
    decide), or the PRIVATE API's deployed methods were not read."""
    front = in_front(target, inventory)
    if front.stage_web_acl:
        return Perimeter(True, (f"web ACL {front.stage_web_acl} on the stage",), ())
    if front.private and isinstance(target, RestStageTarget):
        return _private_perimeter(target)
    protected_by: list[str] = []
    open_ways: list[str] = []
    if target.api.disable_execute_api_endpoint:
        protected_by.append(f"{DEFAULT_ENDPOINT} is disabled")
    else:
        open_ways.append(DEFAULT_ENDPOINT)
    for domain_front in front.domains:
        covered, open_way = _domain_way_in(domain_front)
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
