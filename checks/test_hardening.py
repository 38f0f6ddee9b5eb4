"""Stage hardening: execution logs, full request logging, detailed metrics and the cache.

Each judges every method or route the stage serves, as its own setting, else the stage's
default, else AWS's resolves it: one finding per stage, listing the methods or routes.
"""

from __future__ import annotations

import pytest

from checks import Severity, check
from checks.policy import (
    CacheCluster,
    CachedMethods,
    DetailedMetrics,
    ExecutionLogging,
    NotApplicable,
    SharedCache,
    judged_on,
    label,
    some,
)
from collectors.targets import RestStageTarget, V2StageTarget


def _operations(count: int, stage: RestStageTarget | V2StageTarget) -> str:
    """``1 method``, ``3 routes``: what the stage serves, counted."""
    noun = "method" if isinstance(stage, RestStageTarget) else "route"
    return f"{count} {noun}{'' if count == 1 else 's'}"


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
        "APIGateway.1",
        "api-gw-execution-logging-enabled",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-logging.html",
    ),
    posture=("logging_levels", "cloudwatch_role_arn"),
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
            f"no execution logs for {len(unlogged)} of {_operations(len(logging.levels), stage)}: "
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
        f"of {_operations(len(traced_operations), stage)}: {some(traced_operations)}"
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
        f"{len(metrics.without)} of {_operations(metrics.operations, stage)}: "
        f"{some(metrics.without)}"
    )


