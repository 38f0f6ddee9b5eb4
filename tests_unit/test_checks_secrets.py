"""Credentials in configuration (APIGW-SECRET-001): stage variables and the static values of
the integrations a stage serves, scanned at collection with detect-secrets; and the rule that
no output the audit writes ever holds such a value."""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from detect_secrets.settings import get_settings

from collectors.demo.builders import ACCOUNT_ID, HttpApiBuilder, RestApiBuilder
from collectors.demo.estate import emulated_aws
from collectors.demo.estate_backend_config import DEMO_BASIC_CREDENTIALS, DEMO_PASSWORD
from collectors.model import Inventory, RestApi, RestIntegration, SecretFinding, V2Api
from collectors.secrets import (
    AUTHORIZATION_HEADER,
    IntegrationValues,
    quoted_literal,
    scan_integrations,
    stage_variable_secrets,
    unmapped_value,
)
from collectors.serialization import inventory_to_json
from tests_unit.checks_harness import (
    AuditRun,
    audit,
    audit_account,
    audit_inventory,
    denying,
    key,
    written_before,
)
from tests_unit.conftest import collect

SECRET = "APIGW-SECRET-001"
# Fake, recognisable credentials: each must be found, and never be seen again.
PASSWORD = "zQ7-fake-Pa55word-for-tests"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0ZXN0cy1vbmx5In0."
    "c2lnbmF0dXJlLWZvci10ZXN0cy1vbmx5"
)
API_KEY = "q8Zt3Lm0Xv7Rk2Wn9Yp4Bc6Hd1Jf5Gs0"
ACCESS_KEY = "AKIAZ7QXTESTONLY4N2P"
URI_PASSWORD = "uR1-fake-pass-9Qz"
SLACK_TOKEN = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
FAKES = (PASSWORD, JWT, API_KEY, ACCESS_KEY, URI_PASSWORD)
LAMBDA_ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT_ID}:function:orders"
SECRET_ARN = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT_ID}:secret:prod/orders-db-AbCdEf"


