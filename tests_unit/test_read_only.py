"""The suite can only read: writes are refused before they are sent, and the IAM policy we
ship allows every call the collection makes."""

from __future__ import annotations

import fnmatch
import json
from typing import Any

import boto3
import pytest

from collectors.clients import READ_ONLY_OPERATIONS, AwsClients
from collectors.demo.builders import RestApiBuilder
from collectors.demo.estate import DEMO_REGIONS, build_demo_estate
from collectors.errors import WriteOperationRefused
from collectors.inventory import collect_inventory
from tests_unit.conftest import REGION, REPO_ROOT

APIGW = "arn:aws:apigateway:us-east-1::"
# What each operation the collectors call needs in IAM: (action, resource ARN).
IAM_REQUIREMENT = {
    "apigateway.GetRestApis": ("apigateway:GET", f"{APIGW}/restapis"),
    "apigateway.GetResources": ("apigateway:GET", f"{APIGW}/restapis/a/resources"),
    "apigateway.GetStages": ("apigateway:GET", f"{APIGW}/restapis/a/stages"),
    "apigateway.GetAuthorizers": ("apigateway:GET", f"{APIGW}/restapis/a/authorizers"),
    "apigateway.GetRequestValidators": ("apigateway:GET", f"{APIGW}/restapis/a/requestvalidators"),
    "apigateway.GetGatewayResponses": ("apigateway:GET", f"{APIGW}/restapis/a/gatewayresponses"),
    "apigateway.GetUsagePlans": ("apigateway:GET", f"{APIGW}/usageplans"),
    "apigateway.GetUsagePlanKeys": ("apigateway:GET", f"{APIGW}/usageplans/p/keys"),
    "apigateway.GetApiKeys": ("apigateway:GET", f"{APIGW}/apikeys"),
    "apigateway.GetAccount": ("apigateway:GET", f"{APIGW}/account"),
    "apigateway.GetClientCertificate": ("apigateway:GET", f"{APIGW}/clientcertificates/c"),
    "apigateway.GetDeployment": ("apigateway:GET", f"{APIGW}/restapis/a/deployments/d"),
    "apigateway.GetExport": ("apigateway:GET", f"{APIGW}/restapis/a/stages/prod/exports/oas30"),
    "apigatewayv2.GetDeployment": ("apigateway:GET", f"{APIGW}/apis/a/deployments/d"),
    "apigatewayv2.ExportApi": ("apigateway:GET", f"{APIGW}/apis/a/exports/OAS30"),
    "apigatewayv2.GetDomainNames": ("apigateway:GET", f"{APIGW}/domainnames"),
    "apigateway.GetDomainNames": ("apigateway:GET", f"{APIGW}/domainnames"),
    "apigateway.GetBasePathMappings": (
        "apigateway:GET",
        f"{APIGW}/domainnames/api.example.com/basepathmappings",
    ),
    "apigatewayv2.GetApiMappings": (
        "apigateway:GET",
        f"{APIGW}/domainnames/api.example.com/apimappings",
    ),
    "apigatewayv2.ListRoutingRules": (
        "apigateway:GET",
        f"{APIGW}/domainnames/api.example.com/routingrules",
    ),
    "cloudfront.ListDistributions": ("cloudfront:ListDistributions", "*"),
    "acm.DescribeCertificate": (
        "acm:DescribeCertificate",
        "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012",
    ),
    "wafv2.GetWebACL": (
        "wafv2:GetWebACL",
        "arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/a1b2c3d4",
    ),
    "apigatewayv2.GetApis": ("apigateway:GET", f"{APIGW}/apis"),
    "apigatewayv2.GetRoutes": ("apigateway:GET", f"{APIGW}/apis/a/routes"),
    "apigatewayv2.GetIntegrations": ("apigateway:GET", f"{APIGW}/apis/a/integrations"),
    "apigatewayv2.GetStages": ("apigateway:GET", f"{APIGW}/apis/a/stages"),
    "apigatewayv2.GetAuthorizers": ("apigateway:GET", f"{APIGW}/apis/a/authorizers"),
    "lambda.GetFunctionConfiguration": (
        "lambda:GetFunctionConfiguration",
        "arn:aws:lambda:us-east-1:123456789012:function:f:live",
    ),
    "cloudwatch.GetMetricData": ("cloudwatch:GetMetricData", "*"),
    "logs.DescribeLogGroups": (
        "logs:DescribeLogGroups",
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/access",
    ),
    "logs.StartQuery": (
        "logs:StartQuery",
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigateway/access",
    ),
    "logs.GetQueryResults": ("logs:GetQueryResults", "*"),
    "logs.StopQuery": ("logs:StopQuery", "*"),  # only when an audit is interrupted
    "sts.GetCallerIdentity": ("sts:GetCallerIdentity", "*"),
    # the auditing identity's, with --accounts or --organization; the roles need none of them
    "sts.AssumeRole": ("sts:AssumeRole", "arn:aws:iam::111111111111:role/apigw-audit"),
    "organizations.ListAccounts": ("organizations:ListAccounts", "*"),
    "account.ListRegions": ("account:ListRegions", "*"),  # --region all, in each account
}


