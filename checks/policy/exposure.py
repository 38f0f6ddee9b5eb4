"""Ways around an API's own protections: its custom domains' TLS policy, the default endpoint
left open beside them, and resource policies that admit any VPC or any AWS account.

A custom domain's security policy sets the oldest TLS version API Gateway accepts on it:
``TLS_1_0`` accepts TLS 1.0 to 1.3, ``TLS_1_2`` and the enhanced ``SecurityPolicy_*`` policies
(2025, TLS 1.3 and post-quantum ones) TLS 1.2 or later
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies-list.html).
A REST API has one of its own, which its default execute-api endpoint applies: TLS_1_0 unless
set, for REGIONAL and EDGE APIs (``collectors.model.default_security_policy``). HTTP and
WebSocket APIs' default endpoints always apply TLS_1_2
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-ciphers.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-ciphers.html).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from checks.policy.access import VpcPinning, canary_method, served_policy, vpc_pinning
from checks.policy.hardening import NotApplicable
from checks.policy.labels import label
from checks.policy.open_principals import open_to_every_account
from checks.policy.perimeter import mapping_domains
from collectors.errors import DataUnavailable
from collectors.model import Inventory, RestMethod
from collectors.targets import RestMethodTarget, RestStageTarget, V2StageTarget

# Every policy AWS names that refuses TLS 1.0 and 1.1 (botocore's SecurityPolicy enum; AWS
# Config's apigateway-domain-name-tls-check lists the same as valid values).
DEFAULT_TLS_POLICIES = (
    "TLS_1_2",
    "SecurityPolicy_TLS13_1_3_2025_09",
    "SecurityPolicy_TLS13_1_3_FIPS_2025_09",
    "SecurityPolicy_TLS13_1_2_2021_06",
    "SecurityPolicy_TLS13_1_2_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_FIPS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_Ext2_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_Ext2_FIPS_PQ_2025_09",
    "SecurityPolicy_TLS13_2025_EDGE",
    "SecurityPolicy_TLS12_PFS_2025_EDGE",
    "SecurityPolicy_TLS12_2018_EDGE",
)


def _not_mapped(target: RestStageTarget | V2StageTarget) -> NotApplicable:
    return NotApplicable(f"no custom domain maps stage {label(target)}")


@dataclass(frozen=True)
class DefaultEndpoint:
    domains: tuple[str, ...]  # the custom domains that map the stage
    enabled: bool  # the default execute-api endpoint still answers (disableExecuteApiEndpoint)


def default_endpoint(
    target: RestStageTarget | V2StageTarget, inventory: Inventory
) -> DefaultEndpoint | NotApplicable:
    """Whether the stage a custom domain maps still answers at its default endpoint. Raises
    ``DataUnavailable`` when the domains or their mappings could not be read."""
    domains = mapping_domains(target, inventory)
    if not domains:
        return _not_mapped(target)
    names = tuple(d.label for d in domains)
    return DefaultEndpoint(names, not target.api.disable_execute_api_endpoint)


@dataclass(frozen=True)
class DomainTls:
    policies: dict[str, list[str]]  # each custom domain that maps the stage -> its policies
    weak: tuple[str, ...]  # "api.example.com (TLS_1_0)": domains with a policy not allowed


def domain_tls(
    target: RestStageTarget | V2StageTarget, inventory: Inventory, allowed: Collection[str]
) -> DomainTls | NotApplicable:
    """The security policies of the custom domains that map the stage, and those not in
    ``allowed``. Raises ``DataUnavailable`` when the domains, their mappings or a domain's
    security policy could not be read."""
    domains = mapping_domains(target, inventory)
    if not domains:
        return _not_mapped(target)
    policies: dict[str, list[str]] = {}
    weak: list[str] = []
    for domain in domains:
        if not domain.security_policies:
            raise DataUnavailable(
                f"the TLS security policy of custom domain {domain.label} was not read (absent "
                "from GetDomainNames, or a snapshot written before it was collected): collect "
                "again"
            )
        policies[domain.label] = list(domain.security_policies)
        rejected = [p for p in domain.security_policies if p not in allowed]
        if rejected:
            weak.append(f"{domain.label} ({', '.join(rejected)})")
    return DomainTls(policies, tuple(weak))


@dataclass(frozen=True)
class DefaultEndpointTls:
    security_policy: str  # the API's own policy, which its default endpoint applies
    endpoint_access_mode: str | None  # BASIC or STRICT, with an enhanced policy
    allowed: bool


def default_endpoint_tls(
    target: RestStageTarget, allowed: Collection[str]
) -> DefaultEndpointTls | NotApplicable:
    """The security policy a REST stage's default execute-api endpoint accepts callers with,
    and whether it is in ``allowed``: the API's own (``securityPolicy``; AWS's default for its
    endpoint type when it was made without one). Raises ``DataUnavailable`` when it was not
    read."""
    api = target.api
    if api.disable_execute_api_endpoint:
        return NotApplicable(
            f"the default endpoint of {label(target)} is disabled (disableExecuteApiEndpoint): "
            "callers come through its custom domains, whose TLS APIGW-TLS-001 judges"
        )
    if api.security_policy is None:
        raise DataUnavailable(
            f"the TLS security policy of REST API {api.name} ({api.id}) was not read (a "
            "snapshot written before it was collected): collect again"
        )
    return DefaultEndpointTls(
        api.security_policy, api.endpoint_access_mode, api.security_policy in allowed
    )


def private_pinning(target: RestStageTarget) -> VpcPinning | NotApplicable:
    """How a PRIVATE REST stage's methods are limited to named VPC endpoints or VPCs."""
    if "PRIVATE" not in target.api.endpoint_types:
        return NotApplicable(f"{label(target)} is not a PRIVATE API")
    return vpc_pinning(target)


