"""Throttling and request-validation checks on an emulated estate."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from collectors.demo.builders import AccountBuilder, HttpApiBuilder, MethodCache, RestApiBuilder
from collectors.demo.estate import emulated_aws
from tests_unit.checks_harness import AuditRun, audit_account, denying, key

THROTTLE, DATA = "APIGW-THROTTLE-001", "APIGW-DATA-001"
BODY = {"application/json": "Empty"}


@dataclass
class Estate:
    shop: RestApiBuilder
    orders: HttpApiBuilder
    excluded: RestApiBuilder
    run: AuditRun
    denied: AuditRun


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        shop = RestApiBuilder("shop")
        full = shop.validator("full", body=True, parameters=True)
        body_only = shop.validator("body-only", body=True, parameters=False)
        params_only = shop.validator("params-only", body=False, parameters=True)
        item_id = {"method.request.path.id": True}
        shop.method("GET", "/items")
        shop.method("POST", "/items", validator_id=full, request_models=BODY)
        shop.method("PUT", "/items/{id}", request_parameters=item_id, request_models=BODY)
        shop.method("PATCH", "/items/{id}", validator_id=body_only, request_parameters=item_id)
        shop.method("GET", "/items/{id}", validator_id=params_only, request_parameters=item_id)
        shop.method("DELETE", "/items/{id}")
        shop.method("GET", "/reports", api_key_required=True)
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

        excluded = RestApiBuilder("legacy", tags={"ExcludeFromAudit": "TRUE"})
        excluded.method("POST", "/jobs")
        excluded.stage("prod")

        run = audit_account(tmp_path_factory)
        denied_session = denying("/usageplans", f"/restapis/{shop.id}/requestvalidators")
        denied = audit_account(tmp_path_factory, denied_session)
    return Estate(shop, orders, excluded, run, denied)


# --- Throttling Vulnerability ------------------------------------------------------------------


def test_method_setting_is_found_under_the_escaped_path_key(estate: Estate) -> None:
    outcome = estate.run[THROTTLE, key(estate.shop, "prod", "GET /items/{id}")]
    assert outcome.outcome == "passed"
    assert outcome.details["source"] == "method settings ~1items~1{id}/GET"
    assert (outcome.details["rate_limit"], outcome.details["burst_limit"]) == (100, 50)


def test_stage_default_throttles_methods_without_their_own_setting(estate: Estate) -> None:
    outcome = estate.run[THROTTLE, key(estate.shop, "prod", "GET /items")]
    assert outcome.outcome == "passed"
    assert outcome.details["source"] == "stage default */*"


def test_unset_method_limits_fall_through_to_the_stage_default(estate: Estate) -> None:
    outcome = estate.run[THROTTLE, key(estate.shop, "prod", "DELETE /items/{id}")]
    assert outcome.outcome == "passed"
    assert (outcome.details["rate_limit"], outcome.details["burst_limit"]) == (500, 200)


def test_limits_at_the_account_defaults_fail(estate: Estate) -> None:
    outcome = estate.run[THROTTLE, key(estate.shop, "prod", "POST /items")]
    assert outcome.outcome == "failed"
    assert "20,000 rps, burst 5,000 from method settings ~1items/POST" in outcome.message


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
    assert outcome.details["source"] == "usage plan shop-staging-plan"
    assert (outcome.details["rate_limit"], outcome.details["burst_limit"]) == (5, 2)


def test_http_route_settings_override_the_stage_default(estate: Estate) -> None:
    get = estate.run[THROTTLE, key(estate.orders, "prod", "GET /orders")]
    post = estate.run[THROTTLE, key(estate.orders, "prod", "POST /orders")]
    assert (get.outcome, get.details["source"]) == ("passed", "stage default route settings")
    assert (post.outcome, post.details["source"]) == ("failed", "route settings POST /orders")
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


def test_declared_parameters_need_parameter_validation(estate: Estate) -> None:
    outcome = estate.run[DATA, key(estate.shop, "prod", "PATCH /items/{id}")]
    assert outcome.outcome == "failed"
    assert outcome.message == (
        "PATCH /items/{id} on shop/prod does not validate the request parameters it accepts "
        "(request validator: BODY)"
    )


def test_validated_inputs_pass(estate: Estate) -> None:
    assert estate.run.outcome(DATA, key(estate.shop, "prod", "POST /items")) == "passed"
    assert estate.run.outcome(DATA, key(estate.shop, "prod", "GET /items/{id}")) == "passed"


def test_method_with_nothing_to_validate_passes(estate: Estate) -> None:
    outcome = estate.run[DATA, key(estate.shop, "prod", "DELETE /items/{id}")]
    assert (outcome.outcome, outcome.details["accepts"]) == ("passed", [])


def test_http_routes_are_not_applicable(estate: Estate) -> None:
    outcome = estate.run[DATA, key(estate.orders, "prod", "POST /orders")]
    assert outcome.outcome == "skipped"
    assert "no request validation" in outcome.message


def test_unreadable_validators_error(estate: Estate) -> None:
    outcome = estate.denied[DATA, key(estate.shop, "prod", "POST /items")]
    assert outcome.outcome == "error"
    assert "GetRequestValidators" in outcome.message
    assert estate.denied.outcome(DATA, key(estate.shop, "prod", "PUT /items/{id}")) == "failed"


# --- Scope -------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_id", [THROTTLE, DATA])
def test_out_of_scope_stages_and_apis_are_not_targets(estate: Estate, check_id: str) -> None:
    assert estate.run.keys(check_id), "the check ran on no target at all"
    assert not estate.run.on(check_id, apis={estate.excluded.id}, stages=("nonprod", "dev"))