def as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def allowed(policy: dict[str, Any], action: str, resource: str) -> bool:
    return any(
        statement["Effect"] == "Allow"
        and action in as_list(statement["Action"])
        and any(fnmatch.fnmatchcase(resource, p) for p in as_list(statement["Resource"]))
        for statement in policy["Statement"]
    )


def test_write_operation_is_refused_before_it_is_sent(aws: None) -> None:
    api = RestApiBuilder("keep-me")
    sent: list[str] = []
    clients = AwsClients(boto3.Session(region_name=REGION), lambda s, o: sent.append(o))
    client = clients.apigateway(REGION)
    with pytest.raises(WriteOperationRefused, match=r"refused to call apigateway\.DeleteRestApi"):
        client.delete_rest_api(restApiId=api.id)
    assert sent == []
    assert [a["name"] for a in api.client.get_rest_apis()["items"]] == ["keep-me"]


def test_read_operations_pass_the_guard(aws: None) -> None:
    clients = AwsClients(boto3.Session(region_name=REGION))
    assert clients.apigateway(REGION).get_rest_apis()["items"] == []


def test_shipped_iam_policy_allows_every_call_the_demo_collection_makes(aws: None) -> None:
    policy = json.loads((REPO_ROOT / "docs" / "iam-policy.json").read_text())
    build_demo_estate()
    calls: list[str] = []
    clients = AwsClients(boto3.Session(region_name=REGION), lambda s, o: calls.append(f"{s}.{o}"))
    collect_inventory(clients, DEMO_REGIONS, traffic_days=7, traffic_max_bytes=10e9)
    assert {"logs.StartQuery", "logs.GetQueryResults"} <= set(calls)
    for call in sorted(set(calls)):
        assert call in IAM_REQUIREMENT, f"{call} is new: add its IAM action to the policy"
        action, resource = IAM_REQUIREMENT[call]
        assert allowed(policy, action, resource), call


@pytest.mark.parametrize("call", sorted(IAM_REQUIREMENT))
def test_shipped_iam_policy_allows_every_call_the_collectors_may_make(call: str) -> None:
    """Also the calls the demo collection does not make (StopQuery, on interruption)."""
    policy = json.loads((REPO_ROOT / "docs" / "iam-policy.json").read_text())
    assert allowed(policy, *IAM_REQUIREMENT[call]), call


def test_shipped_iam_policy_is_read_only() -> None:
    """Only reads, and the Logs Insights queries the read-only guard lets through."""
    policy = json.loads((REPO_ROOT / "docs" / "iam-policy.json").read_text())
    for statement in policy["Statement"]:
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        for action in actions:
            service, verb = action.split(":", 1)
            assert (
                verb == "GET"
                or verb.startswith(("Get", "List", "Describe"))
                or (service, verb) in READ_ONLY_OPERATIONS
            ), action