@dataclass(frozen=True)
class AccountExposure:
    # Allow statements admitting any AWS account's callers; those of the policy a canary
    # deployment serves end "on the canary deployment abc (10% of traffic)"
    open_statements: tuple[str, ...]
    has_policy: bool
    judged: tuple[str, ...]  # the deployments whose AWS_IAM method was judged


def iam_method_exposure(target: RestMethodTarget) -> AccountExposure | NotApplicable:
    """Which resource-policy statements let a signed caller of any AWS account invoke an
    AWS_IAM method, as the stage serves it: its own deployment and, when a canary takes part
    of the traffic, the canary's (whose policy AWS cannot export: the API's current one is
    judged for it). Raises ``DataUnavailable`` when the canary deployment was not read."""
    served: list[tuple[RestMethod, Any, str | None]] = [
        (target.method, target.definition.policy, None)
    ]
    canary = canary_method(target)
    if canary is not None:
        canary_served, deployment, canary_phrase = canary
        served.append((canary_served, deployment.definition.policy, canary_phrase))
    iam = [entry for entry in served if entry[0].authorization_type == "AWS_IAM"]
    if not iam:
        types = ", ".join(dict.fromkeys(m.authorization_type for m, _, _ in served))
        return NotApplicable(f"{label(target)} is not IAM-authorized (authorizationType={types})")
    statements: list[str] = []
    policies = []
    for method, deployed_policy, served_by in iam:
        policy = served_policy(target.api, deployed_policy)
        policies.append(policy)
        found = open_to_every_account(
            policy,
            api_id=target.api.id,
            stage=target.stage.name,
            http_method=method.http_method,
            resource_path=target.resource.path,
        )
        statements += [f"{s} on {served_by}" if served_by else s for s in found]
    judged = tuple(served_by or target.served_from for _, _, served_by in iam)
    return AccountExposure(
        tuple(dict.fromkeys(statements)), any(p is not None for p in policies), judged
    )
