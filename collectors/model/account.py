"""What an account has beside its APIs: API Gateway's limits per region, custom domains (and
the ACM certificates they serve) and the CloudFront distributions in front of them, the
CloudWatch Logs groups stages write access logs to and the client certificates REST stages
present to their backends."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from collectors.model.throttle import Throttle

USAGE_PLANS = "UsagePlans"  # the GetAccount feature of a region that uses usage plans


@dataclass(frozen=True, kw_only=True, slots=True)
class AccountSettings:
    """API Gateway's account-level settings in one region (GetAccount)."""

    region: str
    throttle: Throttle  # the account's limit for every API in the region together
    cloudwatch_role_arn: str | None
    # "UsagePlans" once the region uses usage plans: every account since 11 August 2016, and
    # older ones after migrating; until then a key reaches a stage through its stageKeys, with
    # no throttle nor quota. None: not read (snapshots written before it was).
    features: tuple[str, ...] | None = None

    @property
    def usage_plans_enabled(self) -> bool | None:
        return None if self.features is None else USAGE_PLANS in self.features


@dataclass(frozen=True, kw_only=True, slots=True)
class ApiMapping:
    api_id: str
    stage: str  # "" (v1 "(none)"): every stage, named by callers after the base path
    key: str  # the base path ("" for the root)

    def maps(self, api_id: str, stage: str) -> bool:
        return self.api_id == api_id and self.stage in ("", stage)


# How a custom domain sends requests to APIs (its RoutingMode): by API mappings alone, the
# default for every domain (apigateway v1 names it BASE_PATH_MAPPING_ONLY); by routing rules
# alone, whatever mappings it still lists ("API callers can't use API mappings to access
# this domain name"); or by routing rules first, then API mappings
# (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-routing-mode.html).
API_MAPPING_ONLY = "API_MAPPING_ONLY"
ROUTING_RULE_ONLY = "ROUTING_RULE_ONLY"
ROUTING_RULE_THEN_API_MAPPING = "ROUTING_RULE_THEN_API_MAPPING"
# apigateway v1's names for two of them (ROUTING_RULE_ONLY is the same in both)
V1_ROUTING_MODE_NAMES = {
    API_MAPPING_ONLY: "BASE_PATH_MAPPING_ONLY",
    ROUTING_RULE_THEN_API_MAPPING: "ROUTING_RULE_THEN_BASE_PATH_MAPPING",
}


@dataclass(frozen=True, kw_only=True, slots=True)
class RoutingRule:
    """A custom domain's routing rule (ListRoutingRules): requests matching its conditions,
    on base paths and headers callers choose, go to one REST API stage."""

    id: str  # RoutingRuleId
    priority: int  # the lowest is evaluated first
    api_id: str
    stage: str

    def routes(self, api_id: str, stage: str) -> bool:
        return self.api_id == api_id and self.stage == stage


@dataclass(frozen=True, kw_only=True, slots=True)
class DomainCertificate:
    """A certificate a custom domain uses, as GetDomainNames names it."""

    arn: str | None  # an ACM certificate; None: one uploaded to API Gateway itself (deprecated)
    name: str | None = None  # certificateName: how an uploaded certificate is known
    uploaded_at: str | None = None  # ISO 8601 (certificateUploadDate)
    # Mutual TLS with an imported or private CA certificate needs an ACM-issued one proving
    # the domain is yours (OwnershipVerificationCertificateArn); it is never served.
    ownership_verification: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class MutualTls:
    """A custom domain's mutual TLS: the truststore its callers' certificates must chain to."""

    truststore_uri: str  # s3://bucket/key
    truststore_version: str | None
    # What API Gateway found wrong in the truststore when the domain was last updated
    # (invalid certificates): the clients they would have trusted are refused.
    warnings: tuple[str, ...]


def domain_label(name: str, domain_name_id: str | None) -> str:
    """How AWS names a custom domain: ``api.example.com``, a private one (known by name and
    id) ``api.example.com+abcd1234``, as its ARN ends."""
    return f"{name}+{domain_name_id}" if domain_name_id else name


