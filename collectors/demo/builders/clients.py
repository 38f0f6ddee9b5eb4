"""How the builders reach the emulator: writing boto3 clients, the account they write in,
Lambda URIs.

These clients write (they build the emulated account), so they are deliberately not the
audit's guarded clients; never point them at a real account.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any, cast
from unittest import mock

import boto3

ACCOUNT_ID = "123456789012"


def aws_client(service: str, region: str) -> Any:
    return cast(Any, boto3).client(service, region_name=region)


@contextlib.contextmanager
def in_account(account_id: str) -> Iterator[None]:
    """Build in the emulated account ``account_id`` instead of moto's default one: moto takes
    MOTO_ACCOUNT_ID before the credentials, so everything built inside the block (and every
    call made there, the audit's too) is that account's."""
    with mock.patch.dict(os.environ, {"MOTO_ACCOUNT_ID": account_id}):
        yield


def lambda_invocation_uri(region: str, function_arn: str) -> str:
    return (
        f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"
    )
