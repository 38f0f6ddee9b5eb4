"""Authorization, perimeter (WAF) and CORS checks on an emulated estate."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from collectors.demo.builders import AccountBuilder, HttpApiBuilder, RestApiBuilder, invoke_policy
from collectors.demo.estate import emulated_aws
from tests_unit.checks_harness import AuditRun, audit_account, denying, key

AUTH, WAF, CORS = "APIGW-AUTH-001", "APIGW-WAF-001", "APIGW-CORS-001"
VPC_ENDPOINT = "vpce-0123456789abcdef0"
NOT_READ = "(deployed definition not read)"
DEFAULT_ENDPOINT = "the default execute-api endpoint"
ORIGIN = "method.request.header.Origin"
ECHO_ORIGIN_TEMPLATE = (
    "#set($origin = $input.params().header.get('Origin'))\n"
    "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)\n"
    "#set($context.responseOverride.header.Access-Control-Allow-Credentials = 'true')\n"
)


@dataclass
class Estate:
    petstore: RestApiBuilder
    pinned: RestApiBuilder  # PRIVATE, policy pinned to a VPC endpoint
    open_private: RestApiBuilder  # PRIVATE, policy allowing anyone
    wildcard_errors: RestApiBuilder  # a gateway response answers '*'
    checkout: HttpApiBuilder
    fronted_http: HttpApiBuilder  # default endpoint off, custom domain behind CloudFront + ACL
    unfiltered_http: HttpApiBuilder  # default endpoint off, CloudFront without a web ACL
    open_http: HttpApiBuilder  # behind CloudFront + ACL, but the default endpoint is open
    fronted_rest: RestApiBuilder  # no stage web ACL, fronted like fronted_http
    hooks: RestApiBuilder  # OPTIONS with a Lambda proxy integration
    reflecting: RestApiBuilder  # preflight echoing the Origin with credentials, on staging
    proxied: RestApiBuilder  # Lambda proxy integrations only, no CORS header configured
    excluded: RestApiBuilder
    run: AuditRun
    denied: AuditRun


def _front_with_cloudfront(
    account: AccountBuilder, domain: str, api_id: str, web_acl: str | None
) -> None:
    """A custom domain mapping ``api_id``/prod, with a CloudFront distribution as its front."""
    regional_name = account.custom_domain(domain, [(api_id, "prod")])
    account.cloudfront_distribution(regional_name, web_acl)


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        account = AccountBuilder()
        auth_fn = account.lambda_function("authorizer", timeout_seconds=5)
        backend = account.lambda_function("backend", timeout_seconds=5)
        edge_acl = account.web_acl("edge-acl", scope="CLOUDFRONT")

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
        wildcard_errors.method("GET", "/health", authorization="AWS_IAM")
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

        http_apis = {}
        for name, closed, web_acl in (
            ("fronted-http", True, edge_acl),
            ("unfiltered-http", True, None),
            ("open-http", False, edge_acl),
        ):
            api = HttpApiBuilder(name, disable_execute_api_endpoint=closed)
            api.route("GET /ping", api.lambda_integration(backend), authorization="AWS_IAM")
            api.stage("prod")
            _front_with_cloudfront(account, f"{name}.example.com", api.id, web_acl)
            http_apis[name] = api

        fronted_rest = RestApiBuilder("fronted-rest", disable_execute_api_endpoint=True)
        fronted_rest.method("GET", "/ping", authorization="AWS_IAM", lambda_arn=backend)
        fronted_rest.stage("prod")
        # AccountBuilder.custom_domain maps through apigatewayv2, which moto refuses for a REST
        # API: a REST (v1) regional domain and base path mapping, listed by apigatewayv2 as on AWS
        domain = fronted_rest.client.create_domain_name(
            domainName="fronted-rest.example.com",
            regionalCertificateArn="arn:aws:acm:us-east-1:123456789012:certificate/demo",
            endpointConfiguration={"types": ["REGIONAL"]},
        )
        fronted_rest.client.create_base_path_mapping(
            domainName="fronted-rest.example.com", restApiId=fronted_rest.id, stage="prod"
        )
        account.cloudfront_distribution(domain["regionalDomainName"], edge_acl)

        hooks = RestApiBuilder("hooks")
        hooks.method("OPTIONS", "/hooks", lambda_arn=backend)  # reaches the backend
        hooks.method("POST", "/hooks", authorization="AWS_IAM", lambda_arn=backend)
        hooks.cors_preflight("/status")  # a MOCK preflight
        hooks.method("GET", "/status", authorization="AWS_IAM")
        hooks.stage("prod")

        # Integration responses may not map request headers
        # (rest-api-parameter-mapping-sources.html): a preflight echoes the Origin through
        # its response template, and a gateway response through method.request.header.Origin.
        reflecting = RestApiBuilder("reflecting")
        reflecting.method("GET", "/me", authorization="AWS_IAM")
        reflecting.cors_preflight("/me", allow_origin="'https://app.example.com'")
        reflecting.client.put_integration_response(
            restApiId=reflecting.id,
            resourceId=reflecting.resource("/me"),
            httpMethod="OPTIONS",
            statusCode="200",
            responseTemplates={"application/json": ECHO_ORIGIN_TEMPLATE},
        )
        reflecting.gateway_response(
            "DEFAULT_4XX",
            {
                "gatewayresponse.header.Access-Control-Allow-Origin": ORIGIN,
                "gatewayresponse.header.Access-Control-Allow-Credentials": "'true'",
            },
        )
        reflecting.stage("staging")

        proxied = RestApiBuilder("proxied")
        proxied.method("GET", "/orders", authorization="AWS_IAM", lambda_arn=backend)
        proxied.method("POST", "/orders", authorization="AWS_IAM", lambda_arn=backend)
        proxied.stage("prod")

        excluded = RestApiBuilder("internal-tools", tags={"Internal": "true"})
        excluded.method("GET", "/tools")
        excluded.stage("prod")

        run = audit_account(tmp_path_factory)
        denied_session = denying(
            f"/restapis/{petstore.id}/resources",  # the current definition only
            f"/restapis/{pinned.id}/stages/prod/exports/",  # GetExport
            f"/restapis/{open_private.id}/deployments/",  # GetDeployment
            f"/restapis/{wildcard_errors.id}/gatewayresponses",  # the current definition only
            f"/apis/{checkout.id}/stages",
        )
        denied = audit_account(tmp_path_factory, denied_session)
    return Estate(
        petstore,
        pinned,
        open_private,
        wildcard_errors,
        checkout,
        http_apis["fronted-http"],
        http_apis["unfiltered-http"],
        http_apis["open-http"],
        fronted_rest,
        hooks,
        reflecting,
        proxied,
        excluded,
        run,
        denied,
    )


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
    # the deployed definition names authorizers (the export carries no ids)
    assert outcome.details["authorizers_defined_not_attached"] == ["forgotten-auth", "token-auth"]
    assert "not attached: forgotten-auth, token-auth" in outcome.message


def test_api_key_required_without_authorizer_is_not_authorization(estate: Estate) -> None:
    outcome = estate.run[AUTH, key(estate.petstore, "prod", "GET /pets")]
    assert outcome.outcome == "failed"
    assert "apiKeyRequired=true is not authorization" in outcome.message
    assert outcome.details["api_key_required"] is True
    assert "not authorization" in outcome.details["api_key_note"]


def test_methods_are_judged_on_the_deployment_the_stage_serves(estate: Estate) -> None:
    outcome = estate.run[AUTH, key(estate.petstore, "prod", "POST /pets")]
    assert outcome.details["judged_on"].startswith("deployment ")


def test_private_api_pinned_to_a_vpc_endpoint_passes_with_the_evidence(estate: Estate) -> None:
    outcome = estate.run[AUTH, key(estate.pinned, "prod", "GET /stock")]
    assert outcome.outcome == "passed"
    assert f"aws:SourceVpce={VPC_ENDPOINT}" in outcome.details["network_restriction"]


def test_private_api_whose_policy_allows_anyone_fails(estate: Estate) -> None:
    outcome = estate.run[AUTH, key(estate.open_private, "prod", "GET /stock")]
    assert outcome.outcome == "failed"
    assert "does not limit callers to aws:SourceVpce/aws:SourceVpc" in outcome.message


def test_mock_cors_preflights_are_not_authorization_targets(estate: Estate) -> None:
    assert not [k for k in estate.run.keys(AUTH) if "OPTIONS /pets" in k]
    assert key(estate.hooks, "prod", "OPTIONS /status") not in estate.run.keys(AUTH)


def test_options_method_reaching_a_lambda_is_audited_and_fails_without_authorizer(
    estate: Estate,
) -> None:
    outcome = estate.run[AUTH, key(estate.hooks, "prod", "OPTIONS /hooks")]
    assert outcome.outcome == "failed"
    assert outcome.message.startswith(
        "OPTIONS /hooks on hooks/prod has no authorizer (authorizationType=NONE)"
    )
    assert estate.run.outcome(AUTH, key(estate.hooks, "prod", "POST /hooks")) == "passed"


def test_http_options_route_with_an_integration_is_audited_even_with_cors_configured(
    estate: Estate,
) -> None:
    """API Gateway answers only real preflights itself; other OPTIONS reach the Lambda."""
    outcome = estate.run[AUTH, key(estate.checkout, "prod", "OPTIONS /cart")]
    assert outcome.outcome == "failed"
    assert outcome.message.startswith("route OPTIONS /cart on checkout/prod has no authorizer")


def test_unread_deployment_errors_the_stage_methods_with_the_failed_call(estate: Estate) -> None:
    deployment = estate.denied[AUTH, key(estate.open_private, "prod", NOT_READ)]
    assert deployment.outcome == "error"
    assert "GetDeployment" in deployment.message
    assert key(estate.open_private, "prod", "GET /stock") not in estate.denied.keys(AUTH)


def test_an_unexported_stage_is_judged_on_the_authorization_its_api_summary_gives(
    estate: Estate,
) -> None:
    """GetExport denied, GetDeployment's API summary read: authorization is still known."""
    outcome = estate.denied[AUTH, key(estate.pinned, "prod", "GET /stock")]
    assert (outcome.outcome, outcome.details["authorization_type"]) == ("passed", "NONE")
    assert outcome.details["network_restriction"]


