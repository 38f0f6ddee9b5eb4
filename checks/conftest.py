"""What checks need beyond their own target, as fixtures.

Data that may not have been collected is fetched here, in fixtures, never in a check's body:
``DataUnavailable`` raised in a fixture makes the check ERROR (fail closed, with the failed
AWS call as the reason), where the same exception in the body would read as a finding.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from checks.policy import (
    Authorization,
    CorsExposure,
    DefinitionDrift,
    EffectiveThrottle,
    Perimeter,
    Validation,
    account_settings,
    authorization,
    cors_exposure,
    definition_drift,
    effective_throttle,
    integration_uri,
    perimeter,
    request_validation,
    rest_only_features,
    stage_request_count,
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
)


@pytest.fixture
def operation_authorization(operation: RestMethodTarget | V2RouteTarget) -> Authorization:
    """How the operation authorizes callers, as its stage serves it (a canary included)."""
    return authorization(operation)


@pytest.fixture
def throttle(
    operation: RestMethodTarget | V2RouteTarget, audit_index: TargetIndex
) -> EffectiveThrottle:
    """The operation's effective throttle: needs the region's account limits (GetAccount) and,
    when an API key is required, the usage plans."""
    account = account_settings(audit_index.inventory, operation.api.region)
    return effective_throttle(operation, account)


@pytest.fixture
def stage_perimeter(stage: RestStageTarget | V2StageTarget, audit_index: TargetIndex) -> Perimeter:
    """How every way into the stage is protected (custom domains, CloudFront, VPC)."""
    return perimeter(stage, audit_index.inventory)


@pytest.fixture
def drift(stage: RestStageTarget | V2StageTarget) -> DefinitionDrift | None:
    """How the definition the stage serves differs from the API's current one; ``None``
    where there is no deployment to compare."""
    return definition_drift(stage)


@pytest.fixture
def validation(operation: RestMethodTarget | V2RouteTarget) -> Validation:
    """What the gateway validates of the operation's requests (needs the deployed validators,
    models and parameters)."""
    return request_validation(operation)


@pytest.fixture
def cors(resource: RestResourceTarget | V2StageTarget) -> CorsExposure:
    """The CORS headers the stage serves for the resource (its deployed definition)."""
    return cors_exposure(resource)


@pytest.fixture
def backend_function(
    lambda_operation: RestMethodTarget | V2RouteTarget, audit_index: TargetIndex
) -> LambdaFunction:
    """The configuration of the Lambda function the operation invokes."""
    if isinstance(lambda_operation, RestMethodTarget):
        lambda_operation.require_export()  # else its integration is unknown
    return audit_index.lambda_function(
        lambda_operation.lambda_arn, integration_uri(lambda_operation)
    )


@pytest.fixture
def request_count(stage: RestStageTarget | V2StageTarget) -> float:
    """The stage's requests in the last 30 days, from CloudWatch."""
    return stage_request_count(stage)


@pytest.fixture
def rest_features(rest_api: RestApiTarget) -> Mapping[str, bool]:
    """The REST-only features the API uses (needs its resources, gateway responses and
    usage plans)."""
    return rest_only_features(rest_api)
