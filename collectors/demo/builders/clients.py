"""How the builders reach the emulator: writing boto3 clients, the account id, Lambda URIs.

These clients write (they build the emulated account), so they are deliberately not the
audit's guarded clients; never point them at a real account.
"""

from __future__ import annotations

from typing import Any, cast

import boto3

ACCOUNT_ID = "123456789012"


def aws_client(service: str, region: str) -> Any:
    return cast(Any, boto3).client(service, region_name=region)


def lambda_invocation_uri(region: str, function_arn: str) -> str:
    return (
        f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"
    )