def test_unreadable_current_resources_do_not_hide_the_deployed_methods(estate: Estate) -> None:
    assert estate.denied.outcome(AUTH, key(estate.petstore, "prod", "POST /pets")) == "passed"
    assert estate.denied.outcome(AUTH, key(estate.petstore, "prod", "GET /pets")) == "failed"


# --- Perimeter Defense Missing ---------------------------------------------------------------


def test_rest_stage_with_a_web_acl_passes(estate: Estate) -> None:
    outcome = estate.run[WAF, key(estate.petstore, "prod")]
    assert outcome.outcome == "passed"
    assert outcome.details["web_acl_arn"].startswith("arn:aws:wafv2:")
    assert outcome.details["protected_by"] == [
        f"web ACL {outcome.details['web_acl_arn']} on the stage"
    ]


def test_rest_stage_without_a_web_acl_fails_through_its_default_endpoint(estate: Estate) -> None:
    outcome = estate.run[WAF, key(estate.petstore, "staging")]
    assert outcome.outcome == "failed"
    assert outcome.message.startswith(
        f"stage petstore/staging is reachable without AWS WAF through {DEFAULT_ENDPOINT}: "
        "associate a web ACL with the stage, or put a CloudFront distribution"
    )
    assert outcome.details["open_ways_in"] == [DEFAULT_ENDPOINT]


