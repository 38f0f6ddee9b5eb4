"""Credentials in configuration (APIGW-SECRET-001): stage variables and the static values of
the integrations a stage serves, scanned at collection with detect-secrets; and the rule that
no output the audit writes ever holds such a value."""

from __future__ import annotations

import inspect
import json
import threading
import tomllib
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pytest
from detect_secrets.core.scan import _process_line_based_plugins
from detect_secrets.settings import get_plugins, get_settings
from packaging.specifiers import SpecifierSet

from collectors.demo.builders import ACCOUNT_ID, HttpApiBuilder, RestApiBuilder
from collectors.demo.estate import emulated_aws
from collectors.demo.estate_backend_config import DEMO_BASIC_CREDENTIALS, DEMO_PASSWORD
from collectors.model import Inventory, RestApi, RestIntegration, SecretFinding, V2Api
from collectors.secrets import (
    AUTHORIZATION_HEADER,
    CREDENTIAL_HEADER,
    CREDENTIAL_PARAMETER,
    IntegrationValues,
    _masked,
    quoted_literal,
    scan_integrations,
    stage_variable_secrets,
    unmapped_value,
    variable_schemes,
)
from collectors.serialization import to_jsonable
from tests_unit.checks_harness import (
    AuditRun,
    audit,
    audit_account,
    audit_inventory,
    denying,
    key,
    written_before,
)
from tests_unit.conftest import REPO_ROOT, collect

SECRET = "APIGW-SECRET-001"
DRIFT = "APIGW-DRIFT-001"
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
QUERY_TOKEN = "letmein2024"  # low entropy, no keyword detect-secrets knows: by definition only
HEADER_KEY = "Zx9Qw3Er7Ty1"
FAKES = (PASSWORD, JWT, API_KEY, ACCESS_KEY, URI_PASSWORD, QUERY_TOKEN, HEADER_KEY)
LAMBDA_ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT_ID}:function:orders"
SECRET_ARN = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT_ID}:secret:prod/orders-db-AbCdEf"


@dataclass
class Estate:
    vault: RestApiBuilder  # prod: a password in a stage variable; staging: clean
    # a static Bearer header, a key in a mapping template, a URI password; a static X-Api-Key
    # header and an access_token in a URI's query
    partner: RestApiBuilder
    web: HttpApiBuilder  # a token in a stage variable, a static Basic header mapping
    clean: HttpApiBuilder  # references, ARNs, URLs, $context mappings: nothing
    chat: HttpApiBuilder  # WebSocket: a password in a request template
    feeds: HttpApiBuilder  # an access_token in a URI's query
    # prod: a canary on another deployment, overriding a variable with a password; staging: a
    # canary on the stage's own deployment
    release: RestApiBuilder
    release_canary: str  # the deployment prod's canary serves
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
        partner.method("GET", "/status")
        partner.http_integration(
            "GET",
            "/status",
            f"https://partner.example.com/status?access_token={QUERY_TOKEN}&lang=en#details",
            request_parameters={"integration.request.header.X-Api-Key": f"'{HEADER_KEY}'"},
        )
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

        feeds = HttpApiBuilder("feeds")
        items = feeds.http_integration(
            f"https://feeds.example.com/v2/items?page=1&access_token={QUERY_TOKEN}#top"
        )
        feeds.route("GET /items", items, authorization="AWS_IAM")
        feeds.stage("prod")

        release = RestApiBuilder("release")
        release.method("GET", "/ping")
        release_canary = release.deploy("before /pong")
        release.method("GET", "/pong")
        release.deploy("with /pong")
        release.stage("prod", variables={"region": "eu-west-1"})
        release.stage("staging", variables={"region": "eu-west-1"})
        _canary(release, "prod", release_canary, {"dbPassword": PASSWORD})
        _canary(release, "staging", None, {"region": "eu-central-1"})

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
        feeds,
        release,
        release_canary,
        excluded,
        inventory,
        Counter(calls),
        run,
        denied,
        old_snapshot,
    )


def _canary(
    api: RestApiBuilder, stage: str, deployment_id: str | None, overrides: dict[str, str]
) -> None:
    """10% of ``stage``'s traffic to ``deployment_id`` (None: the stage's own deployment), with
    its variables overridden."""
    operations = [
        {"op": "replace", "path": "/canarySettings/percentTraffic", "value": "10"},
        *(
            {"op": "replace", "path": f"/canarySettings/stageVariableOverrides/{k}", "value": v}
            for k, v in overrides.items()
        ),
    ]
    if deployment_id is not None:
        operations.append(
            {"op": "replace", "path": "/canarySettings/deploymentId", "value": deployment_id}
        )
    api.client.update_stage(restApiId=api.id, stageName=stage, patchOperations=operations)


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
        f"GET /status: integration URI query parameter access_token ({CREDENTIAL_PARAMETER})",
        "GET /status: integration request parameter integration.request.header.X-Api-Key "
        f"({CREDENTIAL_HEADER})",
    ]
    assert outcome.message.startswith(
        "stage partner/prod holds 5 values that look like credentials: GET /feed: integration URI"
    )
    assert outcome.details["not_scanned"] == []


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


