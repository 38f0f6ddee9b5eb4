"""Collect the configuration of the Lambda functions that integrations invoke.

One GetFunctionConfiguration per distinct function ARN, in the function's own region: many
methods usually share a handful of functions, so this costs a few calls, not one per method.
"""

from __future__ import annotations

from typing import Any

from collectors.clients import AwsClients, call_recording_errors
from collectors.model import CollectionError, LambdaFunction

SERVICE = "lambda"


def function_region(arn: str) -> str:
    return arn.split(":")[3]


def collect_lambda_function(
    clients: AwsClients, arn: str, *, errors: list[CollectionError]
) -> LambdaFunction | None:
    client = clients.get(SERVICE, function_region(arn))
    raw: dict[str, Any] | None = call_recording_errors(
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