def test_http_api_stage_fails_while_its_default_endpoint_is_open(estate: Estate) -> None:
    outcome = estate.run[WAF, key(estate.checkout, "prod")]
    assert outcome.outcome == "failed"
    assert outcome.details["open_ways_in"] == [DEFAULT_ENDPOINT]
    assert outcome.details["disable_execute_api_endpoint"] is False
    assert "CloudFront distribution with an AWS WAF web ACL" in outcome.message


def test_http_api_reached_only_through_cloudfront_with_a_web_acl_passes(estate: Estate) -> None:
    outcome = estate.run[WAF, key(estate.fronted_http, "prod")]
    assert outcome.outcome == "passed"
    assert outcome.details["open_ways_in"] == []
    protected_by = outcome.details["protected_by"]
    assert protected_by[0] == f"{DEFAULT_ENDPOINT} is disabled"
    assert protected_by[1].startswith("custom domain fronted-http.example.com behind CloudFront ")
    assert "with web ACL arn:aws:wafv2:" in protected_by[1]


def test_custom_domain_behind_cloudfront_without_a_web_acl_is_a_way_in(estate: Estate) -> None:
    outcome = estate.run[WAF, key(estate.unfiltered_http, "prod")]
    assert outcome.outcome == "failed"
    (open_way,) = outcome.details["open_ways_in"]
    assert open_way.startswith("custom domain unfiltered-http.example.com (CloudFront ")
    assert open_way.endswith(" in front of it has no web ACL)")


