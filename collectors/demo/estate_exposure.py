"""The demo estate's exposure: custom domains (one with a weak TLS policy) in front of APIs
whose default endpoint is or is not disabled, a private API pinned and one not (the pinned
one behind a private custom domain), and IAM-authorized methods behind resource policies
(``collectors.demo.estate`` builds them last, so that the ids of what was built before never
change)."""

from __future__ import annotations

from collectors.demo.builders import AccountBuilder, RestApiBuilder, invoke_policy
from collectors.demo.builders.clients import aws_client

PARTNER_ACCOUNT = "210987654321"


def _partners_policy() -> dict[str, object]:
    """GET /orders open to any signed caller; GET /invoices to the partner account only."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AnyAccountReadsOrders",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*/GET/orders",
            },
            {
                "Sid": "PartnerReadsInvoices",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "execute-api:Invoke",
                "Resource": "execute-api:/*/GET/invoices",
                "Condition": {"StringEquals": {"aws:PrincipalAccount": PARTNER_ACCOUNT}},
            },
        ],
    }


def domains_and_policies() -> None:
    """billing-legacy answers at billing.example.com (TLS_1_0) and still at its default
    endpoint; billing-v2 only at billing-v2.example.com (TLS_1_2). billing-v2 lets any AWS
    account call GET /orders, the partner account only GET /invoices. ledger-private is
    PRIVATE and pinned to a VPC endpoint; ledger-shared PRIVATE and open to every VPC."""
    account = AccountBuilder("us-east-1")
    legacy = RestApiBuilder("billing-legacy", tags={"team": "billing"})
    legacy.method("GET", "/invoices", authorization="AWS_IAM")
    legacy.stage("prod")
    account.rest_custom_domain("billing.example.com", legacy.id, "prod", "TLS_1_0")

    current = RestApiBuilder(
        "billing-v2",
        tags={"team": "billing"},
        disable_execute_api_endpoint=True,
        policy=_partners_policy(),
    )
    current.method("GET", "/orders", authorization="AWS_IAM")
    current.method("GET", "/invoices", authorization="AWS_IAM")
    current.stage("prod")
    account.rest_custom_domain("billing-v2.example.com", current.id, "prod")

    pinned = RestApiBuilder(
        "ledger-private",
        endpoint_type="PRIVATE",
        policy=invoke_policy({"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60718"}}),
    )
    pinned.method("GET", "/entries", authorization="AWS_IAM")
    pinned.stage("prod")
    shared = RestApiBuilder("ledger-shared", endpoint_type="PRIVATE", policy=invoke_policy())
    shared.method("GET", "/entries", authorization="AWS_IAM")
    shared.stage("prod")


def private_ledger_domain() -> None:
    """ledger.internal.example.com, ledger-private's private custom domain (TLS_1_2, a valid
    ACM certificate), which callers reach through VPC endpoints; ledger-private still answers
    at its default endpoint beside it."""
    account = AccountBuilder("us-east-1")
    listed = aws_client("apigateway", "us-east-1").get_rest_apis()["items"]
    ledger = next(str(api["id"]) for api in listed if api["name"] == "ledger-private")
    name = "ledger.internal.example.com"
    account.private_custom_domain(name, [(ledger, "prod", "")], account.certificate(name))
