"""Throttling and request-validation checks on an emulated estate."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from collectors.demo.builders import AccountBuilder, HttpApiBuilder, MethodCache, RestApiBuilder
from collectors.demo.estate import emulated_aws
from tests_unit.checks_harness import (
    AuditRun,
    Outcome,
    audit_account,
    audit_inventory,
    denying,
    key,
)
from tests_unit.conftest import collect

THROTTLE, DATA = "APIGW-THROTTLE-001", "APIGW-DATA-001"
BODY = {"$default": "Empty"}  # a model for every Content-Type
JSON_BODY = {"application/json": "Empty"}
ACCOUNT = "account limit"
NOT_READ = "(deployed definition not read)"
SKIPS_WITHOUT_MODEL = (
    "body (the validator checks bodies against a request model, and the method has none, "
    "so AWS skips validation)"
)


@dataclass
class Estate:
    shop: RestApiBuilder
    orders: HttpApiBuilder
    lowered: RestApiBuilder  # eu-west-1, whose account limit is 2,000 rps, burst 1,000
    baseline: RestApiBuilder  # the same stage settings in us-east-1 (10,000 / 5,000)
    chat: HttpApiBuilder  # WebSocket
    excluded: RestApiBuilder
    run: AuditRun  # us-east-1 and eu-west-1
    denied: AuditRun  # no usage plans, no current request validators
    unread: AuditRun  # no GetAccount, no export of shop's deployment


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        shop = RestApiBuilder("shop")
        full = shop.validator("full", body=True, parameters=True)
        body_only = shop.validator("body-only", body=True, parameters=False)
        params_only = shop.validator("params-only", body=False, parameters=True)
        item_id = {"method.request.path.id": True}
        version = {"method.request.header.If-Match": True}
        shop.method("GET", "/items")
        shop.method("POST", "/items", validator_id=full, request_models=BODY)
        shop.method("PUT", "/items/{id}", request_parameters=version, request_models=BODY)
        shop.method("PATCH", "/items/{id}", validator_id=body_only, request_parameters=version)
        shop.method("GET", "/items/{id}", validator_id=params_only, request_parameters=item_id)
        shop.method("DELETE", "/items/{id}")
        shop.method("GET", "/reports", api_key_required=True)
        shop.method("ANY", "/proxy")
        shop.method("POST", "/uploads", validator_id=body_only)  # no request model
        shop.method("POST", "/notes", validator_id=full, request_models=JSON_BODY)
        shop.stage(
            "prod",
            rate=500,
            burst=200,
            methods={
                "GET /items/{id}": MethodCache(rate=100, burst=50),
                "POST /items": MethodCache(rate=20_000, burst=5_000),
                # only caching set: moto's 1000/2000 placeholder is overwritten with -1 (unset)
                "DELETE /items/{id}": MethodCache(caching=False),
            },
        )
        shop.stage("staging")
        shop.stage("nonprod")
        shop.usage_plan("staging", rate=50, burst=10, method_throttles={"/reports/GET": (5, 2)})

        orders = HttpApiBuilder("orders")
        orders_fn = AccountBuilder().lambda_function("orders", timeout_seconds=5)
        backend = orders.lambda_integration(orders_fn)
        orders.route("GET /orders", backend, authorization="AWS_IAM")
        orders.route("POST /orders", backend, authorization="AWS_IAM")
        orders.stage("prod", rate=100, burst=50, routes={"POST /orders": (20_000, 5_000)})
        orders.stage("staging")
        orders.stage("dev")

        AccountBuilder("eu-west-1").limits(rate=2_000, burst=1_000)
        lowered = RestApiBuilder("lowered", region="eu-west-1")
        baseline = RestApiBuilder("baseline")
        for api in (lowered, baseline):
            api.method("GET", "/quotes", authorization="AWS_IAM")
            api.stage("prod", rate=3_000, burst=1_500)

        chat = HttpApiBuilder("chat", protocol="WEBSOCKET")
        chat_backend = chat.lambda_integration(orders_fn)
        chat.route("$connect", chat_backend, authorization="AWS_IAM")
        chat.route("sendmessage", chat_backend)
        chat.route("checked", chat_backend, request_models={"$default": "Message"})
        chat.stage("prod")

        excluded = RestApiBuilder("legacy", tags={"ExcludeFromAudit": "TRUE"})
        excluded.method("POST", "/jobs")
        excluded.stage("prod")

        inventory = collect(regions=("us-east-1", "eu-west-1"))
        run = audit_inventory(inventory, tmp_path_factory.mktemp("traffic"))
        denied_session = denying("/usageplans", f"/restapis/{shop.id}/requestvalidators")
        denied = audit_account(tmp_path_factory, denied_session)
        unread_session = denying("/account", f"/restapis/{shop.id}/stages/prod/exports/")
        unread = audit_account(tmp_path_factory, unread_session)
    return Estate(shop, orders, lowered, baseline, chat, excluded, run, denied, unread)


# --- Throttling Vulnerability ------------------------------------------------------------------


def sources(outcome: Outcome) -> tuple[str, str]:
    return outcome.details["rate_source"], outcome.details["burst_source"]


def test_method_setting_is_found_under_the_escaped_path_key(estate: Estate) -> None:
    outcome = estate.run[THROTTLE, key(estate.shop, "prod", "GET /items/{id}")]
    assert outcome.outcome == "passed"
    assert outcome.details["method_settings_key"] == "~1items~1{id}/GET"
    assert sources(outcome) == ("the method setting for GET /items/{id}",) * 2
    assert (outcome.details["rate_limit"], outcome.details["burst_limit"]) == (100, 50)


def test_stage_default_throttles_methods_without_their_own_setting(estate: Estate) -> None:
    outcome = estate.run[THROTTLE, key(estate.shop, "prod", "GET /items")]
    assert outcome.outcome == "passed"
    assert sources(outcome) == ("stage default */*", "stage default */*")


def test_unset_method_limits_fall_through_to_the_stage_default(estate: Estate) -> None:
    outcome = estate.run[THROTTLE, key(estate.shop, "prod", "DELETE /items/{id}")]
    assert outcome.outcome == "passed"
    assert (outcome.details["rate_limit"], outcome.details["burst_limit"]) == (500, 200)


def test_limits_at_or_above_the_account_limits_fail_naming_the_binding_levels(
    estate: Estate,
) -> None:
    # 20,000 rps does not bind (the account's 10,000 does); burst 5,000 equals the account's
    outcome = estate.run[THROTTLE, key(estate.shop, "prod", "POST /items")]
    assert outcome.outcome == "failed"
    assert sources(outcome) == (ACCOUNT, "the method setting for POST /items")
    assert (outcome.details["rate_limit"], outcome.details["burst_limit"]) == (10_000, 5_000)
    assert outcome.message == (
        "POST /items on shop/prod is not throttled below the account limits (10,000 rps from "
        "account limit, burst 5,000 from the method setting for POST /items; account in "
        "us-east-1: 10,000 rps, burst 5,000)"
    )


def test_stage_limit_above_a_lowered_account_limit_does_not_bind(estate: Estate) -> None:
    outcome = estate.run[THROTTLE, key(estate.lowered, "prod", "GET /quotes")]
    assert outcome.outcome == "failed"
    assert sources(outcome) == (ACCOUNT, ACCOUNT)
    assert (outcome.details["rate_limit"], outcome.details["burst_limit"]) == (2_000, 1_000)
    assert (outcome.details["account_rate_limit"], outcome.details["account_burst_limit"]) == (
        2_000,
        1_000,
    )
    # a throttle is set (3,000/1,500) but above the region's account limit: it binds nothing
    assert outcome.message.endswith(
        "(2,000 rps from account limit, burst 1,000 from account limit; account in "
        "eu-west-1: 2,000 rps, burst 1,000)"
    )


def test_the_same_stage_limit_binds_below_the_default_account_limit(estate: Estate) -> None:
    outcome = estate.run[THROTTLE, key(estate.baseline, "prod", "GET /quotes")]
    assert outcome.outcome == "passed"
    assert sources(outcome) == ("stage default */*", "stage default */*")
    assert (outcome.details["account_rate_limit"], outcome.details["account_burst_limit"]) == (
        10_000,
        5_000,
    )


def test_unreadable_account_limits_error_every_throttle_check(estate: Estate) -> None:
    outcome = estate.unread[THROTTLE, key(estate.orders, "prod", "GET /orders")]
    assert outcome.outcome == "error"
    assert "GetAccount on us-east-1 failed" in outcome.message
    assert estate.unread.outcomes_of(THROTTLE) == {"error"}


def test_usage_plan_does_not_throttle_a_method_without_api_key(estate: Estate) -> None:
    outcome = estate.run[THROTTLE, key(estate.shop, "staging", "GET /items")]
    assert outcome.outcome == "failed"
    assert outcome.message.startswith("GET /items on shop/staging has no throttle")
    assert "API key" in outcome.details["usage_plans_not_applied"]


def test_usage_plan_method_override_throttles_a_method_requiring_an_api_key(
    estate: Estate,
) -> None:
    outcome = estate.run[THROTTLE, key(estate.shop, "staging", "GET /reports")]
    assert outcome.outcome == "passed"
    assert sources(outcome) == ("usage plan shop-staging-plan (per API key)",) * 2
    assert (outcome.details["rate_limit"], outcome.details["burst_limit"]) == (5, 2)


def test_http_route_settings_override_the_stage_default(estate: Estate) -> None:
    get = estate.run[THROTTLE, key(estate.orders, "prod", "GET /orders")]
    post = estate.run[THROTTLE, key(estate.orders, "prod", "POST /orders")]
    assert (get.outcome, sources(get)) == ("passed", ("stage default route settings",) * 2)
    assert (post.outcome, sources(post)) == ("failed", (ACCOUNT, "route settings POST /orders"))
    assert estate.run.outcome(THROTTLE, key(estate.orders, "staging", "GET /orders")) == "failed"


def test_unreadable_usage_plans_error_only_where_they_matter(estate: Estate) -> None:
    outcome = estate.denied[THROTTLE, key(estate.shop, "staging", "GET /reports")]
    assert outcome.outcome == "error"
    assert "GetUsagePlans" in outcome.message
    assert estate.denied.outcome(THROTTLE, key(estate.shop, "staging", "GET /items")) == "failed"


# --- Data Integrity Risk -----------------------------------------------------------------------


def test_body_without_a_validator_fails(estate: Estate) -> None:
    outcome = estate.run[DATA, key(estate.shop, "prod", "PUT /items/{id}")]
    assert outcome.outcome == "failed"
    assert outcome.details["unvalidated"] == ["body", "parameters"]


def test_path_parameters_alone_need_no_parameter_validator(estate: Estate) -> None:
    """API Gateway cannot route a request without its path parameters: nothing to check."""
    outcome = estate.run[DATA, key(estate.shop, "prod", "DELETE /items/{id}")]
    assert (outcome.outcome, outcome.details["accepts"]) == ("passed", [])


def test_declared_parameters_need_parameter_validation(estate: Estate) -> None:
    outcome = estate.run[DATA, key(estate.shop, "prod", "PATCH /items/{id}")]
    assert outcome.outcome == "failed"
    assert outcome.details["unvalidated"] == [SKIPS_WITHOUT_MODEL, "parameters"]
    assert outcome.message == (
        f"PATCH /items/{{id}} on shop/prod does not validate the request {SKIPS_WITHOUT_MODEL} "
        "and parameters (request validator: BODY)"
    )


def test_any_method_accepts_a_body_and_fails_without_a_body_validator(estate: Estate) -> None:
    outcome = estate.run[DATA, key(estate.shop, "prod", "ANY /proxy")]
    assert outcome.outcome == "failed"
    assert (outcome.details["accepts"], outcome.details["unvalidated"]) == (["body"], ["body"])


def test_body_validator_without_a_request_model_validates_nothing(estate: Estate) -> None:
    outcome = estate.run[DATA, key(estate.shop, "prod", "POST /uploads")]
    assert outcome.outcome == "failed"
    assert outcome.details["validation"] == "BODY"
    assert outcome.details["unvalidated"] == [SKIPS_WITHOUT_MODEL]


def test_body_model_for_one_content_type_leaves_the_others_unvalidated(estate: Estate) -> None:
    outcome = estate.run[DATA, key(estate.shop, "prod", "POST /notes")]
    assert outcome.outcome == "failed"
    assert outcome.details["unvalidated"] == [
        "body (validated only when sent as application/json; any other Content-Type skips "
        "validation: add a $default model)"
    ]


def test_validation_is_judged_on_the_deployed_definition(estate: Estate) -> None:
    outcome = estate.run[DATA, key(estate.shop, "prod", "POST /items")]
    assert outcome.details["judged_on"].startswith("deployment ")
    # the export names validators: the name stands for the id
    assert outcome.details["request_validator"] == "full"


def test_validated_inputs_pass(estate: Estate) -> None:
    assert estate.run.outcome(DATA, key(estate.shop, "prod", "POST /items")) == "passed"
    assert estate.run.outcome(DATA, key(estate.shop, "prod", "GET /items/{id}")) == "passed"


def test_method_with_nothing_to_validate_passes(estate: Estate) -> None:
    outcome = estate.run[DATA, key(estate.shop, "prod", "DELETE /items/{id}")]
    assert (outcome.outcome, outcome.details["accepts"]) == ("passed", [])


def test_http_routes_are_not_applicable(estate: Estate) -> None:
    outcome = estate.run[DATA, key(estate.orders, "prod", "POST /orders")]
    assert outcome.outcome == "skipped"
    assert outcome.message == "HTTP APIs have no request validation: validate in the backend"


def test_websocket_route_without_request_models_fails(estate: Estate) -> None:
    outcome = estate.run[DATA, key(estate.chat, "prod", "sendmessage")]
    assert outcome.outcome == "failed"
    assert outcome.details["unvalidated"] == [
        "body (the route has no request model to validate messages)"
    ]


def test_websocket_route_with_request_models_passes(estate: Estate) -> None:
    outcome = estate.run[DATA, key(estate.chat, "prod", "checked")]
    assert (outcome.outcome, outcome.details["validation"]) == ("passed", "MODELS")
    assert estate.run.outcome(DATA, key(estate.chat, "prod", "$connect")) == "passed"


def test_validators_are_read_from_the_deployed_definition(estate: Estate) -> None:
    # GetRequestValidators (the current definition) was denied: the export still has them
    assert estate.denied.outcome(DATA, key(estate.shop, "prod", "POST /items")) == "passed"
    assert estate.denied.outcome(DATA, key(estate.shop, "prod", "PUT /items/{id}")) == "failed"


def test_unreadable_export_errors_the_validation_of_the_stage_methods(estate: Estate) -> None:
    for stage in ("prod", "staging"):  # both serve the deployment exported through prod
        outcome = estate.unread[DATA, key(estate.shop, stage, "POST /items")]
        assert outcome.outcome == "error"
        assert "GetExport on us-east-1/" in outcome.message


# --- Scope -------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_id", [THROTTLE, DATA])
def test_out_of_scope_stages_and_apis_are_not_targets(estate: Estate, check_id: str) -> None:
    assert estate.run.keys(check_id), "the check ran on no target at all"
    assert not estate.run.on(check_id, apis={estate.excluded.id}, stages=("nonprod", "dev"))
