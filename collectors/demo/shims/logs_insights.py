"""CloudWatch Logs Insights as AWS answers it: StartQuery runs the query language the audit
sends (``collectors.demo.logs_insights``) over moto's stored events, GetQueryResults answers
AWS's shape (``status``, ``results`` as lists of field/value pairs, ``statistics`` with
``bytesScanned``), and StopQuery, which moto lacks, cancels a query.

moto's own Logs Insights understands ``fields``, ``sort`` and ``limit`` only; the queries are
answered at once, so they are ``Complete`` when first polled (AWS's may still be
``Running``: the collector polls either way).
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.logs.exceptions import ResourceNotFoundException
from moto.logs.models import LogsBackend
from moto.logs.responses import LogsResponse
from moto.moto_api._internal import mock_random

from collectors.demo.logs_insights import Answer, MalformedQuery, run_query
from collectors.demo.shims._patching import define, wrap

_ANSWERS = "_apigw_audit_query_answers"  # on a LogsBackend: query id -> [status, Answer]


class MalformedQueryException(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("MalformedQueryException", message)


def _answers(backend: LogsBackend) -> dict[str, list[Any]]:
    if not hasattr(backend, _ANSWERS):
        setattr(backend, _ANSWERS, {})
    answers: dict[str, list[Any]] = getattr(backend, _ANSWERS)
    return answers


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
    events = (
        (event.timestamp, event.message, stream.log_stream_name)
        for name in log_group_names
        for stream in self.groups[name].streams.values()
        for event in stream.events
        if start_time * 1000 <= event.timestamp <= end_time * 1000
    )
    try:
        answer = run_query(query_string, events)
    except MalformedQuery as exc:
        raise MalformedQueryException(str(exc)) from None
    query_id = str(mock_random.uuid4())
    _answers(self)[query_id] = ["Complete", answer]
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
