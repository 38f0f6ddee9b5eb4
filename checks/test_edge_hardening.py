"""Stage hardening at the stage's edges: the access logs it writes and the certificate it
presents to its backends.

Both are judged with what the stage refers to beyond API Gateway, read once per distinct
resource: the CloudWatch Logs group its access logs go to, and its client certificate.
"""

from __future__ import annotations

import pytest

from checks import AWS_CONFIG, SECURITY_HUB, Severity, check
from checks.policy import (
    EXPIRY_WARNING,
    AccessLogging,
    BackendAuthentication,
    NotApplicable,
    judged_on,
    label,
    some,
)
from collectors.targets import RestStageTarget, V2StageTarget


@check(
    id="APIGW-LOG-003",
    issue_type="Access Logging Missing",
    severity=Severity.MEDIUM,
    security_impact="Who called the API, from where, and what they got cannot be established "
    "after an incident: no access log, one that is never written, or one that leaves out the "
    "caller, the source or the answer.",
    remediation=(
        "Set the stage's access logging (REST: accessLogSettings; HTTP and WebSocket: "
        "AccessLogSettings) to a CloudWatch Logs group or a Firehose delivery stream.",
        "Create the destination log group if it is missing and give it a retention period "
        "(PutRetentionPolicy) that your incident response and compliance need.",
        "REST and WebSocket APIs: set the region's CloudWatch Logs role (UpdateAccount "
        "/cloudwatchRoleArn, a role API Gateway can assume with "
        "AmazonAPIGatewayPushToCloudWatchLogs).",
        "Use a format that records the request id, source IP, caller identity, method, path "
        "or route and status, e.g. AWS's JSON example with $context.requestId, "
        "$context.identity.sourceIp, $context.identity.caller (or $context.authorizer."
        "principalId), $context.httpMethod, $context.resourcePath (HTTP and WebSocket: "
        "$context.routeKey) and $context.status.",
    ),
    references=(
        "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html#apigateway-9",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-access-logging.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-logging.html",
    ),
    posture=("access_log_destination", "access_log_retention_days", "access_log_missing"),
    compliance={
        SECURITY_HUB: ("APIGateway.9",),
        AWS_CONFIG: ("apigateway-stage-access-logs-enabled", "api-gwv2-access-logs-enabled"),
        "NIST.800-53.r5": (
            "AC-4(26)",
            "AU-10",
            "AU-12",
            "AU-2",
            "AU-3",
            "AU-6(3)",
            "AU-6(4)",
            "CA-7",
            "SC-7(9)",
            "SI-7(8)",
        ),
        "PCI DSS v4.0.1": ("10.4.2",),
    },
)
def test_stage_writes_useful_access_logs(
    stage: RestStageTarget | V2StageTarget,
    stage_access_logging: AccessLogging,
    evidence: dict[str, object],
) -> None:
    """Stages write access logs that are kept and say who did what

    Access logs are the record of every request a stage answered: the trail an incident
    investigation follows. They must go somewhere that exists (a missing log group receives
    nothing, and so does one a REST or WebSocket stage writes to without the region's
    CloudWatch Logs role), be kept for a set time (a group without retention keeps them, and
    bills them, forever), and record the request id, source IP, caller identity, method, path
    or route and status of each request.
    """
    logging = stage_access_logging
    evidence["access_log_destination"] = logging.destination
    assert logging.destination is not None, (
        f"stage {label(stage)} writes no access logs (no access log destination)"
    )
    group = logging.log_group
    evidence.update(
        destination_type=logging.destination_type,
        access_log_format=logging.log_format,
        access_log_missing=[needed.what for needed in logging.missing],
        missing_variables={needed.what: needed.names() for needed in logging.missing},
    )
    if group is not None:
        evidence.update(
            log_group=group.name,
            log_group_exists=group.exists,
            access_log_retention_days=group.retention_days,
        )
    if logging.worth_recording:
        evidence["also_worth_recording"] = [n.describe() for n in logging.worth_recording]
    problems = []
    if group is not None and not group.exists:
        problems.append(
            f"access logs go to log group {group.name}, which does not exist in {group.region}: "
            "nothing is written"
        )
    elif group is not None and logging.role_missing:
        problems.append(
            f"access logs go to log group {group.name}, but the region's API Gateway account "
            "settings name no CloudWatch Logs role (cloudwatchRoleArn): nothing is written"
        )
    elif group is not None and logging.kept_forever:
        problems.append(
            f"access logs go to log group {group.name}, which keeps them forever (no retention "
            "period set)"
        )
    if logging.missing:
        problems.append(
            "the access-log format does not record "
            + "; ".join(needed.describe() for needed in logging.missing)
        )
    assert not problems, f"stage {label(stage)}: " + "; ".join(problems)


