"""Stage hardening, what a stage records: execution logs, full request logging, detailed
metrics.

Each judges every method or route the stage serves, as its own setting, else the stage's
default, else AWS's resolves it: one finding per stage, listing the methods or routes.
"""

from __future__ import annotations

import pytest

from checks import AWS_CONFIG, SECURITY_HUB, Severity, check
from checks.policy import (
    DetailedMetrics,
    ExecutionLogging,
    NotApplicable,
    judged_on,
    label,
    operations,
    some,
)
from collectors.targets import RestStageTarget, V2StageTarget


@check(
    id="APIGW-LOG-001",
    issue_type="Execution Logging Disabled",
    severity=Severity.MEDIUM,
    security_impact="Authorizer denials, integration errors and throttling leave no trace in "
    "CloudWatch Logs: an incident on the stage cannot be investigated after the fact.",
    remediation=(
        "Set loggingLevel to ERROR or INFO for the stage (REST: methodSettings */*; "
        "WebSocket: DefaultRouteSettings.LoggingLevel) and for every method or route that "
        "has settings of its own, which replace the stage's.",
        "Give API Gateway a CloudWatch Logs role in every region it logs in (UpdateAccount "
        "cloudwatchRoleArn: a role apigateway.amazonaws.com can assume, with the managed "
        "policy AmazonAPIGatewayPushToCloudWatchLogs).",
    ),
    references=(
        "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html#apigateway-1",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-logging.html",
    ),
    posture=("logging_levels", "cloudwatch_role_arn"),
    compliance={
        SECURITY_HUB: ("APIGateway.1",),
        AWS_CONFIG: ("api-gw-execution-logging-enabled",),
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
    },
)
def test_stage_writes_execution_logs(
    stage: RestStageTarget | V2StageTarget,
    stage_execution_logging: ExecutionLogging | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """Stages write execution logs for every method and route

    Execution logs record what API Gateway did with each request: authorizer results,
    integration errors, throttling. Every method (REST) or route (WebSocket) the stage serves
    must log at ERROR or INFO, and the region's API Gateway account must name a CloudWatch
    role, without which no log is written at all, whatever the stage says. HTTP APIs have no
    execution logs.
    """
    logging = stage_execution_logging
    if isinstance(logging, NotApplicable):
        pytest.skip(logging.reason)
    unlogged = logging.unlogged
    evidence.update(
        logging_levels=sorted(set(logging.levels.values())),
        unlogged=unlogged,
        operations=len(logging.levels),
        judged_on=judged_on(stage),
    )
    if logging.configured:
        evidence["cloudwatch_role_arn"] = logging.cloudwatch_role_arn
    problems = []
    if unlogged:
        problems.append(
            f"no execution logs for {len(unlogged)} of {operations(len(logging.levels), stage)}: "
            + some([f"{op} ({level})" for op, level in unlogged.items()])
        )
    if logging.role_missing:
        problems.append(
            f"API Gateway in {stage.api.region} has no CloudWatch role (cloudwatchRoleArn), so "
            "the logging configured writes nothing"
        )
    assert not problems, f"stage {label(stage)}: " + "; ".join(problems)


@check(
    id="APIGW-LOG-002",
    issue_type="Full Request Logging in Production",
    severity=Severity.HIGH,
    security_impact="Full request and response bodies, tokens and personal data included, "
    "are written to CloudWatch Logs, readable by anyone who can read the log group.",
    remediation=(
        "Turn off dataTraceEnabled (the console's 'Full request and response logs') for the "
        "stage and every method or route of a production stage; keep loggingLevel ERROR or "
        "INFO.",
        "Trace data on a staging stage when debugging, and turn it off afterwards.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
        "https://docs.aws.amazon.com/apigateway/latest/api/API_MethodSetting.html",
    ),
    posture=("full_request_logging",),
)
def test_production_stage_does_not_log_full_requests(
    stage: RestStageTarget | V2StageTarget,
    traced_operations: list[str] | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """Production stages do not log full requests and responses

    With dataTraceEnabled, API Gateway writes each request's and response's headers and body
    to CloudWatch Logs: credentials, session tokens and customer data end up in logs kept
    longer and read more widely than the systems they came from. AWS recommends against it
    in production. Every method or route of a production REST or WebSocket stage is judged.
    """
    if isinstance(traced_operations, NotApplicable):
        pytest.skip(traced_operations.reason)
    evidence.update(
        full_request_logging=bool(traced_operations),
        traced=traced_operations,
        judged_on=judged_on(stage),
    )
    assert not traced_operations, (
        f"production stage {label(stage)} logs full requests and responses (dataTraceEnabled) "
        f"of {operations(len(traced_operations), stage)}: {some(traced_operations)}"
    )


@check(
    id="APIGW-METRICS-001",
    issue_type="Detailed Metrics Disabled",
    severity=Severity.LOW,
    security_impact="A failing, slow or abused method cannot be told apart from the stage "
    "total: alarms and investigations see only the sum.",
    remediation=(
        "Enable detailed CloudWatch metrics for the stage (REST: methodSettings */* "
        "metricsEnabled; HTTP and WebSocket: DefaultRouteSettings.DetailedMetricsEnabled) and "
        "for every method or route that has settings of its own.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html",
    ),
    posture=("detailed_metrics",),
)
def test_production_stage_has_detailed_metrics(
    stage: RestStageTarget | V2StageTarget,
    stage_detailed_metrics: DetailedMetrics | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """Production stages publish metrics per method and route

    Without detailed metrics CloudWatch counts requests, errors and latency for the stage as
    a whole: an error spike or a flood on one method is diluted in the total. Every method
    (metricsEnabled) or route (DetailedMetricsEnabled) of a production stage is judged.
    """
    metrics = stage_detailed_metrics
    if isinstance(metrics, NotApplicable):
        pytest.skip(metrics.reason)
    evidence.update(
        detailed_metrics=not metrics.without,
        without_detailed_metrics=list(metrics.without),
        operations=metrics.operations,
        judged_on=judged_on(stage),
    )
    assert not metrics.without, (
        f"production stage {label(stage)} publishes no metrics of their own for "
        f"{len(metrics.without)} of {operations(metrics.operations, stage)}: "
        f"{some(metrics.without)}"
    )
