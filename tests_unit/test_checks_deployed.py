"""Checks judge what each stage serves (its deployment), and APIGW-DRIFT-001 reports what was
changed and never deployed, on an emulated estate."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from collectors.demo.builders import AccountBuilder, HttpApiBuilder, RestApiBuilder
from collectors.demo.estate import emulated_aws
from tests_unit.checks_harness import AuditRun, audit_account, denying, key

AUTH, DRIFT, DATA, CORS = "APIGW-AUTH-001", "APIGW-DRIFT-001", "APIGW-DATA-001", "APIGW-CORS-001"
NOT_READ = "(deployed definition not read)"


@dataclass
class Estate:
    store: RestApiBuilder  # GET /items: authorizer added, deployed to staging only
    first_deployment: str  # what store/prod serves
    first_deployment_date: str
    web: HttpApiBuilder  # GET /cart: JWT added after prod's deployment; staging AutoDeploys
    web_deployment: str  # what web/prod serves
    chat: HttpApiBuilder  # WebSocket
    empty: HttpApiBuilder  # a stage made before any route: never deployed, no AutoDeploy
    run: AuditRun
    unexported: AuditRun  # GetExport and ExportApi denied


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        account = AccountBuilder()
        backend = account.lambda_function("backend", timeout_seconds=5)
        authorizer_fn = account.lambda_function("authorizer", timeout_seconds=5)

        store = RestApiBuilder("store")
        store.method("GET", "/items", lambda_arn=backend)
        first = store.deploy("first release")
        store.stage("prod")
        token = store.authorizer("items-token", authorizer_fn)
        # a method is replaced whole, as PutMethod does
        store.method(
            "GET", "/items", authorization="CUSTOM", authorizer_id=token, lambda_arn=backend
        )
        store.deploy("GET /items behind items-token")
        store.stage("staging")
        created = store.client.get_deployment(restApiId=store.id, deploymentId=first)
        first_date = created["createdDate"].isoformat()

        web = HttpApiBuilder("web")
        cart = web.route("GET /cart", web.lambda_integration(backend))
        web_deployment = web.deploy()
        web.stage("prod", deployment_id=web_deployment)
        web.update_route(cart, authorization="JWT", authorizer_id=web.jwt_authorizer("jwt"))
        web.stage("staging", auto_deploy=True)

        chat = HttpApiBuilder("chat", protocol="WEBSOCKET")
        chat.route("$connect", chat.lambda_integration(backend), authorization="AWS_IAM")
        chat.stage("prod")

        empty = HttpApiBuilder("empty")
        empty.stage("prod")  # AWS cannot deploy an API without routes
        empty.route("GET /later", empty.lambda_integration(backend))

        run = audit_account(tmp_path_factory)
        unexported = audit_account(tmp_path_factory, denying("/exports/"))
    return Estate(store, first, first_date, web, web_deployment, chat, empty, run, unexported)


# --- REST: the deployment a stage serves -----------------------------------------------------


def test_rest_stage_still_serving_the_open_method_fails_authorization(estate: Estate) -> None:
    outcome = estate.run[AUTH, key(estate.store, "prod", "GET /items")]
    assert outcome.outcome == "failed"
    assert outcome.details["authorization_type"] == "NONE"
    assert outcome.details["judged_on"] == (
        f"deployment {estate.first_deployment} ({estate.first_deployment_date})"
    )


def test_rest_stage_serving_the_deployed_authorizer_passes(estate: Estate) -> None:
    outcome = estate.run[AUTH, key(estate.store, "staging", "GET /items")]
    assert outcome.outcome == "passed"
    assert (outcome.details["authorization_type"], outcome.details["authorizer_id"]) == (
        "CUSTOM",
        "items-token",  # the deployed definition names its authorizers
    )


def test_rest_stage_behind_the_current_definition_drifts(estate: Estate) -> None:
    outcome = estate.run[DRIFT, key(estate.store, "prod")]
    assert outcome.outcome == "failed"
    assert outcome.details["deployment_id"] == estate.first_deployment
    assert outcome.details["deployment_date"] == estate.first_deployment_date
    assert outcome.details["differences"] == [
        "GET /items: authorization 'NONE' deployed, 'CUSTOM (items-token)' now"
    ]
    assert outcome.message == (
        f"stage store/prod serves deployment {estate.first_deployment} of "
        f"{estate.first_deployment_date}, which differs from the current definition in 1 "
        "place(s): GET /items: authorization 'NONE' deployed, 'CUSTOM (items-token)' now"
    )


def test_rest_stage_serving_the_current_definition_does_not_drift(estate: Estate) -> None:
    outcome = estate.run[DRIFT, key(estate.store, "staging")]
    assert outcome.outcome == "passed"
    assert outcome.details["differences"] == []
    assert outcome.details["deployment_id"] != estate.first_deployment


# --- HTTP: the deployment, or AutoDeploy ------------------------------------------------------


def test_http_stage_without_autodeploy_is_judged_on_its_deployment(estate: Estate) -> None:
    outcome = estate.run[AUTH, key(estate.web, "prod", "GET /cart")]
    assert outcome.outcome == "failed"
    assert outcome.message.startswith(
        "route GET /cart on web/prod has no authorizer (authorizationType=NONE)"
    )
    assert str(outcome.details["judged_on"]).startswith(f"deployment {estate.web_deployment} (")


def test_http_route_authorized_after_the_deployment_drifts(estate: Estate) -> None:
    outcome = estate.run[DRIFT, key(estate.web, "prod")]
    assert outcome.outcome == "failed"
    assert outcome.details["deployment_id"] == estate.web_deployment
    assert outcome.details["deployment_date"]
    assert outcome.details["differences"] == [
        "route GET /cart: authorization 'NONE' deployed, 'JWT (jwt)' now"
    ]


def test_autodeploy_stage_is_judged_on_its_latest_automatic_deployment(estate: Estate) -> None:
    """An automatic deployment can fail, leaving the stage on the one before: AutoDeploy
    stages are read like any other, and serve the current definition when it succeeded."""
    outcome = estate.run[AUTH, key(estate.web, "staging", "GET /cart")]
    assert (outcome.outcome, outcome.details["authorization_type"]) == ("passed", "JWT")
    assert str(outcome.details["judged_on"]).startswith("deployment ")
    assert str(outcome.details["judged_on"]).endswith(", AutoDeploy)")
    assert estate.run.outcome(DRIFT, key(estate.web, "staging")) == "passed"


def test_never_deployed_http_stage_serves_no_route(estate: Estate) -> None:
    assert not estate.run.on(AUTH, apis={estate.empty.id})
    assert estate.run.outcome(DRIFT, key(estate.empty, "prod")) == "skipped"


def test_never_deployed_http_stage_is_skipped_as_never_deployed(estate: Estate) -> None:
    outcome = estate.run[DRIFT, key(estate.empty, "prod")]
    assert outcome.message == (
        "nothing to compare: the stage serves its empty definition (never deployed, no AutoDeploy)"
    )


# --- WebSocket: no export ---------------------------------------------------------------------


def test_websocket_routes_say_they_were_judged_on_the_current_definition(
    estate: Estate,
) -> None:
    outcome = estate.run[AUTH, key(estate.chat, "prod", "$connect")]
    assert outcome.outcome == "passed"
    assert outcome.details["judged_on"] == (
        "current definition (AWS cannot export a WebSocket API, so the deployed definition "
        "cannot be read)"
    )
    drift = estate.run[DRIFT, key(estate.chat, "prod")]
    assert (drift.outcome, drift.message) == (
        "skipped",
        "nothing to compare: the stage serves its current definition (AWS cannot export a "
        "WebSocket API, so the deployed definition cannot be read)",
    )


# --- Unreadable exports: fail closed ------------------------------------------------------------


def test_an_unexported_rest_stage_is_still_judged_on_its_deployed_authorization(
    estate: Estate,
) -> None:
    """AWS refuses to export some APIs; GetDeployment's API summary still says how every
    deployed method authorizes, so AUTH-001 keeps judging what the stage serves."""
    prod = estate.unexported[AUTH, key(estate.store, "prod", "GET /items")]
    assert (prod.outcome, prod.details["authorization_type"]) == ("failed", "NONE")
    staging = estate.unexported[AUTH, key(estate.store, "staging", "GET /items")]
    assert (staging.outcome, staging.details["authorization_type"]) == ("passed", "CUSTOM")


@pytest.mark.parametrize("check_id", [DATA, "APIGW-TIMEOUT-001"])
def test_an_unexported_rest_stage_errors_what_needs_the_export_with_its_reason(
    estate: Estate, check_id: str
) -> None:
    for stage in ("prod", "staging"):
        outcome = estate.unexported[check_id, key(estate.store, stage, "GET /items")]
        assert outcome.outcome == "error"
        assert (
            f"GetExport on {estate.store.region}/{estate.store.id}/{stage} failed "
            "(AccessDeniedException)" in outcome.message
        )


def test_unexported_stages_cannot_be_compared_and_drift_errors(estate: Estate) -> None:
    rest = estate.unexported[DRIFT, key(estate.store, "prod")]
    assert rest.outcome == "error"
    assert "GetExport" in rest.message
    http = estate.unexported[DRIFT, key(estate.web, "prod")]
    assert http.outcome == "error"
    assert f"ExportApi on {estate.web.region}/{estate.web.id}/prod failed" in http.message


def test_unexported_http_stage_errors_its_route_checks_with_the_export_api_reason(
    estate: Estate,
) -> None:
    outcome = estate.unexported[AUTH, key(estate.web, "prod", NOT_READ)]
    assert outcome.outcome == "error"
    assert "ExportApi" in outcome.message
    # an AutoDeploy stage is exported too: unknown as well, never a pass
    assert estate.unexported.outcome(AUTH, key(estate.web, "staging", NOT_READ)) == "error"


def test_unexported_http_stage_errors_cors_with_the_export_api_reason(estate: Estate) -> None:
    outcome = estate.unexported[CORS, key(estate.web, "prod")]
    assert outcome.outcome == "error"
    assert "ExportApi" in outcome.message


def test_websocket_stages_are_no_cors_targets(estate: Estate) -> None:
    """A WebSocket handshake involves no CORS: nothing to judge, not a backend decision."""
    assert not estate.run.on(CORS, apis={estate.chat.id})


def test_a_websocket_stage_never_deployed_serves_no_route(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A WebSocket stage made before any deployment, without AutoDeploy, serves nothing (a
    deployment is callable only once a stage names it): its routes are no targets, while a
    deployed WebSocket stage's are judged (on the current definition: AWS exports none)."""
    with emulated_aws():
        account = AccountBuilder()
        connect = account.lambda_function("connect", timeout_seconds=5)
        idle = HttpApiBuilder("idle-socket", protocol="WEBSOCKET")
        idle.stage("prod")  # before any route: no deployment
        idle.route("$connect", idle.lambda_integration(connect))
        live = HttpApiBuilder("live-socket", protocol="WEBSOCKET")
        live.route("$connect", live.lambda_integration(connect))
        live.stage("prod")
        run = audit_account(tmp_path_factory)
    assert not run.on("APIGW-AUTH-001", apis=[idle.id])
    assert run.outcome("APIGW-AUTH-001", key(live, "prod", "$connect")) == "failed"