@dataclass(frozen=True, kw_only=True, slots=True)
class CustomDomain:
    """A custom domain name and the API stages it sends requests to (by API mappings or
    routing rules, as its routing mode says)."""

    name: str
    region: str
    endpoint_type: str  # REGIONAL (apigatewayv2), EDGE or PRIVATE (apigateway v1)
    # the host names API Gateway serves it at: d-abc.execute-api.region.amazonaws.com
    # (REGIONAL), or the AWS-managed CloudFront's d111.cloudfront.net (EDGE); none for a
    # PRIVATE one, which callers reach through VPC endpoints
    regional_domain_names: tuple[str, ...]
    mappings: tuple[ApiMapping, ...] | None  # None: GetApiMappings/GetBasePathMappings failed
    # The TLS security policies it accepts callers with (REST: securityPolicy; apigatewayv2:
    # each DomainNameConfigurations[].SecurityPolicy), from the GetDomainNames answer. None:
    # not read (snapshots written before it was); the TLS check is then UNKNOWN.
    security_policies: tuple[str, ...] | None = None
    # The certificates it serves (and proves its ownership with), its status and its mutual
    # TLS, from the same answers. certificates None: not read (snapshots written before they
    # were); the certificate check is then UNKNOWN.
    certificates: tuple[DomainCertificate, ...] | None = None
    status: str | None = None  # DomainNameStatus: AVAILABLE, PENDING_CERTIFICATE_REIMPORT...
    status_message: str | None = None  # DomainNameStatusMessage
    mutual_tls: MutualTls | None = None  # None: callers present no certificate
    # How it routes requests (API_MAPPING_ONLY, ROUTING_RULE_ONLY or
    # ROUTING_RULE_THEN_API_MAPPING, v1's names translated). None: not read (snapshots
    # written before it was); what the domain serves is then unknown.
    routing_mode: str | None = None
    # Its routing rules, read when its routing mode uses them; None: not read (or the listing
    # failed: the inventory's errors say).
    routing_rules: tuple[RoutingRule, ...] | None = None
    # A PRIVATE domain's domainNameId: its name alone is not unique (a public domain may have
    # it too), so AWS knows it by both
    domain_name_id: str | None = None

    @property
    def label(self) -> str:
        """How AWS names it (``domain_label``)."""
        return domain_label(self.name, self.domain_name_id)

    @property
    def uses_mappings(self) -> bool:
        return self.routing_mode != ROUTING_RULE_ONLY

    @property
    def uses_routing_rules(self) -> bool:
        # a mode this version does not know counts as using both, as it might
        return self.routing_mode not in (None, API_MAPPING_ONLY)

    def reaches(self, api_id: str, stage: str) -> bool:
        """Whether a request to the domain can reach the stage by what was read of it: its API
        mappings, when its routing mode uses them, and its routing rules, when it uses them."""
        by_mapping = self.uses_mappings and any(
            mapping.maps(api_id, stage) for mapping in self.mappings or ()
        )
        return by_mapping or (
            self.uses_routing_rules
            and any(rule.routes(api_id, stage) for rule in self.routing_rules or ())
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class CloudFrontDistribution:
    id: str
    domain_name: str  # d111111abcdef8.cloudfront.net
    aliases: tuple[str, ...]
    origin_domain_names: tuple[str, ...]
    web_acl_id: str | None  # a WAFv2 web ACL ARN (or a WAF Classic id)
    enabled: bool
    # direct (a standard distribution) or tenant-only (a multi-tenant one, whose distribution
    # tenants may override or disable its web ACL); None: not read (a snapshot from before)
    connection_mode: str | None = None

    @property
    def multi_tenant(self) -> bool:
        return self.connection_mode == "tenant-only"

    def fronts(self, domain: CustomDomain) -> bool:
        """Whether the distribution serves the custom domain: it is enabled (a disabled one
        serves nothing) and has the domain as an origin, by its name or its regional
        ``d-...execute-api`` name."""
        names = {domain.name, *domain.regional_domain_names}
        return self.enabled and bool(names & set(self.origin_domain_names))


class LogGroupRef(NamedTuple):
    """A CloudWatch Logs group as a stage's access-log destination names it."""

    arn: str  # arn:aws:logs:<region>:<account>:log-group:<name>, without a trailing ":*"
    region: str
    name: str


# Log group names hold no ":" (CloudWatch Logs allows a-z, A-Z, 0-9, _ - / . #), so the name
# ends at the optional ":*" some tools and AWS's own DescribeLogGroups answer append.
_LOG_GROUP_ARN = re.compile(
    r"^(arn:aws[a-z-]*:logs:(?P<region>[a-z0-9-]+):\d{12}:log-group:(?P<name>[^:]+))(?::\*)?$"
)


def log_group_ref(destination: str | None) -> LogGroupRef | None:
    """The log group an access-log destination ARN names; ``None`` for anything else (a
    Firehose delivery stream, no destination)."""
    match = _LOG_GROUP_ARN.match(destination or "")
    if match is None:
        return None
    return LogGroupRef(arn=match.group(1), region=match["region"], name=match["name"])


@dataclass(frozen=True, kw_only=True, slots=True)
class LogGroup:
    """A CloudWatch Logs group in-scope stages write access logs to (DescribeLogGroups), under
    the ARN they name it by; ``exists`` False: the account has no group of that name."""

    arn: str  # as LogGroupRef.arn: without a trailing ":*"
    region: str
    name: str
    exists: bool
    retention_days: int | None  # None: its events never expire (or it does not exist)
    # what it holds (DescribeLogGroups storedBytes): the most a Logs Insights query of it
    # scans; None in snapshots written before it was read
    stored_bytes: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ClientCertificate:
    """A client certificate in-scope REST stages present to their HTTP backends
    (GetClientCertificate). Its PEM is not kept: the audit needs only when it expires."""

    id: str
    region: str
    expiration_date: str | None  # ISO 8601


@dataclass(frozen=True, kw_only=True, slots=True)
class AcmCertificate:
    """An ACM certificate a custom domain of an in-scope stage uses (DescribeCertificate).
    Only what says whether it still serves is kept."""

    arn: str
    status: str | None  # ISSUED; EXPIRED, REVOKED, INACTIVE... serve no one
    # AMAZON_ISSUED and PRIVATE (requested from ACM, signed by an AWS Private CA): ACM renews
    # them (acm-renewal.html); IMPORTED: nobody does
    type: str | None
    # ISO 8601; ACM answers none for a certificate it never issued (FAILED,
    # PENDING_VALIDATION, VALIDATION_TIMED_OUT)
    not_after: str | None
    # RenewalSummary.RenewalStatus: "exists only when the certificate type is AMAZON_ISSUED"
    # (https://docs.aws.amazon.com/acm/latest/APIReference/API_RenewalSummary.html)
    renewal_status: str | None = None


def client_certificate_key(region: str, certificate_id: str) -> str:
    """How the inventory names a client certificate (a failed read's target), as its IAM
    resource path does: ``us-east-1/clientcertificates/abc123``."""
    return f"{region}/clientcertificates/{certificate_id}"
