"""Collect the configuration of the Lambda functions that integrations invoke.

One GetFunctionConfiguration per distinct function ARN, in the function's own region: many
methods usually share a handful of functions, so this costs a few calls, not one per method.
"""

from __future__ import annotations

from collections.abc import Iterable

from collectors.clients import AwsClients, call_recording_errors
from collectors.model import (
    CollectionError,
    LambdaFunction,
    RestApi,
    V2Api,
    invokes_lambda,
    lambda_arn_from_uri,
)

SERVICE = "lambda"


def invoked_function_arns(apis: Iterable[RestApi | V2Api]) -> set[str]:
    """Every Lambda function an integration invokes, current or deployed."""
    arns: set[str] = set()
    for api in apis:
        integrations: list[tuple[str, str | None]]
        if isinstance(api, RestApi):
            resources = [
                *(api.resources or ()),
                *(r for d in api.deployments for r in d.definition.resources),
            ]
            integrations = [
                (m.integration.type, m.integration.uri)
                for resource in resources
                for m in resource.methods
                if m.integration is not None
            ]
        else:
            integrations = [
                (i.type, i.uri)
                for i in (
                    *(api.integrations or ()),
                    *(i for d in api.deployments for i in d.definition.integrations),
                )
            ]
        for integration_type, uri in integrations:
            arn = lambda_arn_from_uri(uri) if invokes_lambda(integration_type, uri) else None
            if arn:
                arns.add(arn)
    return arns


def function_region(arn: str) -> str:
    return arn.split(":")[3]


def collect_lambda_function(
    clients: AwsClients, arn: str, *, errors: list[CollectionError]
) -> LambdaFunction | None:
    client = clients.lambda_(function_region(arn))
    raw = call_recording_errors(
        errors,
        SERVICE,
        "GetFunctionConfiguration",
        arn,
        lambda: client.get_function_configuration(FunctionName=arn),
    )
    if raw is None:
        return None
    return LambdaFunction(
        arn=arn,
        timeout_seconds=int(raw.get("Timeout", 3)),
        runtime=raw.get("Runtime"),
        memory_mb=raw.get("MemorySize"),
    )