@dataclass
class Estate:
    vault: RestApiBuilder  # prod: a password in a stage variable; staging: clean
    partner: RestApiBuilder  # a static Bearer header, a key in a mapping template, a URI password
    web: HttpApiBuilder  # a token in a stage variable, a static Basic header mapping
    clean: HttpApiBuilder  # references, ARNs, URLs, $context mappings: nothing
    chat: HttpApiBuilder  # WebSocket: a password in a request template
    excluded: RestApiBuilder  # ExcludeFromAudit, with a password
    inventory: Inventory
    calls: Counter[str]
    run: AuditRun
    denied: AuditRun  # partner's export and vault's stages: AccessDenied
    old_snapshot: AuditRun  # written before values were scanned


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        vault = RestApiBuilder("vault")
        vault.method("GET", "/ping")
        vault.stage("prod", variables={"dbPassword": PASSWORD, "region": "eu-west-1"})
        vault.stage("staging", variables={"region": "eu-west-1", "secretArn": SECRET_ARN})

        partner = RestApiBuilder("partner")
        partner.method("GET", "/feed")
        partner.http_integration(
            "GET",
            "/feed",
            f"https://feeds:{URI_PASSWORD}@partner.example.com/feed",
            proxy=False,
            request_parameters={
                "integration.request.header.Authorization": f"'Bearer {JWT}'",
                "integration.request.header.X-Caller": "context.identity.sourceIp",
                "integration.request.querystring.lang": "'en'",
            },
            request_templates={
                "application/json": '{\n  "partner": "acme",\n  "apiKey": "' + API_KEY + '"\n}'
            },
        )
        partner.method("GET", "/status", http_url="https://partner.example.com/status")
        partner.stage("prod")

        web = HttpApiBuilder("web")
        backend = web.http_integration(
            "https://web-backend.example.com",
            request_parameters={
                "append:header.Authorization": "Basic d2ViOndlYi1wYXNzd29yZC0xMjM=",
                "overwrite:header.x-caller": "$context.identity.sourceIp",
            },
        )
        web.route("GET /home", backend, authorization="AWS_IAM")
        web.stage("prod", variables={"awsKey": ACCESS_KEY})

        clean = HttpApiBuilder("clean")
        clean_backend = clean.http_integration(
            "https://clean.example.com/v1",
            request_parameters={
                "overwrite:path": "$request.path",
                "append:querystring.stage": "$stageVariables.env",
                "append:header.x-request-id": "$context.requestId",
                "overwrite:header.Accept": "application/json",
            },
        )
        clean.route("GET /items", clean_backend, authorization="AWS_IAM")
        clean.route("POST /items", clean.lambda_integration(LAMBDA_ARN), authorization="AWS_IAM")
        clean.stage(
            "prod",
            variables={
                "env": "prod",
                "functionArn": LAMBDA_ARN,
                "dbSecretArn": SECRET_ARN,
                "backendUrl": "https://clean.example.com/v1",
                "requestId": "123e4567-e89b-12d3-a456-426614174000",
                "vpcLink": "vpclink-0a1b2c3d",
                "timeout": "29000",
                "enabled": "true",
            },
        )

        chat = HttpApiBuilder("chat", protocol="WEBSOCKET")
        relay = chat.http_integration(
            "https://chat-backend.example.com/messages",
            request_templates={"application/json": '#set($password = "' + PASSWORD + '")'},
        )
        chat.route("$default", relay)
        chat.stage("prod")

        excluded = RestApiBuilder("excluded", tags={"ExcludeFromAudit": "true"})
        excluded.method("GET", "/x")
        excluded.stage("prod", variables={"dbPassword": PASSWORD})

        calls: list[str] = []
        inventory = collect(calls=calls)
        run = audit_inventory(inventory, tmp_path_factory.mktemp("audit"))
        denied = audit_account(
            tmp_path_factory,
            denying(f"/restapis/{partner.id}/stages/prod/exports", f"/restapis/{vault.id}/stages"),
        )
        old = written_before(inventory, "variable_secrets", "secrets")
        old_snapshot = audit_inventory(old, tmp_path_factory.mktemp("old"))
    return Estate(
        vault,
        partner,
        web,
        clean,
        chat,
        excluded,
        inventory,
        Counter(calls),
        run,
        denied,
        old_snapshot,
    )


def _rest(inventory: Inventory, api: RestApiBuilder) -> RestApi:
    return next(a for a in inventory.rest_apis if a.id == api.id)


def _v2(inventory: Inventory, api: HttpApiBuilder) -> V2Api:
    return next(a for a in inventory.http_apis if a.id == api.id)


# --- the check ---------------------------------------------------------------------------------


def test_password_in_a_stage_variable_fails_naming_the_variable(estate: Estate) -> None:
    outcome = estate.run[SECRET, key(estate.vault, "prod")]
    assert (outcome.outcome, outcome.message) == (
        "failed",
        "stage vault/prod holds 1 value that looks like a credential: "
        "stage variable dbPassword (Secret Keyword)",
    )
    assert outcome.details["secrets_found"] == ["stage variable dbPassword (Secret Keyword)"]


def test_stage_with_clean_variables_and_integrations_passes(estate: Estate) -> None:
    """vault/staging names a secret by its ARN: a reference, not a credential."""
    outcome = estate.run[SECRET, key(estate.vault, "staging")]
    assert (outcome.outcome, outcome.details["secrets_found"]) == ("passed", [])
    assert outcome.details["judged_on"].startswith("deployment ")


