"""Authorization, perimeter (WAF) and CORS checks on an emulated estate."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from collectors.demo.builders import AccountBuilder, HttpApiBuilder, RestApiBuilder, invoke_policy
from collectors.demo.estate import emulated_aws
from tests_unit.checks_harness import AuditRun, audit_account, denying, key

AUTH, WAF, CORS = "APIGW-AUTH-001", "APIGW-WAF-001", "APIGW-CORS-001"
VPC_ENDPOINT = "vpce-0123456789abcdef0"


@dataclass
class Estate:
    petstore: RestApiBuilder
    pinned: RestApiBuilder  # PRIVATE, policy pinned to a VPC endpoint
    open_private: RestApiBuilder  # PRIVATE, policy allowing anyone
    wildcard_errors: RestApiBuilder  # a gateway response answers '*'
    checkout: HttpApiBuilder
    excluded: RestApiBuilder
    run: AuditRun
    denied: AuditRun


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        account = AccountBuilder()
        auth_fn = account.lambda_function("authorizer", timeout_seconds=5)

        petstore = RestApiBuilder("petstore")
        token = petstore.authorizer("token-auth", auth_fn)
        petstore.authorizer("forgotten-auth", auth_fn)  # defined, attached to nothing
        petstore.method("GET", "/pets", api_key_required=True)
        petstore.method("POST", "/pets", authorization="CUSTOM", authorizer_id=token)
        petstore.method("GET", "/pets/{id}", authorization="AWS_IAM")
        petstore.cors_preflight("/pets", allow_origin="'*'", status_code="204")
        petstore.cors_preflight("/pets/{id}", allow_origin="'https://shop.example.com'")
        petstore.stage("prod", web_acl_arn=account.web_acl("petstore-acl"))
        petstore.stage("staging")
        petstore.stage("dev")

        pinned = RestApiBuilder(
            "pinned",
            endpoint_type="PRIVATE",
            policy=invoke_policy({"StringEquals": {"aws:SourceVpce": VPC_ENDPOINT}}),
        )
        pinned.method("GET", "/stock")
        pinned.stage("prod")

        open_private = RestApiBuilder(
            "open-private", endpoint_type="PRIVATE", policy=invoke_policy()
        )
        open_private.method("GET", "/stock")
        open_private.stage("prod")

        wildcard_errors = RestApiBuilder("wildcard-errors")
        wildcard_errors.method("GET", "/status", authorization="AWS_IAM")
        wildcard_errors.gateway_response(
            "DEFAULT_4XX",
            {
                "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
                "gatewayresponse.header.Access-Control-Allow-Credentials": "'true'",
            },
        )
        wildcard_errors.stage("prod")

        checkout = HttpApiBuilder("checkout", cors_origins=("*",), cors_credentials=True)
        jwt = checkout.jwt_authorizer("jwt")
        cart = checkout.lambda_integration(account.lambda_function("cart", timeout_seconds=5))
        checkout.route("GET /cart", cart, authorization="JWT", authorizer_id=jwt)
        checkout.route("POST /cart", cart)
        checkout.route("OPTIONS /cart", cart)
        checkout.stage("prod")
        checkout.stage("staging")
        checkout.stage("dev")

        excluded = RestApiBuilder("internal-tools", tags={"Internal": "true"})
        excluded.method("GET", "/tools")
        excluded.stage("prod")

        run = audit_account(tmp_path_factory)
        denied_session = denying(
            f"/restapis/{pinned.id}/resources",
            f"/restapis/{wildcard_errors.id}/gatewayresponses",
            f"/apis/{checkout.id}/stages",
        )
        denied = audit_account(tmp_path_factory, denied_session)
    return Estate(petstore, pinned, open_private, wildcard_errors, checkout, excluded, run, denied)


# --- Authorization Gap ------------------------------------------------------------------------


def test_unauthenticated_route_on_prod_is_a_critical_finding(estate: Estate) -> None:
    outcome = estate.run[AUTH, key(estate.checkout, "prod", "POST /cart")]
    assert outcome.outcome == "failed"
    assert outcome.message.startswith(
        "route POST /cart on checkout/prod has no authorizer (authorizationType=NONE)"
    )


def test_attached_authorizers_and_iam_pass(estate: Estate) -> None:
    assert estate.run.outcome(AUTH, key(estate.petstore, "prod", "POST /pets")) == "passed"
    assert estate.run.outcome(AUTH, key(estate.petstore, "prod", "GET /pets/{id}")) == "passed"
    assert estate.run.outcome(AUTH, key(estate.checkout, "prod", "GET /cart")) == "passed"


def test_authorizer_defined_but_not_attached_does_not_count(estate: Estate) -> None:
    outcome = estate.run[AUTH, key(estate.petstore, "prod", "GET /pets")]
    assert outcome.outcome == "failed"
    assert outcome.details["authorizers_defined_not_attached"] == ["forgotten-auth", "token-auth"]
    assert "not attached: forgotten-auth, token-auth" in outcome.message


def test_api_key_required_without_authorizer_is_not_authorization(estate: Estate) -> None:
    outcome = estate.run[AUTH, key(estate.petstore, "prod", "GET /pets")]
    assert outcome.outcome == "failed"
    assert "apiKeyRequired=true is not authorization" in outcome.message
    assert outcome.details["api_key_required"] is True
    assert "not authorization" in outcome.details["api_key_note"]


def test_private_api_pinned_to_a_vpc_endpoint_passes_with_the_evidence(estate: Estate) -> None:
    outcome = estate.run[AUTH, key(estate.pinned, "prod", "GET /stock")]
    assert outcome.outcome == "passed"
    assert f"aws:SourceVpce={VPC_ENDPOINT}" in outcome.details["network_restriction"]


def test_private_api_whose_policy_allows_anyone_fails(estate: Estate) -> None:
    outcome = estate.run[AUTH, key(estate.open_private, "prod", "GET /stock")]
    assert outcome.outcome == "failed"
    assert "does not limit callers to aws:SourceVpce/aws:SourceVpc" in outcome.message


def test_cors_preflights_are_not_authorization_targets(estate: Estate) -> None:
    assert not [k for k in estate.run.keys(AUTH) if "OPTIONS" in k]


def test_unlisted_methods_error_instead_of_passing(estate: Estate) -> None:
    outcome = estate.denied[AUTH, key(estate.pinned, "prod", "(resources not listed)")]
    assert outcome.outcome == "error"
    assert "GetResources" in outcome.message
    assert estate.denied.outcome(AUTH, key(estate.petstore, "prod", "POST /pets")) == "passed"


# --- Perimeter Defense Missing ---------------------------------------------------------------


def test_rest_stage_with_a_web_acl_passes(estate: Estate) -> None:
    outcome = estate.run[WAF, key(estate.petstore, "prod")]
    assert outcome.outcome == "passed"
    assert outcome.details["web_acl_arn"].startswith("arn:aws:wafv2:")


def test_rest_stage_without_a_web_acl_fails(estate: Estate) -> None:
    outcome = estate.run[WAF, key(estate.petstore, "staging")]
    assert outcome.outcome == "failed"
    assert outcome.message == "stage petstore/staging has no AWS WAF web ACL (no webAclArn)"


def test_http_api_stage_fails_because_waf_is_unsupported(estate: Estate) -> None:
    outcome = estate.run[WAF, key(estate.checkout, "prod")]
    assert outcome.outcome == "failed"
    assert outcome.details["waf_supported"] is False
    assert "CloudFront" in outcome.details["remediation"]


def test_stage_that_could_not_be_listed_errors(estate: Estate) -> None:
    outcome = estate.denied[WAF, key(estate.checkout, "(stages not listed)")]
    assert outcome.outcome == "error"
    assert "GetStages" in outcome.message


# --- CORS Misconfiguration ---------------------------------------------------------------------


def test_options_204_answering_any_origin_on_prod_fails(estate: Estate) -> None:
    outcome = estate.run[CORS, key(estate.petstore, "prod", "pets")]
    assert outcome.outcome == "failed"
    assert outcome.details["wildcard_sources"] == ["OPTIONS integration response 204"]


def test_preflight_answering_one_origin_passes(estate: Estate) -> None:
    assert estate.run.outcome(CORS, key(estate.petstore, "prod", "pets/{id}")) == "passed"


def test_staging_stage_passes_with_a_note(estate: Estate) -> None:
    outcome = estate.run[CORS, key(estate.petstore, "staging", "pets")]
    assert outcome.outcome == "passed"
    assert "staging" in outcome.details["note"]


def test_gateway_response_with_any_origin_and_credentials_fails_every_resource(
    estate: Estate,
) -> None:
    outcome = estate.run[CORS, key(estate.wildcard_errors, "prod", "status")]
    assert outcome.outcome == "failed"
    assert outcome.details["wildcard_sources"] == ["gateway response DEFAULT_4XX"]
    assert "credentials_with_wildcard" in outcome.details
    assert estate.run.outcome(CORS, key(estate.wildcard_errors, "prod", "")) == "failed"


def test_http_api_allowing_any_origin_with_credentials_fails(estate: Estate) -> None:
    outcome = estate.run[CORS, key(estate.checkout, "prod")]
    assert outcome.outcome == "failed"
    assert outcome.message.endswith("together with Access-Control-Allow-Credentials: true")
    assert estate.run.outcome(CORS, key(estate.checkout, "staging")) == "passed"


def test_unreadable_gateway_responses_error(estate: Estate) -> None:
    outcome = estate.denied[CORS, key(estate.wildcard_errors, "prod", "status")]
    assert outcome.outcome == "error"
    assert "GetGatewayResponses" in outcome.message
    assert estate.denied.outcome(CORS, key(estate.petstore, "prod", "pets")) == "failed"


# --- Scope -------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_id", [AUTH, WAF, CORS])
def test_out_of_scope_stages_and_apis_are_not_targets(estate: Estate, check_id: str) -> None:
    assert estate.run.keys(check_id), "the check ran on no target at all"
    assert not estate.run.on(check_id, apis={estate.excluded.id}, stages=("dev",))
