"""Backends over plaintext (APIGW-TRANSPORT-001): the scheme of HTTP integrations' URIs (VPC
links included) and HTTP API private integrations' TlsConfig, as each stage serves them."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from collectors.demo.builders import ACCOUNT_ID, AccountBuilder, HttpApiBuilder, RestApiBuilder
from collectors.demo.estate import emulated_aws
from collectors.model import IntegrationTls, Inventory
from collectors.serialization import from_jsonable, to_jsonable
from tests_unit.checks_harness import (
    AuditRun,
    audit_account,
    audit_inventory,
    denying,
    key,
    written_before,
)
from tests_unit.conftest import collect

TRANSPORT = "APIGW-TRANSPORT-001"
NOT_READ = "(deployed definition not read)"
LISTENER = (
    f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT_ID}:listener/app/internal/"
    "50dc6c495c0c9188/0467ef3c8400ae65"
)


# URIs that start with a stage variable: AWS's examples write the scheme
# (http://${stageVariables.host}/x) and moto refuses any other, so the estate is built with
# these stand-ins and its inventory read as if AWS had answered the URIs they stand for.
STARTING_WITH_VARIABLE = {
    "https://stands-for.legacy-url.example": "${stageVariables.legacyUrl}",
    "https://stands-for.backend-url.example": "${stageVariables.backendUrl}",
    "https://stands-for.host.example": "${stageVariables.host}",
    "https://stands-for.missing.example": "${stageVariables.missing}",
    "https://stands-for.public-url.example": "${stageVariables.publicUrl}",
}


def _integration(api: RestApiBuilder, path: str, uri: str, vpc_link: str | None = None) -> None:
    """GET ``path`` behind an HTTP_PROXY integration to ``uri``."""
    api.method("GET", path, authorization="AWS_IAM")
    api.http_integration("GET", path, uri, vpc_link=vpc_link)


def _starting_with_variables(inventory: Inventory) -> Inventory:
    document = json.dumps(to_jsonable(inventory))
    for stand_in, uri in STARTING_WITH_VARIABLE.items():
        document = document.replace(stand_in, uri)
    return from_jsonable(Inventory, json.loads(document))


@dataclass
class Estate:
    shop: RestApiBuilder  # http://, https://, Lambda, MOCK, VPC links, a stage-variable URI
    web: HttpApiBuilder  # private integrations with and without TlsConfig; http:// on the internet
    chat: HttpApiBuilder  # WebSocket HTTP integrations
    excluded: RestApiBuilder  # ExcludeFromAudit, http://
    inventory: Inventory
    run: AuditRun
    denied: AuditRun  # shop's and web's deployments: AccessDenied
    old_snapshot: AuditRun  # written before TlsConfig and the stage variables' schemes were read


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        handler = AccountBuilder().lambda_function("handler", timeout_seconds=5)
        shop = RestApiBuilder("shop")
        _integration(shop, "/plain", "http://legacy.example.com/plain")
        _integration(shop, "/tls", "https://backend.example.com/tls")
        _integration(shop, "/nlb", "http://nlb.internal.example.com/nlb", "vl0a1b2c")
        _integration(shop, "/nlbs", "https://nlb.internal.example.com:443/nlbs", "vl0a1b2c")
        _integration(shop, "/chosen", "https://${stageVariables.host}/chosen")
        _integration(shop, "/legacy", "https://stands-for.legacy-url.example/legacy")
        _integration(shop, "/backend", "https://stands-for.backend-url.example/backend?v=2")
        _integration(shop, "/hostonly", "https://stands-for.host.example/hostonly")
        _integration(shop, "/unset", "https://stands-for.missing.example/unset")
        shop.method("GET", "/fn", authorization="AWS_IAM", lambda_arn=handler)
        shop.method("GET", "/mock", authorization="AWS_IAM")
        shop.stage(
            "prod",
            variables={
                "host": "backend.example.com",
                "legacyUrl": "http://legacy.example.com",
                "backendUrl": "HTTPS://backend.example.com",
            },
        )
        shop.stage("dev")

        web = HttpApiBuilder("web")
        verified = web.http_integration(LISTENER, private=True, tls_server_name="internal.example")
        web.route("GET /verified", verified, authorization="AWS_IAM")
        web.route(
            "GET /clear", web.http_integration(LISTENER, private=True), authorization="AWS_IAM"
        )
        web.route(
            "GET /public",
            web.http_integration("http://public.example.com"),
            authorization="AWS_IAM",
        )
        web.route(
            "GET /secure",
            web.http_integration("https://public.example.com"),
            authorization="AWS_IAM",
        )
        web.route("GET /fn", web.lambda_integration(handler), authorization="AWS_IAM")
        web.route(
            "GET /chosen",
            web.http_integration("https://stands-for.public-url.example/chosen"),
            authorization="AWS_IAM",
        )
        web.stage("prod", variables={"publicUrl": "http://public.example.com"})

        chat = HttpApiBuilder("chat", protocol="WEBSOCKET")
        chat.route("$default", chat.http_integration("http://chat.example.com/messages"))
        chat.route("sendmessage", chat.http_integration("https://chat.example.com/send"))
        chat.stage("prod")

        excluded = RestApiBuilder("excluded", tags={"ExcludeFromAudit": "true"})
        _integration(excluded, "/x", "http://excluded.example.com")
        excluded.stage("prod")

        inventory = _starting_with_variables(collect())
        run = audit_inventory(inventory, tmp_path_factory.mktemp("audit"))
        denied = audit_account(
            tmp_path_factory,
            denying(f"/restapis/{shop.id}/stages/prod/exports", f"/apis/{web.id}/exports"),
        )
        old_snapshot = audit_inventory(
            written_before(inventory, "tls", "variable_schemes"), tmp_path_factory.mktemp("old")
        )
    return Estate(shop, web, chat, excluded, inventory, run, denied, old_snapshot)


# --- REST (and WebSocket): the URI's scheme --------------------------------------------------


def test_http_uri_is_plaintext_naming_the_uri(estate: Estate) -> None:
    outcome = estate.run[TRANSPORT, key(estate.shop, "prod", "GET /plain")]
    assert (outcome.outcome, outcome.message) == (
        "failed",
        "GET /plain on shop/prod sends requests to its backend over plaintext HTTP "
        "(HTTP_PROXY integration, URI http://legacy.example.com/plain)",
    )
    assert outcome.details["backend_protocol"] == "HTTP"
    assert outcome.details["connection_type"] == "INTERNET"


def test_https_uri_passes(estate: Estate) -> None:
    outcome = estate.run[TRANSPORT, key(estate.shop, "prod", "GET /tls")]
    assert (outcome.outcome, outcome.details["backend_protocol"]) == ("passed", "HTTPS")
    assert outcome.details["judged_on"].startswith("deployment ")


def test_a_vpc_link_to_an_http_uri_is_plaintext_too(estate: Estate) -> None:
    """By default private integration traffic uses HTTP; an https:// URI makes it HTTPS."""
    outcome = estate.run[TRANSPORT, key(estate.shop, "prod", "GET /nlb")]
    assert outcome.outcome == "failed"
    assert "sends requests to its backend through its VPC link over plaintext HTTP" in (
        outcome.message
    )
    assert estate.run.outcome(TRANSPORT, key(estate.shop, "prod", "GET /nlbs")) == "passed"