def test_served_integration_values_fail_naming_each_place_and_type(estate: Estate) -> None:
    outcome = estate.run[SECRET, key(estate.partner, "prod")]
    assert outcome.outcome == "failed"
    assert outcome.details["secrets_found"] == [
        "GET /feed: integration URI (Basic Auth Credentials)",
        "GET /feed: integration request parameter integration.request.header.Authorization "
        f"({AUTHORIZATION_HEADER}, JSON Web Token)",
        "GET /feed: request mapping template application/json "
        "(Base64 High Entropy String, Secret Keyword)",
    ]
    assert outcome.message.startswith(
        "stage partner/prod holds 3 values that look like credentials: GET /feed: integration URI"
    )


def test_http_api_stage_variable_and_static_header_mapping_fail(estate: Estate) -> None:
    outcome = estate.run[SECRET, key(estate.web, "prod")]
    assert outcome.outcome == "failed"
    assert outcome.details["secrets_found"] == [
        "stage variable awsKey (AWS Access Key)",
        "route GET /home: integration request parameter append:header.Authorization "
        f"({AUTHORIZATION_HEADER})",
    ]


def test_references_urls_ids_and_mappings_are_not_credentials(estate: Estate) -> None:
    outcome = estate.run[SECRET, key(estate.clean, "prod")]
    assert (outcome.outcome, outcome.details["secrets_found"]) == ("passed", [])


def test_websocket_request_template_is_scanned(estate: Estate) -> None:
    outcome = estate.run[SECRET, key(estate.chat, "prod")]
    assert outcome.outcome == "failed"
    assert outcome.details["secrets_found"] == [
        "route $default: request mapping template application/json (Secret Keyword)"
    ]
    assert "current definition" in outcome.details["judged_on"]


def test_excluded_api_is_not_audited(estate: Estate) -> None:
    assert estate.run.keys(SECRET)
    assert not estate.run.on(SECRET, apis={estate.excluded.id})


def test_unreadable_export_or_stages_are_unknown_with_the_failed_call(estate: Estate) -> None:
    outcome = estate.denied[SECRET, key(estate.partner, "prod")]
    assert outcome.outcome == "error"
    assert "GetExport" in outcome.message
    assert "AccessDeniedException" in outcome.message
    outcome = estate.denied[SECRET, key(estate.vault, "(stages not listed)")]
    assert (outcome.outcome, "GetStages" in outcome.message) == ("error", True)
    assert estate.denied.outcome(SECRET, key(estate.web, "prod")) == "failed"


def test_a_snapshot_from_before_values_were_scanned_is_unknown(estate: Estate) -> None:
    for api in (estate.vault, estate.web):
        outcome = estate.old_snapshot[SECRET, key(api, "prod")]
        assert outcome.outcome == "error"
        assert "not scanned for credentials" in outcome.message
        assert "collect the inventory again" in outcome.message


# --- what is collected -------------------------------------------------------------------------


def test_stage_variables_keep_names_and_findings_only(estate: Estate) -> None:
    vault = _rest(estate.inventory, estate.vault)
    prod = next(s for s in vault.stages or () if s.name == "prod")
    assert prod.variable_names == ("dbPassword", "region")
    assert prod.variable_secrets == (
        SecretFinding(where="stage variable dbPassword", secret_type="Secret Keyword"),
    )


def _feed_integrations(api: RestApi) -> tuple[RestIntegration | None, RestIntegration | None]:
    """GET /feed's integration now (GetResources) and as deployed (GetExport)."""
    current = next(r for r in api.resources or () if r.path == "/feed").methods[0]
    (deployment,) = api.deployments
    deployed = deployment.definition.method("/feed", "GET")
    return current.integration, deployed.integration if deployed is not None else None


def test_the_current_and_the_deployed_integrations_are_both_scanned(estate: Estate) -> None:
    current, deployed = _feed_integrations(_rest(estate.inventory, estate.partner))
    assert current is not None
    assert deployed is not None
    assert current.secrets == deployed.secrets
    assert [(f.where, f.secret_type) for f in current.secrets or ()] == [
        ("integration URI", "Basic Auth Credentials"),
        (
            "integration request parameter integration.request.header.Authorization",
            AUTHORIZATION_HEADER,
        ),
        (
            "integration request parameter integration.request.header.Authorization",
            "JSON Web Token",
        ),
        ("request mapping template application/json", "Base64 High Entropy String"),
        ("request mapping template application/json", "Secret Keyword"),
    ]
    assert current.uri == deployed.uri == "https://feeds:****@partner.example.com/feed"
    assert current.request_template_content_types == ("application/json",)


