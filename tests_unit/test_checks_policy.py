"""The policy functions on hand-made inventory objects: AWS semantics, edge by edge.

Method- and route-level policy reads what the stage serves (the target's deployed
definition), stage-level policy reads the stage. The resource-policy evaluator behind
``network_restriction`` is tested form by form in ``test_resource_policy.py``; here only what
``network_restriction`` itself decides.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import pytest

from checks.policy import (
    Pricing,
    api_request_count_30d,
    authorization,
    caching_status,
    cors_exposure,
    definition_drift,
    effective_throttle,
    integration_timeout_ms,
    monthly_saving,
    network_restriction,
    perimeter,
    request_validation,
    rest_only_features,
    xray_tracing,
)
from checks.policy.perimeter import DEFAULT_ENDPOINT
from collectors.errors import DataUnavailable
from collectors.model import (
    AccountSettings,
    ApiMapping,
    CloudFrontDistribution,
    CollectionError,
    CollectionMetadata,
    CorsConfiguration,
    CustomDomain,
    GatewayResponse,
    Inventory,
    MethodSetting,
    RequestValidator,
    RestApi,
    RestAuthorizer,
    RestDefinition,
    RestDeployment,
    RestIntegration,
    RestMethod,
    RestResource,
    RestStage,
    RouteSettings,
    Throttle,
    UsagePlanBinding,
    V2Api,
    V2Authorizer,
    V2Definition,
    V2Deployment,
    V2Integration,
    V2Route,
    V2Stage,
    invokes_lambda,
    method_settings_key,
)
from collectors.parsing import cors_overrides
from collectors.rest_export import parse_deployed_definition
from collectors.scope import StageScope
from collectors.targets import (
    RestApiTarget,
    RestMethodTarget,
    RestResourceTarget,
    RestStageTarget,
    TargetIndex,
    V2RouteTarget,
    V2StageTarget,
    is_exempt_preflight,
    is_mock_preflight,
    require,
)

# --- hand-made inventory -----------------------------------------------------------------------
# Every builder takes keyword overrides of its dataclass's fields (dataclasses.replace), so a
# test names only what it is about.

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
REST_ID = "a1b2c3"
HTTP_ID = "h1i2j3"
STAGE_WEB_ACL = f"arn:aws:wafv2:{REGION}:{ACCOUNT_ID}:regional/webacl/api/1"
EDGE_WEB_ACL = f"arn:aws:wafv2:us-east-1:{ACCOUNT_ID}:global/webacl/edge/1"
SERVED = "dep1"


def integration(type: str = "AWS_PROXY", **changes: Any) -> RestIntegration:
    base = RestIntegration(
        type=type,
        uri=None,
        timeout_ms=None,
        connection_type=None,
        request_template_content_types=(),
        response_parameters={},
        response_cors_overrides={},
    )
    return replace(base, **changes)


def method(verb: str = "GET", **changes: Any) -> RestMethod:
    base = RestMethod(
        http_method=verb,
        authorization_type="NONE",
        authorizer_id=None,
        api_key_required=False,
        request_validator_id=None,
        request_parameters={},
        request_models={},
        integration=integration(),
    )
    return replace(base, **changes)


def resource(path: str, *methods: RestMethod) -> RestResource:
    return RestResource(id="r1", path=path, methods=methods)


def definition(*resources: RestResource, **changes: Any) -> RestDefinition:
    base = RestDefinition(
        resources=resources,
        authorizers=(),
        request_validators=(),
        gateway_responses=(),
        policy=None,
    )
    return replace(base, **changes)


def deployment(served: RestDefinition | None = None, **changes: Any) -> RestDeployment:
    base = RestDeployment(
        id=SERVED,
        created_date="2024-05-01T10:00:00Z",
        description=None,
        definition=served or definition(),
        exported=True,
    )
    return replace(base, **changes)


def setting(key: str, rate: float | None = None, burst: int | None = None, **changes: Any) -> Any:
    base = MethodSetting(
        key=key,
        throttle=Throttle(rate_limit=rate, burst_limit=burst),
        caching_enabled=None,
        cache_ttl_seconds=None,
        metrics_enabled=None,
        logging_level=None,
        data_trace_enabled=None,
    )
    return replace(base, **changes)


def stage(name: str = "prod", **changes: Any) -> RestStage:
    base = RestStage(
        name=name,
        deployment_id=SERVED,
        created_date=None,
        last_updated_date=None,
        tracing_enabled=False,
        cache_cluster_enabled=False,
        cache_cluster_size=None,
        method_settings=(),
        access_log_destination=None,
        access_log_format=None,
        client_certificate_id=None,
        web_acl_arn=None,
        canary_deployment_id=None,
        canary_percent_traffic=None,
        variable_names=(),
        tags={},
        usage_plans=(),
        request_count_30d=None,
    )
    return replace(base, **changes)


def rest_api(**changes: Any) -> RestApi:
    base = RestApi(
        id=REST_ID,
        name="shop",
        region=REGION,
        endpoint_types=("REGIONAL",),
        tags={},
        policy=None,
        disable_execute_api_endpoint=False,
        api_key_source=None,
        created_date=None,
        resources=(),
        authorizers=(),
        request_validators=(),
        gateway_responses=(),
        stages=(stage(),),
        deployments=(),
        errors=(),
    )
    return replace(base, **changes)


def rest_target(
    verb: str = "GET",
    path: str = "/pets/{id}",
    *,
    api: RestApi | None = None,
    validators: tuple[RequestValidator, ...] = (),
    **changes: Any,
) -> RestMethodTarget:
    """A method as its stage's deployment serves it (``validators``: the deployed ones)."""
    the_method = method(verb, **changes)
    the_api = api or rest_api()
    the_stage = the_api.stages[0] if the_api.stages else stage()
    the_resource = resource(path, the_method)
    return RestMethodTarget(
        key=f"{ACCOUNT_ID}/{REGION}/{the_api.id}/{the_stage.name}/{verb} {path}",
        account=ACCOUNT_ID,
        api=the_api,
        stage=the_stage,
        resource=the_resource,
        method=the_method,
        environment="production",
        deployment=deployment(definition(the_resource, request_validators=validators)),
    )


def with_stage(target: RestMethodTarget, **changes: Any) -> RestMethodTarget:
    return replace(target, stage=replace(target.stage, **changes))


def rest_stage_target(
    api: RestApi | None = None, served: RestDeployment | None = None, **stage_changes: Any
) -> RestStageTarget:
    the_api = api or rest_api()
    the_stage = replace(the_api.stages[0] if the_api.stages else stage(), **stage_changes)
    return RestStageTarget(
        key=f"{ACCOUNT_ID}/{REGION}/{the_api.id}/{the_stage.name}",
        account=ACCOUNT_ID,
        api=the_api,
        stage=the_stage,
        environment="production",
        deployment=served if served is not None else deployment(),
    )


def plan(name: str, rate: float | None, burst: int | None, **methods: Throttle) -> Any:
    throttle = (
        Throttle(rate_limit=rate, burst_limit=burst) if (rate, burst) != (None, None) else None
    )
    return UsagePlanBinding(
        plan_id="p-" + name,
        plan_name=name,
        throttle=throttle,
        quota_limit=None,
        quota_period=None,
        method_throttles=methods,
    )


def account(rate: float | None = 10_000.0, burst: int | None = 5_000) -> AccountSettings:
    """GetAccount's answer in the region: 10,000 rps / burst 5,000 unless lowered or raised."""
    return AccountSettings(
        region=REGION,
        throttle=Throttle(rate_limit=rate, burst_limit=burst),
        cloudwatch_role_arn=None,
    )


DEFAULT_ACCOUNT = account()


def v2_integration(type: str = "AWS_PROXY", **changes: Any) -> V2Integration:
    base = V2Integration(
        id="i1",
        type=type,
        uri=None,
        timeout_ms=None,
        connection_type=None,
        payload_format_version=None,
        subtype=None,
    )
    return replace(base, **changes)


def route(route_key: str = "GET /pets", **changes: Any) -> V2Route:
    base = V2Route(
        id=f"route {route_key}",
        route_key=route_key,
        authorization_type="NONE",
        authorizer_id=None,
        api_key_required=False,
        target=None,
        model_selection_expression=None,
        request_models={},
        request_parameters={},
    )
    return replace(base, **changes)


def v2_definition(*routes: V2Route, **changes: Any) -> V2Definition:
    base = V2Definition(routes=routes, integrations=(), authorizers=(), cors=None)
    return replace(base, **changes)


