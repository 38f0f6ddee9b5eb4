"""How API Gateway reaches an operation's HTTP backend: over TLS, or in plaintext.

An HTTP or HTTP_PROXY integration speaks the scheme of its URI: ``http://`` is plaintext, on
the internet or through a REST or WebSocket VPC link to a load balancer ("By default, private
integration traffic uses the HTTP protocol. To use HTTPS, specify an uri that contains a
secure server name", https://docs.aws.amazon.com/apigateway/latest/developerguide/private-integration.html).
An HTTP API private integration's URI is a load-balancer listener or Cloud Map ARN: its traffic
is HTTPS only when it has a TlsConfig
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html;
Security Hub APIGateway.10, AWS Config apigatewayv2-integration-private-https-enabled).
Lambda, AWS service and MOCK integrations are AWS's own calls over HTTPS, or no call at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.policy.backend_auth import HTTP_INTEGRATION_TYPES
from checks.policy.hardening import NotApplicable
from checks.policy.labels import label
from collectors.errors import DataUnavailable
from collectors.model import V2Integration
from collectors.targets import RestMethodTarget, V2RouteTarget

VPC_LINK = "VPC_LINK"


@dataclass(frozen=True)
class BackendTransport:
    """The operation's HTTP integration and how it reaches its backend."""

    integration_type: str
    connection_type: str  # INTERNET or VPC_LINK
    uri: str | None
    protocol: str  # "HTTPS" or "HTTP"
    # HTTP API private integrations: whether they have a TlsConfig, which decides the protocol
    # (None: the URI's scheme does), and the server name it verifies
    tls_config: bool | None = None
    tls_server_name: str | None = None

    @property
    def plaintext(self) -> bool:
        return self.protocol == "HTTP"

    @property
    def private(self) -> bool:
        return self.connection_type == VPC_LINK


def _scheme(target: RestMethodTarget | V2RouteTarget, uri: str | None) -> str:
    """``HTTPS`` or ``HTTP``, from the URI (a scheme is case-insensitive); AWS requires an
    HTTP integration's URI to be a full http(s) URL, so any other is ``DataUnavailable``."""
    scheme = (uri or "").partition("://")[0].lower()
    if scheme in ("https", "http"):
        return scheme.upper()
    raise DataUnavailable(f"the integration URI of {label(target)} is not an http(s) URL: {uri!r}")


def backend_transport(
    target: RestMethodTarget | V2RouteTarget,
) -> BackendTransport | NotApplicable:
    """How the operation's HTTP integration reaches its backend. ``NotApplicable`` for
    Lambda, AWS service and MOCK integrations; ``DataUnavailable`` when the integration
    (a REST deployment's export) or an HTTP API's TlsConfig was not read."""
    if isinstance(target, RestMethodTarget):
        target.require_export()  # else the deployed integration is unknown
    integration = target.integration
    if integration is None:
        return NotApplicable(f"{label(target)} has no integration: no backend is called")
    kind = integration.type.upper()
    if kind not in HTTP_INTEGRATION_TYPES:
        return NotApplicable(
            f"{label(target)} has a {kind} integration: API Gateway calls Lambda and AWS "
            "services over HTTPS itself, and a MOCK calls no backend"
        )
    connection = integration.connection_type or "INTERNET"
    if (
        isinstance(integration, V2Integration)
        and target.api.api_type == "HTTP"
        and connection == VPC_LINK
    ):
        tls = integration.tls
        if tls is None:
            raise DataUnavailable(
                f"the TlsConfig of the private integration of {label(target)} was not read "
                "(a snapshot taken before apigw-audit read it): collect the inventory again"
            )
        return BackendTransport(
            integration_type=kind,
            connection_type=connection,
            uri=integration.uri,
            protocol="HTTPS" if tls.configured else "HTTP",
            tls_config=tls.configured,
            tls_server_name=tls.server_name_to_verify,
        )
    return BackendTransport(
        integration_type=kind,
        connection_type=connection,
        uri=integration.uri,
        protocol=_scheme(target, integration.uri),
    )
