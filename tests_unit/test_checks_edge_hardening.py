"""Access logging and backend certificates: the checks that read what stages refer to."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from checks.policy import NEEDED, context_variables, unrecorded
from collectors.clients import AwsClients
from collectors.demo.builders import (
    ACCOUNT_ID,
    AccountBuilder,
    HttpApiBuilder,
    RestApiBuilder,
    log_formats,
)
from collectors.demo.builders.clients import aws_client
from collectors.demo.estate import emulated_aws
from collectors.log_groups import collect_log_group
from collectors.model import CollectionError, Inventory, LogGroupRef, log_group_ref
from collectors.serialization import from_jsonable, to_jsonable
from tests_unit.checks_harness import AuditRun, audit_account, audit_inventory, denying, key
from tests_unit.conftest import REGION, collect

LOGS, CERT = "APIGW-LOG-003", "APIGW-CERT-001"
FIREHOSE = f"arn:aws:firehose:us-east-1:{ACCOUNT_ID}:deliverystream/amazon-apigateway-legacy"
MISSING_GROUP = f"arn:aws:logs:us-east-1:{ACCOUNT_ID}:log-group:/edge/functions/missing"


@dataclass
class Estate:
    shop: RestApiBuilder  # HTTP_PROXY and Lambda methods; logs and certificates on each stage
    legacy: RestApiBuilder  # an HTTP integration; logs to Firehose; its export denied below
    functions: RestApiBuilder  # Lambda only; logs to a group that does not exist
    web: HttpApiBuilder  # shares shop's prod log group
    chat: HttpApiBuilder  # WebSocket
    sandbox: RestApiBuilder  # ExcludeFromAudit
    shop_prod_certificate: str
    inventory: Inventory
    calls: Counter[str]
    run: AuditRun
    denied: AuditRun  # shop prod's log group and certificate, legacy's export: AccessDenied


LOGS_ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/apigateway-logs"


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        account = AccountBuilder()
        # REST and WebSocket stages log to CloudWatch only with the region's role
        account.cloudwatch_role(LOGS_ROLE)
        handler = account.lambda_function("handler", timeout_seconds=10)
        shared_logs = account.log_group("/edge/shop/prod", retention_days=30)
        valid = account.client_certificate()

        shop = RestApiBuilder("shop")
        shop.method("GET", "/items", http_url="https://backend.example.com/items")
        shop.method("POST", "/orders", lambda_arn=handler)
        for stage in ("prod", "preprod", "staging", "live", "dev"):
            shop.stage(stage)
        shop.access_logs("prod", shared_logs, log_formats.REST_JSON)
        shop.access_logs("staging", account.log_group("/edge/shop/staging"), log_formats.REST_CLF)
        shop.access_logs("dev", account.log_group("/edge/shop/dev"), log_formats.REST_CLF)
        shop.client_certificate("prod", valid)
        shop.client_certificate("preprod", valid)  # one certificate, two stages
        shop.client_certificate("staging", account.client_certificate(expires_in_days=10))
        shop.client_certificate("live", account.client_certificate(expires_in_days=-3))
        shop.client_certificate("dev", account.client_certificate())

        legacy = RestApiBuilder("legacy")
        legacy.method("GET", "/reports", http_url="https://reports.example.com")
        legacy.client.put_integration(  # a plain HTTP integration (not proxy)
            restApiId=legacy.id,
            resourceId=legacy.resource("/reports"),
            httpMethod="GET",
            type="HTTP",
            integrationHttpMethod="GET",
            uri="https://reports.example.com/reports",
        )
        legacy.stage("prod")
        legacy.access_logs("prod", FIREHOSE, log_formats.REST_XML)

        functions = RestApiBuilder("functions")
        functions.method("GET", "/fn", authorization="AWS_IAM", lambda_arn=handler)
        functions.stage("prod")
        functions.access_logs(
            "prod",
            MISSING_GROUP,
            "$context.requestId,$context.identity.sourceIp,$context.httpMethod,$context.path",
        )

        web = HttpApiBuilder("web")
        web.route("GET /home", web.lambda_integration(handler))
        web.stage("prod")
        web.stage("staging")
        web.access_logs("prod", shared_logs, log_formats.HTTP_JSON)
        web.access_logs(
            "staging",
            account.log_group("/edge/web/staging", retention_days=7),
            "$context.requestId $context.path $context.status",
        )

        chat = HttpApiBuilder("chat", protocol="WEBSOCKET")
        chat.route("$connect", chat.lambda_integration(handler))
        chat.stage("prod")
        chat.access_logs(
            "prod",
            account.log_group("/edge/chat/prod", retention_days=14),
            "$context.requestId $context.identity.sourceIp $context.routeKey $context.status",
        )

        sandbox = RestApiBuilder("sandbox", tags={"ExcludeFromAudit": "true"})
        sandbox.method("GET", "/ping", http_url="https://sandbox.example.com")
        sandbox.stage("prod")
        sandbox.access_logs("prod", account.log_group("/edge/sandbox/prod"), log_formats.REST_CSV)
        sandbox.client_certificate("prod", account.client_certificate())

        calls: list[str] = []
        inventory = collect(calls=calls)
        run = audit_inventory(inventory, tmp_path_factory.mktemp("audit"))
        denied_session = denying(
            '"/edge/shop/prod"',  # DescribeLogGroups of that group: its name is in the body
            f"/clientcertificates/{valid}",
            f"/restapis/{legacy.id}/stages/prod/exports",
        )
        denied = audit_account(tmp_path_factory, denied_session)
    return Estate(
        shop, legacy, functions, web, chat, sandbox, valid, inventory, Counter(calls), run, denied
    )


# --- Access Logging Missing --------------------------------------------------------------------


def test_stage_logging_everything_to_a_group_with_retention_passes(estate: Estate) -> None:
    outcome = estate.run[LOGS, key(estate.shop, "prod")]
    assert outcome.outcome == "passed"
    details = outcome.details
    assert details["destination_type"] == "CloudWatch Logs"
    assert (details["log_group"], details["access_log_retention_days"]) == ("/edge/shop/prod", 30)
    assert details["access_log_missing"] == []


def test_stage_without_access_logs_fails(estate: Estate) -> None:
    outcome = estate.run[LOGS, key(estate.shop, "live")]
    assert (outcome.outcome, outcome.message) == (
        "failed",
        "stage shop/live writes no access logs (no access log destination)",
    )
    assert outcome.details["access_log_destination"] is None


def test_log_group_without_retention_fails_as_kept_forever(estate: Estate) -> None:
    outcome = estate.run[LOGS, key(estate.shop, "staging")]
    assert outcome.outcome == "failed"
    assert outcome.message == (
        "stage shop/staging: access logs go to log group /edge/shop/staging, which keeps them "
        "forever (no retention period set)"
    )


def test_missing_log_group_and_thin_format_fail_naming_the_missing_variables(
    estate: Estate,
) -> None:
    outcome = estate.run[LOGS, key(estate.functions, "prod")]
    assert outcome.outcome == "failed"
    assert outcome.message == (
        "stage functions/prod: access logs go to log group /edge/functions/missing, which does "
        "not exist in us-east-1: nothing is written; the access-log format does not record "
        "caller identity ($context.identity.caller, $context.identity.user, "
        "$context.identity.userArn, $context.authorizer.principalId, "
        "$context.identity.cognitoIdentityId or $context.authorizer.claims.*); "
        "status ($context.status)"
    )
    assert outcome.details["log_group_exists"] is False
    assert outcome.details["access_log_missing"] == ["caller identity", "status"]
    assert outcome.details["missing_variables"]["status"] == ["$context.status"]


def test_firehose_destination_is_judged_on_its_format_alone(estate: Estate) -> None:
    outcome = estate.run[LOGS, key(estate.legacy, "prod")]
    assert outcome.outcome == "passed"
    assert outcome.details["destination_type"] == "Firehose"
    assert outcome.details["access_log_destination"] == FIREHOSE
    assert "log_group" not in outcome.details


def test_http_route_key_records_method_and_route(estate: Estate) -> None:
    assert estate.run.outcome(LOGS, key(estate.web, "prod")) == "passed"


def test_http_path_without_method_or_source_ip_fails(estate: Estate) -> None:
    outcome = estate.run[LOGS, key(estate.web, "staging")]
    assert outcome.outcome == "failed"
    assert outcome.details["access_log_missing"] == ["source IP", "method"]
    assert outcome.message.endswith(
        "does not record source IP ($context.identity.sourceIp); "
        "method ($context.httpMethod or $context.routeKey)"
    )


def test_websocket_stage_logging_its_route_passes_and_notes_connection_and_event(
    estate: Estate,
) -> None:
    outcome = estate.run[LOGS, key(estate.chat, "prod")]
    assert outcome.outcome == "passed"
    assert outcome.details["also_worth_recording"] == [
        "connection id ($context.connectionId)",
        "event type ($context.eventType)",
    ]


def test_each_log_group_is_read_once_and_only_for_in_scope_stages(estate: Estate) -> None:
    """shop/prod and web/prod share a group; dev, the excluded sandbox and Firehose cost
    nothing."""
    groups = {group.name for group in estate.inventory.log_groups}
    assert groups == {
        "/edge/shop/prod",
        "/edge/shop/staging",
        "/edge/functions/missing",
        "/edge/web/staging",
        "/edge/chat/prod",
    }
    assert estate.calls["logs.DescribeLogGroups"] == len(groups)


def assert_unknown(run: AuditRun, check_id: str, stages: tuple[str, ...], reason: str) -> None:
    """Each of ``stages`` is UNKNOWN for the check, with ``reason`` (the failed call)."""
    for stage in stages:
        outcome = run[check_id, stage]
        assert (outcome.outcome, reason in outcome.message) == ("error", True), stage


def test_unreadable_log_group_is_unknown_with_the_failed_call(estate: Estate) -> None:
    assert_unknown(
        estate.denied,
        LOGS,
        (key(estate.shop, "prod"), key(estate.web, "prod")),  # both write to the group
        f"DescribeLogGroups on arn:aws:logs:us-east-1:{ACCOUNT_ID}:log-group:/edge/shop/prod "
        "failed (AccessDeniedException)",
    )
    assert estate.denied.outcome(LOGS, key(estate.shop, "staging")) == "failed"


# --- Backend Not Authenticated -----------------------------------------------------------------


def test_stage_presenting_a_valid_certificate_passes(estate: Estate) -> None:
    outcome = estate.run[CERT, key(estate.shop, "prod")]
    assert outcome.outcome == "passed"
    assert outcome.details["client_certificate_id"] == estate.shop_prod_certificate
    assert outcome.details["days_to_expiry"] >= 364
    assert outcome.details["http_methods"] == ["GET /items"]


def test_stage_without_a_certificate_fails_naming_its_http_methods(estate: Estate) -> None:
    outcome = estate.run[CERT, key(estate.legacy, "prod")]
    assert (outcome.outcome, outcome.message) == (
        "failed",
        "stage legacy/prod presents no client certificate to the HTTP backends of 1 method: "
        "GET /reports",
    )


def test_certificate_expiring_within_30_days_fails(estate: Estate) -> None:
    outcome = estate.run[CERT, key(estate.shop, "staging")]
    assert outcome.outcome == "failed"
    assert "which expires on " in outcome.message
    assert outcome.message.endswith("within 30 days of the collection: rotate it")
    assert 0 <= outcome.details["days_to_expiry"] <= 10


def test_expired_certificate_fails(estate: Estate) -> None:
    outcome = estate.run[CERT, key(estate.shop, "live")]
    assert outcome.outcome == "failed"
    assert "which expired on " in outcome.message
    assert outcome.details["days_to_expiry"] < 0


def test_stage_without_http_integrations_is_not_applicable(estate: Estate) -> None:
    outcome = estate.run[CERT, key(estate.functions, "prod")]
    assert (outcome.outcome, outcome.message) == (
        "skipped",
        "stage functions/prod serves no HTTP or HTTP_PROXY integration: a client certificate "
        "authenticates API Gateway to HTTP backends only",
    )


def test_http_stages_and_websocket_ones_without_http_backends_are_not_applicable(
    estate: Estate,
) -> None:
    http = estate.run[CERT, key(estate.web, "prod")]
    assert (http.outcome, "presents no client certificate to its backends" in http.message) == (
        "skipped",
        True,
    )
    websocket = estate.run[CERT, key(estate.chat, "prod")]
    assert (websocket.outcome, "serves no HTTP or HTTP_PROXY integration" in websocket.message) == (
        "skipped",
        True,
    )


def test_a_websocket_stage_presents_a_client_certificate_to_its_http_backends(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """WebSocket stages, unlike HTTP APIs', present a client certificate (apigatewayv2
    Stage.ClientCertificateId, "Supported only for WebSocket APIs") to HTTP integrations."""
    with emulated_aws():
        account = AccountBuilder()
        certificate = account.client_certificate()
        sockets = {}
        for name in ("signed-socket", "bare-socket"):
            api = HttpApiBuilder(name, protocol="WEBSOCKET")
            api.route("$default", api.http_integration("https://backend.example.com/ws"))
            api.stage("prod")
            sockets[name] = api
        aws_client("apigatewayv2", "us-east-1").update_stage(
            ApiId=sockets["signed-socket"].id, StageName="prod", ClientCertificateId=certificate
        )
        run = audit_account(tmp_path_factory)
    signed = run[CERT, key(sockets["signed-socket"], "prod")]
    assert (signed.outcome, signed.details["client_certificate_id"]) == ("passed", certificate)
    bare = run[CERT, key(sockets["bare-socket"], "prod")]
    assert bare.outcome == "failed"
    assert "presents no client certificate to the HTTP backends of 1 route: $default" in (
        bare.message
    )


def test_each_certificate_is_read_once_and_only_for_in_scope_stages(estate: Estate) -> None:
    """shop/prod and shop/preprod share one; shop/dev and the excluded sandbox cost
    nothing."""
    assert len(estate.inventory.client_certificates) == 3
    assert estate.calls["apigateway.GetClientCertificate"] == 3
    assert estate.run.outcome(CERT, key(estate.shop, "preprod")) == "passed"


def test_the_certificate_itself_is_never_kept(estate: Estate) -> None:
    snapshot = json.dumps(to_jsonable(estate.inventory))
    assert "CERTIFICATE" not in snapshot
    assert "pem" not in snapshot.lower()


def test_unreadable_certificate_is_unknown_with_the_failed_call(estate: Estate) -> None:
    assert_unknown(
        estate.denied,
        CERT,
        (key(estate.shop, "prod"), key(estate.shop, "preprod")),  # both present it
        f"GetClientCertificate on us-east-1/clientcertificates/{estate.shop_prod_certificate} "
        "failed (AccessDeniedException)",
    )
    assert estate.denied.outcome(CERT, key(estate.shop, "staging")) == "failed"


def test_integrations_unknown_without_the_export_are_unknown(estate: Estate) -> None:
    assert_unknown(estate.denied, CERT, (key(estate.legacy, "prod"),), "GetExport on")


# --- Both ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_id", [LOGS, CERT])
def test_out_of_scope_stages_and_excluded_apis_are_not_targets(
    estate: Estate, check_id: str
) -> None:
    assert estate.run.keys(check_id), "the check ran on no target at all"
    assert not estate.run.on(check_id, apis={estate.sandbox.id}, stages=("dev",))


def test_a_snapshot_from_before_log_groups_and_certificates_were_read_fails_closed(
    estate: Estate, tmp_path: Path
) -> None:
    """Such a snapshot loads, with neither: the stages that refer to one are UNKNOWN, never a
    pass; what the stage itself says is still judged."""
    document = to_jsonable(estate.inventory)
    del document["log_groups"], document["client_certificates"]
    run = audit_inventory(from_jsonable(Inventory, document), tmp_path)
    for check_id in (LOGS, CERT):
        assert_unknown(run, check_id, (key(estate.shop, "prod"),), "was not collected")
    assert run.outcome(LOGS, key(estate.shop, "live")) == "failed"  # no destination at all
    assert run.outcome(LOGS, key(estate.legacy, "prod")) == "passed"  # Firehose: the format
    assert run.outcome(CERT, key(estate.legacy, "prod")) == "failed"  # no certificate at all


# --- The access-log format ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "log_format",
    [log_formats.REST_CLF, log_formats.REST_JSON, log_formats.REST_XML, log_formats.REST_CSV],
    ids=["CLF", "JSON", "XML", "CSV"],
)
def test_aws_example_formats_record_everything_a_rest_investigation_needs(
    log_format: str,
) -> None:
    assert {"requestId", "identity.sourceIp", "status"} <= context_variables(log_format)
    assert unrecorded("REST", log_format) == ()


def test_http_example_format_records_everything_an_http_investigation_needs() -> None:
    assert unrecorded("HTTP", log_formats.HTTP_JSON) == ()
    # ... but not what REST needs: no caller identity, and a route key is not a REST path
    assert [n.what for n in unrecorded("REST", log_formats.HTTP_JSON)] == [
        "caller identity",
        "path",
    ]


def test_variables_are_read_whatever_the_punctuation_around_them() -> None:
    assert context_variables(
        '"$context.requestId",[$context.requestTime] <s>$context.status</s>. $context.path.'
    ) == {"requestId", "requestTime", "status", "path"}


def test_variable_names_are_case_sensitive() -> None:
    """API Gateway substitutes $context.requestId, not $context.requestid."""
    assert [n.what for n in unrecorded("WEBSOCKET", "$context.requestid")] == [
        "request id",
        "source IP",
        "route",
        "status",
    ]


@pytest.mark.parametrize(
    "identity",
    ["$context.authorizer.principalId", "$context.authorizer.claims.sub", "$context.identity.user"],
)
def test_any_caller_identity_variable_records_the_caller(identity: str) -> None:
    log_format = (
        f"$context.extendedRequestId $context.identity.sourceIp {identity} "
        "$context.httpMethod $context.resourcePath $context.status"
    )
    assert unrecorded("REST", log_format) == ()


def test_no_format_records_nothing() -> None:
    assert [n.what for n in unrecorded("HTTP", None)] == [n.what for n in NEEDED["HTTP"]]


def test_a_destination_names_a_log_group_with_or_without_the_trailing_wildcard() -> None:
    arn = f"arn:aws:logs:eu-west-1:{ACCOUNT_ID}:log-group:/aws/apigateway/shop"
    assert log_group_ref(arn) == log_group_ref(f"{arn}:*")
    ref = log_group_ref(f"{arn}:*")
    assert ref is not None
    assert (ref.arn, ref.region, ref.name) == (arn, "eu-west-1", "/aws/apigateway/shop")
    assert log_group_ref(FIREHOSE) is None


def test_a_log_group_is_told_from_the_others_its_name_prefixes(aws: None) -> None:
    """DescribeLogGroups matches by prefix: /app exists beside /app-v2; /api does not, though
    /api-old does. One call each."""
    account = AccountBuilder()
    account.log_group("/app", retention_days=5)
    account.log_group("/app-v2")
    account.log_group("/api-old", retention_days=1)
    calls: list[str] = []
    clients = AwsClients(boto3.Session(region_name=REGION), lambda _, op: calls.append(op))
    errors: list[CollectionError] = []

    def read(name: str) -> tuple[bool, int | None] | None:
        arn = f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{name}"
        group = collect_log_group(clients, LogGroupRef(arn, REGION, name), errors=errors)
        return (group.exists, group.retention_days) if group is not None else None

    assert (read("/app"), read("/api")) == ((True, 5), (False, None))
    assert (calls, errors) == (["DescribeLogGroups", "DescribeLogGroups"], [])


def test_access_logs_to_cloudwatch_without_the_region_s_role_are_never_written(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """REST and WebSocket APIs write to CloudWatch Logs with the role the region's account
    settings name (set-up-logging.html, "Permissions for CloudWatch logging"): AWS will not
    turn logging on without it, but it can be removed later, and then nothing is written. HTTP
    APIs need none, nor does a Firehose destination."""
    with emulated_aws():
        account = AccountBuilder()
        account.cloudwatch_role(LOGS_ROLE)
        logs = account.log_group("/edge/orphaned", retention_days=30)
        rest = RestApiBuilder("rest")
        rest.method("GET", "/items")
        rest.stage("prod")
        rest.access_logs("prod", logs, log_formats.REST_JSON)
        streamed = RestApiBuilder("streamed")
        streamed.method("GET", "/items")
        streamed.stage("prod")
        streamed.access_logs("prod", FIREHOSE, log_formats.REST_JSON)
        chat = HttpApiBuilder("chat", protocol="WEBSOCKET")
        chat.route("$connect", chat.lambda_integration(account.lambda_function("c", 5)))
        chat.stage("prod")
        chat.access_logs(
            "prod",
            logs,
            "$context.requestId $context.identity.sourceIp $context.routeKey $context.status",
        )
        web = HttpApiBuilder("web")
        web.route("GET /items", web.lambda_integration(account.lambda_function("w", 5)))
        web.stage("prod")
        web.access_logs("prod", logs, log_formats.HTTP_JSON)
        account.limits(10_000, 5_000, cloudwatch_role_arn=None)  # the role removed since
        run = audit_account(tmp_path_factory)
    for api in (rest, chat):
        outcome = run[LOGS, key(api, "prod")]
        assert outcome.outcome == "failed"
        assert "name no CloudWatch Logs role (cloudwatchRoleArn): nothing is written" in (
            outcome.message
        )
    assert run.outcome(LOGS, key(web, "prod")) == "passed"
    assert "cloudwatchRoleArn" not in run[LOGS, key(streamed, "prod")].message
