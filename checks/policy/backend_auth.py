"""How a REST or WebSocket stage proves to its HTTP backends that a request comes from API
Gateway (HTTP APIs cannot: a stage's ClientCertificateId is "Supported only for WebSocket
APIs" in apigatewayv2, botocore's Stage).

A stage's client certificate is presented in the TLS handshake with HTTP and HTTP_PROXY
integrations, so a backend reachable from the internet can accept API Gateway alone
(https://docs.aws.amazon.com/apigateway/latest/developerguide/getting-started-client-side-ssl-authentication.html).
AWS Config's api-gw-ssl-enabled judges stages on their current integrations; here, as for
the method checks, the integrations of the deployment the stage serves. The certificates AWS
generates expire after 365 days and are rotated by hand: one that expires within
``EXPIRY_WARNING`` of the collection is a finding too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from checks.policy.hardening import NotApplicable
from collectors.errors import DataUnavailable
from collectors.model import ClientCertificate, Inventory, client_certificate_key
from collectors.targets import RestStageTarget, V2StageTarget, require, require_exported

EXPIRY_WARNING = timedelta(days=30)
HTTP_INTEGRATION_TYPES = frozenset({"HTTP", "HTTP_PROXY"})


@dataclass(frozen=True)
class BackendAuthentication:
    """The stage's methods that reach HTTP backends, and the certificate it presents to them."""

    http_methods: tuple[str, ...]  # "DELETE /pets/{id}"
    certificate: ClientCertificate | None  # None: the stage presents none
    # how long after the collection the certificate expires (negative: it had expired)
    expires_in: timedelta | None

    @property
    def expired(self) -> bool:
        return self.expires_in is not None and self.expires_in <= timedelta(0)

    @property
    def expiring(self) -> bool:
        """The certificate expires within ``EXPIRY_WARNING`` (and has not yet)."""
        left = self.expires_in
        return left is not None and timedelta(0) < left <= EXPIRY_WARNING


def _http_operations(target: RestStageTarget | V2StageTarget) -> tuple[str, ...]:
    """The methods or routes the stage serves through HTTP or HTTP_PROXY integrations."""
    if isinstance(target, V2StageTarget):
        served = target.served()
        return tuple(
            route.route_key
            for route in served.routes
            if (integration := served.integration(route)) is not None
            and integration.type.upper() in HTTP_INTEGRATION_TYPES
        )
    deployment = target.served_deployment()
    require_exported(target.api, target.stage, deployment)  # else no integration is known
    return tuple(
        f"{method.http_method} {resource.path}"
        for resource in deployment.definition.resources
        for method in resource.methods
        if method.integration is not None
        and method.integration.type.upper() in HTTP_INTEGRATION_TYPES
    )


def backend_authentication(
    target: RestStageTarget | V2StageTarget, inventory: Inventory
) -> BackendAuthentication | NotApplicable:
    """The stage's HTTP/HTTP_PROXY methods (REST) or routes (WebSocket) and its client
    certificate (GetClientCertificate), its expiry measured from the start of the collection;
    ``NotApplicable`` for an HTTP API, which presents none. ``DataUnavailable`` when the
    integrations served or the certificate could not be read."""
    if isinstance(target, V2StageTarget) and target.api.protocol_type != "WEBSOCKET":
        return NotApplicable(
            f"stage {target.api.name}/{target.stage.name} is an HTTP API's, which presents no "
            "client certificate to its backends (REST and WebSocket APIs do)"
        )
    http_methods = _http_operations(target)
    if not http_methods:
        return NotApplicable(
            f"stage {target.api.name}/{target.stage.name} serves no HTTP or HTTP_PROXY "
            "integration: a client certificate authenticates API Gateway to HTTP backends only"
        )
    certificate_id = target.stage.client_certificate_id
    if not certificate_id:
        return BackendAuthentication(http_methods=http_methods, certificate=None, expires_in=None)
    region = target.api.region
    certificate = require(
        inventory.client_certificate(region, certificate_id),
        inventory.errors,
        "GetClientCertificate",
        f"client certificate {certificate_id} of {target.key}",
        target=client_certificate_key(region, certificate_id),
    )
    if certificate.expiration_date is None:
        raise DataUnavailable(
            f"GetClientCertificate answered no expirationDate for {certificate_id} ({region})"
        )
    expires_in = datetime.fromisoformat(certificate.expiration_date) - datetime.fromisoformat(
        inventory.metadata.started_at
    )
    return BackendAuthentication(
        http_methods=http_methods, certificate=certificate, expires_in=expires_in
    )
