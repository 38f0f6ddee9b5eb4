"""The traffic queries, run by the emulator's Logs Insights over events a format writes."""

from __future__ import annotations

import json

import pytest

from collectors.access_log_fields import log_fields
from collectors.demo.logs_insights import run_query
from collectors.traffic_queries import Discriminators, Unanswerable, operations_query, paths_query

START = 1_764_583_200_000
ALONE = Discriminators(by_api=False, by_stage=False)
SHARED = Discriminators(by_api=True, by_stage=True)
JSON_FORMAT = json.dumps(
    {
        "api": "$context.apiId",
        "stage": "$context.stage",
        "ip": "$context.identity.sourceIp",
        "method": "$context.httpMethod",
        "resource": "$context.resourcePath",
        "path": "$context.path",
        "status": "$context.status",
    }
)
CLF_FORMAT = (
    '$context.identity.sourceIp [$context.requestTime] "$context.httpMethod '
    '$context.resourcePath $context.protocol" $context.status $context.apiId $context.stage'
)


def _json_event(stage: str, method: str, resource: str, path: str, status: int, ip: str) -> str:
    return json.dumps(
        {"api": "a1", "stage": stage, "ip": ip, "method": method, "resource": resource,
         "path": path, "status": status}
    )  # fmt: skip


def _rows(results: list[list[dict[str, str]]]) -> list[dict[str, str]]:
    return [{cell["field"]: cell["value"] for cell in row} for row in results]


def test_operations_are_counted_per_status_class_with_distinct_ips() -> None:
    events = [
        (START + i, _json_event("prod", "GET", "/pets", "/prod/pets", 200 if i < 3 else 403,
                                f"10.0.0.{i}"), "s")
        for i in range(5)
    ]  # fmt: skip
    query = operations_query(log_fields(JSON_FORMAT), "REST", ALONE)
    rows = _rows(run_query(query, events).results)
    counted = [(r["statusClass"], r["requests"], r["sourceIps"]) for r in rows]
    assert counted == [("2", "3", "3"), ("4", "2", "2")]
    assert {(r["method"], r["resource"]) for r in rows} == {("GET", "/pets")}


def test_a_shared_group_is_told_apart_by_api_and_stage() -> None:
    events = [
        (START, _json_event("prod", "GET", "/pets", "/prod/pets", 200, "10.0.0.1"), "s"),
        (START, _json_event("dev", "GET", "/pets", "/dev/pets", 200, "10.0.0.1"), "s"),
    ]
    query = operations_query(log_fields(JSON_FORMAT), "REST", SHARED)
    assert sorted(r["stage"] for r in _rows(run_query(query, events).results)) == ["dev", "prod"]


def test_clf_is_queried_through_its_parse_glob() -> None:
    line = '10.0.0.9 [01/Dec/2026:10:00:00 +0000] "POST /orders HTTP/1.1" 500 a1 prod'
    query = operations_query(log_fields(CLF_FORMAT), "REST", SHARED)
    (row,) = _rows(run_query(query, [(START, line, "s")]).results)
    assert (row["method"], row["resource"], row["statusClass"], row["stage"]) == (
        "POST", "/orders", "5", "prod",
    )  # fmt: skip


def test_greedy_paths_are_listed_most_requested_first() -> None:
    events = [
        (START, _json_event("prod", "GET", "/{proxy+}", f"/prod/users/{n}", 200, "10.0.0.1"), "s")
        for n in (1, 1, 2)
    ] + [(START, _json_event("prod", "GET", "/pets", "/prod/pets", 200, "10.0.0.1"), "s")]
    query = paths_query(log_fields(JSON_FORMAT), "REST", ALONE)
    rows = _rows(run_query(query, events).results)
    assert [(r["path"], r["requests"]) for r in rows] == [
        ("/prod/users/1", "2"),
        ("/prod/users/2", "1"),
    ]


def test_http_routes_are_grouped_by_route_key() -> None:
    fields = log_fields('{"route": "$context.routeKey", "status": "$context.status"}')
    events = [(START, json.dumps({"route": "GET /pets", "status": 200}), "s")]
    (row,) = _rows(run_query(operations_query(fields, "HTTP", ALONE), events).results)
    assert (row["route"], row["requests"]) == ("GET /pets", "1")
    assert "sourceIps" not in row  # the format records no source IP


@pytest.mark.parametrize(
    ("log_format", "shared", "missing"),
    [
        ('{"m": "$context.httpMethod", "r": "$context.resourcePath"}', ALONE, ("status",)),
        ('{"s": "$context.status"}', ALONE, ("httpMethod", "resourcePath")),
        (JSON_FORMAT.replace("$context.stage", "x"), SHARED, ("stage",)),
    ],
)
def test_a_format_lacking_what_a_question_needs_names_it(
    log_format: str, shared: Discriminators, missing: tuple[str, ...]
) -> None:
    with pytest.raises(Unanswerable) as raised:
        operations_query(log_fields(log_format), "REST", shared)
    assert raised.value.missing == missing


def test_http_greedy_routes_are_asked_for_their_paths() -> None:
    fields = log_fields(
        '{"route": "$context.routeKey", "path": "$context.path", "status": "$context.status"}'
    )
    events = [
        (START, json.dumps({"route": "ANY /{proxy+}", "path": "/a/1", "status": 200}), "s"),
        (START, json.dumps({"route": "$default", "path": "/b", "status": 200}), "s"),
        (START, json.dumps({"route": "GET /pets", "path": "/pets", "status": 200}), "s"),
    ]
    rows = _rows(run_query(paths_query(fields, "HTTP", ALONE), events).results)
    assert sorted(r["route"] for r in rows) == ["$default", "ANY /{proxy+}"]
