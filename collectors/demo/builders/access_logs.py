"""Access-log events as API Gateway writes them, put into an emulated CloudWatch Logs group.

``message(log_format, request)`` renders one request in a stage's access-log format (any of
``log_formats``, or any other ``$context`` template): each ``$context.<name>`` becomes the
request's value, ``-`` where it has none, as API Gateway writes an empty variable.
``put_events`` writes ``(timestamp in ms, message)`` events in PutLogEvents batches within its
limits: 10,000 events, 1,048,576 bytes (each event's UTF-8 message plus 26 bytes) and 24 hours
per call, in chronological order
(https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from collectors.demo.builders.clients import aws_client

MAX_BATCH_EVENTS = 10_000
MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD_BYTES = 26
MAX_BATCH_SPAN_MS = 24 * 3600 * 1000 - 1
STREAM = "access"

_VARIABLE = re.compile(r"\$context\.([A-Za-z0-9_.]+[A-Za-z0-9_])")

Event = tuple[int, str]  # (timestamp in ms since the epoch, message)


@dataclass(frozen=True, kw_only=True)
class Request:
    """One request a stage served, as its access log records it."""

    at: datetime
    method: str  # the HTTP method the caller used
    resource: str  # REST: the resource path ("/pets/{id}"); HTTP: unused (see route_key)
    path: str  # the concrete path, with the stage ("/prod/pets/42")
    status: int
    source_ip: str
    stage: str
    api_id: str
    route_key: str = "-"  # HTTP and WebSocket APIs: "GET /pets", "$default"
    request_id: str = "-"
    response_length: int = 0

    def values(self) -> dict[str, str]:
        """``$context`` variable name -> the value API Gateway writes for it."""
        return {
            "requestId": self.request_id,
            "extendedRequestId": self.request_id,
            "identity.sourceIp": self.source_ip,
            "requestTime": self.at.astimezone(UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "requestTimeEpoch": str(int(self.at.timestamp() * 1000)),
            "httpMethod": self.method,
            "resourcePath": self.resource,
            "routeKey": self.route_key,
            "path": self.path,
            "status": str(self.status),
            "protocol": "HTTP/1.1",
            "responseLength": str(self.response_length),
            "apiId": self.api_id,
            "stage": self.stage,
        }

    def event(self, log_format: str) -> Event:
        return int(self.at.timestamp() * 1000), message(log_format, self)


def message(log_format: str, request: Request) -> str:
    """``request`` as a stage logging in ``log_format`` records it."""
    values = request.values()
    return _VARIABLE.sub(lambda match: values.get(match.group(1), "-"), log_format)


def batches(events: Iterable[Event]) -> Iterator[list[Event]]:
    """``events`` in chronological order, cut into batches PutLogEvents accepts."""
    batch: list[Event] = []
    size = 0
    for event in sorted(events, key=lambda event: event[0]):
        event_bytes = len(event[1].encode()) + EVENT_OVERHEAD_BYTES
        if batch and (
            len(batch) == MAX_BATCH_EVENTS
            or size + event_bytes > MAX_BATCH_BYTES
            or event[0] - batch[0][0] > MAX_BATCH_SPAN_MS
        ):
            yield batch
            batch, size = [], 0
        batch.append(event)
        size += event_bytes
    if batch:
        yield batch


def put_events(region: str, group: str, events: Iterable[Event], stream: str = STREAM) -> int:
    """Write ``events`` to the log group ``group`` (its name or ARN) in a new stream; returns
    the PutLogEvents calls made."""
    name = group.split(":log-group:", 1)[-1]
    logs = aws_client("logs", region)
    logs.create_log_stream(logGroupName=name, logStreamName=stream)
    calls = 0
    for batch in batches(events):
        logs.put_log_events(
            logGroupName=name,
            logStreamName=stream,
            logEvents=[{"timestamp": stamp, "message": text} for stamp, text in batch],
        )
        calls += 1
    return calls
