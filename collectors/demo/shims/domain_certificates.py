"""What moto's custom domains lack of their certificates: what API Gateway decides itself, and
the one change the estate makes after creating them.

- moto keeps a v1 domain's uploaded certificate (certificateBody, certificateChain,
  certificatePrivateKey) and answers it back; AWS's DomainName holds none of them
  (https://docs.aws.amazon.com/apigateway/latest/api/API_DomainName.html): they are left out.
- API Gateway reads a mutual TLS truststore from S3 and reports its invalid certificates as
  ``truststoreWarnings``, and sets a domain's status (PENDING_CERTIFICATE_REIMPORT...) itself;
  moto does neither: ``set_truststore_warnings`` and ``set_domain_status`` state them.
- moto 5.2 has no UpdateDomainName: ``set_domain_certificate`` points a domain at another
  certificate as it would (the demo gives its domains real ACM certificates last, so that the
  ids of what was built before never change).

A domain is looked up in apigatewayv2 (the domains it made) then in v1 (the REST ones, which
``collectors.demo.shims.domains`` lists through apigatewayv2 too).
"""

from __future__ import annotations

from typing import Any

from moto.apigateway.models import DomainName, apigateway_backends
from moto.apigatewayv2.models import apigatewayv2_backends

from collectors.demo.shims._patching import Function, wrap
from collectors.demo.shims.apigateway_certificates import DEFAULT_ACCOUNT_ID

_NEVER_ANSWERED = ("certificateBody", "certificateChain", "certificatePrivateKey")


def _without_uploaded_secrets(original: Function) -> Function:
    def to_json(self: Any) -> dict[str, Any]:
        body: dict[str, Any] = original(self)
        for key in _NEVER_ANSWERED:
            body.pop(key, None)
        return body

    return to_json


def _domain(region: str, name: str, account_id: str) -> Any:
    v2 = apigatewayv2_backends[account_id][region].domain_names.get(name)
    return v2 if v2 is not None else apigateway_backends[account_id][region].domain_names[name]


def set_domain_certificate(
    region: str, name: str, certificate_arn: str, account_id: str = DEFAULT_ACCOUNT_ID
) -> None:
    """Serve ``certificate_arn`` on the domain ``name``, as UpdateDomainName would."""
    domain = _domain(region, name, account_id)
    if isinstance(domain, DomainName):  # v1: the field of its endpoint type
        types = (domain.endpoint_configuration or {}).get("types") or ["EDGE"]
        if str(types[0]).upper() == "EDGE":
            domain.certificate_arn = certificate_arn
        else:
            domain.regional_certificate_arn = certificate_arn
        return
    for configuration in domain.domain_name_configurations:
        configuration["certificateArn"] = certificate_arn


def set_domain_status(
    region: str,
    name: str,
    status: str,
    message: str | None = None,
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> None:
    """The DomainNameStatus (and message) API Gateway gives the domain ``name``."""
    domain = _domain(region, name, account_id)
    if isinstance(domain, DomainName):
        domain.domain_name_status, domain.status_message = status, message or ""
        return
    for configuration in domain.domain_name_configurations:
        configuration["domainNameStatus"] = status
        if message is None:
            configuration.pop("domainNameStatusMessage", None)
        else:
            configuration["domainNameStatusMessage"] = message


def set_truststore_warnings(
    region: str, name: str, warnings: list[str], account_id: str = DEFAULT_ACCOUNT_ID
) -> None:
    """What API Gateway found wrong in the mutual TLS truststore of the apigatewayv2 domain
    ``name`` when it read it."""
    domain = apigatewayv2_backends[account_id][region].domain_names[name]
    mutual_tls: dict[str, Any] = domain.mutual_tls_authentication  # moto types it str to str
    mutual_tls["truststoreWarnings"] = list(warnings)


def install() -> None:
    wrap(DomainName, "to_json", _without_uploaded_secrets)