def v2_stage(**changes: Any) -> V2Stage:
    base = V2Stage(
        name="prod",
        deployment_id=None,
        created_date=None,
        last_updated_date=None,
        auto_deploy=True,
        default_route_settings=None,
        route_settings={},
        access_log_destination=None,
        access_log_format=None,
        tags={},
        request_count_30d=None,
    )
    return replace(base, **changes)


def v2_api(**changes: Any) -> V2Api:
    base = V2Api(
        id=HTTP_ID,
        name="web",
        region=REGION,
        protocol_type="HTTP",
        tags={},
        cors=None,
        disable_execute_api_endpoint=False,
        api_endpoint=None,
        routes=(),
        integrations=(),
        authorizers=(),
        stages=(v2_stage(),),
        deployments=(),
        errors=(),
    )
    return replace(base, **changes)


def route_target(
    route_key: str = "GET /pets",
    *,
    api: V2Api | None = None,
    integration: V2Integration | None = None,
    **changes: Any,
) -> V2RouteTarget:
    """A route of an AutoDeploy stage (it serves the current definition)."""
    the_route = route(route_key, **changes)
    served = v2_definition(the_route, integrations=(integration,) if integration else ())
    the_api = api or v2_api(routes=served.routes, integrations=served.integrations)
    return V2RouteTarget(
        key=f"{ACCOUNT_ID}/{REGION}/{the_api.id}/prod/{route_key}",
        account=ACCOUNT_ID,
        api=the_api,
        stage=v2_stage(),
        route=the_route,
        route_integration=integration,
        environment="production",
        definition=served,
        served_from="current definition (AutoDeploy stage)",
    )


def v2_stage_target(
    api: V2Api | None = None,
    served: V2Definition | None = None,
    *,
    served_from: str = "current definition (AutoDeploy stage)",
    served_deployment: V2Deployment | None = None,
    **stage_changes: Any,
) -> V2StageTarget:
    the_api = api or v2_api()
    return V2StageTarget(
        key=f"{ACCOUNT_ID}/{REGION}/{the_api.id}/prod",
        account=ACCOUNT_ID,
        api=the_api,
        stage=v2_stage(**stage_changes),
        environment="production",
        definition=served,
        served_from=served_from,
        deployment=served_deployment,
    )


def route_settings(rate: float | None, burst: int | None) -> RouteSettings:
    return RouteSettings(
        throttle=Throttle(rate_limit=rate, burst_limit=burst),
        logging_level=None,
        data_trace_enabled=None,
        detailed_metrics_enabled=None,
    )


def inventory(**changes: Any) -> Inventory:
    base = Inventory(
        metadata=CollectionMetadata(
            account_id=ACCOUNT_ID,
            regions=(REGION,),
            started_at="2024-05-02T00:00:00Z",
            finished_at="2024-05-02T00:01:00Z",
            tool_version="test",
            demo=False,
        ),
        rest_apis=(),
        http_apis=(),
        lambda_functions=(),
        accounts=(DEFAULT_ACCOUNT,),
        custom_domains=(),
        distributions=(),
        skipped_apis=(),
        errors=(),
    )
    return replace(base, **changes)


def error(operation: str, target: str, service: str = "apigateway") -> CollectionError:
    return CollectionError(
        service=service, operation=operation, target=target, code="AccessDenied", message="no"
    )


# --- throttling --------------------------------------------------------------------------------


def test_method_settings_key_is_the_escaped_path_then_the_method() -> None:
    assert method_settings_key("/pets/{id}", "GET") == "~1pets~1{id}/GET"
    assert method_settings_key("/a~b", "POST") == "~1a~0b/POST"


def test_method_setting_beats_the_stage_default() -> None:
    target = with_stage(
        rest_target(),
        method_settings=(setting("*/*", 500, 200), setting("~1pets~1{id}/GET", 100, 50)),
    )
    throttle = effective_throttle(target, DEFAULT_ACCOUNT)
    assert (throttle.rate_limit, throttle.burst_limit) == (100, 50)
    assert throttle.source == "the method setting for GET /pets/{id}"


def test_a_setting_keyed_by_resource_id_is_not_the_method_setting() -> None:
    target = with_stage(rest_target(), method_settings=(setting("r1/GET", 1, 1),))
    throttle = effective_throttle(target, DEFAULT_ACCOUNT)
    assert throttle.source == "account limit"
    assert not throttle.configured


def test_negative_limits_are_unset_and_fall_through_limit_by_limit() -> None:
    target = with_stage(
        rest_target(),
        method_settings=(setting("*/*", 500, 200), setting("~1pets~1{id}/GET", 100, -1)),
    )
    throttle = effective_throttle(target, DEFAULT_ACCOUNT)
    assert (throttle.rate_limit, throttle.burst_limit) == (100, 200)
    assert throttle.source == (
        "the method setting for GET /pets/{id} (rate), stage default */* (burst)"
    )


def test_usage_plan_applies_only_to_methods_requiring_an_api_key() -> None:
    bound = with_stage(rest_target(), usage_plans=(plan("gold", 50, 10),))
    assert effective_throttle(bound, DEFAULT_ACCOUNT).source == "account limit"
    keyed = with_stage(rest_target(api_key_required=True), usage_plans=(plan("gold", 50, 10),))
    assert effective_throttle(keyed, DEFAULT_ACCOUNT).source == "usage plan gold (per API key)"


def test_usage_plan_method_override_and_the_most_generous_plan_apply() -> None:
    plans = (
        plan("gold", 50, 10, **{"/pets/{id}/GET": Throttle(rate_limit=5, burst_limit=2)}),
        plan("free", 20, 8),
    )
    target = with_stage(rest_target(api_key_required=True), usage_plans=plans)
    throttle = effective_throttle(target, DEFAULT_ACCOUNT)
    assert (throttle.rate_limit, throttle.burst_limit) == (20, 8)
    assert throttle.source == "usage plan gold, free (per API key)"


def test_a_plan_without_throttle_leaves_keyed_callers_unlimited() -> None:
    plans = (plan("gold", 50, 10), plan("unlimited", None, None))
    target = with_stage(rest_target(api_key_required=True), usage_plans=plans)
    throttle = effective_throttle(target, DEFAULT_ACCOUNT)
    assert not throttle.configured  # the unlimited plan's keys escape gold's limits
    assert throttle.source == "account limit"


def test_unread_usage_plans_are_unavailable_only_when_they_matter() -> None:
    failed = error("GetUsagePlans", REGION)
    target = rest_target(api=rest_api(errors=(failed,), stages=(stage(usage_plans=None),)))
    assert effective_throttle(target, DEFAULT_ACCOUNT).source == "account limit"
    with pytest.raises(DataUnavailable, match="GetUsagePlans on us-east-1 failed"):
        effective_throttle(replace(target, method=method(api_key_required=True)), DEFAULT_ACCOUNT)


@pytest.mark.parametrize(
    ("rate", "burst", "below"),
    [(9_999, 4_999, True), (10_000, 100, False), (100, 5_000, False), (100, None, False)],
)
def test_limits_must_be_below_the_account_defaults(
    rate: float, burst: int | None, below: bool
) -> None:
    target = with_stage(rest_target(), method_settings=(setting("*/*", rate, burst),))
    assert effective_throttle(target, DEFAULT_ACCOUNT).below_account_defaults is below


def test_http_route_settings_beat_the_default_route_settings() -> None:
    target = replace(
        route_target(),
        stage=v2_stage(
            default_route_settings=route_settings(100, 50),
            route_settings={"GET /pets": route_settings(10, 5)},
        ),
    )
    throttle = effective_throttle(target, DEFAULT_ACCOUNT)
    assert throttle.source == "route settings GET /pets"
    assert (throttle.rate_limit, throttle.burst_limit) == (10, 5)
    default_only = replace(target, stage=v2_stage(default_route_settings=route_settings(100, 50)))
    assert effective_throttle(default_only, DEFAULT_ACCOUNT).source == (
        "stage default route settings"
    )


def test_a_lower_regional_account_limit_binds_over_a_higher_stage_setting() -> None:
    target = with_stage(rest_target(), method_settings=(setting("*/*", 3_000, 1_500),))
    throttle = effective_throttle(target, account(2_000, 1_000))
    assert (throttle.rate_limit, throttle.burst_limit) == (2_000, 1_000)
    assert (throttle.rate_source, throttle.burst_source) == ("account limit", "account limit")
    assert (throttle.account_rate_limit, throttle.account_burst_limit) == (2_000, 1_000)
    assert throttle.configured  # set, but above the account: it binds nothing
    assert not throttle.below_account_defaults


