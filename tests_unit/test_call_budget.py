"""The number of AWS calls depends on regions, APIs, deployments and functions, never on methods."""

from __future__ import annotations

import math
from collections import Counter

from collectors.demo.builders import AccountBuilder, HttpApiBuilder, RestApiBuilder
from tests_unit.conftest import collect

REST_APIS, RESOURCES, STAGES = 3, 50, 3
VERBS = ("GET", "POST", "PUT", "DELETE")


def expected_calls(
    regions: int, rest_apis: int, v2_apis: int, stages: int, deployments: int, functions: int
) -> int:
    """The formula of collectors.inventory: see its module docstring (no custom domains)."""
    per_region = 6 + math.ceil(stages / 500)
    return 2 + regions * per_region + 5 * rest_apis + 4 * v2_apis + 2 * deployments + functions


def test_call_count_follows_the_formula_for_3_apis_x_50_resources_x_4_methods_x_3_stages(
    aws: None,
) -> None:
    account = AccountBuilder()
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
    assert len(calls) == 38  # 2 + (6 + 1) + 3 x 5 + 1 x 4 + 2 x 4 + 2
    assert by_operation_count(calls, "apigateway.GetExport") == REST_APIS
    by_operation = Counter(calls)
    assert by_operation["apigateway.GetDeployment"] == REST_APIS
    assert by_operation["apigatewayv2.ExportApi"] == 1
    assert by_operation["apigateway.GetResources"] == REST_APIS
    assert by_operation["lambda.GetFunctionConfiguration"] == 2
    assert by_operation["cloudwatch.GetMetricData"] == 1


def by_operation_count(calls: list[str], operation: str) -> int:
    return Counter(calls)[operation]
