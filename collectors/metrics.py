"""Request counts for every stage of a region from CloudWatch, in as few calls as allowed.

One GetMetricData call carries up to 500 queries, so a region needing Q queries costs
ceil(Q / 500) calls (plus pages, when CloudWatch splits a large answer with ``NextToken``).
Metric names and dimensions follow AWS/ApiGateway
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html,
.../apigateway-websocket-api-logging.html):

- REST: ``Count`` by ``ApiName`` + ``Stage`` (one query a stage);
- HTTP: ``Count`` by ``ApiId`` + ``Stage`` (one query a stage);
- WebSocket: no ``Count``; ``ConnectCount`` + ``MessageCount`` by ``ApiId`` + ``Stage`` (two).

Each result carries a ``StatusCode``: ``Complete``, ``PartialData`` (more on the next page),
``Forbidden`` or ``InternalError``. Only a query that ends ``Complete`` is a count; anything
else leaves the stage's count unknown, with the reason, never zero.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from collectors.clients import call_recording_errors
from collectors.model import CollectionError

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_cloudwatch.type_defs import MetricDataQueryTypeDef

SERVICE = "cloudwatch"
QUERIES_PER_CALL = 500
WINDOW = timedelta(days=30)
PERIOD_SECONDS = 86_400


@dataclass(frozen=True)
class StageMetricQuery:
    stage_key: str  # "region/apiId/stage"
    metric_names: tuple[str, ...]  # summed
    dimensions: tuple[tuple[str, str], ...]


def rest_stage_query(stage_key: str, api_name: str, stage: str) -> StageMetricQuery:
    return StageMetricQuery(stage_key, ("Count",), (("ApiName", api_name), ("Stage", stage)))


def v2_stage_query(stage_key: str, api_id: str, stage: str, protocol: str) -> StageMetricQuery:
    names = ("ConnectCount", "MessageCount") if protocol == "WEBSOCKET" else ("Count",)
    return StageMetricQuery(stage_key, names, (("ApiId", api_id), ("Stage", stage)))


@dataclass(frozen=True)
class _Metric:
    query: StageMetricQuery
    metric_name: str


@dataclass
class StageCounts:
    """30-day request sums by stage key, and why the others are unknown."""

    counts: dict[str, float]
    unknown: dict[str, str]  # stage key -> reason (a batch that failed: in the errors instead)


def _fetch(
    client: CloudWatchClient, batch: Sequence[_Metric], start: datetime, end: datetime
) -> dict[str, tuple[float, str]]:
    """Sum and final status of each query id, over every page: its ``StatusCode``, with the
    ``Messages`` CloudWatch adds to a Forbidden or InternalError answer."""
    metric_queries: list[MetricDataQueryTypeDef] = [
        {
            "Id": f"q{index}",
            "MetricStat": {
                "Metric": {
                    "Namespace": "AWS/ApiGateway",
                    "MetricName": metric.metric_name,
                    "Dimensions": [{"Name": n, "Value": v} for n, v in metric.query.dimensions],
                },
                "Period": PERIOD_SECONDS,
                "Stat": "Sum",
            },
            "ReturnData": True,
        }
        for index, metric in enumerate(batch)
    ]
    results: dict[str, tuple[float, str]] = {}
    pages = client.get_paginator("get_metric_data").paginate(
        MetricDataQueries=metric_queries, StartTime=start, EndTime=end
    )
    for page in pages:
        for result in page.get("MetricDataResults", []):
            total, _ = results.get(result["Id"], (0.0, ""))
            status = str(result.get("StatusCode", "Complete"))
            messages = "; ".join(
                str(m.get("Value", "")) for m in result.get("Messages") or () if m.get("Value")
            )
            # A query may appear on several pages; its status on the last one is final.
            results[result["Id"]] = (
                total + sum(result.get("Values", [])),
                f"{status} ({messages})" if messages and status != "Complete" else status,
            )
    return results


def request_counts(
    client: CloudWatchClient,
    queries: Sequence[StageMetricQuery],
    end: datetime,
    region: str,
    errors: list[CollectionError],
) -> StageCounts:
    """Requests per stage in the 30 days before ``end``. A stage with no traffic has no data
    points at all: a complete answer with no values is a count of zero."""
    metrics = [_Metric(query, name) for query in queries for name in query.metric_names]
    counts = StageCounts({}, {})
    failed: set[str] = set()  # stages with a metric in a batch whose call failed
    start = end - WINDOW
    for offset in range(0, len(metrics), QUERIES_PER_CALL):
        batch = metrics[offset : offset + QUERIES_PER_CALL]
        results = call_recording_errors(
            errors,
            SERVICE,
            "GetMetricData",
            region,
            functools.partial(_fetch, client, batch, start, end),
        )
        if results is None:
            failed.update(metric.query.stage_key for metric in batch)
            continue
        for index, metric in enumerate(batch):
            key = metric.query.stage_key
            total, status = results.get(f"q{index}", (0.0, "Complete"))
            if status != "Complete":
                reason = (
                    f"CloudWatch answered {metric.metric_name} for {key} with StatusCode "
                    f"{status}, not Complete"
                )
                earlier = counts.unknown.get(key)
                counts.unknown[key] = f"{earlier}; {reason}" if earlier else reason
            elif key not in counts.unknown:
                counts.counts[key] = counts.counts.get(key, 0.0) + total
    for key in failed:  # the failed call, recorded in ``errors``, is the reason
        counts.unknown.pop(key, None)
    for key in (*counts.unknown, *failed):
        counts.counts.pop(key, None)
    return counts
