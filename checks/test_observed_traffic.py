"""What stages really served in the traffic window, from their own access logs (Logs Insights,
--traffic-days), held against what they declare: operations nobody calls, endpoints hidden
behind greedy paths, stages or methods answering mostly 4XX, and methods whose backend fails."""

from __future__ import annotations

import pytest

from checks import Severity, check
from checks.policy import (
    ATTACK_SHARE,
    FAILING_SHARE,
    ClientErrors,
    HiddenPaths,
    NotApplicable,
    OperationUse,
    ServerErrors,
    label,
    some,
)
from collectors.model import ObservedPath
from collectors.targets import RestMethodTarget, RestStageTarget, V2RouteTarget, V2StageTarget

ACCESS_LOGS_DOCS = (
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html"
)
HTTP_LOG_VARIABLES = (
    "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html"
)
LOGS_INSIGHTS_DOCS = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AnalyzingLogData.html"
)


def _template(path: ObservedPath) -> dict[str, object]:
    return {
        "method": path.method,
        "template": path.template,
        "requests_by_class": dict(path.requests_by_class),
        "distinct_paths": path.distinct_paths,
    }


@check(
    id="APIGW-TRAFFIC-001",
    issue_type="Zombie Endpoint",
    severity=Severity.LOW,
    security_impact="A deployed method nobody calls is attack surface with no user to notice "
    "it misbehave: its backend, authorization and validation stay reachable and unwatched.",
    remediation=(
        "Confirm with the API's owners that no client needs the method (the window may miss "
        "monthly or yearly jobs: raise --traffic-days), then delete it and redeploy the stage.",
        "If it must stay, require authorization on it and tag the API with its owner.",
    ),
    references=(
        "https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/",
        ACCESS_LOGS_DOCS,
        LOGS_INSIGHTS_DOCS,
    ),
    posture=("observed_requests", "last_request"),
)
def test_deployed_operation_is_called(
    operation: RestMethodTarget | V2RouteTarget,
    operation_traffic: OperationUse | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """Deployed methods and routes of a stage with traffic receive requests

    The stage's access logs say which of its methods or routes callers used in the window. A
    REST request counts for the method of its verb on its resource, else for the resource's
    ANY method; an HTTP or WebSocket request for its route key. A stage that received no
    request at all is not judged here (the unused API check judges it).
    """
    if isinstance(operation_traffic, NotApplicable):
        pytest.skip(operation_traffic.reason)
    evidence.update(
        observed_requests=operation_traffic.requests,
        last_request=operation_traffic.last_seen,
        requests_by_status_class=dict(operation_traffic.requests_by_class),
        stage_requests=operation_traffic.stage_requests,
        window_days=operation_traffic.days,
    )
    assert operation_traffic.requests, (
        f"{label(operation)} received no request in the last {operation_traffic.days} days "
        f"while its stage received {operation_traffic.stage_requests:,}"
    )


@check(
    id="APIGW-TRAFFIC-002",
    issue_type="Hidden Endpoints Behind Greedy Path",
    severity=Severity.MEDIUM,
    security_impact="The backend behind a greedy path answers endpoints the API definition "
    "does not name: they escape its per-method authorization, validation and throttling and "
    "every review of the definition.",
    remediation=(
        "Declare the endpoints callers use as their own resources or routes (with their "
        "authorization, validation and throttling), and let the greedy path answer nothing "
        "else, or have the backend reject paths it does not own.",
    ),
    references=(
        "https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-set-up-simple-proxy.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html",
        ACCESS_LOGS_DOCS,
    ),
    posture=("hidden_path_templates",),
)
def test_greedy_path_serves_no_undeclared_endpoint(
    greedy_operation: RestMethodTarget | V2RouteTarget,
    greedy_paths: HiddenPaths | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """Greedy resources and $default routes serve no endpoint the API does not declare

    A greedy resource ({proxy+}) or an HTTP API's $default route passes every path nothing
    more specific matches to its backend. The concrete paths callers used behind it, as
    templates (/users/4711 becomes /users/{id}; no concrete path is kept), are endpoints the
    definition hides. Only templates answered with something other than 4XX count: a backend
    answering 404 to a scanner's random paths exposes no endpoint (those are listed apart).
    """
    if isinstance(greedy_paths, NotApplicable):
        pytest.skip(greedy_paths.reason)
    evidence.update(
        hidden_path_templates=[_template(path) for path in greedy_paths.served],
        refused_path_templates=[_template(path) for path in greedy_paths.refused],
    )
    templates = [f"{path.method or ''} {path.template}".strip() for path in greedy_paths.served]
    assert not templates, (
        f"{label(greedy_operation)} serves {len(templates)} path "
        f"template{'s' if len(templates) > 1 else ''} the API does not declare: {some(templates)}"
    )


@check(
    id="APIGW-TRAFFIC-003",
    issue_type="Attack or Abuse Pattern",
    severity=Severity.HIGH,
    security_impact="Mostly 4XX answers mean callers probe the API (scanning, credential "
    "stuffing, enumeration) or a client is broken and retrying: both spend the backend's "
    "capacity and hide real attacks in the noise.",
    remediation=(
        "Look at the callers behind the 4XX responses ($context.identity.sourceIp in the "
        "access logs): block abusive ones with a web ACL (rate-based and IP set rules) and "
        "throttle the methods they target; fix or notify broken clients.",
    ),
    references=(
        "https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/",
        "https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html",
        HTTP_LOG_VARIABLES,
    ),
    posture=("client_error_share",),
)
def test_stage_answers_mostly_successes(
    stage: RestStageTarget | V2StageTarget,
    stage_client_errors: ClientErrors | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """Stages and their methods do not answer mostly 4XX

    4XX responses making half or more of a stage's requests, or of one method's or route's
    (as callers called it: a REST ANY method counts once per verb), are the mark of scanning,
    credential stuffing or broken clients. Judged from --traffic-min-requests requests up
    (default 100) in the traffic window.
    """
    if isinstance(stage_client_errors, NotApplicable):
        pytest.skip(stage_client_errors.reason)
    judged = stage_client_errors
    evidence.update(
        requests=judged.requests,
        client_error_share=judged.share,
        min_requests=judged.min_requests,
        operations_over_threshold=dict(judged.operations_over),
    )
    over = [f"{name} ({share:.0%})" for name, share in judged.operations_over.items()]
    answered = [f"to {judged.share:.0%} of its {judged.requests:,} requests"] * judged.stage_over
    if over:
        answered.append(f"to {ATTACK_SHARE:.0%} or more of the requests of {some(over)}")
    assert not judged.abused, f"stage {label(stage)} answered 4XX {' and '.join(answered)}"


@check(
    id="APIGW-TRAFFIC-004",
    issue_type="Backend Failing",
    severity=Severity.MEDIUM,
    security_impact="5XX answers mean the integration behind the method fails (errors, "
    "timeouts, throttling, bad responses): callers lose requests, retries add load, and "
    "error responses may leak backend details.",
    remediation=(
        "Find the failing integration in the stage's access logs ($context.integrationStatus, "
        "$context.integrationErrorMessage) or execution logs, and fix the backend's errors, "
        "its timeouts (APIGW-TIMEOUT-001) or its capacity.",
        "Alarm on the method's 5XXError metric so the next failure is seen when it starts.",
    ),
    references=(
        "https://repost.aws/knowledge-center/api-gateway-5xx-error",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html",
        HTTP_LOG_VARIABLES,
    ),
    posture=("server_error_share",),
)
def test_operation_backend_answers_without_server_errors(
    operation: RestMethodTarget | V2RouteTarget,
    operation_server_errors: ServerErrors | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """Methods and routes do not answer 5XX to 5% or more of their requests

    A method or route whose requests (attributed as for the zombie check: a REST request to
    the method of its verb, else to its resource's ANY method) end in 5XX for 5% or more has
    a failing backend. Judged from --traffic-min-requests requests up (default 100, the
    minimum APIGW-TRAFFIC-003 uses) in the traffic window.
    """
    if isinstance(operation_server_errors, NotApplicable):
        pytest.skip(operation_server_errors.reason)
    judged = operation_server_errors
    evidence.update(
        requests=judged.requests,
        server_errors=judged.server_errors,
        server_error_share=judged.share,
        requests_by_status_class=dict(judged.requests_by_class),
        min_requests=judged.min_requests,
        window_days=judged.days,
    )
    assert not judged.failing, (
        f"{label(operation)} answered 5XX to {judged.share:.0%} of its {judged.requests:,} "
        f"requests in the last {judged.days} days ({FAILING_SHARE:.0%} or more)"
    )
