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
A stage variable may stand for part of an HTTP integration's URI
(https://docs.aws.amazon.com/apigateway/latest/developerguide/aws-api-gateway-stage-variables-reference.html,
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.stage-variables-reference.html):
a URI that starts with one (``${stageVariables.baseUrl}/pets``) speaks the scheme of that
variable's value on the stage, which collection keeps (``variable_schemes``, nothing else of
the value). As the other method checks do, this one judges the stage's own deployment with the
stage's own variables, not a REST canary's overrides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checks.policy.backend_auth import HTTP_INTEGRATION_TYPES
from checks.policy.hardening import NotApplicable
from checks.policy.labels import label
from collectors.errors import DataUnavailable
from collectors.model import V2Integration
from collectors.targets import RestMethodTarget, V2RouteTarget

VPC_LINK = "VPC_LINK"
# ${stageVariables.name} at the start of a URI: names are alphanumeric and underscores
# (CreateStage's variables, https://docs.aws.amazon.com/apigateway/latest/api/API_CreateStage.html)
_LEADING_VARIABLE = re.compile(r"\$\{stageVariables\.(?P<name>[A-Za-z0-9_]+)\}")


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
    # the stage variable the URI starts with, whose value's scheme is the protocol
    scheme_variable: str | None = None

    @property
    def plaintext(self) -> bool:
        return self.protocol == "HTTP"

    @property
    def private(self) -> bool:
        return self.connection_type == VPC_LINK


def _variable_scheme(target: RestMethodTarget | V2RouteTarget, name: str) -> str:
    """``HTTPS`` or ``HTTP``: the scheme of stage variable ``name`` on the target's stage."""
    stage = target.stage.name
    schemes = target.stage.variable_schemes
    if schemes is None:
        raise DataUnavailable(
            f"the integration URI of {label(target)} starts with stage variable {name}, and "
            f"the schemes of {stage}'s variables were not read (a snapshot taken before "
            "apigw-audit read them): collect the inventory again"
        )
    if name not in schemes:
        raise DataUnavailable(
            f"the integration URI of {label(target)} starts with stage variable {name}, "
            f"which stage {stage} does not set"
        )
    scheme = schemes[name]
    if scheme is None:
        raise DataUnavailable(
            f"the integration URI of {label(target)} starts with stage variable {name}, "
            f"whose value on stage {stage} is not an http(s) URL"
        )
    return scheme.upper()


def _scheme(target: RestMethodTarget | V2RouteTarget, uri: str | None) -> tuple[str, str | None]:
    """(``HTTPS`` or ``HTTP``, the stage variable it comes from): the URI's own scheme
    (case-insensitive), or that of the stage variable the URI starts with. Any other URI
    cannot be judged: ``DataUnavailable``."""
    text = uri or ""
    variable = _LEADING_VARIABLE.match(text)
    if variable is not None:
        return _variable_scheme(target, variable["name"]), variable["name"]
    scheme = text.partition("://")[0].lower()
    if scheme in ("https", "http"):
        return scheme.upper(), None
    raise DataUnavailable(
        f"the integration URI of {label(target)} is neither an http(s) URL nor one that "
        f"starts with a stage variable: {uri!r}"
    )


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
    protocol, variable = _scheme(target, integration.uri)
    return BackendTransport(
        integration_type=kind,
        connection_type=connection,
        uri=integration.uri,
        protocol=protocol,
        scheme_variable=variable,
    )
