"""CloudWatch Logs Insights as AWS answers it: StartQuery runs the query language the audit
sends (``collectors.demo.logs_insights``) over moto's stored events, GetQueryResults answers
AWS's shape (``status``, ``results`` as lists of field/value pairs, ``statistics`` with
``bytesScanned``), and StopQuery, which moto lacks, cancels a query.

moto's own Logs Insights understands ``fields``, ``sort`` and ``limit`` only, and moto keeps
events past their group's retention, which AWS deletes: a query here reads only the events
the group still keeps. A query runs in
a thread of its own: one that ends within ``ANSWER_AT_ONCE_SECONDS`` (any small estate's) is
``Complete`` when first polled; a longer one (a million events) is ``Running`` until it
ends, as AWS's are, so StartQuery answers before the client's read timeout and StopQuery
can cancel it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.logs.exceptions import ResourceNotFoundException
from moto.logs.models import LogsBackend
from moto.logs.responses import LogsResponse
from moto.moto_api._internal import mock_random

from collectors.demo.logs_insights import Answer, MalformedQuery, run_query
from collectors.demo.shims._patching import define, kept_on, wrap

_ANSWERS = "_apigw_audit_query_answers"  # on a LogsBackend: query id -> [status, Answer]
ANSWER_AT_ONCE_SECONDS = 5.0
_NOTHING_YET = Answer(results=[], records_scanned=0, records_matched=0, bytes_scanned=0)


class MalformedQueryException(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("MalformedQueryException", message)


def _answers(backend: LogsBackend) -> dict[str, list[Any]]:
    answers: dict[str, list[Any]] = kept_on(backend, _ANSWERS, dict)
    return answers


def _kept_since(retention_days: int | None) -> int:
    """The oldest event time (ms) a group with ``retention_days`` still holds: CloudWatch Logs
    deletes older ones (PutRetentionPolicy; it may take up to 72 hours, taken as none here)."""
    if not retention_days:
        return 0
    return int((time.time() - int(retention_days) * 86_400) * 1000)


def _start_query(
    self: LogsBackend,
    log_group_names: list[str],
    start_time: int,
    end_time: int,
    query_string: str,
) -> str:
    """Run the query over the groups' events in [startTime, endTime] (seconds; events are
    timestamped in milliseconds)."""
    for name in log_group_names:
        if name not in self.groups:
            raise ResourceNotFoundException()
    # (stream, the oldest event its group still keeps): AWS deletes events older than a
    # group's retention, moto keeps every one
    streams = [
        (stream, _kept_since(self.groups[name].retention_in_days))
        for name in log_group_names
        for stream in self.groups[name].streams.values()
    ]
    entry: list[Any] = ["Running", _NOTHING_YET]

    def events() -> Iterator[tuple[int, str, str]]:
        for stream, kept_since in streams:
            for event in stream.events:
                if entry[0] == "Cancelled":
                    return
                if max(start_time * 1000, kept_since) <= event.timestamp <= end_time * 1000:
                    yield event.timestamp, event.message, stream.log_stream_name

    malformed: list[MalformedQuery] = []

    def run() -> None:
        try:
            answer = run_query(query_string, events())
        except MalformedQuery as exc:
            malformed.append(exc)
            entry[0] = "Failed"
            return
        if entry[0] == "Running":
            entry[:] = ["Complete", answer]

    worker = threading.Thread(target=run, name="logs-insights-query", daemon=True)
    worker.start()
    worker.join(ANSWER_AT_ONCE_SECONDS)
    if malformed:
        raise MalformedQueryException(str(malformed[0])) from None
    query_id = str(mock_random.uuid4())
    _answers(self)[query_id] = entry
    return query_id


def _results(status: str, answer: Answer) -> dict[str, Any]:
    return {
        "status": status,
        "results": answer.results if status == "Complete" else [],
        "statistics": {
            "recordsMatched": float(answer.records_matched),
            "recordsScanned": float(answer.records_scanned),
            "bytesScanned": float(answer.bytes_scanned),
        },
    }


def _wrap_get_query_results(original: Any) -> Any:
    def get_query_results(self: LogsResponse) -> str:
        found = _answers(self.logs_backend).get(self._get_param("queryId"))
        if found is None:
            return str(original(self))
        return json.dumps(_results(*found))

    return get_query_results


def stop_query(self: LogsResponse) -> str:
    found = _answers(self.logs_backend).get(self._get_param("queryId"))
    if found is None:
        raise ResourceNotFoundException()
    stopped = found[0] == "Running"
    if stopped:
        found[0] = "Cancelled"
    return json.dumps({"success": stopped})


def install() -> None:
    define(LogsBackend, "start_query", _start_query)
    wrap(LogsResponse, "get_query_results", _wrap_get_query_results)
    define(LogsResponse, "stop_query", stop_query)
