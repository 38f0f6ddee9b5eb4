"""Behind the gateway: integration timeouts, response caching and X-Ray tracing."""

from __future__ import annotations

import pytest

from checks import SECURITY_HUB, Severity, check
from checks.policy import (
    caching_status,
    integration_timeout_ms,
    label,
    xray_tracing,
)
from collectors.model import LambdaFunction
from collectors.targets import RestMethodTarget, RestStageTarget, V2RouteTarget, V2StageTarget


@check(
    id="APIGW-TIMEOUT-001",
    issue_type="Backend Timeout Risk",
    severity=Severity.MEDIUM,
    security_impact="Clients get a 504 while the function keeps running, billing, and "
    "possibly completing work the client will retry.",
    remediation=(
        "Set the function's timeout at or below the integration timeout (29 s by default for "
        "REST, 30 s for HTTP APIs), or raise timeoutInMillis where AWS allows it.",
        "Move long work to an asynchronous flow (queue, Step Functions) and answer at once.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html",
    ),
    posture=("function_arn", "function_timeout_ms", "integration_timeout_ms"),
)
def test_backend_finishes_before_integration_timeout(
    lambda_operation: RestMethodTarget | V2RouteTarget,
    backend_function: LambdaFunction,
    evidence: dict[str, object],
) -> None:
    """Lambda backends finish before the integration times out

    API Gateway stops waiting after the integration timeout and answers 504, but the Lambda
    function runs on until its own timeout: the client sees an error, retries, and the
    account pays for work whose answer nobody reads.
    """
    integration_ms = integration_timeout_ms(lambda_operation)
    function_ms = backend_function.timeout_seconds * 1000
    evidence.update(
        function_arn=backend_function.arn,
        function_timeout_ms=function_ms,
        integration_timeout_ms=integration_ms,
    )
    assert function_ms <= integration_ms, (
        f"{label(lambda_operation)} stops waiting after {integration_ms / 1000:g} s but its "
        f"Lambda function {backend_function.arn.rpartition(':function:')[2]} may run for "
        f"{backend_function.timeout_seconds} s"
    )


@check(
    id="APIGW-CACHE-001",
    issue_type="Performance Blind Spot",
    severity=Severity.LOW,
    security_impact="Every read reaches the backend, adding latency and cost and leaving it "
    "exposed to load a cache would absorb.",
    remediation=(
        "Enable the stage cache cluster and cachingEnabled for GET methods (methodSettings "
        "*/* or the method's own key), with a TTL the data tolerates.",
        "Encrypt the cache if responses hold sensitive data.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html",
    ),
    posture=("caching",),
)
def test_read_operation_is_cached(
    read_operation: RestMethodTarget | V2RouteTarget, evidence: dict[str, object]
) -> None:
    """Read operations are cached on the stage

    A GET answered from the stage cache costs the backend nothing and returns faster; without
    it every read is a backend call. Caching needs the stage's cache cluster and the method's
    effective cachingEnabled (its own setting, else the stage default */*).
    """
    if not isinstance(read_operation, RestMethodTarget):
        pytest.skip("HTTP APIs have no response caching: cache in CloudFront or the backend")
    status = caching_status(read_operation)
    key = read_operation.settings_key
    evidence.update(
        caching=status,
        cache_cluster_enabled=read_operation.stage.cache_cluster_enabled,
        cache_cluster_size=read_operation.stage.cache_cluster_size,
        method_settings_key=key,
    )
    path, method = read_operation.resource.path, read_operation.method.http_method
    own, _ = read_operation.stage.settings_for(path, method)
    decided_by = (
        f"the method setting for {method} {path}"
        if own is not None and own.caching_enabled is not None
        else "the stage-wide default (*/*)"
    )
    reason = {
        "CLUSTER_OFF": f"stage {read_operation.stage.name} has no cache cluster",
        "DISABLED": f"cachingEnabled is off in {decided_by}",
    }
    assert status == "ENABLED", f"{label(read_operation)} is not cached: {reason.get(status)}"


@check(
    id="APIGW-TRACE-001",
    issue_type="Tracing Deficit",
    severity=Severity.MEDIUM,
    security_impact="Without traces, slow or failing calls and abuse patterns cannot be "
    "followed through the gateway to the backend.",
    remediation=("Enable X-Ray tracing on the stage (tracingEnabled=true).",),
    references=(
        "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html#apigateway-3",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-xray.html",
    ),
    posture=("tracing",),
    compliance={
        SECURITY_HUB: ("APIGateway.3",),
        "NIST.800-53.r5": ("CA-7",),
    },
)
def test_stage_traces_requests(
    stage: RestStageTarget | V2StageTarget, evidence: dict[str, object]
) -> None:
    """Stages trace requests with AWS X-Ray

    X-Ray traces follow each request from the gateway through its integration, so latency,
    errors and unusual call patterns can be investigated after the fact.
    """
    status = xray_tracing(stage)
    if status == "UNSUPPORTED":
        pytest.skip("HTTP and WebSocket APIs do not support AWS X-Ray tracing")
    evidence["tracing"] = status
    assert status == "ENABLED", (
        f"stage {label(stage)} does not trace requests (tracingEnabled=false)"
    )