@check(
    id="APIGW-CERT-001",
    issue_type="Backend Not Authenticated",
    severity=Severity.MEDIUM,
    security_impact="An HTTP backend cannot tell API Gateway's requests from anyone else's: "
    "a caller who finds the backend bypasses the gateway's authorization, throttling and WAF.",
    remediation=(
        "Generate a client certificate (GenerateClientCertificate) and set it on the stage "
        "(REST: clientCertificateId; WebSocket: ClientCertificateId with apigatewayv2 "
        "UpdateStage); configure the backend to accept only requests presenting it.",
        "Rotate a certificate before it expires (AWS's expire after 365 days): generate a new "
        "one, trust it on the backend, set it on the stage, then retire the old one.",
    ),
    references=(
        "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html#apigateway-2",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/getting-started-client-side-ssl-authentication.html",
        "https://docs.aws.amazon.com/config/latest/developerguide/api-gw-ssl-enabled.html",
    ),
    posture=("client_certificate_id", "client_certificate_expires"),
    compliance={
        SECURITY_HUB: ("APIGateway.2",),
        AWS_CONFIG: ("api-gw-ssl-enabled",),
        "NIST.800-53.r5": (
            "AC-17(2)",
            "AC-4",
            "IA-5(1)",
            "SC-12(3)",
            "SC-13",
            "SC-23",
            "SC-23(3)",
            "SC-7(4)",
            "SC-8",
            "SC-8(1)",
            "SC-8(2)",
            "SI-7(6)",
        ),
        "NIST.800-171.r2": ("3.13.15",),
    },
)
def test_stage_authenticates_to_http_backends(
    stage: RestStageTarget | V2StageTarget,
    backend_auth: BackendAuthentication | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """REST and WebSocket stages present a valid client certificate to HTTP backends

    A client certificate lets an HTTP backend accept only requests that come through API
    Gateway, so the gateway's authorization, throttling and web ACL cannot be bypassed by
    calling the backend directly. The stage must present one to the HTTP and HTTP_PROXY
    integrations it serves, and it must not have expired or expire within 30 days. HTTP APIs
    cannot present one.
    """
    if isinstance(backend_auth, NotApplicable):
        pytest.skip(backend_auth.reason)
    certificate = backend_auth.certificate
    expires = certificate.expiration_date if certificate is not None else None
    evidence.update(
        client_certificate_id=certificate.id if certificate is not None else None,
        client_certificate_expires=expires,
        http_methods=list(backend_auth.http_methods),
        judged_on=judged_on(stage),
    )
    if backend_auth.expires_in is not None:
        evidence["days_to_expiry"] = backend_auth.expires_in.days
    methods = backend_auth.http_methods
    noun = "route" if isinstance(stage, V2StageTarget) else "method"
    assert certificate is not None, (
        f"stage {label(stage)} presents no client certificate to the HTTP backends of "
        f"{len(methods)} {noun}{'' if len(methods) == 1 else 's'}: {some(methods)}"
    )
    day = (expires or "")[:10]
    assert not backend_auth.expired, (
        f"stage {label(stage)} presents client certificate {certificate.id}, which expired on {day}"
    )
    assert not backend_auth.expiring, (
        f"stage {label(stage)} presents client certificate {certificate.id}, which expires "
        f"on {day}, within {EXPIRY_WARNING.days} days of the collection: rotate it"
    )