@check(
    id="APIGW-CACHE-002",
    issue_type="Cache Not Encrypted",
    severity=Severity.MEDIUM,
    security_impact="Cached responses, personal data included, are kept unencrypted at rest "
    "in the stage's cache cluster.",
    remediation=(
        "Enable cacheDataEncrypted for the stage (methodSettings */*, the console's 'Encrypt "
        "cache data') and for every caching method that has settings of its own.",
    ),
    references=(
        "APIGateway.5",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html",
    ),
    posture=("cache_encrypted",),
)
def test_stage_cache_is_encrypted(
    rest_stage: RestStageTarget,
    cache_encryption: CachedMethods | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """Cached responses are encrypted at rest

    A REST stage's cache cluster holds the responses of every method that caches; each such
    method's cache must be encrypted (cacheDataEncrypted), not just one of them.
    """
    if isinstance(cache_encryption, NotApplicable):
        pytest.skip(cache_encryption.reason)
    unencrypted = list(cache_encryption.lacking)
    evidence.update(
        cache_encrypted=not unencrypted,
        cached_methods=list(cache_encryption.cached),
        unencrypted=unencrypted,
        judged_on=judged_on(rest_stage),
    )
    assert not unencrypted, (
        f"stage {label(rest_stage)} caches the responses of "
        f"{_operations(len(unencrypted), rest_stage)} unencrypted (cacheDataEncrypted false): "
        f"{some(unencrypted)}"
    )


@check(
    id="APIGW-CACHE-003",
    issue_type="Cached Response Shared Across Callers",
    severity=Severity.HIGH,
    security_impact="An authorized caller receives the response cached for another caller: "
    "one customer's data served to the next.",
    remediation=(
        "Add each of the authorizer's identity sources (e.g. method.request.header."
        "Authorization) to the method's cache key: declare it as a method request parameter "
        "and list it in the integration's cacheKeyParameters; then redeploy.",
        "Or turn caching off for methods whose responses depend on the caller.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html",
    ),
    posture=("cache_keyed_by_caller",),
)
def test_cached_responses_are_keyed_by_caller(
    rest_stage: RestStageTarget,
    cache_keys: SharedCache | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """Cached responses of authorized methods are keyed by the caller

    API Gateway looks a cached response up by the method's cache key only. On a method behind
    a Lambda or Cognito authorizer, each caller is authorized and then, unless the cache key
    includes the authorizer's identity source (the token header), answered with whatever was
    cached for the previous caller. Judged on the deployment the stage serves.
    """
    if isinstance(cache_keys, NotApplicable):
        pytest.skip(cache_keys.reason)
    shared = {operation: list(missing) for operation, missing in cache_keys.shared.items()}
    evidence.update(
        cache_keyed_by_caller=not shared,
        cached_authorized_methods=list(cache_keys.cached),
        shared=shared,
        judged_on=judged_on(rest_stage),
    )
    assert not shared, (
        f"stage {label(rest_stage)} caches the responses of "
        f"{_operations(len(shared), rest_stage)} behind an authorizer without the caller in "
        "the cache key: "
        + some([f"{op} (lacks {', '.join(missing)})" for op, missing in shared.items()])
    )


@check(
    id="APIGW-CACHE-004",
    issue_type="Cache Flush Without Authorization",
    severity=Severity.MEDIUM,
    security_impact="Any client can bypass or refresh the cache with Cache-Control: max-age=0 "
    "and put the full load on the backend, defeating the cache as a shield.",
    remediation=(
        "Enable requireAuthorizationForCacheControl for the stage (methodSettings */*) and for "
        "every caching method that has settings of its own, and grant "
        "execute-api:InvalidateCache only to the callers that need it.",
        "Choose how unauthorized requests are answered "
        "(unauthorizedCacheControlHeaderStrategy, e.g. FAIL_WITH_403).",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html",
    ),
    posture=("cache_control_requires_authorization",),
)
def test_cache_control_requires_authorization(
    rest_stage: RestStageTarget,
    cache_control: CachedMethods | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """Only authorized callers can flush or bypass the cache

    A request with Cache-Control: max-age=0 makes API Gateway skip the cache entry and fetch a
    fresh response. Unless the method requires authorization for it, any client can do so on
    every request, and the cache no longer protects the backend.
    """
    if isinstance(cache_control, NotApplicable):
        pytest.skip(cache_control.reason)
    unguarded = list(cache_control.lacking)
    evidence.update(
        cache_control_requires_authorization=not unguarded,
        cached_methods=list(cache_control.cached),
        unguarded=unguarded,
        judged_on=judged_on(rest_stage),
    )
    assert not unguarded, (
        f"stage {label(rest_stage)} lets any client flush or bypass the cache of "
        f"{_operations(len(unguarded), rest_stage)} (requireAuthorizationForCacheControl "
        f"false): {some(unguarded)}"
    )


@check(
    id="APIGW-CACHE-005",
    issue_type="Idle Cache Cluster",
    severity=Severity.FINOPS,
    security_impact="The stage pays for a cache cluster by the hour while no method caches "
    "anything in it.",
    remediation=(
        "Turn off the stage's cache cluster (cacheClusterEnabled false), or enable caching "
        "for the methods it was provisioned for.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html",
        "https://aws.amazon.com/api-gateway/pricing/",
    ),
    posture=("cache_cluster_size", "cache_monthly_cost_usd"),
)
def test_cache_cluster_is_used(
    rest_stage: RestStageTarget,
    stage_cache_cluster: CacheCluster,
    evidence: dict[str, object],
) -> None:
    """Provisioned cache clusters cache something

    A stage's cache cluster is billed by the hour for as long as it is provisioned, whether
    or not any method caches. A cluster whose stage serves no caching method (for the stage
    default caches GET methods only, other methods by their own setting) is money for
    nothing. The estimate uses us-east-1 prices unless --cache-price-per-hour says otherwise.
    """
    cluster = stage_cache_cluster
    cost = cluster.monthly_cost
    evidence.update(
        cache_cluster_size=cluster.size,
        cache_monthly_cost_usd=cost if cost is not None else "unknown",
        cached_methods=list(cluster.cached),
    )
    estimate = f"about ${cost:,.2f} a month" if cost is not None else "an unknown amount"
    assert not cluster.idle, (
        f"stage {label(rest_stage)} pays {estimate} for a {cluster.size or '?'} GB cache "
        "cluster that no method uses"
    )
