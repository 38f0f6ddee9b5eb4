"""The number of AWS calls depends on regions, APIs, deployments and the distinct resources
stages refer to (functions, log groups, client certificates), never on methods."""

from __future__ import annotations

import math
from collections import Counter

from collectors.demo.builders import AccountBuilder, HttpApiBuilder, RestApiBuilder
from tests_unit.conftest import collect

REST_APIS, RESOURCES, STAGES = 3, 50, 3
VERBS = ("GET", "POST", "PUT", "DELETE")


def expected_calls(
    regions: int,
    rest_apis: int,
    v2_apis: int,
    stages: int,
    deployments: int,
    functions: int,
    log_groups: int = 0,
    certificates: int = 0,
    usage_plans: int = 0,
) -> int:
    """The formula of collectors.inventory: see its module docstring (no custom domains)."""
    per_region = 7 + math.ceil(stages / 500)
    return (
        2
        + regions * per_region
        + 5 * rest_apis
        + 4 * v2_apis
        + 2 * deployments
        + functions
        + log_groups
        + certificates
        + usage_plans
    )


def test_call_count_follows_the_formula_for_3_apis_x_50_resources_x_4_methods_x_3_stages(
    aws: None,
) -> None:
    account = AccountBuilder()
    account.cloudwatch_role()  # REST and WebSocket logging need it
    functions = [account.lambda_function(f"handler-{n}", timeout_seconds=10) for n in range(2)]
    for api_number in range(REST_APIS):
        api = RestApiBuilder(f"api-{api_number}")
        for resource in range(RESOURCES):
            for verb_number, verb in enumerate(VERBS):
                api.method(verb, f"/r{resource}", lambda_arn=functions[verb_number % 2])
        for stage in ("prod", "staging", "dev"):
            api.stage(stage)
    http = HttpApiBuilder("edge")
    http.route("GET /x", http.lambda_integration(functions[0]))
    http.stage("prod")

    calls: list[str] = []
    inventory = collect(calls=calls)

    methods = sum(len(r.methods) for a in inventory.rest_apis for r in a.resources or ())
    assert methods == REST_APIS * RESOURCES * len(VERBS)
    # every REST API's in-scope stages (prod, staging) serve one deployment; dev costs nothing
    assert len(calls) == expected_calls(
        regions=1,
        rest_apis=REST_APIS,
        v2_apis=1,
        stages=REST_APIS * STAGES + 1,
        deployments=REST_APIS + 1,
        functions=2,
    )
    assert len(calls) == 39  # 2 + (7 + 1) + 3 x 5 + 1 x 4 + 2 x 4 + 2
    assert by_operation_count(calls, "apigateway.GetExport") == REST_APIS
    by_operation = Counter(calls)
    assert by_operation["apigateway.GetDeployment"] == REST_APIS
    assert by_operation["apigatewayv2.ExportApi"] == 1
    assert by_operation["apigateway.GetResources"] == REST_APIS
    assert by_operation["lambda.GetFunctionConfiguration"] == 2
    assert by_operation["cloudwatch.GetMetricData"] == 1


def by_operation_count(calls: list[str], operation: str) -> int:
    return Counter(calls)[operation]


def test_a_log_group_or_client_certificate_costs_one_call_however_many_stages_share_it(
    aws: None,
) -> None:
    account = AccountBuilder()
    account.cloudwatch_role()  # REST and WebSocket logging need it
    shared_logs = account.log_group("/aws/apigateway/shared", retention_days=30)
    certificate = account.client_certificate()
    for api_number in range(2):
        api = RestApiBuilder(f"api-{api_number}")
        api.method("GET", "/x", http_url="https://backend.example.com/x")
        for stage in ("prod", "staging", "dev"):
            api.stage(stage)
            api.access_logs(stage, shared_logs, "$context.requestId")
            api.client_certificate(stage, certificate)
    http = HttpApiBuilder("edge")
    http.route("GET /x", http.lambda_integration(account.lambda_function("x", 10)))
    http.stage("prod")
    http.stage("staging")
    http.access_logs("prod", shared_logs, "$context.requestId")
    firehose = "arn:aws:firehose:us-east-1:123456789012:deliverystream/amazon-apigateway-edge"
    http.access_logs("staging", firehose, "$context.requestId")  # not a log group: no call

    calls: list[str] = []
    collect(calls=calls)

    assert len(calls) == expected_calls(
        regions=1,
        rest_apis=2,
        v2_apis=1,
        stages=2 * 3 + 2,
        deployments=2 + 2,  # a REST deployment each; the HTTP stages one each
        functions=1,
        log_groups=1,
        certificates=1,
    )
    by_operation = Counter(calls)
    assert by_operation["logs.DescribeLogGroups"] == 1
    assert by_operation["apigateway.GetClientCertificate"] == 1


def test_a_usage_plan_costs_one_call_however_many_stages_share_it(aws: None) -> None:
    """GetUsagePlanKeys once per plan bound to an in-scope stage; GetApiKeys once a region."""
    account = AccountBuilder()
    account.cloudwatch_role()  # REST and WebSocket logging need it
    api = RestApiBuilder("keyed")
    api.method("GET", "/x", api_key_required=True)
    for stage in ("prod", "staging", "dev"):
        api.stage(stage)
    shared = api.usage_plan("prod", "staging", "dev", rate=10, burst=5)
    api.usage_plan("dev", rate=10, burst=5)  # out of scope: its keys are not read
    account.api_key("partner", shared)

    calls: list[str] = []
    collect(calls=calls)

    assert len(calls) == expected_calls(
        regions=1, rest_apis=1, v2_apis=0, stages=3, deployments=1, functions=0, usage_plans=1
    )
    by_operation = Counter(calls)
    assert by_operation["apigateway.GetUsagePlanKeys"] == 1
    assert by_operation["apigateway.GetApiKeys"] == 1
