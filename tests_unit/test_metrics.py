"""Request counts from CloudWatch GetMetricData, for every StatusCode a query can end with.

moto answers every query ``Complete``, so these tests stub a real CloudWatch client with
botocore's ``Stubber``: each test lists the calls CloudWatch receives (their exact queries)
and what it answers
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html).
A call the stubs did not expect raises a botocore error, which ``request_counts`` records as
a collection error like any failed call: every test therefore checks the errors too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from collectors import metrics
from collectors.model import CollectionError

REGION = "us-east-1"
END = datetime(2026, 12, 1, tzinfo=UTC)
START = END - timedelta(days=30)

SHOP_PROD, SHOP_DEV = f"{REGION}/shop1/prod", f"{REGION}/shop1/dev"
WEB_PROD, CHAT_PROD = f"{REGION}/web1/prod", f"{REGION}/chat1/prod"
SHOP_PROD_Q = metrics.rest_stage_query(SHOP_PROD, "shop", "prod")
SHOP_DEV_Q = metrics.rest_stage_query(SHOP_DEV, "shop", "dev")
WEB_PROD_Q = metrics.v2_stage_query(WEB_PROD, "web1", "prod", "HTTP")
CHAT_PROD_Q = metrics.v2_stage_query(CHAT_PROD, "chat1", "prod", "WEBSOCKET")


@dataclass
class CloudWatch:
    client: Any
    stubber: Stubber

    def answers(
        self,
        metric_queries: Sequence[dict[str, Any]],
        results: Sequence[dict[str, Any]],
        *,
        next_token: str | None = None,
        after: str | None = None,
    ) -> None:
        """Expect one GetMetricData page asking ``metric_queries`` (the page after ``after``),
        and answer ``results`` (and ``next_token``)."""
        expected: dict[str, Any] = {
            "MetricDataQueries": list(metric_queries),
            "StartTime": START,
            "EndTime": END,
        }
        if after is not None:
            expected["NextToken"] = after
        response: dict[str, Any] = {"MetricDataResults": list(results), "Messages": []}
        if next_token is not None:
            response["NextToken"] = next_token
        self.stubber.add_response("get_metric_data", response, expected)

    def fails(self, code: str = "AccessDenied", message: str = "not allowed") -> None:
        self.stubber.add_client_error(
            "get_metric_data", service_error_code=code, service_message=message
        )

    def counts(
        self, queries: Sequence[metrics.StageMetricQuery]
    ) -> tuple[metrics.StageCounts, list[CollectionError]]:
        errors: list[CollectionError] = []
        counts = metrics.request_counts(self.client, queries, END, REGION, errors)
        return counts, errors


@pytest.fixture
def cloudwatch() -> Iterator[CloudWatch]:
    client = boto3.client("cloudwatch", region_name=REGION)
    with Stubber(client) as stubber:
        yield CloudWatch(client, stubber)
        stubber.assert_no_pending_responses()  # every expected call was made


def _metric_query(query_id: str, metric_name: str, dimensions: dict[str, str]) -> dict[str, Any]:
    """The MetricDataQuery request_counts sends: a 30-day daily Sum of one metric."""
    return {
        "Id": query_id,
        "MetricStat": {
            "Metric": {
                "Namespace": "AWS/ApiGateway",
                "MetricName": metric_name,
                "Dimensions": [
                    {"Name": name, "Value": value} for name, value in dimensions.items()
                ],
            },
            "Period": 86_400,
            "Stat": "Sum",
        },
        "ReturnData": True,
    }


def _queries(query: metrics.StageMetricQuery, first_index: int = 0) -> list[dict[str, Any]]:
    """The MetricDataQueries of one stage, numbered from ``first_index`` in its call."""
    return [
        _metric_query(f"q{first_index + offset}", name, dict(query.dimensions))
        for offset, name in enumerate(query.metric_names)
    ]


def _result(query_id: str, values: Sequence[float], status: str = "Complete") -> dict[str, Any]:
    """A MetricDataResult: one daily Sum a value, newest first."""
    return {
        "Id": query_id,
        "Label": query_id,
        "Timestamps": [END - timedelta(days=day + 1) for day in range(len(values))],
        "Values": list(values),
        "StatusCode": status,
    }


def _unknown(metric_name: str, key: str, status: str) -> str:
    return f"CloudWatch answered {metric_name} for {key} with StatusCode {status}, not Complete"


def test_queries_name_each_stage_by_the_dimensions_of_its_api_type(
    cloudwatch: CloudWatch,
) -> None:
    cloudwatch.answers(
        [
            _metric_query("q0", "Count", {"ApiName": "shop", "Stage": "prod"}),
            _metric_query("q1", "Count", {"ApiId": "web1", "Stage": "prod"}),
            _metric_query("q2", "ConnectCount", {"ApiId": "chat1", "Stage": "prod"}),
            _metric_query("q3", "MessageCount", {"ApiId": "chat1", "Stage": "prod"}),
        ],
        [_result("q0", [3]), _result("q1", [4]), _result("q2", [5]), _result("q3", [6])],
    )

    counts, errors = cloudwatch.counts([SHOP_PROD_Q, WEB_PROD_Q, CHAT_PROD_Q])

    assert (counts.counts, counts.unknown, errors) == (
        {SHOP_PROD: 3.0, WEB_PROD: 4.0, CHAT_PROD: 11.0},
        {},
        [],
    )


@pytest.mark.parametrize("status", ["Forbidden", "InternalError"])
def test_a_query_that_is_not_complete_leaves_its_stage_unknown_and_the_others_counted(
    cloudwatch: CloudWatch, status: str
) -> None:
    cloudwatch.answers(
        [*_queries(SHOP_PROD_Q, 0), *_queries(SHOP_DEV_Q, 1), *_queries(WEB_PROD_Q, 2)],
        [_result("q0", [100, 50]), _result("q1", [], status), _result("q2", [7])],
    )

    counts, errors = cloudwatch.counts([SHOP_PROD_Q, SHOP_DEV_Q, WEB_PROD_Q])

    assert counts.counts == {SHOP_PROD: 150.0, WEB_PROD: 7.0}
    assert counts.unknown == {SHOP_DEV: _unknown("Count", SHOP_DEV, status)}
    assert errors == []  # the call itself succeeded


def test_partial_data_is_summed_with_the_rest_from_the_next_page(cloudwatch: CloudWatch) -> None:
    queries = [*_queries(SHOP_PROD_Q, 0), *_queries(WEB_PROD_Q, 1)]
    cloudwatch.answers(
        queries,
        [_result("q0", [10, 20], "PartialData"), _result("q1", [5])],
        next_token="page-2",
    )
    cloudwatch.answers(queries, [_result("q0", [30])], after="page-2")

    counts, errors = cloudwatch.counts([SHOP_PROD_Q, WEB_PROD_Q])

    assert (counts.counts, counts.unknown, errors) == ({SHOP_PROD: 60.0, WEB_PROD: 5.0}, {}, [])


def test_partial_data_on_the_last_page_leaves_the_stage_unknown(cloudwatch: CloudWatch) -> None:
    queries = [*_queries(SHOP_PROD_Q, 0), *_queries(WEB_PROD_Q, 1)]
    cloudwatch.answers(
        queries,
        [_result("q0", [10], "PartialData"), _result("q1", [5])],
        next_token="page-2",
    )
    cloudwatch.answers(queries, [_result("q0", [30], "PartialData")], after="page-2")

    counts, errors = cloudwatch.counts([SHOP_PROD_Q, WEB_PROD_Q])

    assert counts.counts == {WEB_PROD: 5.0}  # never a partial sum
    assert counts.unknown == {SHOP_PROD: _unknown("Count", SHOP_PROD, "PartialData")}
    assert errors == []


def test_a_stage_absent_from_a_complete_answer_or_without_values_has_zero_requests(
    cloudwatch: CloudWatch,
) -> None:
    # a stage nobody called has no data point at all
    cloudwatch.answers(
        [*_queries(SHOP_PROD_Q, 0), *_queries(SHOP_DEV_Q, 1), *_queries(WEB_PROD_Q, 2)],
        [_result("q0", [12]), _result("q2", [])],
    )

    counts, errors = cloudwatch.counts([SHOP_PROD_Q, SHOP_DEV_Q, WEB_PROD_Q])

    assert (counts.counts, counts.unknown, errors) == (
        {SHOP_PROD: 12.0, SHOP_DEV: 0.0, WEB_PROD: 0.0},
        {},
        [],
    )


def test_websocket_stage_traffic_is_its_connections_plus_its_messages(
    cloudwatch: CloudWatch,
) -> None:
    cloudwatch.answers(
        [*_queries(CHAT_PROD_Q, 0), *_queries(WEB_PROD_Q, 2)],
        [_result("q0", [40, 2]), _result("q1", [70]), _result("q2", [1])],
    )

    counts, errors = cloudwatch.counts([CHAT_PROD_Q, WEB_PROD_Q])

    assert (counts.counts, counts.unknown, errors) == ({CHAT_PROD: 112.0, WEB_PROD: 1.0}, {}, [])


@pytest.mark.parametrize(
    ("connects", "messages", "reason"),
    [
        ("Forbidden", "Complete", _unknown("ConnectCount", CHAT_PROD, "Forbidden")),
        ("Complete", "InternalError", _unknown("MessageCount", CHAT_PROD, "InternalError")),
        ("Complete", "PartialData", _unknown("MessageCount", CHAT_PROD, "PartialData")),
    ],
)
def test_websocket_stage_is_unknown_if_either_metric_is_not_complete(
    cloudwatch: CloudWatch, connects: str, messages: str, reason: str
) -> None:
    cloudwatch.answers(
        [*_queries(CHAT_PROD_Q, 0), *_queries(WEB_PROD_Q, 2)],
        [_result("q0", [40], connects), _result("q1", [70], messages), _result("q2", [1])],
    )

    counts, errors = cloudwatch.counts([CHAT_PROD_Q, WEB_PROD_Q])

    assert (counts.counts, counts.unknown, errors) == ({WEB_PROD: 1.0}, {CHAT_PROD: reason}, [])


def test_a_failed_call_is_one_collection_error_and_counts_nothing(cloudwatch: CloudWatch) -> None:
    cloudwatch.fails("AccessDenied", "User is not authorized to perform cloudwatch:GetMetricData")

    counts, errors = cloudwatch.counts([SHOP_PROD_Q, WEB_PROD_Q, CHAT_PROD_Q])

    assert (counts.counts, counts.unknown) == ({}, {})  # not zero, and not "unknown" twice
    assert errors == [
        CollectionError(
            service="cloudwatch",
            operation="GetMetricData",
            target=REGION,
            code="AccessDenied",
            message="User is not authorized to perform cloudwatch:GetMetricData",
        )
    ]


def test_a_call_failing_on_its_second_page_counts_nothing_of_its_first(
    cloudwatch: CloudWatch,
) -> None:
    queries = [*_queries(SHOP_PROD_Q, 0), *_queries(WEB_PROD_Q, 1)]
    cloudwatch.answers(
        queries, [_result("q0", [10], "PartialData"), _result("q1", [5])], next_token="page-2"
    )
    cloudwatch.fails("InternalServiceError", "try again")

    counts, errors = cloudwatch.counts([SHOP_PROD_Q, WEB_PROD_Q])

    assert (counts.counts, counts.unknown) == ({}, {})
    assert [(e.operation, e.target, e.code) for e in errors] == [
        ("GetMetricData", REGION, "InternalServiceError")
    ]


def _many_stages() -> tuple[metrics.StageMetricQuery, list[metrics.StageMetricQuery]]:
    """One REST stage then 250 WebSocket stages: 501 metric queries. The last WebSocket stage
    of the first call (index 249) has its ConnectCount at q499 and its MessageCount in the
    next call, as q0."""
    rest = metrics.rest_stage_query(SHOP_PROD, "shop", "prod")
    chats = [
        metrics.v2_stage_query(f"{REGION}/chat{n}/prod", f"chat{n}", "prod", "WEBSOCKET")
        for n in range(250)
    ]
    return rest, chats


def _first_call(
    rest: metrics.StageMetricQuery, chats: list[metrics.StageMetricQuery]
) -> list[dict[str, Any]]:
    queries = [*_queries(rest, 0)]
    for n, chat in enumerate(chats):
        queries += _queries(chat, 1 + 2 * n)
    return queries[:500]


def test_more_than_500_metric_queries_take_one_call_per_500(cloudwatch: CloudWatch) -> None:
    rest, chats = _many_stages()
    first = _first_call(rest, chats)
    straddling = chats[249]
    cloudwatch.answers(first, [_result(query["Id"], [1]) for query in first])
    cloudwatch.answers(
        [_metric_query("q0", "MessageCount", dict(straddling.dimensions))],
        [_result("q0", [2])],
    )

    counts, errors = cloudwatch.counts([rest, *chats])

    assert (len(first), counts.unknown, errors) == (500, {}, [])
    assert counts.counts[SHOP_PROD] == 1.0
    assert {counts.counts[chat.stage_key] for chat in chats[:249]} == {2.0}
    assert counts.counts[straddling.stage_key] == 3.0  # 1 connect (call 1) + 2 messages (call 2)
    assert len(counts.counts) == 251


def test_a_failed_call_leaves_only_the_stages_it_asked_for_uncounted(
    cloudwatch: CloudWatch,
) -> None:
    rest, chats = _many_stages()
    first = _first_call(rest, chats)
    straddling = chats[249]
    cloudwatch.answers(first, [_result(query["Id"], [1]) for query in first])
    cloudwatch.fails("Throttling", "Rate exceeded")

    counts, errors = cloudwatch.counts([rest, *chats])

    assert [(e.target, e.code) for e in errors] == [(REGION, "Throttling")]
    assert counts.counts[SHOP_PROD] == 1.0
    assert {counts.counts[chat.stage_key] for chat in chats[:249]} == {2.0}
    # its connections were counted, its messages were not: no count at all, never a part
    assert straddling.stage_key not in counts.counts
    assert counts.unknown == {}


def test_a_stage_whose_other_batch_failed_is_explained_by_the_failed_call_alone(
    cloudwatch: CloudWatch,
) -> None:
    rest, chats = _many_stages()
    first = _first_call(rest, chats)
    straddling = chats[249]
    # the straddling stage's ConnectCount, last query of the first call, is Forbidden
    cloudwatch.answers(
        first,
        [
            _result(query["Id"], [1], "Forbidden" if index == len(first) - 1 else "Complete")
            for index, query in enumerate(first)
        ],
    )
    cloudwatch.fails("Throttling", "Rate exceeded")

    counts, errors = cloudwatch.counts([rest, *chats])

    assert [(e.target, e.code) for e in errors] == [(REGION, "Throttling")]
    assert straddling.stage_key not in counts.counts
    assert straddling.stage_key not in counts.unknown  # the region's error says why


def test_every_incomplete_metric_of_a_stage_and_cloudwatch_s_message_are_in_its_reason(
    cloudwatch: CloudWatch,
) -> None:
    forbidden = _result("q0", [], "Forbidden")
    forbidden["Messages"] = [{"Code": "Forbidden", "Value": "no access to AWS/ApiGateway"}]
    cloudwatch.answers(_queries(CHAT_PROD_Q), [forbidden, _result("q1", [], "InternalError")])

    counts, errors = cloudwatch.counts([CHAT_PROD_Q])

    assert errors == []
    assert counts.unknown == {
        CHAT_PROD: _unknown("ConnectCount", CHAT_PROD, "Forbidden (no access to AWS/ApiGateway)")
        + "; "
        + _unknown("MessageCount", CHAT_PROD, "InternalError")
    }