def test_an_access_token_in_a_v2_integration_uri_fails(estate: Estate) -> None:
    outcome = estate.run[SECRET, key(estate.feeds, "prod")]
    assert (outcome.outcome, outcome.details["secrets_found"]) == (
        "failed",
        [
            "route GET /items: integration URI query parameter access_token "
            f"({CREDENTIAL_PARAMETER})"
        ],
    )


def test_a_canary_override_is_scanned_and_its_unexported_deployment_said(
    estate: Estate,
) -> None:
    outcome = estate.run[SECRET, key(estate.release, "prod")]
    assert outcome.outcome == "failed"
    assert outcome.details["secrets_found"] == [
        "stage variable dbPassword (canary override) (Secret Keyword)"
    ]
    assert outcome.details["not_scanned"] == [
        f"the integrations of the canary deployment {estate.release_canary} (10% of traffic), "
        "which AWS cannot export"
    ]


def test_a_canary_on_the_stages_own_deployment_leaves_nothing_unscanned(estate: Estate) -> None:
    outcome = estate.run[SECRET, key(estate.release, "staging")]
    assert (outcome.outcome, outcome.details["not_scanned"]) == ("passed", [])


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
    assert prod.variable_schemes == {"dbPassword": None, "region": None}


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
    assert current.uri == deployed.uri == "https://****@partner.example.com/feed"
    assert current.request_template_content_types == ("application/json",)


def test_uris_keep_query_parameter_names_only_now_and_as_deployed(estate: Estate) -> None:
    partner = _rest(estate.inventory, estate.partner)
    current = next(r for r in partner.resources or () if r.path == "/status").methods[0]
    (deployment,) = partner.deployments
    deployed = deployment.definition.method("/status", "GET")
    assert current.integration is not None
    assert deployed is not None
    assert deployed.integration is not None
    expected = "https://partner.example.com/status?access_token=****&lang=****"
    assert current.integration.uri == deployed.integration.uri == expected
    feeds = _v2(estate.inventory, estate.feeds)
    (now,) = feeds.integrations or ()
    (served,) = feeds.deployments[0].definition.integrations
    assert now.uri == served.uri == "https://feeds.example.com/v2/items?page=****&access_token=****"


def test_masked_uris_compare_alike_for_drift(estate: Estate) -> None:
    for api in (estate.partner, estate.feeds):
        assert estate.run.outcome(DRIFT, key(api, "prod")) == "passed"


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
    # vault, partner, release; web, clean, chat, feeds (excluded: its listing only)
    rest_apis, v2_apis = 3, 4
    assert estate.calls["apigateway.GetStages"] == rest_apis
    assert estate.calls["apigateway.GetResources"] == rest_apis
    assert estate.calls["apigatewayv2.GetIntegrations"] == v2_apis
    assert estate.calls["apigatewayv2.GetStages"] == v2_apis


def test_no_value_reaches_the_inventory(estate: Estate) -> None:
    snapshot = json.dumps(to_jsonable(estate.inventory))
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
    assert {f.where for f in scan_integrations({"r": rest}, quoted_literal)["r"].secrets} == {
        "integration request parameter integration.request.header.x-api-key"
    }
    assert {f.where for f in scan_integrations({"h": http}, unmapped_value)["h"].secrets} == {
        "integration request parameter overwrite:header.x-api-key"
    }


def _header_findings(header: str, value: str) -> list[str]:
    parameters = {f"integration.request.header.{header}": f"'{value}'"}
    values = IntegrationValues(uri=None, request_parameters=parameters, request_templates=None)
    return [f.secret_type for f in scan_integrations({"k": values}, quoted_literal)["k"].secrets]


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Authorization", AUTHORIZATION_HEADER),
        ("Proxy-Authorization", AUTHORIZATION_HEADER),
        ("X-Api-Key", CREDENTIAL_HEADER),
        ("x-api-key", CREDENTIAL_HEADER),
        ("api-key", CREDENTIAL_HEADER),
        ("X-Auth-Token", CREDENTIAL_HEADER),
        ("X-Amz-Security-Token", CREDENTIAL_HEADER),
        ("Ocp-Apim-Subscription-Key", CREDENTIAL_HEADER),
        ("x-goog-api-key", CREDENTIAL_HEADER),
    ],
)
def test_a_static_credential_header_is_a_finding_whatever_its_value(header: str, kind: str) -> None:
    assert _header_findings(header, HEADER_KEY) == [kind]


