"""Traffic evidence: audited stages' access logs read with Logs Insights, aggregated by AWS."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import boto3
import pytest

from collectors.clients import AwsClients
from collectors.demo.builders import AccountBuilder, RestApiBuilder
from collectors.demo.builders.clients import aws_client
from collectors.demo.estate import emulated_aws
from collectors.inventory import collect_inventory
from collectors.model import Inventory, StageTraffic

REGION = "us-east-1"
FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "httpMethod": "$context.httpMethod",
        "resourcePath": "$context.resourcePath",
        "path": "$context.path",
        "status": "$context.status",
    }
)
NO_STATUS = '{"m": "$context.httpMethod", "r": "$context.resourcePath"}'


@dataclass
class Estate:
    shop: RestApiBuilder
    blind: RestApiBuilder  # logs without $context.status
    firehose: RestApiBuilder
    calls: list[str]
    inventory: Inventory

    def traffic(self, api: RestApiBuilder, stage: str = "prod") -> StageTraffic:
        assert self.inventory.traffic is not None
        found = self.inventory.traffic.stage(REGION, api.id, stage)
        assert found is not None
        return found


def _event(method: str, resource: str, path: str, status: int, ip: str) -> str:
    return json.dumps(
        {"requestId": "r", "ip": ip, "httpMethod": method, "resourcePath": resource,
         "path": path, "status": status}
    )  # fmt: skip


def _write(group: str, messages: list[str]) -> None:
    logs = boto3.client("logs", region_name=REGION)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    stamp = int(time.time() * 1000) - 3_600_000
    logs.put_log_events(
        logGroupName=group,
        logStreamName="s",
        logEvents=[{"timestamp": stamp + i, "message": m} for i, m in enumerate(messages)],
    )


def _collect(calls: list[str], max_bytes: float = 10e9) -> Inventory:
    clients = AwsClients(boto3.Session(region_name=REGION), lambda s, o: calls.append(f"{s}.{o}"))
    return collect_inventory(clients, (REGION,), traffic_days=7, traffic_max_bytes=max_bytes)


@pytest.fixture(scope="module")
def estate() -> Estate:
    with emulated_aws():
        account = AccountBuilder(REGION)
        account.cloudwatch_role()  # REST and WebSocket logging need it
        shop_logs = account.log_group("/apigw/shop")
        shop = RestApiBuilder("shop")
        shop.method("GET", "/pets")
        shop.method("POST", "/orders")
        shop.method("ANY", "/{proxy+}")
        shop.stage("prod")
        shop.access_logs("prod", shop_logs, FORMAT)
        # shop.example.com/v1/... is prod; shop.example.com/api/<stage>/... any stage
        account.rest_custom_domain("shop.example.com", shop.id, "prod")
        v1 = aws_client("apigateway", REGION)
        v1.create_base_path_mapping(
            domainName="shop.example.com", restApiId=shop.id, basePath="v1", stage="prod"
        )
        v1.create_base_path_mapping(
            domainName="shop.example.com", restApiId=shop.id, basePath="api"
        )
        _write(
            "/apigw/shop",
            [
                _event("GET", "/pets", "/prod/pets", 200, "10.0.0.1"),
                _event("GET", "/pets", "/prod/pets", 200, "10.0.0.2"),
                _event("GET", "/pets", "/prod/pets", 404, "10.0.0.2"),
                _event("GET", "/{proxy+}", "/prod/users/4711", 200, "10.0.0.3"),
                _event("GET", "/{proxy+}", "/prod/users/42", 200, "10.0.0.3"),
                _event("GET", "/{proxy+}", "/v1/users/7", 200, "10.0.0.4"),  # custom domain
                _event("GET", "/{proxy+}", "/api/prod/users/8", 200, "10.0.0.4"),
                _event("GET", "/{proxy+}", "/users/9", 200, "10.0.0.4"),  # its root mapping
                _event("DELETE", "/{proxy+}", "/prod/admin", 403, "10.0.0.9"),
            ],
        )
        blind_logs = account.log_group("/apigw/blind")
        blind = RestApiBuilder("blind")
        blind.method("GET", "/items")
        blind.stage("prod")
        blind.access_logs("prod", blind_logs, NO_STATUS)
        firehose = RestApiBuilder("firehose")
        firehose.method("GET", "/x")
        firehose.stage("prod")
        firehose.access_logs(
            "prod", "arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-x",
            FORMAT,
        )  # fmt: skip
        calls: list[str] = []
        inventory = _collect(calls)
    return Estate(shop, blind, firehose, calls, inventory)


def test_each_operation_is_counted_by_status_class_with_its_distinct_callers(
    estate: Estate,
) -> None:
    traffic = estate.traffic(estate.shop)
    assert traffic.operations is not None
    pets = next(o for o in traffic.operations if (o.method, o.resource) == ("GET", "/pets"))
    assert pets.requests_by_class == {"2XX": 2, "4XX": 1}
    assert pets.source_ips_by_class == {"2XX": 2, "4XX": 1}
    assert pets.first_seen <= pets.last_seen
    assert not any(o.resource == "/orders" for o in traffic.operations)  # never called


def test_greedy_paths_become_templates_without_the_stage_base_path_or_any_concrete_id(
    estate: Estate,
) -> None:
    """Called at the default endpoint (/prod/...) and through the custom domain's base paths
    (/v1/..., /api/prod/..., and its root), one template, as the API's own resources read."""
    traffic = estate.traffic(estate.shop)
    assert traffic.paths is not None
    seen = {(p.method, p.template): (p.requests_by_class, p.distinct_paths) for p in traffic.paths}
    assert seen == {
        ("GET", "/users/{id}"): ({"2XX": 5}, 5),
        ("DELETE", "/admin"): ({"4XX": 1}, 1),
    }
    assert "4711" not in json.dumps([p.template for p in traffic.paths])