def test_a_host_chosen_by_a_stage_variable_keeps_its_literal_scheme(estate: Estate) -> None:
    assert estate.run.outcome(TRANSPORT, key(estate.shop, "prod", "GET /chosen")) == "passed"


def test_a_uri_starting_with_a_stage_variable_speaks_the_variables_scheme(
    estate: Estate,
) -> None:
    outcome = estate.run[TRANSPORT, key(estate.shop, "prod", "GET /legacy")]
    assert (outcome.outcome, outcome.message) == (
        "failed",
        "GET /legacy on shop/prod sends requests to its backend over plaintext HTTP "
        "(HTTP_PROXY integration, URI ${stageVariables.legacyUrl}/legacy, stage variable "
        "legacyUrl is an http:// URL)",
    )
    assert outcome.details["scheme_from_stage_variable"] == "legacyUrl"
    outcome = estate.run[TRANSPORT, key(estate.shop, "prod", "GET /backend")]
    assert (outcome.outcome, outcome.details["backend_protocol"]) == ("passed", "HTTPS")
    assert outcome.details["integration_uri"] == "${stageVariables.backendUrl}/backend?v=****"
    assert estate.run.outcome(TRANSPORT, key(estate.web, "prod", "GET /chosen")) == "failed"


def test_a_stage_variable_unset_or_not_a_url_leaves_the_scheme_unknown(estate: Estate) -> None:
    outcome = estate.run[TRANSPORT, key(estate.shop, "prod", "GET /unset")]
    assert outcome.outcome == "error"
    assert (
        "the integration URI of GET /unset on shop/prod starts with stage variable missing, "
        "which stage prod does not set"
    ) in outcome.message
    outcome = estate.run[TRANSPORT, key(estate.shop, "prod", "GET /hostonly")]
    assert outcome.outcome == "error"
    assert "starts with stage variable host, whose value on stage prod is not an http(s) URL" in (
        outcome.message
    )


def test_only_each_stage_variables_scheme_is_kept(estate: Estate) -> None:
    (shop,) = (api for api in estate.inventory.rest_apis if api.id == estate.shop.id)
    prod = next(stage for stage in shop.stages or () if stage.name == "prod")
    assert prod.variable_schemes == {"backendUrl": "https", "host": None, "legacyUrl": "http"}


def test_lambda_and_mock_integrations_are_not_applicable(estate: Estate) -> None:
    for path, kind in (("GET /fn", "AWS_PROXY"), ("GET /mock", "MOCK")):
        outcome = estate.run[TRANSPORT, key(estate.shop, "prod", path)]
        assert (outcome.outcome, f"has a {kind} integration" in outcome.message) == (
            "skipped",
            True,
        )
    assert estate.run.outcome(TRANSPORT, key(estate.web, "prod", "GET /fn")) == "skipped"