def test_a_stage_setting_is_judged_against_the_regions_own_account_limit() -> None:
    target = with_stage(rest_target(), method_settings=(setting("*/*", 1_500, 800),))
    assert effective_throttle(target, account(2_000, 1_000)).below_account_defaults
    assert not effective_throttle(target, account(1_000, 500)).below_account_defaults


def test_a_method_entry_with_the_account_defaults_overrides_a_lower_stage_default() -> None:
    # An entry created for logging carries the account defaults AWS wrote into its throttle
    # fields; as the method's own setting it wins over */*, leaving the method unprotected.
    target = with_stage(
        rest_target(),
        method_settings=(
            setting("*/*", 100, 50),
            setting("~1pets~1{id}/GET", 10_000, 5_000, logging_level="INFO"),
        ),
    )
    throttle = effective_throttle(target, DEFAULT_ACCOUNT)
    assert (throttle.rate_limit, throttle.burst_limit) == (10_000, 5_000)
    assert throttle.rate_source == "the method setting for GET /pets/{id}"
    assert not throttle.below_account_defaults


def test_the_usage_plan_per_method_throttle_binds_for_keyed_methods() -> None:
    plans = (plan("gold", 50, 10, **{"/pets/{id}/GET": Throttle(rate_limit=5, burst_limit=2)}),)
    target = with_stage(
        rest_target(api_key_required=True),
        method_settings=(setting("*/*", 500, 200),),
        usage_plans=plans,
    )
    throttle = effective_throttle(target, DEFAULT_ACCOUNT)
    assert (throttle.rate_limit, throttle.burst_limit) == (5, 2)
    assert throttle.source == "usage plan gold (per API key)"
    assert throttle.below_account_defaults


@pytest.mark.parametrize(
    ("stage_limits", "plan_limits", "account_limits", "expected"),
    [
        pytest.param((100, 50), (200, 100), (10_000, 5_000), (100, 50), id="stage"),
        pytest.param((100, 50), (20, 8), (10_000, 5_000), (20, 8), id="usage-plan"),
        pytest.param((100, 50), (20, 8), (10, 5), (10, 5), id="account"),
    ],
)
def test_the_tightest_level_wins(
    stage_limits: tuple[float, int],
    plan_limits: tuple[float, int],
    account_limits: tuple[float, int],
    expected: tuple[float, int],
) -> None:
    target = with_stage(
        rest_target(api_key_required=True),
        method_settings=(setting("*/*", *stage_limits),),
        usage_plans=(plan("gold", *plan_limits),),
    )
    throttle = effective_throttle(target, account(*account_limits))
    assert (throttle.rate_limit, throttle.burst_limit) == expected


def test_each_limit_names_the_level_that_binds_it() -> None:
    target = with_stage(
        rest_target(api_key_required=True),
        method_settings=(setting("*/*", 100, 4_000),),
        usage_plans=(plan("gold", 1_000, 50),),
    )
    throttle = effective_throttle(target, account(10_000, 5_000))
    assert (throttle.rate_limit, throttle.rate_source) == (100, "stage default */*")
    assert (throttle.burst_limit, throttle.burst_source) == (50, "usage plan gold (per API key)")
    assert throttle.source == "stage default */* (rate), usage plan gold (per API key) (burst)"
    assert throttle.configured


def test_the_account_binds_the_limit_the_stage_leaves_unset() -> None:
    target = with_stage(rest_target(), method_settings=(setting("*/*", 100, None),))
    throttle = effective_throttle(target, DEFAULT_ACCOUNT)
    assert (throttle.rate_source, throttle.burst_source) == ("stage default */*", "account limit")
    assert throttle.burst_limit == 5_000


def test_an_account_without_throttle_settings_is_unavailable() -> None:
    with pytest.raises(DataUnavailable, match="GetAccount in us-east-1 answered no throttle"):
        effective_throttle(rest_target(), account(None, None))


# --- validation --------------------------------------------------------------------------------


VALIDATORS = (
    RequestValidator(
        id="full",
        name="full",
        validate_request_body=True,
        validate_request_parameters=True,
    ),
    RequestValidator(
        id="body",
        name="body",
        validate_request_body=True,
        validate_request_parameters=False,
    ),
    RequestValidator(
        id="params",
        name="params",
        validate_request_body=False,
        validate_request_parameters=True,
    ),
)
JSON_MODEL = {"application/json": "Pet"}
# "$default": the model for every content type, so no body escapes validation
EVERY_CONTENT_TYPE = {"$default": "Pet"}
NO_MODEL_REASON = (
    "body (the validator checks bodies against a request model, and the method has none, "
    "so AWS skips validation)"
)


@pytest.mark.parametrize(
    ("validator_id", "expected"),
    [(None, "NONE"), ("full", "FULL"), ("body", "BODY"), ("params", "PARAMETERS")],
)
def test_request_validation_names_what_the_validator_checks(
    validator_id: str | None, expected: str
) -> None:
    target = rest_target(validators=VALIDATORS, request_validator_id=validator_id)
    assert request_validation(target).validator == expected


def test_validation_reads_the_deployed_validators_not_the_current_ones() -> None:
    # The validator was attached and not deployed: the stage still serves none.
    current = rest_api(request_validators=VALIDATORS)
    target = rest_target("POST", api=current, request_validator_id="full")
    assert request_validation(target).validator == "NONE"


def test_what_a_method_accepts() -> None:
    assert request_validation(rest_target("GET")).accepts == ()
    assert request_validation(rest_target("PATCH")).accepts == ("body",)
    assert request_validation(rest_target("GET", request_models=JSON_MODEL)).accepts == ("body",)
    target = rest_target(
        "POST",
        validators=VALIDATORS,
        request_validator_id="body",
        request_models=EVERY_CONTENT_TYPE,
        request_parameters={"method.request.path.id": True, "method.request.header.v": True},
    )
    validation = request_validation(target)
    assert validation.accepts == ("body", "parameters")
    assert validation.unvalidated == ("parameters",)


def test_path_parameters_are_always_present_and_need_no_validation() -> None:
    target = rest_target("GET", request_parameters={"method.request.path.id": True})
    assert request_validation(target).accepts == ()


def test_a_method_with_nothing_to_accept_has_nothing_unvalidated() -> None:
    assert request_validation(rest_target("GET")).unvalidated == ()


def test_any_accepts_a_body() -> None:
    validation = request_validation(rest_target("ANY"))
    assert validation.accepts == ("body",)
    assert validation.unvalidated == ("body",)


def test_a_body_validator_without_a_request_model_leaves_the_body_unvalidated() -> None:
    target = rest_target("POST", validators=VALIDATORS, request_validator_id="body")
    validation = request_validation(target)
    assert validation.validator == "BODY"
    assert validation.unvalidated == (NO_MODEL_REASON,)


def test_a_body_validator_with_a_request_model_validates_the_body() -> None:
    target = rest_target(
        "POST",
        validators=VALIDATORS,
        request_validator_id="body",
        request_models=EVERY_CONTENT_TYPE,
    )
    assert request_validation(target).unvalidated == ()


def test_a_parameters_validator_leaves_optional_parameters_unvalidated() -> None:
    parameters = {
        "method.request.querystring.q": False,
        "method.request.header.X-Tenant": True,
        "method.request.querystring.limit": False,
    }
    target = rest_target(
        validators=VALIDATORS, request_validator_id="params", request_parameters=parameters
    )
    assert request_validation(target).unvalidated == (
        "parameters (a parameters validator checks only required ones; optional: "
        "method.request.querystring.limit, method.request.querystring.q)",
    )
    required_only = replace(
        target, method=replace(target.method, request_parameters={"method.request.path.id": True})
    )
    assert request_validation(required_only).unvalidated == ()


def test_a_full_validator_with_models_and_required_parameters_validates_everything() -> None:
    target = rest_target(
        "PUT",
        validators=VALIDATORS,
        request_validator_id="full",
        request_models=EVERY_CONTENT_TYPE,
        request_parameters={"method.request.header.X-Tenant": True},
    )
    validation = request_validation(target)
    assert (validation.validator, validation.unvalidated) == ("FULL", ())


def test_a_body_validator_with_a_model_for_one_content_type_leaves_others_unvalidated() -> None:
    target = rest_target(
        "POST", validators=VALIDATORS, request_validator_id="body", request_models=JSON_MODEL
    )
    # A text/plain body meets no model and reaches the backend unvalidated.
    assert [item for item in request_validation(target).unvalidated if item.startswith("body")]


