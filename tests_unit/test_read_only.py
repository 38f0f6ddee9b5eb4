"""The suite can only read: writes are refused before they are sent, and the IAM policy we
ship allows every call the collection makes."""

from __future__ import annotations

import fnmatch
import json

import boto3
import pytest

from collectors.clients import AwsClients
from collectors.demo.builders import RestApiBuilder
from collectors.demo.estate import DEMO_REGIONS, build_demo_estate
from collectors.errors import WriteOperationRefused
from collectors.inventory import collect_inventory
from tests_unit.conftest import REGION, REPO_ROOT

# What each operation the collectors call needs in IAM: (action, resource path or ARN).
IAM_REQUIREMENT = {
    "apigateway.GetRestApis": ("apigateway:GET", "arn:aws:apigateway:{region}::/restapis"),
    "apigateway.GetResources": ("apigateway:GET", "arn:aws:apigateway:{region}::/restapis/a/resources"),
    "apigateway.GetStages": ("apigateway:GET", "arn:aws:apigateway:{region}::/restapis/a/stages"),
    "apigateway.GetAuthorizers": ("apigateway:GET", "arn:aws:apigateway:{region}::/restapis/a/authorizers"),
    "apigateway.GetRequestValidators": ("apigateway:GET", "arn:aws:apigateway:{region}::/restapis/a/requestvalidators"),
    "apigateway.GetGatewayResponses": ("apigateway:GET", "arn:aws:apigateway:{region}::/restapis/a/gatewayresponses"),
    "apigateway.GetUsagePlans": ("apigateway:GET", "arn:aws:apigateway:{region}::/usageplans"),
    "apigatewayv2.GetApis": ("apigateway:GET", "arn:aws:apigateway:{region}::/apis"),
    "apigatewayv2.GetRoutes": ("apigateway:GET", "arn:aws:apigateway:{region}::/apis/a/routes"),
    "apigatewayv2.GetIntegrations": ("apigateway:GET", "arn:aws:apigateway:{region}::/apis/a/integrations"),
    "apigatewayv2.GetStages": ("apigateway:GET", "arn:aws:apigateway:{region}::/apis/a/stages"),
    "apigatewayv2.GetAuthorizers": ("apigateway:GET", "arn:aws:apigateway:{region}::/apis/a/authorizers"),
    "lambda.GetFunctionConfiguration": ("lambda:GetFunctionConfiguration", "arn:aws:lambda:{region}:123456789012:function:f:live"),
    "cloudwatch.GetMetricData": ("cloudwatch:GetMetricData", "*"),
    "sts.GetCallerIdentity": ("sts:GetCallerIdentity", "*"),
}  # fmt: skip


def allowed(policy: dict, action: str, resource: str) -> bool:
    for statement in policy["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        if statement["Effect"] == "Allow" and action in actions:
            if any(fnmatch.fnmatchcase(resource, pattern) for pattern in resources):
                return True
    return False


def test_write_operation_is_refused_before_it_is_sent(aws: None) -> None:
    api = RestApiBuilder("keep-me")
    sent: list[str] = []
    clients = AwsClients(boto3.Session(region_name=REGION), lambda s, o: sent.append(o))
    client = clients.get("apigateway", REGION)
    with pytest.raises(WriteOperationRefused, match="refused to call apigateway.DeleteRestApi"):
        client.delete_rest_api(restApiId=api.id)
    assert sent == []
    assert [a["name"] for a in api.client.get_rest_apis()["items"]] == ["keep-me"]


def test_read_operations_pass_the_guard(aws: None) -> None:
    clients = AwsClients(boto3.Session(region_name=REGION))
    assert clients.get("apigateway", REGION).get_rest_apis()["items"] == []


def test_shipped_iam_policy_allows_every_call_the_demo_collection_makes(aws: None) -> None:
    policy = json.loads((REPO_ROOT / "docs" / "iam-policy.json").read_text())
    build_demo_estate()
    calls: list[str] = []
    clients = AwsClients(
        boto3.Session(region_name=REGION), lambda s, o: calls.append(f"{s}.{o}")
    )
    collect_inventory(clients, DEMO_REGIONS)
    assert calls
    for call in sorted(set(calls)):
        assert call in IAM_REQUIREMENT, f"{call} is new: add its IAM action to the policy"
        action, resource = IAM_REQUIREMENT[call]
        assert allowed(policy, action, resource.format(region=REGION)), call


def test_shipped_iam_policy_is_read_only() -> None:
    policy = json.loads((REPO_ROOT / "docs" / "iam-policy.json").read_text())
    for statement in policy["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        for action in actions:
            verb = action.split(":", 1)[1]
            assert verb == "GET" or verb.startswith(("Get", "List", "Describe")), action