def test_assume_role_is_the_one_permission_that_is_not_a_read() -> None:
    """The auditing identity's AssumeRole, only with --accounts or --organization; every
    other action of the policy is a read or a Logs Insights query."""
    policy = json.loads((REPO_ROOT / "docs" / "iam-policy.json").read_text())
    not_reads = {
        (statement["Sid"], action)
        for statement in policy["Statement"]
        for action in as_list(statement["Action"])
        if not action.split(":", 1)[1].startswith(("GET", "Get", "List", "Describe"))
        and not action.startswith("logs:")
    }
    assert not_reads == {
        ("AuditingIdentityAssumesTheAuditRoleOnlyWithAccountsOrOrganization", "sts:AssumeRole")
    }


def test_the_logs_insights_permissions_say_they_serve_only_the_traffic_evidence() -> None:
    policy = json.loads((REPO_ROOT / "docs" / "iam-policy.json").read_text())
    for statement in policy["Statement"]:
        if any(a in as_list(statement["Action"]) for a in ("logs:StartQuery", "logs:StopQuery")):
            assert statement["Sid"].endswith("OnlyWithTrafficDays")


@pytest.mark.parametrize(
    ("service", "allowed"),
    [
        ("apigatewayv2", {"ExportApi"}),
        ("logs", {"StartQuery", "StopQuery"}),
        ("sts", {"AssumeRole"}),
        ("apigateway", set()),
        ("organizations", set()),
        ("account", set()),
    ],
)
def test_the_guard_lets_through_exactly_the_reads_and_the_named_ones(
    service: str, allowed: set[str]
) -> None:
    """Every operation whose name is not Get/List/Describe is refused, except apigatewayv2's
    ExportApi (an HTTP GET of the API's definition) and Logs Insights' StartQuery and
    StopQuery (the traffic evidence's queries) and STS AssumeRole (the auditing identity
    reaching each account's role): exactly these, in no other service."""
    from botocore.session import get_session

    from collectors.clients import READ_ONLY_OPERATIONS, refuse_writes

    model = get_session().get_service_model(service)
    passed = []
    for name in model.operation_names:
        try:
            refuse_writes(model.operation_model(name))
        except WriteOperationRefused:
            continue
        passed.append(name)
    assert {n for n in passed if not n.startswith(("Get", "List", "Describe"))} == allowed
    assert {op for s, op in READ_ONLY_OPERATIONS if s == service} == allowed


@pytest.mark.parametrize(
    ("service", "reads", "writes"),
    [
        ("logs", {"DescribeLogGroups"}, {"CreateLogGroup", "PutRetentionPolicy"}),
        (
            "apigateway",
            {"GetClientCertificate"},
            {"GenerateClientCertificate", "UpdateClientCertificate", "UpdateStage"},
        ),
        ("wafv2", {"GetWebACL"}, {"UpdateWebACL", "AssociateWebACL", "DisassociateWebACL"}),
        ("acm", {"DescribeCertificate"}, {"ImportCertificate", "RenewCertificate"}),
        (
            "apigateway",
            {"GetApiKeys", "GetUsagePlanKeys"},
            {"CreateApiKey", "ImportApiKeys", "CreateUsagePlanKey", "DeleteUsagePlanKey"},
        ),
    ],
)
def test_the_guard_lets_through_the_reference_reads_and_refuses_their_writes(
    service: str, reads: set[str], writes: set[str]
) -> None:
    """The reads of what stages refer to (access-log groups, client certificates) pass the
    guard; the calls that would create or change those resources do not."""
    from botocore.session import get_session

    from collectors.clients import refuse_writes

    model = get_session().get_service_model(service)
    for name in reads:
        refuse_writes(model.operation_model(name))
    for name in writes:
        with pytest.raises(WriteOperationRefused):
            refuse_writes(model.operation_model(name))
