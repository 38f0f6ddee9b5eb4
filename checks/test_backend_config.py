"""What an API's configuration gives its backends: credentials written into it, and the
protocol its HTTP backends are reached over."""

from __future__ import annotations

import pytest

from checks import AWS_CONFIG, SECURITY_HUB, Severity, check
from checks.policy import BackendTransport, ConfigurationSecrets, NotApplicable, label, some
from collectors.targets import RestMethodTarget, RestStageTarget, V2RouteTarget, V2StageTarget


@check(
    id="APIGW-SECRET-001",
    issue_type="Secret in Configuration",
    severity=Severity.HIGH,
    security_impact="Anyone who can read the API's configuration (apigateway:GET, the "
    "console, exports, infrastructure code and its history) holds the credential, and it "
    "cannot be rotated without redeploying the API.",
    remediation=(
        "Keep the credential in AWS Secrets Manager (or SSM Parameter Store): AWS's advice is "
        "to pass sensitive data to integrations in the output of a Lambda authorizer, as stage "
        "variables are not intended for it; or let the backend read it itself, or "
        "authenticate API Gateway to an HTTP backend with a client certificate, IAM or a "
        "private integration instead of a static header.",
        "Rotate the exposed credential: it has been readable by everyone with read access "
        "to the API, and it stays in earlier deployments and exports.",
        "Remove it from the stage variables, the integration's request parameters, mapping "
        "templates or URI, and redeploy the stages that serve it.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/stage-variables.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.stage-variables.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-parameter-mapping.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html",
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/intro.html",
        "https://github.com/Yelp/detect-secrets",
    ),
    posture=("secrets_found",),
)
def test_configuration_holds_no_credential(
    stage: RestStageTarget | V2StageTarget,
    stage_secrets: ConfigurationSecrets,
    evidence: dict[str, object],
) -> None:
    """Stages and the integrations they serve hold no credential

    Stage variables, integration request parameters, mapping templates and URIs are
    configuration: readable by anyone with read access to API Gateway, copied into every
    deployment, export and infrastructure template. A password, token or key written there
    is exposed to all of them. The values are scanned at collection with detect-secrets (a
    canary's overrides of stage variables too; a static value of a header or query parameter
    that carries a credential by definition, such as Authorization, X-API-Key or
    access_token, is one whatever it looks like); the audit keeps, and reports, only where
    something looked like a credential and what kind, never the value. A canary deployment
    cannot be exported: its integrations are not scanned, and the evidence (not_scanned)
    says so.
    """
    found = stage_secrets.found
    evidence.update(
        secrets_found=list(found),
        judged_on=stage_secrets.judged_on,
        not_scanned=list(stage_secrets.not_scanned),
    )
    what = (
        "1 value that looks like a credential"
        if len(found) == 1
        else f"{len(found)} values that look like credentials"
    )
    assert not found, f"stage {label(stage)} holds {what}: {some(found)}"


@check(
    id="APIGW-TRANSPORT-001",
    issue_type="Backend Over Plaintext",
    severity=Severity.MEDIUM,
    security_impact="Requests (with the caller's headers and tokens) and answers travel "
    "between API Gateway and the backend unencrypted, readable and alterable on the way, "
    "inside a VPC as on the internet.",
    remediation=(
        "Point the integration at an https:// URI (REST and WebSocket, VPC links included: "
        "a URI with a secure server name, such as https://backend.example.com:443/path).",
        "Give an HTTP API private integration a TlsConfig (UpdateIntegration --tls-config "
        "ServerNameToVerify=<the backend certificate's name>), with a listener that "
        "terminates TLS.",
    ),
    references=(
        "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html#apigateway-10",
        "https://docs.aws.amazon.com/config/latest/developerguide/apigatewayv2-integration-private-https-enabled.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/private-integration.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-extensions-integration-tls-config.html",
    ),
    posture=("backend_protocol",),
    compliance={
        SECURITY_HUB: ("APIGateway.10",),
        AWS_CONFIG: ("apigatewayv2-integration-private-https-enabled",),
    },
)
def test_http_backend_is_reached_over_tls(
    operation: RestMethodTarget | V2RouteTarget,
    operation_transport: BackendTransport | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """HTTP backends are reached over TLS

    An HTTP or HTTP_PROXY integration speaks the scheme of its URI: http:// sends every
    request and answer in plaintext, through a VPC link as over the internet. A URI that
    starts with a stage variable (${stageVariables.baseUrl}/pets) speaks the scheme of that
    variable's value on the stage. An HTTP API's private integration uses HTTPS only when it
    has a TlsConfig.
    """
    if isinstance(operation_transport, NotApplicable):
        pytest.skip(operation_transport.reason)
    transport = operation_transport
    evidence.update(
        backend_protocol=transport.protocol,
        integration_type=transport.integration_type,
        connection_type=transport.connection_type,
        integration_uri=transport.uri,
        judged_on=operation.served_from,
    )
    if transport.tls_config is not None:
        evidence.update(tls_config=transport.tls_config, tls_server_name=transport.tls_server_name)
        problem = (
            f"reaches its private integration (VPC link, {transport.uri}) over plaintext HTTP: "
            "the integration has no TlsConfig"
        )
    else:
        through = " through its VPC link" if transport.private else ""
        variable = transport.scheme_variable
        evidence.update(scheme_from_stage_variable=variable)
        scheme = f", stage variable {variable} is an http:// URL" if variable else ""
        problem = (
            f"sends requests to its backend{through} over plaintext HTTP "
            f"({transport.integration_type} integration, URI {transport.uri}{scheme})"
        )
    assert not transport.plaintext, f"{label(operation)} {problem}"