def test_websocket_http_integrations_are_judged_by_their_uri(estate: Estate) -> None:
    assert estate.run.outcome(TRANSPORT, key(estate.chat, "prod", "$default")) == "failed"
    outcome = estate.run[TRANSPORT, key(estate.chat, "prod", "sendmessage")]
    assert outcome.outcome == "passed"
    assert "current definition" in outcome.details["judged_on"]


# --- HTTP APIs: private integrations' TlsConfig ----------------------------------------------


def test_private_integration_with_a_tls_config_passes(estate: Estate) -> None:
    outcome = estate.run[TRANSPORT, key(estate.web, "prod", "GET /verified")]
    assert outcome.outcome == "passed"
    assert outcome.details["tls_config"] is True
    assert outcome.details["tls_server_name"] == "internal.example"


def test_private_integration_without_a_tls_config_fails(estate: Estate) -> None:
    outcome = estate.run[TRANSPORT, key(estate.web, "prod", "GET /clear")]
    assert (outcome.outcome, outcome.message) == (
        "failed",
        f"route GET /clear on web/prod reaches its private integration (VPC link, {LISTENER}) "
        "over plaintext HTTP: the integration has no TlsConfig",
    )
    assert (outcome.details["tls_config"], outcome.details["connection_type"]) == (
        False,
        "VPC_LINK",
    )


def test_http_api_internet_integrations_are_judged_by_their_uri(estate: Estate) -> None:
    assert estate.run.outcome(TRANSPORT, key(estate.web, "prod", "GET /public")) == "failed"
    assert estate.run.outcome(TRANSPORT, key(estate.web, "prod", "GET /secure")) == "passed"


def test_tls_config_is_read_from_get_integrations_and_the_export(estate: Estate) -> None:
    web = next(api for api in estate.inventory.http_apis if api.id == estate.web.id)
    current = {i.tls for i in web.integrations or () if i.connection_type == "VPC_LINK"}
    assert current == {
        IntegrationTls(configured=True, server_name_to_verify="internal.example"),
        IntegrationTls(configured=False, server_name_to_verify=None),
    }
    (deployment,) = web.deployments
    deployed = {i.id: i.tls for i in deployment.definition.integrations}
    assert deployed["GET /verified"] == IntegrationTls(
        configured=True, server_name_to_verify="internal.example"
    )
    assert deployed["GET /clear"] == IntegrationTls(configured=False, server_name_to_verify=None)


# --- scope and missing data ------------------------------------------------------------------


def test_out_of_scope_stages_and_excluded_apis_are_not_targets(estate: Estate) -> None:
    assert estate.run.keys(TRANSPORT)
    assert not estate.run.on(TRANSPORT, apis={estate.excluded.id}, stages=("dev",))


def test_unread_deployments_are_unknown_with_the_failed_call(estate: Estate) -> None:
    outcome = estate.denied[TRANSPORT, key(estate.shop, "prod", "GET /plain")]
    assert outcome.outcome == "error"
    assert "GetExport" in outcome.message
    outcome = estate.denied[TRANSPORT, key(estate.web, "prod", NOT_READ)]
    assert (outcome.outcome, "ExportApi" in outcome.message) == ("error", True)
    assert estate.denied.outcome(TRANSPORT, key(estate.chat, "prod", "$default")) == "failed"


def test_a_snapshot_from_before_tls_config_and_variable_schemes_were_read_is_unknown_there(
    estate: Estate,
) -> None:
    """Unknown on private routes, and on URIs that start with a stage variable."""
    for api, operation in ((estate.web, "GET /verified"), (estate.shop, "GET /legacy")):
        outcome = estate.old_snapshot[TRANSPORT, key(api, "prod", operation)]
        assert outcome.outcome == "error"
        assert "collect the inventory again" in outcome.message
    assert estate.old_snapshot.outcome(TRANSPORT, key(estate.web, "prod", "GET /public")) == (
        "failed"
    )
    assert estate.old_snapshot.outcome(TRANSPORT, key(estate.shop, "prod", "GET /tls")) == (
        "passed"
    )


def test_a_tls_config_without_a_server_name_still_counts(aws: None) -> None:
    """TlsConfig's ServerNameToVerify is optional: present but empty, it still makes private
    traffic HTTPS, in GetIntegrations and in the emulated export alike."""
    api = HttpApiBuilder("bare-tls")
    link = api.client.create_vpc_link(Name="bare", SubnetIds=["subnet-1"])["VpcLinkId"]
    integration = api.client.create_integration(
        ApiId=api.id,
        IntegrationType="HTTP_PROXY",
        IntegrationMethod="ANY",
        IntegrationUri=LISTENER,
        PayloadFormatVersion="1.0",
        ConnectionType="VPC_LINK",
        ConnectionId=link,
        TlsConfig={},
    )["IntegrationId"]
    api.route("GET /x", integration, authorization="AWS_IAM")
    api.stage("prod")
    (collected,) = collect().http_apis
    (deployment,) = collected.deployments
    tls = {i.tls for i in (*(collected.integrations or ()), *deployment.definition.integrations)}
    assert tls == {IntegrationTls(configured=True, server_name_to_verify=None)}
