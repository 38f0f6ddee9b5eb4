"""Every REST API field of the inventory is collected as AWS (here: moto) reports it."""

from __future__ import annotations

import pytest

from collectors.demo.builders import AccountBuilder, MethodCache, RestApiBuilder, invoke_policy
from collectors.model import Inventory, RestApi, RestStage, Throttle
from collectors.rest import parse_stage
from collectors.rest_definition import parse_resource_policy
from collectors.serialization import to_jsonable
from tests_unit.conftest import REGION, collect

ACCESS_LOGS = "arn:aws:logs:us-east-1:123456789012:log-group:api-access"
VPCE_POLICY = invoke_policy({"StringEquals": {"aws:SourceVpce": "vpce-123"}})


@pytest.fixture
def estate(aws: None) -> dict[str, str]:
    account = AccountBuilder()
    account.cloudwatch_role()  # REST and WebSocket logging need it
    slow = account.lambda_function("slow", timeout_seconds=60)
    acl = account.web_acl("edge-acl")
    api = RestApiBuilder("pets", tags={"team": "pets"}, endpoint_type="PRIVATE", policy=VPCE_POLICY)
    authorizer = api.authorizer("token", slow)
    validator = api.validator("all", body=True, parameters=True)
    api.method(
        "POST",
        "/pets/{id}",
        authorization="CUSTOM",
        authorizer_id=authorizer,
        api_key_required=True,
        validator_id=validator,
        request_parameters={"method.request.path.id": True},
        request_models={"application/json": "Empty"},
        lambda_arn=slow,
        timeout_ms=12_000,
    )
    api.method("GET", "/pets", http_url="https://backend.example.com/pets")
    api.cors_preflight("/pets", allow_origin="'*'", status_code="204")
    api.gateway_response(
        "DEFAULT_4XX", {"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"}
    )
    api.stage(
        "prod",
        tracing=True,
        cache_cluster=True,
        rate=100,
        burst=50,
        methods={"POST /pets/{id}": MethodCache(caching=True, rate=5, burst=2)},
        web_acl_arn=acl,
        variables={"secretish": "value-never-collected"},
        access_log_arn=ACCESS_LOGS,
    )
    api.stage("dev")
    api.usage_plan("prod", rate=10, burst=5, method_throttles={"/pets/{id}/POST": (1, 1)})
    account.request_count({"ApiName": "pets", "Stage": "prod"}, 1234)
    return {
        "api_id": api.id,
        "authorizer": authorizer,
        "validator": validator,
        "slow": slow,
        "acl": acl,
    }


@pytest.fixture
def inventory(estate: dict[str, str]) -> Inventory:
    return collect()


@pytest.fixture
def api(inventory: Inventory) -> RestApi:
    (api,) = inventory.rest_apis
    return api


def stage(api: RestApi, name: str) -> RestStage:
    return next(s for s in api.stages or () if s.name == name)


def test_api_level_fields(api: RestApi, estate: dict[str, str]) -> None:
    assert (api.id, api.name, api.region) == (estate["api_id"], "pets", REGION)
    assert api.endpoint_types == ("PRIVATE",)
    assert api.tags == {"team": "pets"}
    assert api.policy == VPCE_POLICY
    assert api.disable_execute_api_endpoint is False
    assert api.api_key_source == "HEADER"
    assert api.errors == ()


def test_methods_arrive_with_their_resources(api: RestApi, estate: dict[str, str]) -> None:
    resources = {r.path: r for r in api.resources or ()}
    assert set(resources) == {"/", "/pets", "/pets/{id}"}
    (post,) = resources["/pets/{id}"].methods
    assert post.http_method == "POST"
    assert post.authorization_type == "CUSTOM"
    assert post.authorizer_id == estate["authorizer"]
    assert post.api_key_required is True
    assert post.request_validator_id == estate["validator"]
    assert post.request_parameters == {"method.request.path.id": True}
    assert post.request_models == {"application/json": "Empty"}
    assert post.integration is not None
    assert post.integration.type == "AWS_PROXY"
    assert estate["slow"] in (post.integration.uri or "")
    assert post.integration.timeout_ms == 12_000


def test_cors_preflight_response_headers(api: RestApi) -> None:
    resources = {r.path: r for r in api.resources or ()}
    options = next(m for m in resources["/pets"].methods if m.http_method == "OPTIONS")
    assert options.integration is not None
    assert options.integration.type == "MOCK"
    assert options.integration.response_parameters == {
        "204": {"method.response.header.Access-Control-Allow-Origin": "'*'"}
    }


def test_authorizers_validators_and_gateway_responses(api: RestApi, estate: dict[str, str]) -> None:
    assert [(a.id, a.name, a.type) for a in api.authorizers or ()] == [
        (estate["authorizer"], "token", "TOKEN")
    ]
    (validator,) = api.request_validators or ()
    assert (validator.validate_request_body, validator.validate_request_parameters) == (True, True)
    cors_responses = [g for g in api.gateway_responses or () if g.response_type == "DEFAULT_4XX"]
    assert cors_responses[0].response_parameters == {
        "gatewayresponse.header.Access-Control-Allow-Origin": "'*'"
    }