def test_cloudfront_in_front_does_not_cover_an_open_default_endpoint(estate: Estate) -> None:
    outcome = estate.run[WAF, key(estate.open_http, "prod")]
    assert outcome.outcome == "failed"
    assert outcome.details["open_ways_in"] == [DEFAULT_ENDPOINT]
    assert outcome.details["protected_by"][0].startswith("custom domain open-http.example.com")


def test_rest_stage_without_web_acl_but_fronted_by_cloudfront_with_one_passes(
    estate: Estate,
) -> None:
    outcome = estate.run[WAF, key(estate.fronted_rest, "prod")]
    assert outcome.outcome == "passed"
    assert outcome.details["web_acl_arn"] is None
    assert outcome.details["open_ways_in"] == []


def test_private_api_pinned_to_vpc_endpoints_has_the_network_as_perimeter(
    estate: Estate,
) -> None:
    outcome = estate.run[WAF, key(estate.pinned, "prod")]
    assert outcome.outcome == "passed"
    assert outcome.details["open_ways_in"] == []
    assert outcome.details["protected_by"] == [
        f"resource policy allows Invoke only with aws:SourceVpce={VPC_ENDPOINT}"
    ]


def test_private_api_open_to_any_vpc_endpoint_fails(estate: Estate) -> None:
    outcome = estate.run[WAF, key(estate.open_private, "prod")]
    assert outcome.outcome == "failed"
    assert outcome.details["open_ways_in"] == [
        "VPC endpoints of any account: the resource policy does not limit GET /stock to "
        "named VPC endpoints or VPCs"
    ]
    assert outcome.message.endswith(
        "limit the resource policy to your VPC endpoints (aws:SourceVpce)"
    )


def test_private_perimeter_is_judged_on_the_deployed_methods_without_the_export(
    estate: Estate,
) -> None:
    """The API summary lists the deployed methods; without the export's policy, the API's
    own policy is the one known."""
    assert estate.denied.outcome(WAF, key(estate.pinned, "prod")) == "passed"


def test_private_perimeter_error_names_the_failed_call(estate: Estate) -> None:
    outcome = estate.denied[WAF, key(estate.open_private, "prod")]
    assert outcome.outcome == "error"
    assert "GetDeployment" in outcome.message


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
    assert outcome.details["allow_credentials"] is True
    assert outcome.message.endswith("together with Access-Control-Allow-Credentials: true")
    assert estate.run.outcome(CORS, key(estate.wildcard_errors, "prod", "health")) == "failed"


def test_resources_without_a_deployed_method_are_not_cors_targets(estate: Estate) -> None:
    # the deployed definition (apiSummary, export paths) lists only resources with methods
    assert key(estate.wildcard_errors, "prod", "") not in estate.run.keys(CORS)


def test_preflight_reflecting_the_origin_with_credentials_fails_even_on_staging(
    estate: Estate,
) -> None:
    outcome = estate.run[CORS, key(estate.reflecting, "staging", "me")]
    assert outcome.outcome == "failed"
    assert outcome.details["environment"] == "staging"
    assert outcome.details["reflected_origin_sources"] == [
        "OPTIONS response template 200",
        "gateway response DEFAULT_4XX",
    ]
    assert outcome.message == (
        "/me on reflecting/staging echoes the caller's Origin back with "
        "Access-Control-Allow-Credentials: true (in OPTIONS response template 200, gateway "
        "response DEFAULT_4XX): any website can read authenticated responses"
    )


def test_resource_whose_origin_policy_is_left_to_proxy_backends_is_skipped(
    estate: Estate,
) -> None:
    outcome = estate.run[CORS, key(estate.proxied, "prod", "orders")]
    assert outcome.outcome == "skipped"
    assert outcome.message == (
        "the Access-Control-Allow-Origin of GET (AWS_PROXY), POST (AWS_PROXY) is set by the "
        "backend, which the configuration does not show"
    )
    assert outcome.details["origin_policy"] == outcome.message


