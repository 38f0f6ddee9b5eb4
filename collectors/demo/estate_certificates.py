"""The demo estate's custom-domain certificates: the domains made before serve real ACM
certificates, and a new domain's is about to expire (``collectors.demo.estate`` builds them
last, so that the ids of what was built before never change)."""

from __future__ import annotations

from collectors.demo.builders import AccountBuilder, HttpApiBuilder

# the custom domains the estate made before it had certificates, by region
EARLIER_DOMAINS = {
    "us-east-1": ("billing.example.com", "billing-v2.example.com"),
    "eu-west-1": ("notify.example.com",),
}


def domain_certificates() -> None:
    """billing.example.com, billing-v2.example.com and notify.example.com serve imported
    certificates valid for a year; tracking.example.com, the only way into tracking-http, one
    an imported one that expires in 12 days, which ACM does not renew."""
    for region, names in EARLIER_DOMAINS.items():
        account = AccountBuilder(region)
        for name in names:
            account.use_certificate(name, account.certificate(name))

    account = AccountBuilder("us-east-1")
    track_fn = account.lambda_function("tracking-read", timeout_seconds=5)
    api = HttpApiBuilder(
        "tracking-http", tags={"team": "logistics"}, disable_execute_api_endpoint=True
    )
    jwt = api.jwt_authorizer("cognito-jwt")
    api.route(
        "GET /parcels/{id}",
        api.lambda_integration(track_fn),
        authorization="JWT",
        authorizer_id=jwt,
    )
    api.stage("prod")
    account.request_count({"ApiId": api.id, "Stage": "prod"}, 40_000)
    account.custom_domain(
        "tracking.example.com",
        [(api.id, "prod")],
        certificate_arn=account.certificate("tracking.example.com", expires_in_days=12),
    )
