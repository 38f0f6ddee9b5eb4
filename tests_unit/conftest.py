"""Shared fixtures: every test runs against an emulated AWS (moto) with dummy credentials.

No test may reach real AWS or the network: the autouse fixture below replaces every AWS
setting from the developer's environment with dummy values before each test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders

from collectors.clients import AwsClients
from collectors.demo.estate import emulated_aws
from collectors.inventory import collect_inventory
from collectors.model import Inventory

pytest_plugins = ("pytester",)

REPO_ROOT = Path(__file__).resolve().parent.parent
CHECKS_DIR = REPO_ROOT / "checks"
REGION = "us-east-1"
ACCOUNT = "123456789012"  # the emulated account: moto's default


@pytest.fixture(autouse=True)
def _dummy_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def aws() -> Iterator[None]:
    """An empty emulated AWS account; build an estate in it with collectors.demo.builders."""
    with emulated_aws():
        yield


def collect(
    regions: tuple[str, ...] = (REGION,),
    calls: list[str] | None = None,
    session: boto3.Session | None = None,
) -> Inventory:
    """Collect the emulated account, recording "service.Operation" for every call."""
    observer = (
        (lambda service, operation: calls.append(f"{service}.{operation}"))
        if calls is not None
        else None
    )
    clients = AwsClients(session or boto3.Session(region_name=regions[0]), observer)
    return collect_inventory(clients, regions)


def failing_session(
    event: str, code: str, when: Callable[[dict[str, Any]], bool] = lambda request: True
) -> boto3.Session:
    """A session whose calls matching ``event`` ("before-call.apigateway.GetResources") and
    ``when(request)`` (botocore's serialized request: url_path, body...) fail with ``code``
    (AccessDenied, TooManyRequestsException...) as if AWS had answered it."""
    session = boto3.Session(region_name=REGION)

    def fail(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if not when(params):
            return None
        response = AWSResponse("https://aws.invalid", 403, HTTPHeaders(), None)
        error = {"Code": code, "Message": f"injected {code}"}
        return response, {"Error": error, "ResponseMetadata": {"HTTPStatusCode": 403}}

    # botocore lets a before-call handler answer instead of AWS; its stubs type every handler
    # as returning None
    session.events.register(event, fail)  # type: ignore[arg-type]
    return session
