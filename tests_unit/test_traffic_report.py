"""The traffic evidence's cost line, and its section in api_gateway_resources.json."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import boto3
import pytest

from collectors.audited import audited_estate
from collectors.clients import AwsClients
from collectors.demo.builders import AccountBuilder, RestApiBuilder
from collectors.demo.estate import emulated_aws
from collectors.inventory import collect_inventory
from collectors.model import Inventory
from collectors.scope import StageScope
from collectors.targets import TargetIndex
from collectors.traffic import TrafficPlan
from reporting import resources_json
from reporting.run import run_info
from tests_unit.test_reporting_rendering import validate

REGION = "us-east-1"
FORMAT = json.dumps(
    {
        "ip": "$context.identity.sourceIp",
        "httpMethod": "$context.httpMethod",
        "resourcePath": "$context.resourcePath",
        "path": "$context.path",
        "status": "$context.status",
    }
)


@pytest.mark.parametrize(
    ("plan", "line"),
    [
        (
            TrafficPlan(queries=3, groups=2, estimated_bytes=400_000_000, capped=1, max_bytes=10e9),
            "3 Logs Insights queries over 2 log groups, at most 0.4 GB scanned "
            "(cap 10 GB; 1 query over the cap not run)",
        ),
        (
            TrafficPlan(queries=1, groups=1, estimated_bytes=2_500_000, capped=0, max_bytes=0.5e9),
            "1 Logs Insights query over 1 log group, at most 2.5 MB scanned (cap 0.5 GB)",
        ),
        (
            TrafficPlan(queries=0, groups=0, estimated_bytes=0, capped=2, max_bytes=1e3),
            "0 Logs Insights queries over 0 log groups, at most 0.0 kB scanned "
            "(cap 1e-06 GB; 2 queries over the cap not run)",
        ),
    ],
)
def test_the_cost_line_states_queries_groups_scan_and_cap(plan: TrafficPlan, line: str) -> None:
    assert plan.describe() == line


def _estate(max_bytes: float) -> tuple[Inventory, list[TrafficPlan], list[tuple[int, int]]]:
    """Two REST APIs logging to their own groups; ``small`` holds less than ``big``."""
    plans: list[TrafficPlan] = []
    done: list[tuple[int, int]] = []
    with emulated_aws():
        account = AccountBuilder(REGION)
        account.cloudwatch_role()  # REST and WebSocket logging need it
        logs = boto3.client("logs", region_name=REGION)
        stamp = int(time.time() * 1000) - 3_600_000
        for name, events in (("small", 2), ("big", 40)):
            api = RestApiBuilder(name)
            api.method("GET", "/pets")
            api.method("ANY", "/{proxy+}")
            api.stage("prod")
            api.access_logs("prod", account.log_group(f"/apigw/{name}"), FORMAT)
            logs.create_log_stream(logGroupName=f"/apigw/{name}", logStreamName="s")
            message = {"ip": "10.0.0.1", "httpMethod": "GET", "status": 200}
            logs.put_log_events(
                logGroupName=f"/apigw/{name}",
                logStreamName="s",
                logEvents=[
                    {
                        "timestamp": stamp + i,
                        "message": json.dumps(
                            {**message, "resourcePath": "/{proxy+}", "path": f"/prod/users/{i}"}
                        ),
                    }
                    for i in range(events)
                ],
            )
        inventory = collect_inventory(
            AwsClients(boto3.Session(region_name=REGION)),
            (REGION,),
            traffic_days=7,
            traffic_max_bytes=max_bytes,
            on_traffic_plan=plans.append,
            on_traffic_query_done=lambda n, total: done.append((n, total)),
        )
    return inventory, plans, done


def _resources(inventory: Inventory) -> dict[str, object]:
    estate = audited_estate(TargetIndex(inventory, StageScope()))
    run = run_info(estate, "production and staging stages", complete=True, now=datetime.now(UTC))
    document = resources_json.resources_document(run, estate, [])
    validate(document, resources_json.FILE_NAME)
    return document


def test_the_plan_is_told_before_the_queries_and_each_query_that_ends() -> None:
    inventory, plans, done = _estate(max_bytes=10e9)
    assert inventory.traffic is not None
    (plan,) = plans
    # per API: operations + paths (it serves {proxy+}), over its own group
    assert (plan.queries, plan.groups, plan.capped) == (4, 2, 0)
    assert plan.estimated_bytes == sum(g.stored_bytes or 0 for g in inventory.log_groups) * 2
    assert done == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_the_cap_leaves_the_biggest_group_unread_and_says_so() -> None:
    small, _, _ = _estate(max_bytes=10e9)
    stored = {g.name: g.stored_bytes or 0 for g in small.log_groups}
    assert stored["/apigw/small"] < stored["/apigw/big"]
    inventory, (plan,), done = _estate(max_bytes=2 * stored["/apigw/small"])
    assert (plan.queries, plan.groups, plan.capped) == (2, 1, 2)
    assert done[-1] == (2, 2)
    traffic = _resources(inventory)["traffic"]
    assert isinstance(traffic, dict)
    by_api = {stage["api_name"]: stage for stage in traffic["stages"]}
    assert by_api["small"]["operations"]
    assert by_api["big"]["operations"] is None
    assert set(by_api["big"]["unanswered"]) == {"operations", "paths"}
    assert "--traffic-max-gb" in by_api["big"]["unanswered"]["operations"]


def test_the_resources_report_holds_the_traffic_section_as_collected() -> None:
    inventory, _, _ = _estate(max_bytes=10e9)
    traffic = _resources(inventory)["traffic"]
    assert isinstance(traffic, dict)
    assert inventory.traffic is not None
    assert traffic["days"] == 7
    assert traffic["window"] == {
        "start": inventory.traffic.window_start,
        "end": inventory.traffic.window_end,
    }
    assert (traffic["queries"], traffic["bytes_scanned"]) == (4, inventory.traffic.bytes_scanned)
    assert traffic["bytes_scanned"] > 0
    big = next(stage for stage in traffic["stages"] if stage["api_name"] == "big")
    assert big["stage"] == "prod"
    assert big["log_group"].endswith(":log-group:/apigw/big")
    (operation,) = big["operations"]
    assert (operation["method"], operation["resource"]) == ("GET", "/{proxy+}")
    assert operation["requests_by_class"] == {"2XX": 40}
    (path,) = big["paths"]
    assert (path["template"], path["distinct_paths"]) == ("/users/{id}", 40)
    assert big["unanswered"] == {}


def test_without_traffic_evidence_the_section_is_null() -> None:
    with emulated_aws():
        api = RestApiBuilder("quiet")
        api.method("GET", "/pets")
        api.stage("prod")
        inventory = collect_inventory(AwsClients(boto3.Session(region_name=REGION)), (REGION,))
    assert _resources(inventory)["traffic"] is None
