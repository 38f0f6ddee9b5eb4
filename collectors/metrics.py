"""Request counts for every stage of a region from CloudWatch, in as few calls as allowed.

One GetMetricData call carries up to 500 queries, so a region with S stages costs
ceil(S / 500) calls (plus pages, when CloudWatch splits a large answer). Metric names and
dimensions follow AWS/ApiGateway: ``ApiName`` + ``Stage`` for REST APIs, ``ApiId`` + ``Stage``
for HTTP and WebSocket APIs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from collectors.clients import call_recording_errors
from collectors.model import CollectionError

SERVICE = "cloudwatch"
QUERIES_PER_CALL = 500
WINDOW = timedelta(days=30)
PERIOD_SECONDS = 86_400


@dataclass(frozen=True)
class StageMetricQuery:
    stage_key: str  # "region/apiId/stage"
    dimensions: tuple[tuple[str, str], ...]


def rest_stage_query(stage_key: str, api_name: str, stage: str) -> StageMetricQuery:
    return StageMetricQuery(stage_key, (("ApiName", api_name), ("Stage", stage)))


def v2_stage_query(stage_key: str, api_id: str, stage: str) -> StageMetricQuery:
    return StageMetricQuery(stage_key, (("ApiId", api_id), ("Stage", stage)))


def request_counts(
    client: Any,
    queries: Sequence[StageMetricQuery],
    end: datetime,
    region: str,
    errors: list[CollectionError],
) -> dict[str, float]:
    """30-day request ``Count`` sums by stage key; a stage whose batch failed is absent.

    A stage with no traffic has no data points at all, which is a count of zero.
    """
    counts: dict[str, float] = {}
    start = end - WINDOW
    for offset in range(0, len(queries), QUERIES_PER_CALL):
        batch = queries[offset : offset + QUERIES_PER_CALL]
        metric_queries = [
            {
                "Id": f"q{index}",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/ApiGateway",
                        "MetricName": "Count",
                        "Dimensions": [{"Name": n, "Value": v} for n, v in query.dimensions],
                    },
                    "Period": PERIOD_SECONDS,
                    "Stat": "Sum",
                },
                "ReturnData": True,
            }
            for index, query in enumerate(batch)
        ]

        def fetch(metric_queries: list[dict[str, Any]] = metric_queries) -> dict[str, float]:
            sums: dict[str, float] = {}
            pages = client.get_paginator("get_metric_data").paginate(
                MetricDataQueries=metric_queries, StartTime=start, EndTime=end
            )
            for page in pages:
                for result in page.get("MetricDataResults", []):
                    sums[result["Id"]] = sums.get(result["Id"], 0.0) + sum(result["Values"])
            return sums

        sums = call_recording_errors(errors, SERVICE, "GetMetricData", region, fetch)
        if sums is not None:
            for index, query in enumerate(batch):
                counts[query.stage_key] = sums.get(f"q{index}", 0.0)
    return counts
