"""The ``--demo`` estate: a small, realistic company audited in an in-process AWS emulator.

It is built to show every check both passing and failing, and the scope rules at work:
APIs excluded by each tag, stages that are not production or staging, a PRIVATE API pinned to
a VPC endpoint, Lambda functions with short and long timeouts, WAF web ACLs on two stages (one
blocking common attacks, one in count mode) and another in front of an HTTP API through
CloudFront, usage plans (API keys in one with limits,
in one without, disabled, in none), CORS preflights answering
``'*'``, caching and tracing on some stages, and a production stage still serving an old,
unauthenticated deployment after the authorizer was added but never deployed. Execution
logging, detailed metrics and the cache settings are set on some stages and methods, one of
them in eu-west-1, where API Gateway has no CloudWatch role to write the logs with. Access
logs go to log groups (one kept forever, one missing) and to Firehose, and a REST stage's
client certificate is about to expire, as is a custom domain's ACM certificate. A legacy API
keeps a database password in a stage variable and a hard-coded Authorization header, and calls
its backend over plain http://; an HTTP API's private integrations use TLS, and one does not.
A week of access-log events (``estate_traffic``) shows what stages serve: a method nobody
calls, a stage under a 4XX storm, a backend timing out, and a greedy ``{proxy+}`` serving
undeclared paths beside one that only scanners reach.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from moto import mock_aws
from moto.moto_api._internal import mock_random

from collectors.demo import estate_api_keys as api_keys
from collectors.demo import estate_backend_config as backend_config
from collectors.demo import estate_certificates as certificates
from collectors.demo import estate_exposure as exposure
from collectors.demo import estate_hardening as hardening
from collectors.demo import estate_traffic as traffic
from collectors.demo import estate_waf as waf
from collectors.demo import shims
from collectors.demo.builders import (
    AccountBuilder,
    HttpApiBuilder,
    MethodCache,
    RestApiBuilder,
    invoke_policy,
)

DEMO_REGIONS = ("us-east-1", "eu-west-1")
DEMO_VPC_ENDPOINT = "vpce-0a1b2c3d4e5f60718"
DEMO_SEED = 20261121  # moto's ids come from a seeded generator: the demo's ids never change

# Settings that could send emulated calls somewhere real: the demo runs without them.
_ENVIRONMENT_TO_CLEAR = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN")


@contextmanager
def emulated_aws(seed: int = DEMO_SEED) -> Iterator[None]:
    """An in-process emulated AWS account with dummy credentials and no outside settings.

    Ids are drawn from moto's generator seeded with ``seed``, so an estate built the same way
    gets the same API ids, and so the same test ids, on every run and in every process.
    """
    shims.install()
    mock_random.seed(seed)
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in _ENVIRONMENT_TO_CLEAR and not name.startswith("AWS_ENDPOINT_URL")
    }
    environment.update(
        AWS_ACCESS_KEY_ID="demo",
        AWS_SECRET_ACCESS_KEY="demo",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    with mock.patch.dict(os.environ, environment, clear=True), mock_aws():
        yield


def build_demo_estate() -> None:
    """Create the sample estate in the emulated account (call inside ``emulated_aws``)."""
    petstore = _petstore()
    _partner_private()
    _reports()
    _inventory_undeployed_fix()
    _excluded_rest_apis()
    checkout = _checkout_http()
    _notifications_http()
    # Added since: last, for every emulated call draws on the seeded ids, so a call made
    # earlier would change the ids (and the test ids) of everything made after it.
    hardening.petstore_logging(petstore)
    hardening.catalog_eu()
    hardening.access_logs_and_certificates(petstore, checkout)
    exposure.domains_and_policies()
    api_keys.partner_feeds()
    certificates.domain_certificates()
    waf.web_acl_rules()
    backend_config.orders_legacy()
    backend_config.stock_private()
    traffic.petstore_traffic(petstore)
    traffic.greedy_proxies()
    exposure.private_ledger_domain()


def _petstore() -> RestApiBuilder:
    """The main public REST API: mostly well configured, with realistic gaps."""
    account = AccountBuilder("us-east-1")
    list_fn = account.lambda_function("petstore-list", timeout_seconds=10)
    write_fn = account.lambda_function("petstore-write", timeout_seconds=60)
    read_fn = account.lambda_function("petstore-read", timeout_seconds=5)
    authorizer_fn = account.lambda_function("petstore-authorizer", timeout_seconds=5)
    web_acl = account.web_acl("petstore-prod-acl")

    api = RestApiBuilder("petstore-public", tags={"team": "pets", "env": "shared"})
    token_auth = api.authorizer("token-auth", authorizer_fn)
    api.authorizer("unused-cognito-style", authorizer_fn)  # defined, attached to nothing
    full = api.validator("body-and-params", body=True, parameters=True)
    params_only = api.validator("params-only", body=False, parameters=True)

    # API key only: identifies the caller, authenticates nobody.
    api.method(
        "GET",
        "/pets",
        api_key_required=True,
        validator_id=params_only,
        request_parameters={"method.request.querystring.limit": False},
        lambda_arn=list_fn,
    )
    api.method(
        "POST",
        "/pets",
        authorization="CUSTOM",
        authorizer_id=token_auth,
        validator_id=full,
        request_models={"application/json": "Empty"},
        lambda_arn=write_fn,  # 60 s function behind the default 29 s integration timeout
    )
    api.method(
        "GET",
        "/pets/{id}",
        authorization="CUSTOM",
        authorizer_id=token_auth,
        validator_id=full,
        request_parameters={"method.request.path.id": True},
        lambda_arn=read_fn,
        timeout_ms=10_000,
    )
    api.method(
        "PUT",
        "/pets/{id}",
        authorization="CUSTOM",
        authorizer_id=token_auth,
        request_models={"application/json": "Empty"},  # body accepted, never validated
        lambda_arn=write_fn,
        timeout_ms=29_000,
    )
    api.method(
        "DELETE", "/pets/{id}", authorization="AWS_IAM", http_url="https://backend.example.com/pets"
    )
    api.cors_preflight("/pets", allow_origin="'*'", status_code="204")
    api.cors_preflight("/pets/{id}", allow_origin="'https://shop.example.com'")
    api.gateway_response(
        "DEFAULT_4XX",
        {"gatewayresponse.header.Access-Control-Allow-Origin": "'https://shop.example.com'"},
    )

    api.stage(
        "prod",
        tracing=True,
        cache_cluster=True,
        rate=500,
        burst=200,
        caching=False,
        methods={
            "GET /pets/{id}": MethodCache(caching=True, rate=100, burst=50),
            "POST /pets": MethodCache(caching=False, rate=20_000, burst=5_000),
        },
        web_acl_arn=web_acl,
        variables={"backendKey": "not-a-real-secret"},
    )
    api.stage("staging")
    api.stage("dev")
    api.usage_plan("prod", rate=100, burst=50, method_throttles={"/pets/GET": (10, 5)})
    api.usage_plan("staging", rate=50, burst=10)
    account.request_count({"ApiName": api.name, "Stage": "prod"}, 2_500_000)
    account.request_count({"ApiName": api.name, "Stage": "staging"}, 4_200)
    account.request_count({"ApiName": api.name, "Stage": "dev"}, 12)
    return api


def _partner_private() -> None:
    """A PRIVATE API reachable only through one VPC endpoint; no per-method authorizer."""
    account = AccountBuilder("us-east-1")
    partner_fn = account.lambda_function("partner-sync", timeout_seconds=20)
    api = RestApiBuilder(
        "partner-private",
        endpoint_type="PRIVATE",
        policy=invoke_policy({"StringEquals": {"aws:SourceVpce": DEMO_VPC_ENDPOINT}}),
    )
    api.method("GET", "/inventory", lambda_arn=partner_fn, timeout_ms=25_000)
    api.method(
        "POST",
        "/inventory",
        validator_id=api.validator("body-only", body=True, parameters=False),
        request_models={"application/json": "Empty"},
        lambda_arn=partner_fn,
        timeout_ms=25_000,
    )
    api.stage("production", tracing=True, rate=50, burst=20, caching=False)
    api.stage("nonprod")
    account.request_count({"ApiName": api.name, "Stage": "production"}, 30_000)


def _reports() -> None:
    """A REST API using no REST-only feature and barely called: cost findings. Its default
    endpoint refuses TLS 1.0 and 1.1 (TLS_1_2)."""
    account = AccountBuilder("us-east-1")
    reports_fn = account.lambda_function("reports-render", timeout_seconds=15)
    api = RestApiBuilder("reports-api", tags={"team": "finance"}, security_policy="TLS_1_2")
    api.method("GET", "/reports", authorization="AWS_IAM", lambda_arn=reports_fn)
    api.stage("live", rate=20_000, burst=10_000)
    account.request_count({"ApiName": api.name, "Stage": "live"}, 40)


def _inventory_undeployed_fix() -> None:
    """An authorizer added to GET /items in the console and deployed to staging only: prod
    still serves the deployment where the method is open to anyone. Its default endpoint
    takes TLS 1.2 or later only (an enhanced security policy, STRICT access)."""
    account = AccountBuilder("us-east-1")
    items_fn = account.lambda_function("inventory-items", timeout_seconds=10)
    authorizer_fn = account.lambda_function("inventory-authorizer", timeout_seconds=5)
    api = RestApiBuilder(
        "inventory-api",
        tags={"team": "stock"},
        security_policy="SecurityPolicy_TLS13_1_2_2021_06",
        endpoint_access_mode="STRICT",
    )
    api.method("GET", "/items", lambda_arn=items_fn)
    api.deploy("first release")
    api.stage("prod", tracing=True, rate=100, burst=50, web_acl_arn=account.web_acl("stock-acl"))
    token = api.authorizer("stock-token", authorizer_fn)
    # the method redefined with the authorizer (a method is replaced whole, as PutMethod does)
    api.method("GET", "/items", authorization="CUSTOM", authorizer_id=token, lambda_arn=items_fn)
    api.deploy("GET /items behind stock-token")
    api.stage("staging", tracing=True, rate=100, burst=50)
    account.request_count({"ApiName": api.name, "Stage": "prod"}, 120_000)
    account.request_count({"ApiName": api.name, "Stage": "staging"}, 3_000)


def _excluded_rest_apis() -> None:
    """Out of scope by tag: one ``Internal=true``, one ``ExcludeFromAudit=TRUE``."""
    internal = RestApiBuilder("orders-internal-gw", tags={"Internal": "true"})
    internal.method("GET", "/orders")
    internal.stage("prod")
    legacy = RestApiBuilder("legacy-batch", tags={"ExcludeFromAudit": "TRUE"})
    legacy.method("POST", "/jobs")
    legacy.stage("prod")


def _checkout_http() -> HttpApiBuilder:
    """An HTTP API with a JWT authorizer, one open route and CORS open to any origin."""
    account = AccountBuilder("us-east-1")
    cart_fn = account.lambda_function("checkout-cart", timeout_seconds=10)
    pay_fn = account.lambda_function("checkout-pay", timeout_seconds=45)
    api = HttpApiBuilder(
        "checkout-http", tags={"team": "checkout"}, cors_origins=("*",), cors_credentials=True
    )
    jwt = api.jwt_authorizer("cognito-jwt")
    cart = api.lambda_integration(cart_fn, timeout_ms=15_000)
    pay = api.lambda_integration(pay_fn)  # 45 s function, 30 s default integration timeout
    api.route("GET /cart", cart, authorization="JWT", authorizer_id=jwt)
    api.route("POST /cart", cart)  # no authorization at all
    api.route("POST /pay", pay, authorization="JWT", authorizer_id=jwt)
    api.stage("prod", rate=200, burst=100, routes={"POST /pay": (20, 10)})
    api.stage("staging")
    api.stage("dev")
    account.request_count({"ApiId": api.id, "Stage": "prod"}, 900_000)
    account.request_count({"ApiId": api.id, "Stage": "staging"}, 15)
    return api


def _notifications_http() -> None:
    """A second region: a tidy HTTP API, and an excluded one beside it."""
    account = AccountBuilder("eu-west-1")
    notify_fn = account.lambda_function("notify-send", timeout_seconds=5)
    # eu-west-1's account limit was lowered for this account
    account.limits(rate=2_000, burst=1_000)
    api = HttpApiBuilder(
        "notifications-http",
        region="eu-west-1",
        cors_origins=("https://app.example.com",),
        disable_execute_api_endpoint=True,
    )
    jwt = api.jwt_authorizer("cognito-jwt")
    send = api.lambda_integration(notify_fn, timeout_ms=10_000)
    api.route("POST /notify", send, authorization="JWT", authorizer_id=jwt)
    api.route("GET /status", send, authorization="AWS_IAM")
    api.stage("prod-eu-1", rate=100, burst=50)
    # the only way in: a custom domain behind CloudFront with a web ACL
    origin = account.custom_domain("notify.example.com", [(api.id, "prod-eu-1")])
    account.cloudfront_distribution(origin, account.web_acl("notify-edge", scope="CLOUDFRONT"))
    account.request_count({"ApiId": api.id, "Stage": "prod-eu-1"}, 75_000)
    sandbox = HttpApiBuilder("sandbox-http", region="eu-west-1", tags={"ExcludeFromAudit": "true"})
    sandbox.route("GET /ping", sandbox.lambda_integration(notify_fn))
    sandbox.stage("prod")
