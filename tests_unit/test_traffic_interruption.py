"""An interrupted audit stops the Logs Insights queries it started, so none runs on unbilled
for nothing; a query still running is polled with a backoff, not a busy loop."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any, cast

import boto3
import pytest

from collectors import traffic
from collectors.clients import AwsClients
from collectors.demo.builders import AccountBuilder, RestApiBuilder
from collectors.demo.estate import emulated_aws
from collectors.inventory import collect_inventory
from collectors.model import Inventory

FORMAT = '{"m": "$context.httpMethod", "r": "$context.resourcePath", "s": "$context.status"}'


class _Logs:
    """Logs Insights where the query of ``/apigw/a`` completes and every other one runs on."""

    def __init__(self) -> None:
        self.stopped: list[str] = []
        self.polls: dict[str, int] = {}
        self.lock = threading.Lock()
        self.running_polled = threading.Event()  # the query that runs on was polled once

    def start_query(self, **request: Any) -> dict[str, str]:
        return {"queryId": f"q{request['logGroupName']}"}

    def get_query_results(self, queryId: str) -> dict[str, Any]:
        with self.lock:
            self.polls[queryId] = self.polls.get(queryId, 0) + 1
        status = "Complete" if queryId == "q/apigw/a" else "Running"
        if status == "Running":
            self.running_polled.set()
        return {"status": status, "results": [], "statistics": {"bytesScanned": 0.0}}

    def stop_query(self, queryId: str) -> dict[str, bool]:
        self.stopped.append(queryId)
        return {"success": True}


class _Clients:
    def __init__(self) -> None:
        self.logs_client = _Logs()

    def logs(self, region: str) -> _Logs:
        return self.logs_client


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    with emulated_aws():
        account = AccountBuilder("us-east-1")
        account.cloudwatch_role()  # REST and WebSocket logging need it
        for name in ("a", "b"):
            group = account.log_group(f"/apigw/{name}")
            api = RestApiBuilder(f"api-{name}")
            api.method("GET", "/pets")
            api.stage("prod")
            api.access_logs("prod", group, FORMAT)
        return collect_inventory(AwsClients(boto3.Session(region_name="us-east-1")), ("us-east-1",))


def test_an_interrupted_audit_stops_the_queries_still_running(
    inventory: Inventory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(traffic, "FIRST_POLL_SECONDS", 0.01)
    clients = _Clients()

    def interrupt(done: int, total: int) -> None:
        assert clients.logs_client.running_polled.wait(5)  # Ctrl-C while /apigw/b runs
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        traffic.collect_traffic(
            cast(AwsClients, clients),
            (*inventory.rest_apis, *inventory.http_apis),
            {group.arn: group for group in inventory.log_groups},
            lambda stage: True,
            days=7,
            max_bytes=10e9,
            now=datetime.now(UTC),
            errors=[],
            on_query_done=interrupt,
        )
    assert clients.logs_client.stopped == ["q/apigw/b"]


def test_a_running_query_is_polled_with_a_growing_delay(
    inventory: Inventory, monkeypatch: pytest.MonkeyPatch
) -> None:
    delays: list[float] = []
    stopping = threading.Event()
    original = stopping.wait

    def wait(timeout: float | None = None) -> bool:
        delays.append(timeout or 0.0)
        if len(delays) == 5:
            stopping.set()
        return original(0)

    monkeypatch.setattr(stopping, "wait", wait)
    plans, _ = traffic.plan_queries(
        (*inventory.rest_apis, *inventory.http_apis),
        {group.arn: group for group in inventory.log_groups},
        lambda stage: True,
    )
    running_plan = next(p for p in plans if p.group_name == "/apigw/b")
    now = datetime.now(UTC)
    clients = _Clients()
    answer = traffic._run(cast(AwsClients, clients), running_plan, (now, now), [], stopping)
    assert answer.failure == traffic.INTERRUPTED
    assert delays == [0.5, 1.0, 2.0, 4.0, 5.0]
    assert clients.logs_client.stopped == ["q/apigw/b"]  # stopped by the thread polling it