@pytest.mark.parametrize("header", ["Cookie", "X-Access-Token", "X-Request-Id"])
def test_headers_not_defined_as_credentials_are_judged_by_the_scanner(header: str) -> None:
    assert _header_findings(header, HEADER_KEY) == []
    assert _header_findings(header, API_KEY) == ["Base64 High Entropy String"]


@pytest.mark.parametrize(
    ("uri", "kept"),
    [
        (
            f"https://svc:{URI_PASSWORD}@backend.example.com:8443/v1?access_token={QUERY_TOKEN}"
            "&lang=en&flag#section",
            "https://****@backend.example.com:8443/v1?access_token=****&lang=****&****",
        ),
        (
            f"https://backend.example.com?api_key={API_KEY}",
            "https://backend.example.com?api_key=****",
        ),
        ("HTTP://backend.example.com/v1/items", "HTTP://backend.example.com/v1/items"),
        ("http://${stageVariables.host}/x", "http://${stageVariables.host}/x"),
        ("${stageVariables.baseUrl}/pets?key=abc", "${stageVariables.baseUrl}/pets?key=****"),
        (LAMBDA_ARN, LAMBDA_ARN),
    ],
)
def test_a_uri_keeps_what_locates_the_backend_and_masks_what_may_authenticate(
    uri: str, kept: str
) -> None:
    values = IntegrationValues(uri=uri, request_parameters=None, request_templates=None)
    assert scan_integrations({"k": values}, quoted_literal)["k"].uri == kept


def test_a_credential_that_cannot_be_told_apart_masks_all_but_scheme_and_host() -> None:
    assert _masked("https://svc:pw@backend.example.com/v1/x?a=1", {"elsewhere"}) == (
        "https://****@backend.example.com/****"
    )
    assert _masked(f"https://backend.example.com/v1/{API_KEY}/x", {API_KEY}) == (
        "https://backend.example.com/v1/****/x"
    )


def test_query_parameters_are_scanned_by_name() -> None:
    uri = "https://backend.example.com/x?password=hunter2hunter2&lang=en"
    values = IntegrationValues(uri=uri, request_parameters=None, request_templates=None)
    assert scan_integrations({"k": values}, quoted_literal)["k"].secrets == (
        SecretFinding(
            where="integration URI query parameter password", secret_type="Secret Keyword"
        ),
    )


def test_canary_overrides_are_scanned_as_stage_variables() -> None:
    assert stage_variable_secrets({"env": "prod"}, {"dbPassword": PASSWORD}) == (
        SecretFinding(
            where="stage variable dbPassword (canary override)", secret_type="Secret Keyword"
        ),
    )


def test_of_a_stage_variable_only_its_url_scheme_is_kept() -> None:
    assert variable_schemes(
        {
            "legacy": "http://legacy.example.com",
            "backend": "HTTPS://backend.example.com/v1",
            "host": "backend.example.com",
            "ftp": "ftp://files.example.com",
            "scheme": "https",
        }
    ) == {"backend": "https", "ftp": None, "host": None, "legacy": "http", "scheme": None}
    assert variable_schemes(None) == {}


def test_the_private_detect_secrets_scanner_is_pinned_with_its_version_range() -> None:
    """collectors.secrets calls detect-secrets' private line scanner: the dependency is pinned
    to the minor version it was checked against, and the scanner must still be there, with
    the signature it is called with. Widening the range means checking both again."""
    checked = ">=1.5,<1.6"
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    dependencies = pyproject["project"]["dependencies"]
    assert [d for d in dependencies if d.startswith("detect-secrets")] == [
        f"detect-secrets{checked}"
    ]
    assert version("detect-secrets") in SpecifierSet(checked)
    assert list(inspect.signature(_process_line_based_plugins).parameters) == [
        "lines",
        "filename",
    ]


def test_the_scanner_is_configured_once_and_gives_the_same_verdicts_on_many_threads() -> None:
    stage_variable_secrets({"env": "prod"})  # configured by then
    settings, plugins = get_settings(), get_plugins()
    assert {
        "path": "detect_secrets.filters.regex.should_exclude_secret",
        "pattern": ["^arn:aws[a-zA-Z-]*:"],
    } in settings.json()["filters_used"]
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
    assert get_settings() is settings  # nothing entered, rebuilt or restored since
    assert get_plugins() is plugins


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
