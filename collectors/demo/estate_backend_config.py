"""The demo estate's backend configuration: credentials written into stage variables and an
integration's static header, an HTTP backend reached over plain http://, and HTTP API private
integrations with and without TLS (``collectors.demo.estate`` builds them last, so that the
ids of what was built before never change).

The credentials are fake and recognisable (``DEMO_PASSWORD``, ``DEMO_BASIC_CREDENTIALS``): the
tests look for them in every output the audit writes, where they must never appear.
"""

from __future__ import annotations

from collectors.demo.builders import ACCOUNT_ID, HttpApiBuilder, RestApiBuilder

DEMO_PASSWORD = "Kx9-demo-only-Tr0ub4dor"
# base64 of demo-user:demo-only-password
DEMO_BASIC_CREDENTIALS = "Basic ZGVtby11c2VyOmRlbW8tb25seS1wYXNzd29yZA=="
_LISTENER = (
    f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT_ID}:listener/app/stock-internal/"
    "50dc6c495c0c9188/0467ef3c8400ae65"
)


def orders_legacy() -> None:
    """orders-legacy (REST) still calls its old backend with a hard-coded Authorization header,
    GET /orders over plain http:// (GET /status over https://); prod keeps the database
    password in a stage variable, staging only the backend's host name."""
    api = RestApiBuilder("orders-legacy", tags={"team": "orders"})
    api.method("GET", "/orders", authorization="AWS_IAM")
    api.http_integration(
        "GET",
        "/orders",
        "http://orders-backend.example.com/orders",
        request_parameters={
            "integration.request.header.Authorization": f"'{DEMO_BASIC_CREDENTIALS}'"
        },
    )
    api.method(
        "GET",
        "/status",
        authorization="AWS_IAM",
        http_url="https://orders-backend.example.com/status",
    )
    api.stage(
        "prod", variables={"dbPassword": DEMO_PASSWORD, "backendHost": "orders-backend.example.com"}
    )
    api.stage("staging", variables={"backendHost": "orders-backend.example.com"})


def stock_private() -> None:
    """stock-private (HTTP API) reaches an internal load balancer through VPC links: GET /stock
    with a TlsConfig (HTTPS, verifying the backend's name), GET /reports without (HTTP)."""
    api = HttpApiBuilder("stock-private", tags={"team": "stock"})
    verified = api.http_integration(
        _LISTENER, private=True, tls_server_name="stock.internal.example.com"
    )
    plaintext = api.http_integration(_LISTENER, private=True)
    api.route("GET /stock", verified, authorization="AWS_IAM")
    api.route("GET /reports", plaintext, authorization="AWS_IAM")
    api.stage("prod")
