"""Who can call the API: authorization, the perimeter (AWS WAF) and browser origins (CORS)."""

from __future__ import annotations

from checks.catalog import Severity, check
from checks.policy import CorsExposure, authorization, label, waf_status
from collectors.targets import (
    RestMethodTarget,
    RestResourceTarget,
    RestStageTarget,
    V2RouteTarget,
    V2StageTarget,
)

API_KEY_NOTE = (
    "apiKeyRequired is not authorization: API keys identify callers for usage plans and "
    "throttling, and ship inside client code where anyone can read them"
)
WAF_UNSUPPORTED_REMEDIATION = (
    "front the API with CloudFront + AWS WAF and disable the default execute-api endpoint, "
    "or use a REST API"
)


def _unattached_authorizers(operation: RestMethodTarget | V2RouteTarget) -> list[str] | str:
    """Authorizers defined on the API: none of them protects this operation."""
    authorizers = operation.api.authorizers
    if authorizers is None:
        return "unknown (authorizers not collected)"
    return sorted(a.name or a.id for a in authorizers)


@check(
    id="APIGW-AUTH-001",
    issue_type="Authorization Gap",
    severity=Severity.CRITICAL,
    title="Every operation requires authorization",
    security_impact="Anyone who can reach the endpoint can call the operation and its backend.",
    remediation=(
        "Attach an authorizer to the method or route: AWS_IAM, a Lambda authorizer (CUSTOM), "
        "a Cognito user pool or a JWT authorizer.",
        "Do not count on API keys for access control: they identify callers, they do not "
        "authenticate them.",
        "For an API only called from inside a VPC, make it a PRIVATE REST API whose resource "
        "policy allows execute-api:Invoke only from aws:SourceVpce.",
    ),
    references=(
        "APIGateway.8",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html",
    ),
)
def test_operation_requires_authorization(
    operation: RestMethodTarget | V2RouteTarget, evidence: dict[str, object]
) -> None:
    """Every operation requires authorization

    A method or route whose authorization type is NONE answers anyone on the internet. An
    authorizer that exists on the API but is not attached to the operation protects nothing,
    and an API key is an identifier, not a credential. A PRIVATE REST API whose resource
    policy admits only callers from a VPC endpoint is controlled at the network level.
    """
    auth = authorization(operation)
    evidence.update(
        authorization_type=auth.authorization_type,
        authorizer_id=auth.authorizer_id,
        api_key_required=auth.api_key_required,
        network_restriction=auth.network_restriction,
    )
    if auth.decided_by:
        evidence["authorization_decided_by"] = auth.decided_by
    if auth.authorized:
        return
    finding = f"{label(operation)} has no authorizer (authorizationType=NONE"
    if auth.decided_by:
        finding += f" on {auth.decided_by}"
    finding += ")"
    if auth.api_key_required:
        evidence["api_key_note"] = API_KEY_NOTE
        finding += "; apiKeyRequired=true is not authorization"
    if isinstance(operation, RestMethodTarget) and "PRIVATE" in operation.api.endpoint_types:
        finding += "; its resource policy does not limit callers to aws:SourceVpce/aws:SourceVpc"
    unattached = _unattached_authorizers(operation)
    evidence["authorizers_defined_not_attached"] = unattached
    if isinstance(unattached, list) and unattached:
        finding += f"; defined on the API but not attached: {', '.join(unattached)}"
    assert auth.authorized, finding


@check(
    id="APIGW-WAF-001",
    issue_type="Perimeter Defense Missing",
    severity=Severity.CRITICAL,
    title="Every stage is protected by AWS WAF",
    security_impact="Injection, bot and flood traffic reaches the backend unfiltered.",
    remediation=(
        "Associate an AWS WAFv2 web ACL (AWS managed rule groups plus a rate-based rule) with "
        "the REST API stage.",
        "HTTP and WebSocket APIs cannot have AWS WAF: " + WAF_UNSUPPORTED_REMEDIATION + ".",
    ),
    references=(
        "APIGateway.4",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html",
    ),
)
def test_stage_has_web_application_firewall(
    stage: RestStageTarget | V2StageTarget, evidence: dict[str, object]
) -> None:
    """Every stage is protected by AWS WAF

    Without a web ACL in front of it, a stage has no filtering of malicious requests and no
    rate-based blocking: all of it lands on the backend. AWS WAF can be associated with REST
    API stages only; HTTP and WebSocket APIs need CloudFront in front to get it.
    """
    status = waf_status(stage)
    evidence.update(waf_status=status, waf_supported=status != "UNSUPPORTED")
    if isinstance(stage, RestStageTarget):
        evidence["web_acl_arn"] = stage.stage.web_acl_arn
        assert status == "ENABLED", f"stage {label(stage)} has no AWS WAF web ACL (no webAclArn)"
        return
    evidence.update(
        disable_execute_api_endpoint=stage.api.disable_execute_api_endpoint,
        remediation=WAF_UNSUPPORTED_REMEDIATION,
    )
    assert status == "ENABLED", (
        f"{stage.api.api_type} API stage {label(stage)} cannot have AWS WAF attached: "
        f"{WAF_UNSUPPORTED_REMEDIATION}"
    )


@check(
    id="APIGW-CORS-001",
    issue_type="CORS Misconfiguration",
    severity=Severity.HIGH,
    title="Production APIs do not let any origin read their responses",
    security_impact="Any website a user visits can call the API from the browser and read "
    "the answers.",
    remediation=(
        "Answer Access-Control-Allow-Origin with the exact origins of your web applications, "
        "not '*': in OPTIONS integration responses, gateway responses (REST) or "
        "CorsConfiguration.AllowOrigins (HTTP).",
        "Never combine a wildcard origin with Access-Control-Allow-Credentials: true.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html",
    ),
)
def test_cors_does_not_allow_any_origin(
    resource: RestResourceTarget | V2StageTarget, cors: CorsExposure, evidence: dict[str, object]
) -> None:
    """Production APIs do not let any origin read their responses

    ``Access-Control-Allow-Origin: *`` tells browsers that every website may read the API's
    responses with the user's network position; with credentials allowed too, a malicious
    page can act as the signed-in user. Staging stages are tolerated.
    """
    evidence.update(
        environment=resource.environment,
        any_origin=cors.any_origin,
        wildcard_sources=list(cors.wildcard_sources),
        allow_credentials=cors.allow_credentials,
    )
    if cors.any_origin and cors.allow_credentials:
        evidence["credentials_with_wildcard"] = (
            "credentials are allowed together with a wildcard origin"
        )
    if resource.environment == "staging":
        if cors.any_origin:
            evidence["note"] = "a wildcard origin is tolerated on a staging stage"
        return
    finding = (
        f"{label(resource)} allows any origin (Access-Control-Allow-Origin '*' in "
        f"{', '.join(cors.wildcard_sources)})"
    )
    if cors.allow_credentials:
        finding += ", together with Access-Control-Allow-Credentials: true"
    assert not cors.any_origin, finding