def test_v2_integrations_are_scanned_from_get_integrations_and_the_export(estate: Estate) -> None:
    web = _v2(estate.inventory, estate.web)
    (current,) = web.integrations or ()
    (deployment,) = web.deployments
    (deployed,) = deployment.definition.integrations
    expected = (
        SecretFinding(
            where="integration request parameter append:header.Authorization",
            secret_type=AUTHORIZATION_HEADER,
        ),
    )
    assert current.secrets == deployed.secrets == expected


def test_scanning_costs_no_call(estate: Estate) -> None:
    """Every value arrives with answers already read: one GetStages per API, one
    GetIntegrations per HTTP/WebSocket API, nothing per variable or integration."""
    rest_apis, v2_apis = 2, 3  # vault, partner; web, clean, chat (excluded: its listing only)
    assert estate.calls["apigateway.GetStages"] == rest_apis
    assert estate.calls["apigateway.GetResources"] == rest_apis
    assert estate.calls["apigatewayv2.GetIntegrations"] == v2_apis
    assert estate.calls["apigatewayv2.GetStages"] == v2_apis


def test_no_value_reaches_the_inventory(estate: Estate) -> None:
    snapshot = json.dumps(inventory_to_json(estate.inventory))
    assert [fake for fake in FAKES if fake in snapshot] == []
    assert "d2ViOndlYi1wYXNzd29yZC0xMjM" not in snapshot  # the Basic header's credentials


# --- the scanner -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "found"),
    [
        ("dbPassword", "hunter2hunter2", ["Secret Keyword"]),
        ("db_password", "Tr0ub4dor&3", ["Secret Keyword"]),
        ("apiKey", ACCESS_KEY, ["AWS Access Key", "Secret Keyword"]),
        ("partnerToken", API_KEY, ["Base64 High Entropy String"]),
        ("signingKey", "8f14e45fceea167a5a36dedd4bea2543", ["Hex High Entropy String"]),
        ("slack", SLACK_TOKEN, ["Base64 High Entropy String", "Slack Token"]),
        ("backendUrl", f"https://svc:{URI_PASSWORD}@example.com", ["Basic Auth Credentials"]),
    ],
)
def test_credentials_are_found_by_name_entropy_or_format(
    name: str, value: str, found: list[str]
) -> None:
    findings = stage_variable_secrets({name: value})
    assert [f.secret_type for f in findings] == found
    assert {f.where for f in findings} == {f"stage variable {name}"}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("backendUrl", "https://backend.example.com/pets?limit=10"),
        ("functionArn", LAMBDA_ARN),
        ("secretArn", SECRET_ARN),
        ("roleArn", f"arn:aws:iam::{ACCOUNT_ID}:role/apigateway-invoke"),
        ("queueUrl", f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT_ID}/orders"),
        ("requestId", "123e4567-e89b-12d3-a456-426614174000"),
        ("vpcLink", "vpclink-0a1b2c3d"),
        ("env", "prod"),
        ("secret", "xyz"),
        ("version", "v2.3.1"),
        ("host", "10.0.12.7"),
        ("bucket", f"company-artifacts-{ACCOUNT_ID}"),
        ("passwordParameter", "${stageVariables.dbPassword}"),
    ],
)
def test_references_and_ordinary_values_are_not_credentials(name: str, value: str) -> None:
    assert stage_variable_secrets({name: value}) == ()