def websocket_route(route_key: str = "sendMessage", **changes: Any) -> V2RouteTarget:
    return route_target(route_key, api=v2_api(protocol_type="WEBSOCKET"), **changes)


def test_a_websocket_route_with_models_and_a_selection_expression_validates_messages() -> None:
    target = websocket_route(
        model_selection_expression="$request.body.action",
        request_models={"$default": "Message"},
    )
    validation = request_validation(target)
    assert (validation.validator, validation.accepts, validation.unvalidated) == (
        "MODELS",
        ("body",),
        (),
    )


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({}, id="neither"),
        pytest.param({"request_models": {"$default": "Message"}}, id="models-only"),
        pytest.param({"model_selection_expression": "$request.body.action"}, id="expression-only"),
    ],
)
def test_a_websocket_route_without_models_and_expression_leaves_messages_unvalidated(
    changes: dict[str, Any],
) -> None:
    validation = request_validation(websocket_route(**changes))
    assert validation.validator == "NONE"
    assert validation.unvalidated == ("body (the route has no request model to validate messages)",)


@pytest.mark.parametrize("route_key", ["$connect", "$disconnect"])
def test_connect_and_disconnect_have_no_body(route_key: str) -> None:
    validation = request_validation(websocket_route(route_key))
    assert (validation.accepts, validation.unvalidated) == ((), ())


# --- CORS preflights: which OPTIONS are no operation ---------------------------------------------


def test_a_rest_options_mock_is_a_preflight() -> None:
    assert is_mock_preflight(method("OPTIONS", integration=integration("MOCK")))


@pytest.mark.parametrize(
    "the_method",
    [
        pytest.param(method("OPTIONS", integration=integration("AWS_PROXY")), id="options-lambda"),
        pytest.param(method("OPTIONS", integration=integration("HTTP_PROXY")), id="options-http"),
        pytest.param(method("OPTIONS", integration=None), id="options-no-integration"),
        pytest.param(method("GET", integration=integration("MOCK")), id="get-mock"),
    ],
)
def test_a_rest_method_that_reaches_past_a_mock_is_no_preflight(the_method: RestMethod) -> None:
    assert not is_mock_preflight(the_method)


CORS = CorsConfiguration(
    allow_origins=("https://shop.example.com",),
    allow_credentials=False,
    allow_methods=("GET",),
    allow_headers=(),
    expose_headers=(),
    max_age=None,
)


@pytest.mark.parametrize(
    ("options_route", "exempt"),
    [
        pytest.param(route("OPTIONS /pets", target="integrations/i1"), False, id="backend"),
        pytest.param(route("OPTIONS /pets"), True, id="no-integration"),
        pytest.param(route("GET /pets"), False, id="not-options"),
    ],
)
def test_an_http_options_route_is_exempt_only_without_an_integration(
    options_route: V2Route, exempt: bool
) -> None:
    """With CORS configured, API Gateway answers only real preflights (Origin and
    Access-Control-Request-Method); any other OPTIONS request reaches the integration."""
    assert is_exempt_preflight(options_route) is exempt


def test_preflights_are_no_operation_targets_but_backed_options_are() -> None:
    rest = rest_api(
        deployments=(
            deployment(
                definition(
                    resource(
                        "/pets", method("GET"), method("OPTIONS", integration=integration("MOCK"))
                    ),
                    resource("/orders", method("OPTIONS", integration=integration("AWS_PROXY"))),
                )
            ),
        )
    )
    options = route("OPTIONS /cart", target="integrations/i1")
    http = v2_api(
        routes=(route("GET /cart", target="integrations/i1"), options),
        integrations=(v2_integration(),),
    )
    index = TargetIndex(inventory(rest_apis=(rest,), http_apis=(http,)), StageScope())
    assert index.keys("operation") == [
        f"{ACCOUNT_ID}/{REGION}/{REST_ID}/prod/GET /pets",
        f"{ACCOUNT_ID}/{REGION}/{REST_ID}/prod/OPTIONS /orders",
        f"{ACCOUNT_ID}/{REGION}/{HTTP_ID}/prod/GET /cart",
        f"{ACCOUNT_ID}/{REGION}/{HTTP_ID}/prod/OPTIONS /cart",
    ]
    with_cors = replace(http, cors=CORS)  # still reachable by OPTIONS that are no preflight
    index = TargetIndex(inventory(http_apis=(with_cors,)), StageScope())
    assert index.keys("http_route") == [
        f"{ACCOUNT_ID}/{REGION}/{HTTP_ID}/prod/GET /cart",
        f"{ACCOUNT_ID}/{REGION}/{HTTP_ID}/prod/OPTIONS /cart",
    ]


# --- authorization -----------------------------------------------------------------------------

VPCE = "vpce-0123456789abcdef0"


def private_api(*statements: dict[str, Any]) -> RestApi:
    return rest_api(
        endpoint_types=("PRIVATE",),
        policy={"Version": "2012-10-17", "Statement": list(statements)},
    )


def statement(effect: str, condition: dict[str, Any] | None = None, **changes: Any) -> Any:
    base: dict[str, Any] = {"Effect": effect, "Principal": "*", "Action": "execute-api:Invoke"}
    base["Resource"] = "execute-api:/*"
    if condition:
        base["Condition"] = condition
    return {**base, **changes}


FROM_VPCE = {"StringEquals": {"aws:SourceVpce": VPCE}}


def restriction(api: RestApi, http_method: str = "GET", path: str = "/pets/{id}") -> str | None:
    return network_restriction(api, "prod", http_method, path)


def test_private_api_allowing_only_a_vpc_endpoint_is_network_restricted() -> None:
    api = private_api(statement("Allow", FROM_VPCE))
    assert restriction(api) == f"resource policy allows Invoke only with aws:SourceVpce={VPCE}"
    assert authorization(rest_target(api=api)).authorized