def test_stage_fields(api: RestApi, estate: dict[str, str]) -> None:
    prod = stage(api, "prod")
    assert prod.deployment_id
    assert prod.tracing_enabled is True
    assert prod.cache_cluster_enabled is True
    assert prod.web_acl_arn == estate["acl"]
    assert prod.variable_names == ("secretish",)
    assert (prod.access_log_destination, prod.access_log_format) == (
        ACCESS_LOGS,
        "$context.requestId",
    )
    settings = {s.key: s for s in prod.method_settings}
    assert set(settings) == {"*/*", "~1pets~1{id}/POST"}
    assert settings["*/*"].throttle == Throttle(rate_limit=100.0, burst_limit=50)
    assert settings["~1pets~1{id}/POST"].throttle == Throttle(rate_limit=5.0, burst_limit=2)
    assert settings["~1pets~1{id}/POST"].caching_enabled is True
    assert stage(api, "dev").tracing_enabled is False


def test_usage_plans_are_bound_to_their_stage(api: RestApi) -> None:
    (plan,) = stage(api, "prod").usage_plans or ()
    assert plan.throttle == Throttle(rate_limit=10.0, burst_limit=5)
    assert (plan.quota_limit, plan.quota_period) == (100_000, "MONTH")
    assert plan.method_throttles == {"/pets/{id}/POST": Throttle(rate_limit=1.0, burst_limit=1)}
    assert stage(api, "dev").usage_plans == ()


def test_request_counts_and_lambda_timeouts(inventory: Inventory, api: RestApi) -> None:
    assert stage(api, "prod").request_count_30d == 1234
    assert stage(api, "dev").request_count_30d == 0
    assert [(f.arn.rsplit(":", 1)[-1], f.timeout_seconds) for f in inventory.lambda_functions] == [
        ("slow", 60)
    ]


def test_stage_variable_values_are_never_collected(inventory: Inventory) -> None:
    assert "value-never-collected" not in str(to_jsonable(inventory))


def test_real_aws_escaped_resource_policy_is_parsed() -> None:
    # API Gateway returns the policy JSON backslash-escaped, slashes included.
    escaped = (
        '{\\"Version\\":\\"2012-10-17\\",'
        '\\"Statement\\":[{\\"Resource\\":\\"arn:aws:execute-api:us-east-1:1:a\\/*\\"}]}'
    )
    assert parse_resource_policy(escaped) == {
        "Version": "2012-10-17",
        "Statement": [{"Resource": "arn:aws:execute-api:us-east-1:1:a/*"}],
    }


def test_client_certificate_and_cache_size_are_read_from_the_stage() -> None:
    # moto ignores client certificates, so this reads a stage as AWS returns it
    stage = parse_stage(
        {
            "stageName": "prod",
            "clientCertificateId": "a1b2c3",
            "cacheClusterEnabled": True,
            "cacheClusterSize": "0.5",
            "methodSettings": {"*/*": {"loggingLevel": "ERROR", "dataTraceEnabled": False}},
        },
        usage_plans=(),
        request_count_30d=None,
    )
    assert (stage.client_certificate_id, stage.cache_cluster_size) == ("a1b2c3", "0.5")
    assert stage.method_settings[0].logging_level == "ERROR"


def test_the_cache_encryption_and_cache_control_settings_are_read_per_entry() -> None:
    stage = parse_stage(
        {
            "stageName": "prod",
            "methodSettings": {
                "*/*": {"cacheDataEncrypted": True, "requireAuthorizationForCacheControl": False},
                "~1pets/GET": {"cachingEnabled": True},
            },
        },
        usage_plans=(),
        request_count_30d=None,
    )
    default, pets = stage.method_settings
    assert (default.cache_data_encrypted, default.require_authorization_for_cache_control) == (
        True,
        False,
    )
    assert (pets.cache_data_encrypted, pets.require_authorization_for_cache_control) == (
        None,
        None,
    )


def test_garbage_policy_is_an_error_not_an_empty_policy() -> None:
    with pytest.raises(ValueError, match="not valid JSON"):
        parse_resource_policy("{not json")


def test_excluded_api_costs_no_call_beyond_the_listing(aws: None) -> None:
    hidden = RestApiBuilder("hidden", tags={"Internal": "True"})
    hidden.method("GET", "/")
    hidden.stage("prod")
    calls: list[str] = []
    inventory = collect(calls=calls)
    assert inventory.rest_apis == ()
    assert [(s.name, s.reason) for s in inventory.skipped_apis] == [
        ("hidden", "tagged Internal=True")
    ]
    assert not [c for c in calls if c.startswith("apigateway.GetResources")]
