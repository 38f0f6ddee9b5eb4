"""Backend timeout, caching and tracing checks on an emulated estate."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from collectors.demo.builders import AccountBuilder, HttpApiBuilder, MethodCache, RestApiBuilder
from collectors.demo.estate import emulated_aws
from tests_unit.checks_harness import AuditRun, audit_account, denying, key

TIMEOUT, CACHE, TRACE = "APIGW-TIMEOUT-001", "APIGW-CACHE-001", "APIGW-TRACE-001"
SQS_URI = "arn:aws:apigateway:us-east-1:sqs:path/123456789012/queue"


@dataclass
class Estate:
    service: RestApiBuilder
    unlisted: RestApiBuilder  # its stages cannot be read in the denied run
    web: HttpApiBuilder
    chat: HttpApiBuilder  # WebSocket
    excluded: HttpApiBuilder
    run: AuditRun
    denied: AuditRun


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        account = AccountBuilder()
        quick = account.lambda_function("quick", timeout_seconds=10)
        slow = account.lambda_function("slow", timeout_seconds=60)
        medium = account.lambda_function("medium", timeout_seconds=20)

        service = RestApiBuilder("service")
        service.method("GET", "/fast", authorization="AWS_IAM", lambda_arn=quick)
        service.method("GET", "/slow", authorization="AWS_IAM", lambda_arn=slow)
        service.method("POST", "/jobs", lambda_arn=medium, timeout_ms=15_000)
        service.method("GET", "/proxy", http_url="https://backend.example.com/proxy")
        service.method("POST", "/enqueue", authorization="AWS_IAM")
        service.client.put_integration(  # an AWS service integration: SQS SendMessage
            restApiId=service.id,
            resourceId=service.resource("/enqueue"),
            httpMethod="POST",
            type="AWS",
            integrationHttpMethod="POST",
            uri=SQS_URI,
        )
        service.stage(
            "prod",
            tracing=True,
            cache_cluster=True,
            caching=False,
            rate=100,
            burst=50,
            methods={"GET /fast": MethodCache(caching=True, rate=100, burst=50)},
        )
        service.stage("staging")
        service.stage("dev", tracing=False)

        unlisted = RestApiBuilder("unlisted")
        unlisted.method("GET", "/things", lambda_arn=quick)
        unlisted.stage("prod")

        web = HttpApiBuilder("web")
        web.route("POST /pay", web.lambda_integration(account.lambda_function("pay", 45)))
        web.route("GET /home", web.lambda_integration(quick, timeout_ms=15_000))
        web.stage("prod")

        chat = HttpApiBuilder("chat", protocol="WEBSOCKET")
        messages = chat.lambda_integration(account.lambda_function("messages", 29))
        connect = chat.lambda_integration(account.lambda_function("connect", 30))
        chat.route("$connect", connect, authorization="AWS_IAM")
        chat.route("sendmessage", messages)
        chat.stage("prod")

        excluded = HttpApiBuilder("sandbox", tags={"ExcludeFromAudit": "true"})
        excluded.route("GET /ping", excluded.lambda_integration(slow))
        excluded.stage("prod")

        run = audit_account(tmp_path_factory)
        denied_session = denying("quick/configuration", f"/restapis/{unlisted.id}/stages")
        denied = audit_account(tmp_path_factory, denied_session)
    return Estate(service, unlisted, web, chat, excluded, run, denied)


# --- Backend Timeout Risk ----------------------------------------------------------------------


def test_lambda_of_60_s_behind_the_default_29_s_integration_fails(estate: Estate) -> None:
    outcome = estate.run[TIMEOUT, key(estate.service, "prod", "GET /slow")]
    assert outcome.outcome == "failed"
    assert (outcome.details["function_timeout_ms"], outcome.details["integration_timeout_ms"]) == (
        60_000,
        29_000,
    )
    assert outcome.message == (
        "GET /slow on service/prod stops waiting after 29 s but its Lambda function slow "
        "may run for 60 s"
    )


def test_lambda_longer_than_a_configured_integration_timeout_fails(estate: Estate) -> None:
    assert estate.run.outcome(TIMEOUT, key(estate.service, "prod", "POST /jobs")) == "failed"


def test_lambda_within_the_integration_timeout_passes(estate: Estate) -> None:
    assert estate.run.outcome(TIMEOUT, key(estate.service, "prod", "GET /fast")) == "passed"
    assert estate.run.outcome(TIMEOUT, key(estate.web, "prod", "GET /home")) == "passed"


def test_http_api_default_timeout_is_30_s(estate: Estate) -> None:
    outcome = estate.run[TIMEOUT, key(estate.web, "prod", "POST /pay")]
    assert (outcome.outcome, outcome.details["integration_timeout_ms"]) == ("failed", 30_000)


def test_websocket_default_timeout_is_29_s(estate: Estate) -> None:
    connect = estate.run[TIMEOUT, key(estate.chat, "prod", "$connect")]
    assert (connect.outcome, connect.details["integration_timeout_ms"]) == ("failed", 29_000)
    assert connect.message == (
        "route $connect on chat/prod stops waiting after 29 s but its Lambda function connect "
        "may run for 30 s"
    )
    messages = estate.run[TIMEOUT, key(estate.chat, "prod", "sendmessage")]
    assert (messages.outcome, messages.details["integration_timeout_ms"]) == ("passed", 29_000)


def test_only_lambda_integrations_are_timeout_targets(estate: Estate) -> None:
    assert key(estate.service, "prod", "GET /proxy") not in estate.run.keys(TIMEOUT)


def test_aws_service_integration_is_not_a_timeout_target(estate: Estate) -> None:
    # type AWS is also how a non-proxy Lambda integration is written: the URI tells them apart
    assert key(estate.service, "prod", "POST /enqueue") not in estate.run.keys(TIMEOUT)
    assert "error" not in estate.run.outcomes_of(TIMEOUT)


def test_unreadable_function_configuration_errors(estate: Estate) -> None:
    outcome = estate.denied[TIMEOUT, key(estate.service, "prod", "GET /fast")]
    assert outcome.outcome == "error"
    assert "GetFunctionConfiguration" in outcome.message
    assert estate.denied.outcome(TIMEOUT, key(estate.service, "prod", "GET /slow")) == "failed"


# --- Performance Blind Spot --------------------------------------------------------------------


def test_method_caching_setting_overrides_the_stage_default(estate: Estate) -> None:
    outcome = estate.run[CACHE, key(estate.service, "prod", "GET /fast")]
    assert (outcome.outcome, outcome.details["caching"]) == ("passed", "ENABLED")


def test_get_with_caching_disabled_fails(estate: Estate) -> None:
    outcome = estate.run[CACHE, key(estate.service, "prod", "GET /slow")]
    assert (outcome.outcome, outcome.details["caching"]) == ("failed", "DISABLED")
    assert outcome.message == (
        "GET /slow on service/prod is not cached: "
        "cachingEnabled is off in the stage-wide default (*/*)"
    )


def test_get_on_a_stage_without_cache_cluster_fails(estate: Estate) -> None:
    outcome = estate.run[CACHE, key(estate.service, "staging", "GET /fast")]
    assert outcome.outcome == "failed"
    assert outcome.message.endswith("is not cached: stage staging has no cache cluster")


def test_caching_judges_only_reads(estate: Estate) -> None:
    assert not [k for k in estate.run.keys(CACHE) if "/GET " not in k]


def test_http_get_routes_are_not_applicable_for_caching(estate: Estate) -> None:
    assert estate.run.outcome(CACHE, key(estate.web, "prod", "GET /home")) == "skipped"


def test_methods_of_unlisted_stages_error_for_caching(estate: Estate) -> None:
    outcome = estate.denied[CACHE, key(estate.unlisted, "(stages not listed)")]
    assert (outcome.outcome, "GetStages" in outcome.message) == ("error", True)


# --- Tracing Deficit ---------------------------------------------------------------------------


def test_stage_with_tracing_passes_and_without_fails(estate: Estate) -> None:
    assert estate.run.outcome(TRACE, key(estate.service, "prod")) == "passed"
    outcome = estate.run[TRACE, key(estate.service, "staging")]
    assert outcome.outcome == "failed"
    assert outcome.message == "stage service/staging does not trace requests (tracingEnabled=false)"


def test_http_stages_are_not_applicable_for_tracing(estate: Estate) -> None:
    outcome = estate.run[TRACE, key(estate.web, "prod")]
    assert (outcome.outcome, outcome.message) == (
        "skipped",
        "HTTP and WebSocket APIs do not support AWS X-Ray tracing",
    )


def test_unlisted_stages_error_for_tracing(estate: Estate) -> None:
    outcome = estate.denied[TRACE, key(estate.unlisted, "(stages not listed)")]
    assert outcome.outcome == "error"


# --- Scope -------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_id", [TIMEOUT, CACHE, TRACE])
def test_out_of_scope_stages_and_apis_are_not_targets(estate: Estate, check_id: str) -> None:
    assert estate.run.keys(check_id), "the check ran on no target at all"
    assert not estate.run.on(check_id, apis={estate.excluded.id}, stages=("dev",))