def test_private_api_denying_other_vpcs_is_network_restricted() -> None:
    api = private_api(
        statement("Allow"),
        statement("Deny", {"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}),
    )
    assert restriction(api) == "resource policy denies Invoke unless aws:SourceVpc=vpc-1"


def test_a_condition_that_admits_any_endpoint_is_no_restriction() -> None:
    # The condition forms are test_resource_policy.py's; here: an unpinned verdict is None.
    api = private_api(statement("Allow", {"StringLike": {"aws:SourceVpce": "vpce-*"}}))
    assert restriction(api) is None
    assert not authorization(rest_target(api=api)).authorized


def test_an_unconditioned_allow_defeats_the_restriction() -> None:
    api = private_api(
        statement("Allow", FROM_VPCE),
        statement("Allow", Resource=f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{REST_ID}/*/GET/*"),
    )
    assert restriction(api) is None


def test_the_restriction_is_judged_for_the_method_and_path_asked_about() -> None:
    api = private_api(
        statement("Allow", FROM_VPCE),
        statement("Allow", Resource="execute-api:/prod/POST/*"),
    )
    assert restriction(api, "GET") is not None
    assert restriction(api, "POST") is None


def test_a_regional_api_is_never_network_restricted() -> None:
    api = replace(private_api(statement("Allow", FROM_VPCE)), endpoint_types=("REGIONAL",))
    assert restriction(api) is None


def test_a_private_api_that_admits_no_caller_is_closed() -> None:
    assert restriction(rest_api(endpoint_types=("PRIVATE",))) == (
        "PRIVATE API with no resource policy: AWS accepts no call to it"
    )
    nobody = private_api(statement("Allow", Resource="execute-api:/prod/POST/*"))
    assert restriction(nobody, "GET") == "the resource policy allows no caller to invoke it"


def test_api_key_alone_is_not_authorization() -> None:
    auth = authorization(rest_target(api_key_required=True))
    assert (auth.authorization_type, auth.authorized) == ("NONE", False)


def test_websocket_routes_are_authorized_at_connect() -> None:
    connect = route("$connect", authorization_type="CUSTOM", authorizer_id="auth1")
    message = route("sendMessage")
    api = v2_api(protocol_type="WEBSOCKET", routes=(connect, message))
    target = replace(
        websocket_route("sendMessage"), api=api, definition=v2_definition(connect, message)
    )
    auth = authorization(target)
    assert (auth.authorized, auth.decided_by) == (True, "$connect")
    no_connect = replace(target, definition=v2_definition(message))
    assert not authorization(no_connect).authorized


def test_authorization_is_the_deployed_one() -> None:
    # Authorization attached to the API and not deployed protects nothing yet.
    current = route("GET /pets", authorization_type="JWT", authorizer_id="jwt1")
    target = replace(route_target(), api=v2_api(routes=(current,)))
    assert not authorization(target).authorized


# --- perimeter -------------------------------------------------------------------------------

DOMAIN = "api.example.com"
REGIONAL_NAME = f"d-abc123.execute-api.{REGION}.amazonaws.com"


def custom_domain(*maps: tuple[str, str], **changes: Any) -> CustomDomain:
    """A regional custom domain mapping ``(api id, stage)`` pairs."""
    base = CustomDomain(
        name=DOMAIN,
        region=REGION,
        endpoint_type="REGIONAL",
        regional_domain_names=(REGIONAL_NAME,),
        mappings=tuple(ApiMapping(api_id=a, stage=s, key="") for a, s in maps),
        routing_mode="API_MAPPING_ONLY",
    )
    return replace(base, **changes)


def distribution(
    origin: str, web_acl_id: str | None = EDGE_WEB_ACL, id: str = "E2CDN"
) -> CloudFrontDistribution:
    return CloudFrontDistribution(
        id=id,
        domain_name="d111111abcdef8.cloudfront.net",
        aliases=("www.example.com",),
        origin_domain_names=(origin,),
        web_acl_id=web_acl_id,
        enabled=True,
        connection_mode="direct",
    )


def closed_http_stage() -> V2StageTarget:
    """An HTTP API stage whose default endpoint is disabled."""
    return v2_stage_target(v2_api(disable_execute_api_endpoint=True), v2_definition())


def test_a_rest_stage_web_acl_protects_every_way_in() -> None:
    result = perimeter(rest_stage_target(web_acl_arn=STAGE_WEB_ACL), inventory())
    assert result.protected
    assert result.protected_by == (f"web ACL {STAGE_WEB_ACL} on the stage",)


def test_a_rest_stage_without_web_acl_is_open_through_its_default_endpoint() -> None:
    result = perimeter(rest_stage_target(), inventory())
    assert (result.protected, result.open_ways_in) == (False, (DEFAULT_ENDPOINT,))


def test_an_http_stage_with_its_default_endpoint_open_is_unprotected() -> None:
    target = v2_stage_target(served=v2_definition())
    domains = (custom_domain((HTTP_ID, "prod")),)
    result = perimeter(
        target, inventory(custom_domains=domains, distributions=(distribution(DOMAIN),))
    )
    assert not result.protected
    assert result.open_ways_in == (DEFAULT_ENDPOINT,)


@pytest.mark.parametrize("origin", [DOMAIN, REGIONAL_NAME], ids=["custom-name", "regional-name"])
def test_an_http_stage_reached_only_through_cloudfront_with_a_web_acl_is_protected(
    origin: str,
) -> None:
    domains = (custom_domain((HTTP_ID, "prod")),)
    result = perimeter(
        closed_http_stage(),
        inventory(custom_domains=domains, distributions=(distribution(origin),)),
    )
    assert result.protected
    assert result.open_ways_in == ()
    assert result.protected_by == (
        f"{DEFAULT_ENDPOINT} is disabled",
        f"custom domain {DOMAIN} behind CloudFront E2CDN with web ACL {EDGE_WEB_ACL} (callers "
        "who reach the domain directly bypass CloudFront unless the API refuses them)",
    )


def test_one_distribution_without_a_web_acl_in_front_of_a_domain_is_a_way_in() -> None:
    domains = (custom_domain((HTTP_ID, "prod")),)
    fronting = (distribution(DOMAIN), distribution(REGIONAL_NAME, None, id="E9OPEN"))
    result = perimeter(
        closed_http_stage(), inventory(custom_domains=domains, distributions=fronting)
    )
    assert not result.protected
    assert result.open_ways_in == (
        f"custom domain {DOMAIN} (CloudFront E9OPEN in front of it has no web ACL)",
    )


def test_an_edge_optimized_domain_is_a_way_in_without_the_stage_s_web_acl() -> None:
    target = rest_stage_target(rest_api(disable_execute_api_endpoint=True))
    edge = custom_domain((REST_ID, "prod"), endpoint_type="EDGE")
    result = perimeter(target, inventory(custom_domains=(edge,), distributions=()))
    assert not result.protected
    assert result.open_ways_in[0].startswith(f"edge-optimized custom domain {DOMAIN}")


def test_a_mapping_without_a_stage_maps_every_stage() -> None:
    """A v1 base path mapping with stage "(none)": callers name the stage after the path."""
    target = rest_stage_target(rest_api(disable_execute_api_endpoint=True))
    every_stage = custom_domain((REST_ID, ""))
    result = perimeter(target, inventory(custom_domains=(every_stage,), distributions=()))
    assert not result.protected
    assert result.open_ways_in == (
        f"custom domain {DOMAIN} (no CloudFront distribution has it as origin)",
    )


def test_a_custom_domain_behind_cloudfront_without_a_web_acl_is_a_way_in() -> None:
    domains = (custom_domain((HTTP_ID, "prod")),)
    result = perimeter(
        closed_http_stage(),
        inventory(custom_domains=domains, distributions=(distribution(DOMAIN, None),)),
    )
    assert not result.protected
    assert result.open_ways_in == (
        f"custom domain {DOMAIN} (CloudFront E2CDN in front of it has no web ACL)",
    )


def test_a_disabled_distribution_protects_nothing() -> None:
    disabled = replace(distribution(DOMAIN), enabled=False)
    domains = (custom_domain((HTTP_ID, "prod")),)
    result = perimeter(
        closed_http_stage(), inventory(custom_domains=domains, distributions=(disabled,))
    )
    assert not result.protected


def test_a_custom_domain_no_distribution_fronts_is_a_way_in() -> None:
    domains = (custom_domain((HTTP_ID, "prod")),)
    result = perimeter(
        closed_http_stage(),
        inventory(custom_domains=domains, distributions=(distribution("other.example.com"),)),
    )
    assert not result.protected


def test_domains_mapping_other_stages_or_regions_do_not_matter() -> None:
    domains = (
        custom_domain((HTTP_ID, "staging"), (REST_ID, "prod")),
        custom_domain((HTTP_ID, "prod"), name="eu.example.com", region="eu-west-1"),
    )
    result = perimeter(closed_http_stage(), inventory(custom_domains=domains))
    assert result.protected
    assert result.protected_by == (f"{DEFAULT_ENDPOINT} is disabled",)


def test_a_regional_rest_stage_can_be_protected_like_an_http_one() -> None:
    target = rest_stage_target(rest_api(disable_execute_api_endpoint=True))
    domains = (custom_domain((REST_ID, "prod")),)
    result = perimeter(
        target, inventory(custom_domains=domains, distributions=(distribution(REGIONAL_NAME),))
    )
    assert result.protected


def test_unlisted_custom_domains_leave_the_perimeter_unavailable() -> None:
    failed = error("GetDomainNames", REGION, "apigatewayv2")
    with pytest.raises(DataUnavailable, match="GetDomainNames on us-east-1 failed"):
        perimeter(closed_http_stage(), inventory(errors=(failed,)))


def test_unread_api_mappings_leave_the_perimeter_unavailable() -> None:
    failed = error("GetApiMappings", f"{REGION}/{DOMAIN}", "apigatewayv2")
    domains = (custom_domain(mappings=None),)
    with pytest.raises(
        DataUnavailable, match=re.escape(f"GetApiMappings on {REGION}/{DOMAIN} failed")
    ):
        perimeter(closed_http_stage(), inventory(custom_domains=domains, errors=(failed,)))


def test_unlisted_distributions_matter_only_when_a_domain_maps_the_stage() -> None:
    failed = error("ListDistributions", "global", "cloudfront")
    unlisted = inventory(distributions=None, errors=(failed,))
    assert perimeter(closed_http_stage(), unlisted).protected
    mapped = replace(unlisted, custom_domains=(custom_domain((HTTP_ID, "prod")),))
    with pytest.raises(DataUnavailable, match="ListDistributions on global failed"):
        perimeter(closed_http_stage(), mapped)


def private_stage(api: RestApi) -> RestStageTarget:
    served = deployment(definition(resource("/pets", method("GET"), method("POST"))))
    return rest_stage_target(api, served)


def test_a_private_api_pinned_to_its_vpc_endpoints_is_protected() -> None:
    result = perimeter(private_stage(private_api(statement("Allow", FROM_VPCE))), inventory())
    assert result.protected
    assert result.protected_by == (
        f"resource policy allows Invoke only with aws:SourceVpce={VPCE}",
    )


def test_a_private_api_open_to_any_vpc_endpoint_is_unprotected() -> None:
    api = private_api(
        statement("Allow", FROM_VPCE),
        statement("Allow", Resource="execute-api:/prod/POST/*"),
    )
    result = perimeter(private_stage(api), inventory())
    assert not result.protected
    (way_in,) = result.open_ways_in
    assert "POST /pets" in way_in
    assert "GET /pets" not in way_in


def test_a_private_api_whose_deployment_was_not_read_is_unavailable() -> None:
    target = replace(private_stage(private_api(statement("Allow", FROM_VPCE))), deployment=None)
    with pytest.raises(DataUnavailable, match="deployment dep1"):
        perimeter(target, inventory())


# --- CORS --------------------------------------------------------------------------------------


def resource_target(
    *methods: RestMethod,
    gateway_responses: tuple[GatewayResponse, ...] = (),
    api: RestApi | None = None,
) -> RestResourceTarget:
    """``/pets`` as the stage serves it, with the deployed gateway responses."""
    the_resource = resource("/pets", *methods)
    return RestResourceTarget(
        key=f"{ACCOUNT_ID}/{REGION}/{REST_ID}/prod/pets",
        account=ACCOUNT_ID,
        api=api or rest_api(),
        stage=stage(),
        resource=the_resource,
        environment="production",
        deployment=deployment(definition(the_resource, gateway_responses=gateway_responses)),
    )


def options(status: str, **headers: str) -> RestMethod:
    parameters = {f"method.response.header.{name}": value for name, value in headers.items()}
    return method(
        "OPTIONS", integration=integration("MOCK", response_parameters={status: parameters})
    )


def gateway_response(response_type: str = "DEFAULT_4XX", **headers: str) -> GatewayResponse:
    return GatewayResponse(
        response_type=response_type,
        status_code=None,
        response_parameters={f"gatewayresponse.header.{n}": v for n, v in headers.items()},
        default_response=False,
    )


ORIGIN = "Access-Control-Allow-Origin"
CREDENTIALS = "Access-Control-Allow-Credentials"
REFLECTED = "method.request.header.Origin"


def test_any_status_of_a_preflight_answering_star_allows_any_origin() -> None:
    exposure = cors_exposure(resource_target(options("204", **{ORIGIN: "'*'"})))
    assert exposure.wildcard_sources == ("OPTIONS integration response 204",)
    assert not exposure.allow_credentials


def test_a_named_origin_is_not_a_wildcard() -> None:
    preflight = options("200", **{ORIGIN: "'https://shop.example.com'"})
    exposure = cors_exposure(resource_target(preflight))
    assert not exposure.any_origin
    assert exposure.reflected_sources == ()


def test_gateway_responses_count_and_credentials_are_noticed() -> None:
    response = gateway_response("DEFAULT_5XX", **{ORIGIN: "'*'", CREDENTIALS: "'true'"})
    exposure = cors_exposure(resource_target(method(), gateway_responses=(response,)))
    assert exposure.wildcard_sources == ("gateway response DEFAULT_5XX",)
    assert exposure.allow_credentials


def test_the_deployed_gateway_responses_count_not_the_current_ones() -> None:
    current = rest_api(gateway_responses=(gateway_response(**{ORIGIN: "'*'"}),))
    assert not cors_exposure(resource_target(options("200"), api=current)).any_origin


def test_a_reflected_origin_with_credentials_lets_any_site_read_authenticated_responses() -> None:
    preflight = options("200", **{ORIGIN: REFLECTED, CREDENTIALS: "'true'"})
    exposure = cors_exposure(resource_target(preflight))
    assert exposure.reflected_sources == ("OPTIONS integration response 200",)
    assert exposure.reflects_origin_with_credentials
    assert not exposure.any_origin


def test_a_reflected_origin_in_a_gateway_response_is_noticed() -> None:
    response = gateway_response(**{ORIGIN: REFLECTED, CREDENTIALS: "'true'"})
    exposure = cors_exposure(resource_target(options("200"), gateway_responses=(response,)))
    assert exposure.reflected_sources == ("gateway response DEFAULT_4XX",)
    assert exposure.reflects_origin_with_credentials


def test_a_reflected_origin_without_credentials_is_not_the_credentials_finding() -> None:
    exposure = cors_exposure(resource_target(options("200", **{ORIGIN: REFLECTED})))
    assert exposure.reflected_sources == ("OPTIONS integration response 200",)
    assert not exposure.reflects_origin_with_credentials


def test_a_proxy_only_resource_leaves_the_origin_to_the_backend() -> None:
    exposure = cors_exposure(
        resource_target(method("GET"), method("POST", integration=integration("HTTP_PROXY")))
    )
    assert exposure.decided_by_backend is not None
    assert "GET (AWS_PROXY), POST (HTTP_PROXY)" in exposure.decided_by_backend
    assert (exposure.wildcard_sources, exposure.reflected_sources) == ((), ())


def test_a_resource_without_proxy_integrations_is_decided_by_its_configuration() -> None:
    exposure = cors_exposure(resource_target(method("GET", integration=integration("AWS"))))
    assert exposure.decided_by_backend is None


def test_http_api_cors_configuration() -> None:
    cors = CorsConfiguration(
        allow_origins=("*",),
        allow_credentials=True,
        allow_methods=(),
        allow_headers=(),
        expose_headers=(),
        max_age=None,
    )
    target = v2_stage_target(served=v2_definition(cors=cors))
    exposure = cors_exposure(target)
    assert (exposure.any_origin, exposure.allow_credentials) == (True, True)
    assert exposure.wildcard_sources == ("CorsConfiguration.AllowOrigins",)
    assert not cors_exposure(replace(target, definition=v2_definition())).any_origin


def test_http_api_cors_is_the_deployed_configuration() -> None:
    current = v2_api(
        cors=CorsConfiguration(
            allow_origins=("*",),
            allow_credentials=False,
            allow_methods=(),
            allow_headers=(),
            expose_headers=(),
            max_age=None,
        )
    )
    target = v2_stage_target(current, v2_definition(), served_from="deployment d1")
    assert not cors_exposure(target).any_origin


def test_an_unread_http_api_definition_leaves_cors_unavailable() -> None:
    target = v2_stage_target(served=None, served_from="deployment d1", deployment_id="d1")
    with pytest.raises(DataUnavailable, match=r"deployment d1 that .* serves was not collected"):
        cors_exposure(target)


# --- drift -------------------------------------------------------------------------------------

JWT = RestAuthorizer(
    id="abc123", name="jwt", type="TOKEN", provider_arns=(), authorizer_uri="arn:aws:lambda"
)
# The export names authorizers, it has no ids: in a deployed definition the name is the id.
JWT_DEPLOYED = replace(JWT, id="jwt")


def drift_target(deployed: RestDefinition, current: RestDefinition) -> RestStageTarget:
    api = rest_api(
        resources=current.resources,
        authorizers=current.authorizers,
        request_validators=current.request_validators,
        gateway_responses=current.gateway_responses,
    )
    return rest_stage_target(api, deployment(deployed))


def pets(*methods: RestMethod, **changes: Any) -> RestDefinition:
    return definition(resource("/pets", *methods), **changes)


def test_identical_definitions_have_no_differences() -> None:
    deployed = pets(
        method(authorization_type="CUSTOM", authorizer_id="jwt"), authorizers=(JWT_DEPLOYED,)
    )
    current = pets(
        method(
            authorization_type="CUSTOM",
            authorizer_id="abc123",
            integration=integration(timeout_ms=29_000, connection_type="INTERNET"),
        ),
        authorizers=(JWT,),
    )
    drift = definition_drift(drift_target(deployed, current))
    assert drift is not None
    assert (drift.deployment_id, drift.deployment_date) == (SERVED, "2024-05-01T10:00:00Z")
    assert drift.differences == ()


def test_authorization_added_and_not_deployed_is_a_difference() -> None:
    deployed = pets(method())
    current = pets(method(authorization_type="CUSTOM", authorizer_id="abc123"), authorizers=(JWT,))
    drift = definition_drift(drift_target(deployed, current))
    assert drift is not None
    assert drift.differences == ("GET /pets: authorization 'NONE' deployed, 'CUSTOM (jwt)' now",)


def test_a_method_added_and_not_deployed_is_a_difference() -> None:
    drift = definition_drift(drift_target(pets(method()), pets(method(), method("POST"))))
    assert drift is not None
    assert drift.differences == ("POST /pets: added to the API, not deployed",)


def test_a_method_deleted_but_still_served_is_a_difference() -> None:
    drift = definition_drift(drift_target(pets(method(), method("DELETE")), pets(method())))
    assert drift is not None
    assert drift.differences == ("DELETE /pets: still served, deleted from the API since",)


def test_a_gateway_response_changed_and_not_deployed_is_a_difference() -> None:
    deployed = pets(method(), gateway_responses=(gateway_response(**{ORIGIN: "'*'"}),))
    current = pets(
        method(), gateway_responses=(gateway_response(**{ORIGIN: "'https://shop.example.com'"}),)
    )
    drift = definition_drift(drift_target(deployed, current))
    assert drift is not None
    header = f"gatewayresponse.header.{ORIGIN}"
    assert drift.differences == (  # AWS's own words for the mapping, no Python repr
        f"gateway response DEFAULT_4XX: {{{header}: '*'}} deployed, "
        f"{{{header}: 'https://shop.example.com'}} now",
    )


def test_a_default_gateway_response_is_no_customisation_to_deploy() -> None:
    deployed = pets(method())
    api = rest_api(
        resources=deployed.resources,
        gateway_responses=(replace(gateway_response(), default_response=True),),
    )
    drift = definition_drift(rest_stage_target(api, deployment(deployed)))
    assert drift is not None
    assert drift.differences == ()


def v2_drift_target(deployed: V2Definition, current: V2Definition) -> V2StageTarget:
    api = v2_api(
        routes=current.routes,
        integrations=current.integrations,
        authorizers=current.authorizers,
        cors=current.cors,
    )
    served = V2Deployment(id="d1", created_date=None, description=None, definition=deployed)
    return v2_stage_target(
        api,
        deployed,
        served_from="deployment d1",
        served_deployment=served,
        auto_deploy=False,
        deployment_id="d1",
    )


def test_an_http_route_authorization_change_not_deployed_is_a_difference() -> None:
    cognito = V2Authorizer(id="au1", name="cognito", type="JWT")
    deployed = v2_definition(route("GET /pets"))
    current = v2_definition(
        route("GET /pets", authorization_type="JWT", authorizer_id="au1"), authorizers=(cognito,)
    )
    drift = definition_drift(v2_drift_target(deployed, current))
    assert drift is not None
    assert drift.differences == (
        "route GET /pets: authorization 'NONE' deployed, 'JWT (cognito)' now",
    )


def test_identical_http_definitions_have_no_differences() -> None:
    served = v2_definition(
        route("GET /pets", target="integrations/i1"), integrations=(v2_integration(),)
    )
    drift = definition_drift(v2_drift_target(served, served))
    assert drift is not None
    assert drift.differences == ()


def test_a_lambda_integration_written_either_way_is_the_same_function() -> None:
    """GetIntegrations answers an HTTP API's Lambda URI as it was made (often the bare
    function ARN), ExportApi the invocation path: the same function is no difference, another
    one is."""
    function = "arn:aws:lambda:us-east-1:123456789012:function:pets"
    invocation = (
        f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{function}/invocations"
    )

    def routed(uri: str) -> V2Definition:
        return v2_definition(
            route("GET /pets", target="integrations/i1"),
            integrations=(v2_integration(uri=uri),),
        )

    same = definition_drift(v2_drift_target(routed(invocation), routed(function)))
    assert same is not None
    assert same.differences == ()
    other = definition_drift(v2_drift_target(routed(invocation), routed(f"{function}-v2")))
    assert other is not None
    assert other.differences


def test_autodeploy_and_websocket_stages_always_serve_the_current_definition() -> None:
    assert definition_drift(v2_stage_target(served=v2_definition())) is None
    websocket = v2_stage_target(
        v2_api(protocol_type="WEBSOCKET"),
        v2_definition(),
        served_from="current definition (AWS cannot export a WebSocket API...)",
        auto_deploy=False,
    )
    assert definition_drift(websocket) is None


def test_an_unread_rest_deployment_leaves_drift_unavailable() -> None:
    key = f"{REGION}/{REST_ID}/prod"
    api = rest_api(errors=(error("GetExport", key),))
    target = replace(rest_stage_target(api), deployment=None)
    with pytest.raises(DataUnavailable, match=f"GetExport on {key} failed"):
        definition_drift(target)


def test_an_unread_http_deployment_leaves_drift_unavailable() -> None:
    target = v2_stage_target(
        served=None, served_from="deployment d1", auto_deploy=False, deployment_id="d1"
    )
    with pytest.raises(DataUnavailable, match="deployment d1"):
        definition_drift(target)


def test_an_uncollected_current_definition_leaves_drift_unavailable() -> None:
    failed = error("GetResources", f"{REGION}/{REST_ID}")
    target = rest_stage_target(rest_api(resources=None, errors=(failed,)))
    with pytest.raises(DataUnavailable, match="GetResources"):
        definition_drift(target)


# --- backend -----------------------------------------------------------------------------------


def test_integration_timeout_defaults() -> None:
    assert integration_timeout_ms(rest_target()) == 29_000
    assert integration_timeout_ms(rest_target(integration=integration(timeout_ms=5_000))) == 5_000
    assert integration_timeout_ms(route_target(integration=v2_integration())) == 30_000


@pytest.mark.parametrize(("protocol", "default_ms"), [("HTTP", 30_000), ("WEBSOCKET", 29_000)])
def test_v2_integration_timeout_default_by_api_type(protocol: str, default_ms: int) -> None:
    api = v2_api(protocol_type=protocol)
    assert integration_timeout_ms(route_target(api=api, integration=v2_integration())) == default_ms
    assert integration_timeout_ms(route_target(api=api)) == default_ms
    configured = v2_integration(timeout_ms=10_000)
    assert integration_timeout_ms(route_target(api=api, integration=configured)) == 10_000


LAMBDA_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:orders"
REST_LAMBDA_URI = (
    f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{LAMBDA_ARN}/invocations"
)


@pytest.mark.parametrize(
    ("type", "uri", "expected"),
    [
        pytest.param("AWS_PROXY", REST_LAMBDA_URI, True, id="rest-lambda-proxy"),
        pytest.param("AWS", REST_LAMBDA_URI, True, id="rest-lambda-custom"),
        pytest.param("AWS_PROXY", LAMBDA_ARN, True, id="http-bare-function-arn"),
        pytest.param("AWS_PROXY", f"{LAMBDA_ARN}:live", True, id="http-function-alias"),
        pytest.param(
            "AWS_PROXY",
            f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:${{stageVariables.fn}}",
            True,
            id="http-stage-variable",
        ),
        pytest.param(
            "AWS",
            f"arn:aws:apigateway:{REGION}:sqs:path/{ACCOUNT_ID}/orders",
            False,
            id="rest-sqs",
        ),
        pytest.param(
            "AWS",
            f"arn:aws:apigateway:{REGION}:states:action/StartExecution",
            False,
            id="rest-step-functions",
        ),
        pytest.param("AWS_PROXY", None, False, id="http-integration-subtype-no-uri"),
        pytest.param("HTTP_PROXY", "https://lambda.example.com/x", False, id="http-proxy"),
        pytest.param("MOCK", None, False, id="mock"),
    ],
)
def test_invokes_lambda(type: str, uri: str | None, expected: bool) -> None:
    assert invokes_lambda(type, uri) is expected


def test_an_integration_subtype_route_invokes_no_lambda() -> None:
    sqs = v2_integration(subtype="SQS-SendMessage", uri=None)
    assert route_target(integration=sqs).lambda_arn is None
    assert route_target(integration=v2_integration(uri=LAMBDA_ARN)).lambda_arn == LAMBDA_ARN


def test_caching_status() -> None:
    target = rest_target()
    assert caching_status(target) == "CLUSTER_OFF"
    cached = with_stage(
        target,
        cache_cluster_enabled=True,
        method_settings=(
            setting("*/*", caching_enabled=False),
            setting("~1pets~1{id}/GET", caching_enabled=True),
        ),
    )
    assert caching_status(cached) == "ENABLED"
    default_on = with_stage(
        target, cache_cluster_enabled=True, method_settings=(setting("*/*", caching_enabled=True),)
    )
    assert caching_status(default_on) == "ENABLED"
    assert caching_status(with_stage(target, cache_cluster_enabled=True)) == "DISABLED"


def test_xray_tracing() -> None:
    rest = rest_stage_target(tracing_enabled=True)
    assert xray_tracing(rest) == "ENABLED"
    assert xray_tracing(replace(rest, stage=stage())) == "DISABLED"
    assert xray_tracing(v2_stage_target(served=v2_definition())) == "UNSUPPORTED"


# --- cost --------------------------------------------------------------------------------------


def api_target(api: RestApi) -> RestApiTarget:
    return RestApiTarget(key=f"{ACCOUNT_ID}/{REGION}/{api.id}", account=ACCOUNT_ID, api=api)


def resources(*methods: RestMethod) -> tuple[RestResource, ...]:
    return (resource("/things", *methods),)


FIREHOSE = f"arn:aws:firehose:{REGION}:{ACCOUNT_ID}:deliverystream/amazon-apigateway-logs"


@pytest.mark.parametrize(
    ("feature", "api"),
    [
        ("edge_optimized_endpoint", rest_api(endpoint_types=("EDGE",))),
        ("waf", rest_api(stages=(stage(web_acl_arn=STAGE_WEB_ACL),))),
        ("api_keys_or_usage_plans", rest_api(resources=resources(method(api_key_required=True)))),
        ("api_keys_or_usage_plans", rest_api(stages=(stage(usage_plans=(plan("p", 1, 1),)),))),
        ("request_validators", rest_api(resources=resources(method(request_validator_id="v")))),
        ("caching", rest_api(stages=(stage(cache_cluster_enabled=True),))),
        ("private_endpoint", rest_api(endpoint_types=("PRIVATE",))),
        ("resource_policy", rest_api(policy={"Statement": []})),
        ("xray_tracing", rest_api(stages=(stage(tracing_enabled=True),))),
        (
            "non_proxy_integrations",
            rest_api(resources=resources(method(integration=integration("AWS")))),
        ),
        ("client_certificate", rest_api(stages=(stage(client_certificate_id="cert"),))),
        ("canary_release", rest_api(stages=(stage(canary_deployment_id="dep2"),))),
        ("custom_gateway_responses", rest_api(gateway_responses=(gateway_response(),))),
        (
            "execution_logs",
            rest_api(stages=(stage(method_settings=(setting("*/*", logging_level="INFO"),)),)),
        ),
        ("firehose_access_logs", rest_api(stages=(stage(access_log_destination=FIREHOSE),))),
        (
            "integration_timeout_over_30s",
            rest_api(resources=resources(method(integration=integration(timeout_ms=45_000)))),
        ),
    ],
)
def test_each_rest_only_feature_is_detected(feature: str, api: RestApi) -> None:
    features = rest_only_features(api_target(api))
    assert [name for name, used in features.items() if used] == [feature]


def test_mapping_templates_are_a_rest_only_feature() -> None:
    templated = integration("AWS", request_template_content_types=("application/json",))
    features = rest_only_features(
        api_target(rest_api(resources=resources(method(integration=templated))))
    )
    assert features["mapping_templates"]


def test_default_gateway_responses_and_cloudwatch_logs_are_no_rest_only_feature() -> None:
    api = rest_api(
        gateway_responses=(replace(gateway_response(), default_response=True),),
        stages=(
            stage(
                method_settings=(setting("*/*", logging_level="OFF"),),
                access_log_destination=f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:access",
            ),
        ),
    )
    assert not any(rest_only_features(api_target(api)).values())


def test_cors_preflight_mocks_are_not_a_rest_only_feature() -> None:
    api = rest_api(resources=resources(options("200"), method()))
    assert not any(rest_only_features(api_target(api)).values())


def test_uncollected_gateway_responses_leave_rest_only_features_unavailable() -> None:
    failed = error("GetGatewayResponses", f"{REGION}/{REST_ID}")
    api = rest_api(gateway_responses=None, errors=(failed,))
    with pytest.raises(DataUnavailable, match="GetGatewayResponses"):
        rest_only_features(api_target(api))


def test_monthly_saving_from_the_request_count() -> None:
    api = rest_api(stages=(stage(request_count_30d=3e6), stage("dev", request_count_30d=1e6)))
    assert api_request_count_30d(api_target(api)) == 4e6
    assert monthly_saving(4e6, Pricing()) == 10.0
    assert monthly_saving(4e6, Pricing(rest_per_million=4.5, http_per_million=1.5)) == 12.0
    unknown = rest_api(stages=(stage(request_count_30d=3e6), stage("dev")))
    assert api_request_count_30d(api_target(unknown)) is None
    assert monthly_saving(None, Pricing()) is None


# --- CORS decided where the configuration cannot see ------------------------------------------


def test_a_literal_preflight_does_not_hide_a_proxy_method_s_own_cors_headers() -> None:
    preflight = options("200", **{ORIGIN: "'https://app.example.com'"})
    exposure = cors_exposure(resource_target(preflight, method("GET")))
    assert exposure.decided_by_backend is not None
    assert "GET (AWS_PROXY)" in exposure.decided_by_backend


def test_an_origin_mapped_from_the_integration_response_is_the_backend_s() -> None:
    mapped = integration(
        "HTTP",
        response_parameters={
            "200": {f"method.response.header.{ORIGIN}": "integration.response.header.Origin"}
        },
    )
    exposure = cors_exposure(resource_target(method("GET", integration=mapped)))
    assert exposure.decided_by_backend is not None
    assert "GET (mapped from the integration's response)" in exposure.decided_by_backend


def test_a_response_template_echoing_the_origin_with_credentials_is_reflection() -> None:
    overrides = {"200": {ORIGIN: "$input.params().header.get('Origin')", CREDENTIALS: "'true'"}}
    preflight = method(
        "OPTIONS", integration=integration("MOCK", response_cors_overrides=overrides)
    )
    exposure = cors_exposure(resource_target(preflight))
    assert exposure.reflected_sources == ("OPTIONS response template 200",)
    assert exposure.reflects_origin_with_credentials


def test_an_http_api_without_cors_configuration_leaves_cors_to_its_integrations() -> None:
    routed = v2_definition(route("GET /pets", target="integrations/i1"))
    exposure = cors_exposure(v2_stage_target(served=routed))
    assert exposure.decided_by_backend is not None
    assert "no CORS configuration" in exposure.decided_by_backend


def test_cors_overrides_are_read_from_response_templates_through_variables() -> None:
    template = (
        "#set($origin = $input.params().header.get('Origin'))\n"
        "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)\n"
        "#set($context.responseOverride.status = 200)\n"
        '#set($context.responseOverride.header.X-Secret = "s3cr3t")\n'
    )
    assert cors_overrides({"application/json": template}) == {
        "Access-Control-Allow-Origin": "$input.params().header.get('Origin')"
    }


def test_multi_value_parameters_are_no_drift_though_openapi_exports_them_single() -> None:
    current = method(request_parameters={"method.request.multivaluequerystring.tag": False})
    served = method(request_parameters={"method.request.querystring.tag": False})
    deployed = definition(resource("/pets", served))
    api = rest_api(resources=(resource("/pets", current),))
    drift = definition_drift(rest_stage_target(api, deployment(deployed)))
    assert drift is not None
    assert drift.differences == ()


# --- the resource policy a deployment carries -------------------------------------------------

PINNED = {
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*",
            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
        }
    ]
}
OPEN = {
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*"}
    ]
}