def test_only_static_request_parameters_are_scanned() -> None:
    token = "Zk9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo"
    rest = IntegrationValues(
        uri=None,
        request_parameters={
            "integration.request.header.x-api-key": f"'{token}'",
            "integration.request.header.x-forwarded": "method.request.header.x-api-key",
            "integration.request.header.Authorization": "method.request.header.Authorization",
        },
        request_templates=None,
    )
    http = IntegrationValues(
        uri=None,
        request_parameters={
            "overwrite:header.x-api-key": token,
            "append:header.Authorization": "$request.header.Authorization",
            "overwrite:header.x-caller": "$context.identity.sourceIp",
        },
        request_templates=None,
    )
    assert [f.where for f in scan_integrations({"r": rest}, quoted_literal)["r"].secrets] == [
        "integration request parameter integration.request.header.x-api-key"
    ]
    assert [f.where for f in scan_integrations({"h": http}, unmapped_value)["h"].secrets] == [
        "integration request parameter overwrite:header.x-api-key"
    ]


def test_a_uri_keeps_everything_but_the_credential() -> None:
    scanned = scan_integrations(
        {
            "proxy": IntegrationValues(
                uri=f"https://svc:{URI_PASSWORD}@backend.example.com/v1",
                request_parameters=None,
                request_templates=None,
            ),
            "lambda": IntegrationValues(
                uri=LAMBDA_ARN, request_parameters={}, request_templates={}
            ),
        },
        quoted_literal,
    )
    assert scanned["proxy"].uri == "https://svc:****@backend.example.com/v1"
    assert scanned["lambda"].uri == LAMBDA_ARN
    assert scanned["lambda"].secrets == ()


def test_the_scanner_is_safe_on_threads_and_leaves_detect_secrets_settings_as_they_were() -> None:
    before = get_settings().json()
    results: list[tuple[SecretFinding, ...]] = []

    def scan() -> None:
        for _ in range(5):
            results.append(stage_variable_secrets({"dbPassword": PASSWORD, "env": "prod"}))
            results.append(stage_variable_secrets({"env": "prod"}))

    threads = [threading.Thread(target=scan) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = (SecretFinding(where="stage variable dbPassword", secret_type="Secret Keyword"),)
    assert Counter(results) == Counter({expected: 40, (): 40})
    assert get_settings().json() == before


# --- no output holds a value ------------------------------------------------------------------


def test_no_output_of_a_demo_audit_holds_a_credential(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The demo holds a password in a stage variable and a hard-coded Authorization header:
    the console, the audit and resources reports, the snapshot, pytest-json-report and
    pytest-html (captured logs at DEBUG included) name where they are, never what."""
    run = audit(
        "--demo",
        f"--report-dir={tmp_path / 'reports'}",
        f"--snapshot-out={tmp_path / 'snapshot.json'}",
        "--json-report",
        f"--json-report-file={tmp_path / 'report.json'}",
        f"--html={tmp_path / 'report.html'}",
        "--self-contained-html",
        f"--junitxml={tmp_path / 'junit.xml'}",
        "--log-level=DEBUG",
        "-rA",
    )
    console = capfd.readouterr()
    outputs = {
        path.name: path.read_text(encoding="utf-8")
        for path in tmp_path.rglob("*")
        if path.is_file()
    }
    assert {
        "api_gateway_audit.json",
        "api_gateway_resources.json",
        "snapshot.json",
        "report.json",
        "report.html",
        "junit.xml",
    } <= set(outputs)
    outputs["console"] = console.out + console.err
    outputs.update((f"record {n}", json.dumps(record)) for n, record in enumerate(run.records))
    for name in ("api_gateway_audit.json", "report.json", "report.html", "console"):
        assert "stage variable dbPassword (Secret Keyword)" in outputs[name], name
    fakes = (DEMO_PASSWORD, DEMO_BASIC_CREDENTIALS.split()[1])
    leaked = {name: fake for name, text in outputs.items() for fake in fakes if fake in text}
    assert leaked == {}
