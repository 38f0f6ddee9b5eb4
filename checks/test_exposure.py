"""Ways around an API's protections: custom domains with weak TLS or an open default endpoint
beside them, and resource policies that admit any VPC or any AWS account; and custom domains
whose certificates are about to stop serving."""

from __future__ import annotations

import pytest

from checks import AWS_CONFIG, SECURITY_HUB, Severity, check
from checks.policy import (
    AccountExposure,
    DefaultEndpoint,
    DefaultEndpointTls,
    DomainCertificates,
    DomainTls,
    NotApplicable,
    VpcPinning,
    label,
    some,
)
from collectors.targets import RestMethodTarget, RestStageTarget, V2StageTarget

DOMAIN_TLS_DOCS = "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies-list.html"


@check(
    id="APIGW-TLS-001",
    issue_type="Weak TLS Policy",
    severity=Severity.MEDIUM,
    security_impact="Callers can connect to the custom domain over TLS 1.0 or 1.1, whose "
    "weak ciphers and downgrade attacks expose requests and tokens in transit.",
    remediation=(
        "Set the custom domain's security policy to TLS_1_2 or an enhanced SecurityPolicy_* "
        "policy (REST: securityPolicy with UpdateDomainName; HTTP/WebSocket: "
        "DomainNameConfigurations[].SecurityPolicy).",
        "Before switching, check the access logs' $context.tlsVersion for clients still on "
        "TLS 1.0/1.1.",
    ),
    references=(
        "https://docs.aws.amazon.com/config/latest/developerguide/apigateway-domain-name-tls-check.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html",
        DOMAIN_TLS_DOCS,
    ),
    posture=("domain_security_policies",),
    compliance={
        AWS_CONFIG: ("apigateway-domain-name-tls-check",),
    },
)
def test_custom_domains_refuse_old_tls(
    stage: RestStageTarget | V2StageTarget,
    stage_domain_tls: DomainTls | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """Custom domains that map a stage refuse TLS 1.0 and 1.1

    A custom domain's security policy sets the oldest TLS version API Gateway accepts on it:
    TLS_1_0 still accepts TLS 1.0 and 1.1. Every custom domain that maps the stage must use an
    allowed policy (by default TLS_1_2 or an enhanced SecurityPolicy_* one; --tls-policies and
    the ini audit_tls_policies change the list).
    """
    if isinstance(stage_domain_tls, NotApplicable):
        pytest.skip(stage_domain_tls.reason)
    evidence.update(
        domain_security_policies=stage_domain_tls.policies,
        weak_domains=list(stage_domain_tls.weak),
    )
    assert not stage_domain_tls.weak, (
        f"stage {label(stage)} is served by custom domains whose TLS security policy is not "
        f"allowed (accepts TLS 1.0/1.1 or is unknown): {', '.join(stage_domain_tls.weak)}"
    )


@check(
    id="APIGW-TLS-002",
    issue_type="Default Endpoint Bypasses Custom Domain",
    severity=Severity.MEDIUM,
    security_impact="Callers can skip the custom domain, and with it its TLS policy, mutual "
    "TLS and any CloudFront or web ACL in front of it, by calling the default execute-api "
    "endpoint.",
    remediation=(
        "Disable the default endpoint (REST: disableExecuteApiEndpoint with UpdateRestApi, "
        "then redeploy; HTTP/WebSocket: DisableExecuteApiEndpoint with UpdateApi) once every "
        "client calls the custom domain.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-disable-default-endpoint.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-disable-default-endpoint.html",
    ),
    posture=("custom_domains", "disable_execute_api_endpoint"),
)
def test_custom_domain_is_the_only_way_in(
    stage: RestStageTarget | V2StageTarget,
    stage_default_endpoint: DefaultEndpoint | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """A stage served by a custom domain does not also answer at its default endpoint

    A custom domain carries the TLS policy, the mutual TLS and the CloudFront or web ACL its
    owners chose. While the default execute-api endpoint stays enabled, any caller can reach
    the same stage around all of them.
    """
    if isinstance(stage_default_endpoint, NotApplicable):
        pytest.skip(stage_default_endpoint.reason)
    evidence.update(
        custom_domains=list(stage_default_endpoint.domains),
        disable_execute_api_endpoint=not stage_default_endpoint.enabled,
    )
    assert not stage_default_endpoint.enabled, (
        f"stage {label(stage)} is served by custom domain "
        f"{', '.join(stage_default_endpoint.domains)} but still answers at the default "
        "execute-api endpoint (disableExecuteApiEndpoint=false)"
    )


@check(
    id="APIGW-TLS-004",
    issue_type="Default Endpoint Accepts Old TLS",
    severity=Severity.MEDIUM,
    security_impact="Callers can connect to the REST API's default execute-api endpoint over "
    "TLS 1.0 or 1.1, whose weak ciphers and downgrade attacks expose requests and tokens in "
    "transit, whatever its custom domains require.",
    remediation=(
        "Set the REST API's security policy to TLS_1_2 or an enhanced SecurityPolicy_* policy "
        "with an endpoint access mode (UpdateRestApi: replace /securityPolicy, "
        "/endpointAccessMode; CloudFormation SecurityPolicy, EndpointAccessMode).",
        "Or, once every client calls a custom domain, disable the default endpoint "
        "(disableExecuteApiEndpoint, then redeploy).",
        "Before switching, check the access logs' $context.tlsVersion for clients still on "
        "TLS 1.0/1.1.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies.html",
        DOMAIN_TLS_DOCS,
    ),
    posture=("default_endpoint_security_policy", "endpoint_access_mode"),
)
def test_default_endpoint_refuses_old_tls(
    rest_stage: RestStageTarget,
    stage_default_endpoint_tls: DefaultEndpointTls | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """A REST stage's default endpoint refuses TLS 1.0 and 1.1

    A REST API's own security policy sets the TLS versions its default execute-api endpoint
    accepts. An API made without one gets TLS_1_0 (TLS 1.0 to 1.3) if REGIONAL or EDGE,
    TLS_1_2 if PRIVATE. While the default endpoint answers, its policy must be an allowed one
    (by default TLS_1_2 or an enhanced SecurityPolicy_* one; --tls-policies and the ini
    audit_tls_policies change the list). HTTP and WebSocket APIs' default endpoints always
    refuse TLS 1.0 and 1.1.
    """
    if isinstance(stage_default_endpoint_tls, NotApplicable):
        pytest.skip(stage_default_endpoint_tls.reason)
    evidence.update(
        default_endpoint_security_policy=stage_default_endpoint_tls.security_policy,
        endpoint_access_mode=stage_default_endpoint_tls.endpoint_access_mode,
    )
    assert stage_default_endpoint_tls.allowed, (
        f"stage {label(rest_stage)} answers at its default execute-api endpoint with TLS "
        f"security policy {stage_default_endpoint_tls.security_policy}, which is not allowed "
        "(accepts TLS 1.0/1.1 or is unknown)"
    )


@check(
    id="APIGW-POLICY-001",
    issue_type="Private API Reachable From Any VPC",
    severity=Severity.HIGH,
    security_impact="Any VPC endpoint for execute-api, in any AWS account, can call the "
    "private API: private means only that callers come through some VPC.",
    remediation=(
        "Allow execute-api:Invoke in the resource policy only with aws:SourceVpce (or "
        "aws:SourceVpc) naming your endpoints or VPCs, or add a Deny unless they match; then "
        "redeploy the stage.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-api-create.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html",
    ),
    posture=("vpc_restrictions",),
)
def test_private_api_admits_only_named_vpcs(
    rest_stage: RestStageTarget,
    stage_vpc_pinning: VpcPinning | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """Private APIs admit callers only from named VPC endpoints or VPCs

    A PRIVATE REST API is reached through interface VPC endpoints, but an endpoint in any
    account can call it unless its resource policy limits execute-api:Invoke to named
    endpoints (aws:SourceVpce) or VPCs (aws:SourceVpc). Judged on the policy the stage's
    deployment serves, else the API's current one.
    """
    if isinstance(stage_vpc_pinning, NotApplicable):
        pytest.skip(stage_vpc_pinning.reason)
    deployed = rest_stage.served_deployment().definition.policy is not None
    evidence.update(
        vpc_restrictions=list(stage_vpc_pinning.pins),
        unrestricted_methods=list(stage_vpc_pinning.unpinned),
        policy_judged="the deployment's" if deployed else "the API's current",
    )
    unpinned = stage_vpc_pinning.unpinned
    assert not unpinned, (
        f"PRIVATE stage {label(rest_stage)} can be invoked from VPC endpoints of any account: "
        f"its resource policy does not limit {some(list(unpinned))} to named VPC endpoints or "
        "VPCs"
    )


@check(
    id="APIGW-POLICY-002",
    issue_type="IAM-Authorized Method Open to Every AWS Account",
    severity=Severity.HIGH,
    security_impact="Any principal of any AWS account with its own permission to "
    "execute-api:Invoke, which anyone can create, can call the method: IAM authorization "
    "then authenticates callers without limiting who they are.",
    remediation=(
        "Name the accounts or principals in the resource policy's Principal, or add a "
        "condition limiting callers (aws:PrincipalAccount, aws:PrincipalOrgID, "
        "aws:SourceVpce, aws:SourceIp); then redeploy the stage.",
        "Without cross-account callers, remove the Allow: IAM policies of the API's own "
        "account suffice.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html",
    ),
    posture=("open_to_every_account",),
)
def test_iam_method_is_not_open_to_every_account(
    rest_method: RestMethodTarget,
    account_exposure: AccountExposure | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """IAM-authorized methods are not open to every AWS account

    With AWS_IAM authorization a resource policy that allows Principal "*" (or {"AWS": "*"})
    with no condition on the caller's account, organisation, network or principal lets the
    signed callers of every AWS account in. Without a resource policy only the API's own
    account's principals can be allowed (by their IAM policies), which passes. A canary taking
    part of the stage's traffic is judged too: its deployment may serve the method otherwise.
    """
    if isinstance(account_exposure, NotApplicable):
        pytest.skip(account_exposure.reason)
    evidence.update(
        open_to_every_account=bool(account_exposure.open_statements),
        open_statements=list(account_exposure.open_statements),
        has_resource_policy=account_exposure.has_policy,
        judged_on=" and ".join(account_exposure.judged),
    )
    assert not account_exposure.open_statements, (
        f"{label(rest_method)} is IAM-authorized but its resource policy lets any AWS account "
        f'invoke it ({", ".join(account_exposure.open_statements)}: Principal "*" without a '
        "condition on the caller's account, organisation or network)"
    )


@check(
    id="APIGW-TLS-003",
    issue_type="Domain Certificate Expiring",
    severity=Severity.HIGH,
    security_impact="When a custom domain's certificate expires or stops being valid, every "
    "caller of the domain fails the TLS handshake: the API is down for them, and clients "
    "told to ignore certificate errors to get by can be intercepted.",
    remediation=(
        "Renew the certificate before it expires: for an ACM-issued one, fix what blocks "
        "ACM's renewal (the DNS validation record, the domain's CAA records); for an imported "
        "one, reimport a renewed certificate with the same issuer into the same ARN "
        "(ImportCertificate with CertificateArn).",
        "Replace a certificate uploaded to API Gateway, or one that is expired or revoked, by "
        "an ACM certificate (UpdateDomainName: certificateArn or regionalCertificateArn; "
        "apigatewayv2: DomainNameConfigurations[].CertificateArn).",
        "With mutual TLS, fix or remove the truststore certificates the warnings name, upload "
        "the truststore to S3 again and update the domain to its new version; a domain "
        "awaiting its owner (PENDING_CERTIFICATE_REIMPORT, PENDING_OWNERSHIP_VERIFICATION) "
        "needs the certificate reimported or a valid ownership verification certificate.",
    ),
    references=(
        "https://docs.aws.amazon.com/securityhub/latest/userguide/acm-controls.html#acm-1",
        "https://docs.aws.amazon.com/config/latest/developerguide/acm-certificate-expiration-check.html",
        "https://docs.aws.amazon.com/acm/latest/userguide/acm-renewal.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-mutual-tls.html",
    ),
    posture=("domain_certificates",),
    compliance={
        SECURITY_HUB: ("ACM.1",),
        AWS_CONFIG: ("acm-certificate-expiration-check",),
        "NIST.800-53.r5": ("SC-28(3)", "SC-7(16)"),
        "NIST.800-171.r2": ("3.13.15",),
        "PCI DSS v4.0.1": ("4.2.1",),
    },
)
def test_custom_domain_certificates_stay_valid(
    stage: RestStageTarget | V2StageTarget,
    stage_domain_certificates: DomainCertificates | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """Custom domains that map a stage serve certificates that stay valid

    Callers reach the stage through each custom domain that maps it, with the domain's
    certificate: once it expires, or is revoked, every TLS handshake fails. Each certificate
    must be issued in ACM and valid for more than 30 days from the audit (an imported one is
    never renewed by ACM, one uploaded to API Gateway cannot even be read); with mutual TLS the
    truststore must load without warnings, and the domain must not be waiting for its owner
    to reimport a certificate or prove ownership.
    """
    if isinstance(stage_domain_certificates, NotApplicable):
        pytest.skip(stage_domain_certificates.reason)
    evidence.update(domain_certificates=stage_domain_certificates.domains)
    problems = stage_domain_certificates.problems
    assert not problems, (
        f"stage {label(stage)} is served by custom domains whose certificates need action: "
        + "; ".join(problems)
    )
