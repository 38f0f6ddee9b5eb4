"""The emulator's Logs Insights answers the audit's queries as AWS does."""

from __future__ import annotations

import json

import pytest

from collectors.demo.logs_insights import MalformedQuery, run_query

START = 1_764_583_200_000  # 2025-12-01 10:00:00 UTC, in ms


def _json_events(count: int) -> list[tuple[int, str, str]]:
    return [
        (
            START + i * 1000,
            json.dumps(
                {
                    "ip": f"10.0.0.{i % 7}",
                    "httpMethod": "GET",
                    "resourcePath": "/pets/{id}",
                    "status": 404 if i % 5 == 0 else 200,
                }
            ),
            "stream",
        )
        for i in range(count)
    ]


def _rows(answer_results: list[list[dict[str, str]]]) -> list[dict[str, str]]:
    return [{cell["field"]: cell["value"] for cell in row} for row in answer_results]


def test_stats_by_groups_counts_and_distinct_values_with_timestamps_shown_as_aws_shows_them() -> (
    None
):
    answer = run_query(
        "fields httpMethod as method, floor(status / 100) as statusClass, ip"
        " | stats count(*) as requests, count_distinct(ip) as ips, min(@timestamp) as first"
        " by method, statusClass | sort requests desc",
        _json_events(50),
    )
    assert _rows(answer.results) == [
        {"method": "GET", "statusClass": "2", "requests": "40", "ips": "7",
         "first": "2025-12-01 10:00:01.000"},
        {"method": "GET", "statusClass": "4", "requests": "10", "ips": "7",
         "first": "2025-12-01 10:00:00.000"},
    ]  # fmt: skip
    assert (answer.records_scanned, answer.records_matched) == (50, 50)
    assert answer.bytes_scanned == sum(len(message) for _, message, _ in _json_events(50))


def test_parse_glob_extracts_fields_and_events_it_does_not_match_stay_without_them() -> None:
    events = [
        (START, '10.1.1.1 [01/Dec] "POST /orders HTTP/1.1" 500', "s"),
        (START, "not an access log line", "s"),
    ]
    answer = run_query(
        "parse @message '* [*] \"* * *\" *' as ip, time, method, path, protocol, status"
        " | filter ispresent(method) and path like /^\\/ord/"
        " | stats count(*) by method, status",
        events,
    )
    assert _rows(answer.results) == [{"method": "POST", "status": "500", "count(*)": "1"}]
    assert answer.records_matched == 1


def test_a_filter_on_a_missing_field_matches_nothing_and_numbers_compare_as_numbers() -> None:
    answer = run_query("filter status >= 400 and status < 500", _json_events(20))
    assert len(answer.results) == 4
    assert run_query("filter missing = 'x'", _json_events(5)).results == []


@pytest.mark.parametrize(
    "query",
    ["stats percentile(status, 90)", "dedup ip", "parse @message /(?<ip>\\S+)/", "fields"],
)
def test_what_the_emulator_cannot_answer_is_refused(query: str) -> None:
    with pytest.raises(MalformedQuery):
        run_query(query, _json_events(1))