def test_one_query_per_question_and_log_group_and_results_polled(estate: Estate) -> None:
    # shop: operations + paths (it serves {proxy+}); blind: nothing it can answer
    assert estate.calls.count("logs.StartQuery") == 2
    assert estate.calls.count("logs.GetQueryResults") == 2
    assert estate.inventory.traffic is not None
    assert estate.inventory.traffic.queries == 2
    assert estate.inventory.traffic.bytes_scanned > 0


def test_a_format_without_the_status_leaves_the_question_unanswered_naming_it(
    estate: Estate,
) -> None:
    traffic = estate.traffic(estate.blind)
    assert traffic.operations is None
    assert "$context.status" in traffic.unanswered["operations"]


def test_firehose_access_logs_are_not_readable_by_the_suite(estate: Estate) -> None:
    # not a gap in the evidence (nothing could ever be read there): its checks do not apply
    traffic = estate.traffic(estate.firehose)
    assert traffic.operations is None
    assert traffic.unanswered == {}
    assert traffic.not_readable is not None
    assert "not readable by this suite" in traffic.not_readable


def test_queries_that_would_scan_past_the_cap_are_not_run() -> None:
    with emulated_aws():
        account = AccountBuilder(REGION)
        account.cloudwatch_role()  # REST and WebSocket logging need it
        group = account.log_group("/apigw/big")
        api = RestApiBuilder("big")
        api.method("GET", "/pets")
        api.stage("prod")
        api.access_logs("prod", group, FORMAT)
        _write("/apigw/big", [_event("GET", "/pets", "/prod/pets", 200, "10.0.0.1")] * 10)
        calls: list[str] = []
        inventory = _collect(calls, max_bytes=10)
    assert "logs.StartQuery" not in calls
    assert inventory.traffic is not None
    (traffic,) = inventory.traffic.stages
    assert "--traffic-max-gb" in traffic.unanswered["operations"]


def test_rows_whose_status_is_no_number_leave_the_question_unanswered() -> None:
    with emulated_aws():
        account = AccountBuilder(REGION)
        account.cloudwatch_role()  # REST and WebSocket logging need it
        group = account.log_group("/apigw/odd")
        api = RestApiBuilder("odd")
        api.method("GET", "/pets")
        api.stage("prod")
        api.access_logs("prod", group, FORMAT)
        _write("/apigw/odd", [_event("GET", "/pets", "/prod/pets", 200, "1.1.1.1").replace(
            '"status": 200', '"status": "-"')])  # fmt: skip
        inventory = _collect([])
    assert inventory.traffic is not None
    (traffic,) = inventory.traffic.stages
    assert traffic.operations is None  # never "no request"
    assert "not numbers" in traffic.unanswered["operations"]


def test_a_format_recording_the_stage_is_told_apart_even_when_no_other_stage_is_known() -> None:
    # an excluded API (never inventoried) writes to the same group
    shared_format = FORMAT.replace("}", ', "stage": "$context.stage"}')
    with emulated_aws():
        account = AccountBuilder(REGION)
        account.cloudwatch_role()  # REST and WebSocket logging need it
        group = account.log_group("/apigw/shared")
        api = RestApiBuilder("mine")
        api.method("GET", "/pets")
        api.stage("prod")
        api.access_logs("prod", group, shared_format)
        other = json.loads(_event("GET", "/pets", "/dev/pets", 200, "2.2.2.2"))
        mine = json.loads(_event("GET", "/pets", "/prod/pets", 200, "1.1.1.1"))
        _write("/apigw/shared", [json.dumps({**mine, "stage": "prod"}),
                                 json.dumps({**other, "stage": "dev"})])  # fmt: skip
        inventory = _collect([])
    assert inventory.traffic is not None
    (traffic,) = inventory.traffic.stages
    assert traffic.operations is not None
    assert [o.requests for o in traffic.operations] == [1]