def test_http_api_allowing_any_origin_with_credentials_fails(estate: Estate) -> None:
    outcome = estate.run[CORS, key(estate.checkout, "prod")]
    assert outcome.outcome == "failed"
    assert outcome.message.endswith("together with Access-Control-Allow-Credentials: true")
    assert estate.run.outcome(CORS, key(estate.checkout, "staging")) == "passed"


def test_gateway_responses_are_read_from_the_deployed_definition(estate: Estate) -> None:
    # GetGatewayResponses (the current definition) was denied: the export still has them
    outcome = estate.denied[CORS, key(estate.wildcard_errors, "prod", "status")]
    assert outcome.outcome == "failed"
    assert outcome.details["wildcard_sources"] == ["gateway response DEFAULT_4XX"]
    assert estate.denied.outcome(CORS, key(estate.petstore, "prod", "pets")) == "failed"


def test_unreadable_export_errors_the_cors_check(estate: Estate) -> None:
    outcome = estate.denied[CORS, key(estate.pinned, "prod", "stock")]
    assert outcome.outcome == "error"
    assert "GetExport" in outcome.message


# --- Scope -------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_id", [AUTH, WAF, CORS])
def test_out_of_scope_stages_and_apis_are_not_targets(estate: Estate, check_id: str) -> None:
    assert estate.run.keys(check_id), "the check ran on no target at all"
    assert not estate.run.on(check_id, apis={estate.excluded.id}, stages=("dev",))


def test_http_api_allowing_every_origin_of_a_scheme_is_any_origin_echoed_back(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """AllowOrigins "https://*" allows any origin beginning with https:// (http-api-cors.html),
    answered with the caller's own Origin: any origin on production, and with credentials any
    site reading authenticated responses, staging included."""
    with emulated_aws():
        account = AccountBuilder()
        backend = account.lambda_function("shop", timeout_seconds=5)
        apis = {}
        for name, credentials in (("scheme-open", False), ("scheme-credentials", True)):
            api = HttpApiBuilder(name, cors_origins=("https://*",), cors_credentials=credentials)
            api.route("GET /items", api.lambda_integration(backend))
            api.stage("prod")
            api.stage("staging")
            apis[name] = api
        exact = HttpApiBuilder("exact", cors_origins=("https://shop.example.com",))
        exact.route("GET /items", exact.lambda_integration(backend))
        exact.stage("prod")
        run = audit_account(tmp_path_factory)
    open_prod = run[CORS, key(apis["scheme-open"], "prod")]
    assert open_prod.outcome == "failed"
    assert "CorsConfiguration.AllowOrigins https://*" in open_prod.message
    assert run.outcome(CORS, key(apis["scheme-open"], "staging")) == "passed"  # tolerated
    for stage in ("prod", "staging"):
        outcome = run[CORS, key(apis["scheme-credentials"], stage)]
        assert outcome.outcome == "failed"
        assert "echoes the caller's Origin back" in outcome.message
    assert run.outcome(CORS, key(exact, "prod")) == "passed"


def test_a_domain_behind_a_multi_tenant_distribution_is_unknown_not_covered(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A multi-tenant distribution (ConnectionMode tenant-only) serves distribution tenants,
    each of which may override its web ACL or turn it off (API_WebAclCustomization.html):
    the tenants unread, what stands in front of the domain is unknown (WAF-001 and 002), not
    the distribution's web ACL."""
    with emulated_aws():
        account = AccountBuilder()
        web_acl = account.web_acl("tenant-acl")
        api = HttpApiBuilder("tenanted", disable_execute_api_endpoint=True)
        api.route("GET /items", api.lambda_integration(account.lambda_function("t", 5)))
        api.stage("prod")
        regional = account.custom_domain("tenanted.example.com", [(api.id, "prod")])
        account.cloudfront_distribution(regional, web_acl, multi_tenant=True)
        run = audit_account(tmp_path_factory)
    for check in (WAF, "APIGW-WAF-002"):
        outcome = run[check, key(api, "prod")]
        assert outcome.outcome == "error", check
        assert "is multi-tenant (ConnectionMode tenant-only)" in outcome.message
