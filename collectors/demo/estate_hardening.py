"""The demo estate's stage hardening: execution logs, metrics, the cache, access logs and
client certificates (``collectors.demo.estate`` builds them last, so that the ids of what
was built before never change)."""

from __future__ import annotations

from collectors.demo.builders import (
    ACCOUNT_ID,
    AccountBuilder,
    HttpApiBuilder,
    RestApiBuilder,
    log_formats,
)
from collectors.demo.shims import set_cloudwatch_role


def petstore_logging(api: RestApiBuilder) -> None:
    """petstore's prod is logged, measured and its cache encrypted, on the stage and on each
    method with settings of its own (which replace the stage's); but full request logging
    was left on for POST /pets after debugging it. us-east-1 has API Gateway's CloudWatch
    role (eu-west-1 has none: ``catalog_eu``)."""
    role = f"arn:aws:iam::{ACCOUNT_ID}:role/apigateway-cloudwatch-logs"
    AccountBuilder("us-east-1").cloudwatch_role(role)
    api.method_settings("prod", logging="INFO", metrics=True, cache_encrypted=True)
    api.method_settings(
        "prod", "GET /pets/{id}", logging="INFO", metrics=True, cache_encrypted=True
    )
    api.method_settings("prod", "POST /pets", logging="INFO", metrics=True, data_trace=True)


def catalog_eu() -> None:
    """A cached, read-mostly REST API in eu-west-1, whose account's CloudWatch role was removed
    after its stage's execution logging was configured with it: that logging writes nothing.
    Its cache is neither encrypted nor guarded (but keyed by the caller's token where a token
    authorizes), and staging keeps a cache cluster left over from a load test."""
    account = AccountBuilder("eu-west-1")
    catalog_fn = account.lambda_function("catalog-read", timeout_seconds=5, region="eu-west-1")
    token_fn = account.lambda_function("catalog-token", timeout_seconds=5, region="eu-west-1")
    api = RestApiBuilder("catalog-eu", region="eu-west-1", tags={"team": "catalog"})
    api.method("GET", "/products", authorization="AWS_IAM", lambda_arn=catalog_fn)
    token = "method.request.header.Authorization"
    api.method(
        "GET",
        "/products/{id}",
        authorization="CUSTOM",
        authorizer_id=api.authorizer("catalog-token", token_fn),
        validator_id=api.validator("params", body=False, parameters=True),
        request_parameters={"method.request.path.id": True, token: True},
        lambda_arn=catalog_fn,
        cache_key_parameters=["method.request.path.id", token],
    )
    api.stage(
        "prod",
        tracing=True,
        cache_cluster=True,
        cache_size="1.6",
        rate=200,
        burst=100,
        caching=True,
    )
    # AWS refuses logging without the region's role: set (with no call: the demo's ids stay)
    # for the settings, removed after
    set_cloudwatch_role("eu-west-1", f"arn:aws:iam::{ACCOUNT_ID}:role/catalog-logs")
    api.method_settings("prod", logging="ERROR", metrics=True, cache_control_authorized=False)
    set_cloudwatch_role("eu-west-1", None)
    api.stage("staging", tracing=True, cache_cluster=True, cache_size="6.1", rate=50, burst=20)
    account.request_count({"ApiName": api.name, "Stage": "prod"}, 640_000)
    account.request_count({"ApiName": api.name, "Stage": "staging"}, 2_100)


def access_logs_and_certificates(petstore: RestApiBuilder, checkout: HttpApiBuilder) -> None:
    """petstore logs prod for 90 days, but staging to a group kept forever; checkout streams
    prod's access logs to Firehose, while staging's log group was never created and its
    format leaves the source IP out. petstore's prod presents a client certificate to its
    HTTP backend; staging's expires within the month."""
    account = AccountBuilder("us-east-1")
    prod_logs = account.log_group("/aws/apigateway/petstore-public/prod", retention_days=90)
    petstore.access_logs("prod", prod_logs, log_formats.REST_JSON)
    staging_logs = account.log_group("/aws/apigateway/petstore-public/staging")
    petstore.access_logs("staging", staging_logs, log_formats.REST_CLF)
    petstore.client_certificate("prod", account.client_certificate())
    petstore.client_certificate("staging", account.client_certificate(expires_in_days=12))
    checkout.access_logs(
        "prod",
        f"arn:aws:firehose:us-east-1:{ACCOUNT_ID}:deliverystream/amazon-apigateway-checkout",
        log_formats.HTTP_JSON,
    )
    checkout.access_logs(
        "staging",
        f"arn:aws:logs:us-east-1:{ACCOUNT_ID}:log-group:/aws/apigateway/checkout-http/staging",
        "$context.requestId $context.routeKey $context.status",
    )