def test_a_private_api_is_judged_on_the_policy_its_deployment_carries() -> None:
    """The API's policy was pinned but never deployed: the stage still serves the open one."""
    private = rest_api(endpoint_types=("PRIVATE",), policy=PINNED)
    assert network_restriction(private, "prod", "GET", "/pets", OPEN) is None
    assert network_restriction(private, "prod", "GET", "/pets") is not None  # export says none


def test_the_exported_policy_is_parsed_from_text_or_document() -> None:
    export = {"paths": {}, "x-amazon-apigateway-policy": json.dumps(OPEN)}
    assert parse_deployed_definition(export, {}).policy == OPEN
    assert parse_deployed_definition({"paths": {}}, {}).policy is None


def test_a_policy_changed_and_not_deployed_is_drift() -> None:
    api = rest_api(policy=PINNED)
    drift = definition_drift(rest_stage_target(api, deployment(definition(policy=OPEN))))
    assert drift is not None
    assert drift.differences == (
        "resource policy: the deployed one differs from the API's current one",
    )


def test_a_gap_is_never_explained_by_a_sibling_s_failed_call() -> None:
    sibling = error("GetApiMappings", f"{REGION}/other.example.com")
    region_wide = error("GetApiMappings", REGION)
    with pytest.raises(DataUnavailable, match=r"the API mappings of api\.example\.com was not"):
        require(
            None,
            (sibling,),
            "GetApiMappings",
            "the API mappings of api.example.com",
            f"{REGION}/api.example.com",
        )
    with pytest.raises(DataUnavailable, match=f"GetApiMappings on {REGION} failed"):
        require(
            None,
            (sibling, region_wide),
            "GetApiMappings",
            "the mappings",
            f"{REGION}/api.example.com",
        )
