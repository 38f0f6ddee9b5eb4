"""The policy functions on hand-made inventory objects: AWS semantics, edge by edge."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from checks.policy import (
    Pricing,
    accepted_inputs,
    api_request_count_30d,
    authorization,
    caching_status,
    cors_exposure,
    effective_throttle,
    integration_timeout_ms,
    method_settings_key,
    monthly_saving,
    network_restriction,
    request_validation,
    rest_only_features,
    unvalidated_inputs,
    waf_status,
    xray_tracing,
)
from collectors.errors import DataUnavailable
from collectors.model import (
    CollectionError,
    CorsConfiguration,
    GatewayResponse,
    MethodSetting,
    RequestValidator,
    RestApi,
    RestIntegration,
    RestMethod,
    RestResource,
    RestStage,
    RouteSettings,
    Throttle,
    UsagePlanBinding,
    V2Api,
    V2Integration,
    V2Route,
    V2Stage,
)
from collectors.targets import (
    RestApiTarget,
    RestMethodTarget,
    RestResourceTarget,
    RestStageTarget,
    V2RouteTarget,
    V2StageTarget,
)

# --- hand-made inventory -----------------------------------------------------------------------


def integration(type: str = "AWS_PROXY", **changes: Any) -> RestIntegration:
    return replace(RestIntegration(type, None, None, None, (), {}), **changes)


def method(verb: str = "GET", **changes: Any) -> RestMethod:
    return replace(RestMethod(verb, "NONE", None, False, None, {}, {}, integration()), **changes)


def setting(key: str, rate: float | None = None, burst: int | None = None, **changes: Any) -> Any:
    base = MethodSetting(key, Throttle(rate, burst), None, None, None, None, None)
    return replace(base, **changes)


def stage(name: str = "prod", **changes: Any) -> RestStage:
    base = RestStage(
        name, None, None, None, False, False, None, (), None, None, None, None, (), {}, (), None
    )
    return replace(base, **changes)


def rest_api(**changes: Any) -> RestApi:
    base = RestApi(
        "a1b2c3", "shop", "us-east-1", ("REGIONAL",), {}, None, False, None, None,
        (), (), (), (), (stage(),), (),
    )  # fmt: skip
    return replace(base, **changes)


def rest_target(
    verb: str = "GET", path: str = "/pets/{id}", api: RestApi | None = None, **changes: Any
) -> RestMethodTarget:
    the_method = method(verb, **changes)
    the_api = api or rest_api()
    the_stage = the_api.stages[0] if the_api.stages else stage()
    resource = RestResource("r1", path, (the_method,))
    return RestMethodTarget("key", the_api, the_stage, resource, the_method, "production")


def with_stage(target: RestMethodTarget, **changes: Any) -> RestMethodTarget:
    return replace(target, stage=replace(target.stage, **changes))


def plan(name: str, rate: float | None, burst: int | None, **methods: Throttle) -> Any:
    throttle = Throttle(rate, burst) if (rate, burst) != (None, None) else None
    return UsagePlanBinding("p-" + name, name, throttle, None, None, methods)


def v2_api(**changes: Any) -> V2Api:
    base = V2Api("h1", "web", "us-east-1", "HTTP", {}, None, False, None, (), (), (), (), ())
    return replace(base, **changes)


def v2_stage(**changes: Any) -> V2Stage:
    return replace(
        V2Stage("prod", None, None, None, False, None, {}, None, None, {}, None), **changes
    )


def route_target(route_key: str = "GET /pets", **changes: Any) -> V2RouteTarget:
    route = replace(V2Route("r1", route_key, "NONE", None, False, None), **changes)
    return V2RouteTarget("key", v2_api(routes=(route,)), v2_stage(), route, None, "production")


def route_settings(rate: float | None, burst: int | None) -> RouteSettings:
    return RouteSettings(Throttle(rate, burst), None, None, None)


# --- throttling --------------------------------------------------------------------------------


def test_method_settings_key_is_the_escaped_path_then_the_method() -> None:
    assert method_settings_key("/pets/{id}", "GET") == "~1pets~1{id}/GET"
    assert method_settings_key("/a~b", "POST") == "~1a~0b/POST"


def test_method_setting_beats_the_stage_default() -> None:
    target = with_stage(
        rest_target(),
        method_settings=(setting("*/*", 500, 200), setting("~1pets~1{id}/GET", 100, 50)),
    )
    throttle = effective_throttle(target)
    assert (throttle.rate_limit, throttle.burst_limit) == (100, 50)
    assert throttle.source == "method settings ~1pets~1{id}/GET"


def test_a_setting_keyed_by_resource_id_is_not_the_method_setting() -> None:
    target = with_stage(rest_target(), method_settings=(setting("r1/GET", 1, 1),))
    assert effective_throttle(target).source == "none"


def test_negative_limits_are_unset_and_fall_through_limit_by_limit() -> None:
    target = with_stage(
        rest_target(),
        method_settings=(setting("*/*", 500, 200), setting("~1pets~1{id}/GET", 100, -1)),
    )
    throttle = effective_throttle(target)
    assert (throttle.rate_limit, throttle.burst_limit) == (100, 200)
    assert throttle.source == "method settings ~1pets~1{id}/GET (rate), stage default */* (burst)"


def test_usage_plan_applies_only_to_methods_requiring_an_api_key() -> None:
    bound = with_stage(rest_target(), usage_plans=(plan("gold", 50, 10),))
    assert effective_throttle(bound).source == "none"
    keyed = with_stage(rest_target(api_key_required=True), usage_plans=(plan("gold", 50, 10),))
    assert effective_throttle(keyed).source == "usage plan gold"


def test_usage_plan_method_override_and_the_most_generous_plan_apply() -> None:
    plans = (plan("gold", 50, 10, **{"/pets/{id}/GET": Throttle(5, 2)}), plan("free", 20, 8))
    target = with_stage(rest_target(api_key_required=True), usage_plans=plans)
    throttle = effective_throttle(target)
    assert (throttle.rate_limit, throttle.burst_limit) == (20, 8)
    assert throttle.source == "usage plan gold, free"


def test_a_plan_without_throttle_leaves_keyed_callers_unlimited() -> None:
    plans = (plan("gold", 50, 10), plan("unlimited", None, None))
    target = with_stage(rest_target(api_key_required=True), usage_plans=plans)
    assert not effective_throttle(target).has_limit


def test_unread_usage_plans_are_unavailable_only_when_they_matter() -> None:
    error = CollectionError("apigateway", "GetUsagePlans", "us-east-1", "AccessDenied", "no")
    target = rest_target(api=rest_api(errors=(error,), stages=(stage(usage_plans=None),)))
    assert effective_throttle(target).source == "none"
    with pytest.raises(DataUnavailable, match="GetUsagePlans on us-east-1 failed"):
        effective_throttle(replace(target, method=method(api_key_required=True)))


@pytest.mark.parametrize(
    ("rate", "burst", "below"),
    [(9_999, 4_999, True), (10_000, 100, False), (100, 5_000, False), (100, None, False)],
)
def test_limits_must_be_below_the_account_defaults(
    rate: float, burst: int | None, below: bool
) -> None:
    target = with_stage(rest_target(), method_settings=(setting("*/*", rate, burst),))
    assert effective_throttle(target).below_account_defaults is below


def test_http_route_settings_beat_the_default_route_settings() -> None:
    target = route_target()
    target = replace(
        target,
        stage=v2_stage(
            default_route_settings=route_settings(100, 50),
            route_settings={"GET /pets": route_settings(10, 5)},
        ),
    )
    assert effective_throttle(target).source == "route settings GET /pets"
    default_only = replace(target, stage=v2_stage(default_route_settings=route_settings(100, 50)))
    assert effective_throttle(default_only).source == "stage default route settings"


# --- validation --------------------------------------------------------------------------------


VALIDATORS = (
    RequestValidator("v-full", "full", True, True),
    RequestValidator("v-body", "body", True, False),
    RequestValidator("v-params", "params", False, True),
)


@pytest.mark.parametrize(
    ("validator_id", "expected"),
    [(None, "NONE"), ("v-full", "FULL"), ("v-body", "BODY"), ("v-params", "PARAMETERS")],
)
def test_request_validation_names_what_the_validator_checks(
    validator_id: str | None, expected: str
) -> None:
    target = rest_target(
        api=rest_api(request_validators=VALIDATORS), request_validator_id=validator_id
    )
    assert request_validation(target) == expected


def test_unread_validators_are_unavailable() -> None:
    target = rest_target(api=rest_api(request_validators=None), request_validator_id="v-full")
    with pytest.raises(DataUnavailable, match="request validators"):
        request_validation(target)


def test_what_a_method_accepts() -> None:
    assert accepted_inputs(rest_target("GET")) == ()
    assert accepted_inputs(rest_target("PATCH")) == ("body",)
    models = {"application/json": "Pet"}
    assert accepted_inputs(rest_target("GET", request_models=models)) == ("body",)
    params = {"method.request.path.id": True}
    target = rest_target(
        "POST",
        api=rest_api(request_validators=VALIDATORS),
        request_validator_id="v-body",
        request_parameters=params,
    )
    assert accepted_inputs(target) == ("body", "parameters")
    assert unvalidated_inputs(target) == ("parameters",)


# --- authorization -----------------------------------------------------------------------------

VPCE = "vpce-0123456789abcdef0"


def private_api(*statements: dict[str, Any]) -> RestApi:
    return rest_api(
        endpoint_types=("PRIVATE",),
        policy={"Version": "2012-10-17", "Statement": list(statements)},
    )


def statement(effect: str, condition: dict[str, Any] | None = None, **changes: Any) -> Any:
    base = {"Effect": effect, "Principal": "*", "Action": "execute-api:Invoke"}
    base["Resource"] = "execute-api:/*"
    if condition:
        base["Condition"] = condition
    return {**base, **changes}


def test_private_api_allowing_only_a_vpc_endpoint_is_network_restricted() -> None:
    api = private_api(statement("Allow", {"StringEquals": {"aws:SourceVpce": VPCE}}))
    assert network_restriction(rest_target(api=api)) == (
        f"resource policy allows Invoke only with aws:SourceVpce={VPCE}"
    )
    assert authorization(rest_target(api=api)).authorized


def test_private_api_denying_other_vpcs_is_network_restricted() -> None:
    api = private_api(
        statement("Allow"),
        statement("Deny", {"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}),
    )
    assert network_restriction(rest_target(api=api)) == (
        "resource policy denies Invoke unless aws:SourceVpc=vpc-1"
    )


@pytest.mark.parametrize(
    "condition",
    [
        {"StringLike": {"aws:SourceVpce": "vpce-*"}},
        {"Null": {"aws:SourceVpce": "false"}},
        {"StringEqualsIfExists": {"aws:SourceVpce": VPCE}},
        {"StringEquals": {"aws:SourceIp": "10.0.0.0/8"}},
    ],
)
def test_conditions_that_admit_any_endpoint_are_no_restriction(condition: Any) -> None:
    api = private_api(statement("Allow", condition))
    assert network_restriction(rest_target(api=api)) is None


def test_an_unconditioned_allow_defeats_the_restriction() -> None:
    api = private_api(
        statement("Allow", {"StringEquals": {"aws:SourceVpce": VPCE}}),
        statement("Allow", Resource="arn:aws:execute-api:us-east-1:123456789012:a1b2c3/*/GET/*"),
    )
    assert network_restriction(rest_target(api=api)) is None


def test_an_allow_for_other_methods_does_not_matter() -> None:
    api = private_api(
        statement("Allow", {"StringEquals": {"aws:SourceVpce": VPCE}}),
        statement("Allow", Resource="execute-api:/prod/POST/*"),
    )
    assert network_restriction(rest_target(api=api)) is not None


def test_a_regional_api_is_never_network_restricted() -> None:
    api = replace(
        private_api(statement("Allow", {"StringEquals": {"aws:SourceVpce": VPCE}})),
        endpoint_types=("REGIONAL",),
    )
    assert network_restriction(rest_target(api=api)) is None


def test_api_key_alone_is_not_authorization() -> None:
    auth = authorization(rest_target(api_key_required=True))
    assert (auth.authorization_type, auth.authorized) == ("NONE", False)


def test_websocket_routes_are_authorized_at_connect() -> None:
    connect = V2Route("c", "$connect", "CUSTOM", "auth1", False, None)
    message = V2Route("m", "sendMessage", "NONE", None, False, None)
    api = v2_api(protocol_type="WEBSOCKET", routes=(connect, message))
    target = V2RouteTarget("key", api, v2_stage(), message, None, "production")
    auth = authorization(target)
    assert (auth.authorized, auth.decided_by) == (True, "$connect")
    no_connect = replace(target, api=replace(api, routes=(message,)))
    assert not authorization(no_connect).authorized


# --- perimeter, CORS ---------------------------------------------------------------------------


def test_waf_status() -> None:
    rest = RestStageTarget("k", rest_api(), stage(web_acl_arn="arn:aws:wafv2:x"), "production")
    assert waf_status(rest) == "ENABLED"
    assert waf_status(replace(rest, stage=stage())) == "NONE"
    assert waf_status(V2StageTarget("k", v2_api(), v2_stage(), "production")) == "UNSUPPORTED"


def resource_target(*methods: RestMethod, api: RestApi | None = None) -> RestResourceTarget:
    return RestResourceTarget(
        "k", api or rest_api(), stage(), RestResource("r", "/pets", methods), "production"
    )


def options(status: str, **headers: str) -> RestMethod:
    parameters = {f"method.response.header.{name}": value for name, value in headers.items()}
    return method(
        "OPTIONS", integration=integration("MOCK", response_parameters={status: parameters})
    )


def test_any_status_of_a_preflight_answering_star_allows_any_origin() -> None:
    exposure = cors_exposure(
        resource_target(options("204", **{"Access-Control-Allow-Origin": "'*'"}))
    )
    assert exposure.wildcard_sources == ("OPTIONS integration response 204",)
    assert not exposure.allow_credentials


def test_a_named_origin_is_not_a_wildcard() -> None:
    preflight = options("200", **{"Access-Control-Allow-Origin": "'https://shop.example.com'"})
    assert not cors_exposure(resource_target(preflight)).any_origin


def test_gateway_responses_count_and_credentials_are_noticed() -> None:
    response = GatewayResponse(
        "DEFAULT_5XX",
        None,
        {
            "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
            "gatewayresponse.header.Access-Control-Allow-Credentials": "'true'",
        },
        False,
    )
    exposure = cors_exposure(resource_target(api=rest_api(gateway_responses=(response,))))
    assert exposure.wildcard_sources == ("gateway response DEFAULT_5XX",)
    assert exposure.allow_credentials


def test_unread_gateway_responses_are_unavailable() -> None:
    with pytest.raises(DataUnavailable, match="gateway responses"):
        cors_exposure(resource_target(api=rest_api(gateway_responses=None)))


def test_http_api_cors_configuration() -> None:
    cors = CorsConfiguration(("*",), True, (), (), (), None)
    target = V2StageTarget("k", v2_api(cors=cors), v2_stage(), "production")
    exposure = cors_exposure(target)
    assert (exposure.any_origin, exposure.allow_credentials) == (True, True)
    assert not cors_exposure(replace(target, api=v2_api())).any_origin


# --- backend -----------------------------------------------------------------------------------


def test_integration_timeout_defaults() -> None:
    assert integration_timeout_ms(rest_target()) == 29_000
    assert integration_timeout_ms(rest_target(integration=integration(timeout_ms=5_000))) == 5_000
    v2 = replace(
        route_target(), integration=V2Integration("i", "AWS_PROXY", None, None, None, None)
    )
    assert integration_timeout_ms(v2) == 30_000


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
    rest = RestStageTarget("k", rest_api(), stage(tracing_enabled=True), "production")
    assert xray_tracing(rest) == "ENABLED"
    assert xray_tracing(replace(rest, stage=stage())) == "DISABLED"
    assert xray_tracing(V2StageTarget("k", v2_api(), v2_stage(), "production")) == "UNSUPPORTED"


# --- cost --------------------------------------------------------------------------------------


def api_target(api: RestApi) -> RestApiTarget:
    return RestApiTarget("k", api, api.stages or ())


def resources(*methods: RestMethod) -> tuple[RestResource, ...]:
    return (RestResource("r", "/things", methods),)


@pytest.mark.parametrize(
    ("feature", "api"),
    [
        ("waf", rest_api(stages=(stage(web_acl_arn="arn:aws:wafv2:x"),))),
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
    ],
)
def test_each_rest_only_feature_is_detected(feature: str, api: RestApi) -> None:
    features = rest_only_features(api_target(api))
    assert [name for name, used in features.items() if used] == [feature]


def test_cors_preflight_mocks_are_not_a_rest_only_feature() -> None:
    api = rest_api(resources=resources(options("200"), method()))
    assert not any(rest_only_features(api_target(api)).values())


def test_monthly_saving_from_the_request_count() -> None:
    api = rest_api(stages=(stage(request_count_30d=3e6), stage("dev", request_count_30d=1e6)))
    assert api_request_count_30d(api_target(api)) == 4e6
    assert monthly_saving(4e6, Pricing()) == 10.0
    assert monthly_saving(4e6, Pricing(rest_per_million=4.5, http_per_million=1.5)) == 12.0
    unknown = rest_api(stages=(stage(request_count_30d=3e6), stage("dev")))
    assert api_request_count_30d(api_target(unknown)) is None
    assert monthly_saving(None, Pricing()) is None
