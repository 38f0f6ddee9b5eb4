"""Access-log events written like API Gateway's: rendered in a stage's format, put in batches
PutLogEvents accepts, and read back by the suite's format parser and Logs Insights queries."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from collectors.access_log_fields import log_fields
from collectors.demo.builders import AccountBuilder, log_formats
from collectors.demo.builders.access_logs import (
    EVENT_OVERHEAD_BYTES,
    MAX_BATCH_BYTES,
    MAX_BATCH_EVENTS,
    MAX_BATCH_SPAN_MS,
    Request,
    batches,
    message,
    put_events,
)
from collectors.demo.estate import emulated_aws
from collectors.demo.shims import logs_insights as logs_insights_shim

AT = datetime(2026, 12, 1, 10, 30, 5, tzinfo=UTC)
REQUEST = Request(
    at=AT, method="GET", resource="/{proxy+}", path="/prod/users/4711", status=404,
    source_ip="203.0.113.7", stage="prod", api_id="a1b2c3", request_id="r-1",
)  # fmt: skip


def test_a_json_format_gets_each_variable_and_a_dash_for_what_the_request_lacks() -> None:
    logged = json.loads(message(log_formats.REST_JSON_TRAFFIC, REQUEST))
    assert logged["httpMethod"] == "GET"
    assert logged["resourcePath"] == "/{proxy+}"
    assert logged["path"] == "/prod/users/4711"
    assert logged["status"] == "404"
    assert (logged["apiId"], logged["stage"]) == ("a1b2c3", "prod")
    assert logged["caller"] == "-"  # $context.identity.caller: not a signed request


def test_a_clf_line_is_written_as_aws_writes_the_common_log_format() -> None:
    line = message(log_formats.REST_CLF, REQUEST)
    assert line.startswith(
        '203.0.113.7 - - [01/Dec/2026:10:30:05 +0000]"GET /{proxy+} HTTP/1.1" 404'
    )
    assert log_fields(log_formats.REST_CLF).field("status") is not None


def _events(count: int, size: int = 10, spacing_ms: int = 1) -> list[tuple[int, str]]:
    return [(1_000_000 + i * spacing_ms, "x" * size) for i in reversed(range(count))]


def test_batches_are_chronological_and_within_the_put_log_events_limits() -> None:
    by_count = list(batches(_events(MAX_BATCH_EVENTS + 1)))
    assert [len(b) for b in by_count] == [MAX_BATCH_EVENTS, 1]
    assert [stamp for stamp, _ in by_count[0]] == sorted(stamp for stamp, _ in by_count[0])
    size = 100_000
    by_bytes = list(batches(_events(21, size=size)))
    assert all(len(b) * (size + EVENT_OVERHEAD_BYTES) <= MAX_BATCH_BYTES for b in by_bytes)
    assert [len(b) for b in by_bytes] == [10, 10, 1]
    by_span = list(batches(_events(3, spacing_ms=MAX_BATCH_SPAN_MS // 2 + 1)))
    assert [len(b) for b in by_span] == [2, 1]


def test_put_events_writes_every_event_where_logs_insights_reads_it() -> None:
    with emulated_aws():
        group = AccountBuilder("us-east-1").log_group("/aws/apigateway/shop/prod")
        now = datetime.now(UTC)
        requests = [
            Request(
                at=now - timedelta(hours=i),
                method="GET",
                resource="/{proxy+}",
                path=f"/prod/users/{i}",
                status=200 if i % 3 else 500,
                source_ip="10.0.0.1",
                stage="prod",
                api_id="a1b2c3",
            )
            for i in range(1, 60)
        ]
        calls = put_events(
            "us-east-1", group, [r.event(log_formats.REST_JSON_TRAFFIC) for r in requests]
        )
        logs = boto3.client("logs", region_name="us-east-1")
        stored = logs.filter_log_events(logGroupName="/aws/apigateway/shop/prod")["events"]
    assert calls == 3  # 59 hours of events: three 24-hour batches
    assert len(stored) == 59
    assert json.loads(stored[0]["message"])["path"].startswith("/prod/users/")


def test_a_query_not_answered_at_once_is_running_until_it_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(logs_insights_shim, "ANSWER_AT_ONCE_SECONDS", 0.0)
    with emulated_aws():
        group = AccountBuilder("us-east-1").log_group("/g")
        now = datetime.now(UTC)
        put_events(
            "us-east-1", group, [(int(now.timestamp() * 1000) - i, "{}") for i in range(5_000)]
        )
        logs = boto3.client("logs", region_name="us-east-1")
        query_id = logs.start_query(
            logGroupName="/g",
            startTime=int(now.timestamp()) - 3_600,
            endTime=int(now.timestamp()) + 60,
            queryString="stats count(*) as n",
        )["queryId"]
        statuses = []
        for _ in range(200):
            answer = logs.get_query_results(queryId=query_id)
            statuses.append(answer["status"])
            if answer["status"] == "Complete":
                break
            time.sleep(0.05)
    assert set(statuses) <= {"Running", "Complete"}
    assert statuses[-1] == "Complete"
    assert answer["results"] == [[{"field": "n", "value": "5000"}]]
