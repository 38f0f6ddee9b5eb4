"""What checks need beyond their own target, as fixtures.

Data that may not have been collected is fetched here, in fixtures, never in a check's body:
``DataUnavailable`` raised in a fixture makes the check ERROR (fail closed, with the failed
AWS call as the reason), where the same exception in the body would read as a finding.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from checks.policy import (
    CorsExposure,
    EffectiveThrottle,
    cors_exposure,
    effective_throttle,
    integration_uri,
    request_validation,
    rest_only_features,
)
from collectors.model import LambdaFunction
from collectors.targets import (
    RestApiTarget,
    RestMethodTarget,
    RestResourceTarget,
    RestStageTarget,
    TargetIndex,
    V2RouteTarget,
    V2StageTarget,
    require,
)


@pytest.fixture
def throttle(operation: RestMethodTarget | V2RouteTarget) -> EffectiveThrottle:
    """The operation's effective throttle (needs the usage plans when an API key is required)."""
    return effective_throttle(operation)


@pytest.fixture
def validation(operation: RestMethodTarget | V2RouteTarget) -> str | None:
    """What the REST method's validator validates; ``None`` for HTTP routes (no validators)."""
    return request_validation(operation) if isinstance(operation, RestMethodTarget) else None


@pytest.fixture
def cors(resource: RestResourceTarget | V2StageTarget) -> CorsExposure:
    """The resource's CORS headers (needs the API's gateway responses)."""
    return cors_exposure(resource)


@pytest.fixture
def backend_function(
    lambda_operation: RestMethodTarget | V2RouteTarget, audit_index: TargetIndex
) -> LambdaFunction:
    """The configuration of the Lambda function the operation invokes."""
    return audit_index.lambda_function(
        lambda_operation.lambda_arn, integration_uri(lambda_operation)
    )


@pytest.fixture
def request_count(stage: RestStageTarget | V2StageTarget) -> float:
    """The stage's requests in the last 30 days, from CloudWatch."""
    return require(
        stage.stage.request_count_30d,
        stage.api.errors,
        "GetMetricData",
        f"the request count of {stage.api.name}/{stage.stage.name}",
    )


@pytest.fixture
def rest_features(rest_api: RestApiTarget) -> Mapping[str, bool]:
    """The REST-only features the API uses (needs its resources and usage plans)."""
    return rest_only_features(rest_api)
