"""Who can call the API: authorization, the perimeter (AWS WAF) and browser origins (CORS)."""

from __future__ import annotations

import pytest

from checks import SECURITY_HUB, Severity, check
from checks.policy import Authorization, CorsExposure, Perimeter, label
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
FRONT_WITH_CLOUDFRONT = (
    "put a CloudFront distribution with an AWS WAF web ACL in front of a custom domain "
    "that maps the stage, and disable the default execute-api endpoint "
    "(disableExecuteApiEndpoint)"
)


def _unattached_authorizers(operation: RestMethodTarget | V2RouteTarget) -> list[str]:
    """Authorizers the served definition has: none of them protects this operation."""
    return sorted(a.name or a.id for a in operation.definition.authorizers)


@check(
    id="APIGW-AUTH-001",
    issue_type="Authorization Gap",
    severity=Severity.CRITICAL,
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
        "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html#apigateway-8",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html",
    ),
    posture=("authorization_type", "api_key_required", "network_restriction"),
    compliance={
        SECURITY_HUB: ("APIGateway.8",),
        "NIST.800-53.r5": ("AC-3", "CM-2", "CM-2(2)"),
    },
)
def test_operation_requires_authorization(
    operation: RestMethodTarget | V2RouteTarget,
    operation_authorization: Authorization,
    evidence: dict[str, object],
) -> None:
    """Every operation requires authorization

    A method or route whose authorization type is NONE answers anyone on the internet. An
    authorizer that exists on the API but is not attached to the operation protects nothing,
    and an API key is an identifier, not a credential. A PRIVATE REST API whose resource
    policy admits only callers from a VPC endpoint is controlled at the network level. A
    canary taking part of a REST stage's traffic is judged too: the more open of the two
    deployments decides.
    """
    auth = operation_authorization
    evidence.update(
        authorization_type=auth.authorization_type,
        authorizer_id=auth.authorizer_id,
        api_key_required=auth.api_key_required,
        network_restriction=auth.network_restriction,
        judged_on=operation.served_from,
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
    unattached = [] if auth.via_canary else _unattached_authorizers(operation)
    evidence["authorizers_defined_not_attached"] = unattached
    if unattached:
        finding += f"; defined on the API but not attached: {', '.join(unattached)}"
    assert auth.authorized, finding


@check(
    id="APIGW-WAF-001",
    issue_type="Perimeter Defense Missing",
    severity=Severity.CRITICAL,
    security_impact="Injection, bot and flood traffic reaches the backend unfiltered.",
    remediation=(
        "REST APIs: associate an AWS WAFv2 web ACL (AWS managed rule groups plus a rate-based "
        "rule) with the stage.",
        "HTTP and WebSocket APIs cannot have AWS WAF associated: " + FRONT_WITH_CLOUDFRONT + ".",
        "PRIVATE REST APIs: limit execute-api:Invoke in the resource policy to your VPC "
        "endpoints (aws:SourceVpce).",
    ),
    references=(
        "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html#apigateway-4",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vs-rest.html",
    ),
    posture=("protected_by", "open_ways_in"),
    compliance={
        SECURITY_HUB: ("APIGateway.4",),
        "NIST.800-53.r5": ("AC-4(21)",),
    },
)
def test_stage_has_web_application_firewall(
    stage: RestStageTarget | V2StageTarget,
    stage_perimeter: Perimeter,
    evidence: dict[str, object],
) -> None:
    """Every way into a stage goes through AWS WAF

    Without a web ACL in front of it, a stage has no filtering of malicious requests and no
    rate-based blocking: all of it lands on the backend. A REST stage can have its own web
    ACL; otherwise (and always for HTTP and WebSocket APIs, which AWS WAF cannot be attached
    to) every way in must be covered: the default execute-api endpoint disabled, and each
    custom domain mapping the stage behind a CloudFront distribution with a web ACL. A PRIVATE
    API whose resource policy admits only named VPC endpoints has the network as perimeter.
    """
    evidence.update(
        protected=stage_perimeter.protected,
        protected_by=list(stage_perimeter.protected_by),
        open_ways_in=list(stage_perimeter.open_ways_in),
        disable_execute_api_endpoint=stage.api.disable_execute_api_endpoint,
    )
    if isinstance(stage, RestStageTarget):
        evidence["web_acl_arn"] = stage.stage.web_acl_arn
    remedy = (
        "associate a web ACL with the stage, or " + FRONT_WITH_CLOUDFRONT
        if isinstance(stage, RestStageTarget) and "PRIVATE" not in stage.api.endpoint_types
        else FRONT_WITH_CLOUDFRONT
    )
    if isinstance(stage, RestStageTarget) and "PRIVATE" in stage.api.endpoint_types:
        remedy = "limit the resource policy to your VPC endpoints (aws:SourceVpce)"
    assert stage_perimeter.protected, (
        f"stage {label(stage)} is reachable without AWS WAF through "
        f"{'; '.join(stage_perimeter.open_ways_in)}: {remedy}"
    )


@check(
    id="APIGW-CORS-001",
    issue_type="CORS Misconfiguration",
    severity=Severity.HIGH,
    security_impact="Any website a user visits can call the API from the browser and read "
    "the answers; with credentials, as the signed-in user.",
    remediation=(
        "Answer Access-Control-Allow-Origin with the exact origins of your web applications, "
        "not '*' and never the caller's own Origin: in OPTIONS integration responses, gateway "
        "responses (REST) or CorsConfiguration.AllowOrigins (HTTP).",
        "Never combine a wildcard or reflected origin with Access-Control-Allow-Credentials: true.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html",
    ),
    posture=("any_origin", "allow_credentials", "wildcard_sources", "reflected_origin_sources"),
)
def test_cors_does_not_allow_any_origin(
    resource: RestResourceTarget | V2StageTarget, cors: CorsExposure, evidence: dict[str, object]
) -> None:
    """Browsers are not told that any origin may read the responses

    ``Access-Control-Allow-Origin: *`` on a production stage lets every website read the
    API's responses from a user's browser (tolerated on staging). Reflecting the caller's own
    ``Origin`` together with ``Access-Control-Allow-Credentials: true`` is worse: any site
    can read authenticated responses (browsers refuse ``*`` with credentials, not a reflected
    origin), so it is a finding on every audited stage, staging included.
    """
    evidence.update(
        environment=resource.environment,
        any_origin=cors.any_origin,
        wildcard_sources=list(cors.wildcard_sources),
        reflected_origin_sources=list(cors.reflected_sources),
        allow_credentials=cors.allow_credentials,
    )
    if cors.decided_by_backend:
        evidence["origin_policy"] = cors.decided_by_backend
    assert not cors.reflects_origin_with_credentials, (
        f"{label(resource)} echoes the caller's Origin back with "
        f"Access-Control-Allow-Credentials: true (in {', '.join(cors.reflected_sources)}): "
        "any website can read authenticated responses"
    )
    if resource.environment == "staging" or not cors.any_origin:
        if cors.any_origin:
            evidence["note"] = "a wildcard origin is tolerated on a staging stage"
        if cors.decided_by_backend:
            # Not a clean pass: what browsers are told is decided where this cannot see.
            pytest.skip(cors.decided_by_backend)
        return
    finding = (
        f"{label(resource)} allows any origin (Access-Control-Allow-Origin '*' in "
        f"{', '.join(cors.wildcard_sources)})"
    )
    if cors.allow_credentials:
        finding += ", together with Access-Control-Allow-Credentials: true"
    assert not cors.any_origin, finding
