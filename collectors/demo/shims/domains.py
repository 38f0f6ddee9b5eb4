"""Custom domain names in moto's apigatewayv2, as AWS lists them.

Two gaps: moto keeps a domain's ``DomainNameConfigurations`` as they were sent, so they lack
the ``ApiGatewayDomainName`` (the ``d-….execute-api`` host a DNS alias or a CloudFront origin
points at) and the status AWS fills in; and moto keeps REST (v1) domain names and base path
mappings apart from apigatewayv2's, while on AWS they are one set: apigatewayv2's
GetDomainNames lists the domains CreateDomainName (v1) made and GetApiMappings their base
path mappings (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-custom-domain-names.html).
The v1 regional ones are shown through moto's own v2 classes, built from moto's v1 objects
at each listing, never stored (with the v1 domain's routing mode,
``collectors.demo.shims.routing_rules``); edge-optimized ones stay v1's alone, as on AWS. And moto's
v1 domains carry no securityPolicy unless one was sent, where AWS always answers one.
"""

from __future__ import annotations

import hashlib
from typing import Any

from moto.apigateway.models import APIGatewayBackend, apigateway_backends
from moto.apigatewayv2.models import ApiGatewayV2Backend, ApiMapping, DomainName

from collectors.demo.shims._patching import Function, wrap
from collectors.demo.shims.routing_rules import keep_routing_mode, routing_mode_of


def _digest(*parts: str, length: int) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _completing_configurations(original: Function) -> Function:
    def create_domain_name(self: Any, *args: Any, **kwargs: Any) -> Any:
        domain = original(self, *args, **kwargs)
        for index, configuration in enumerate(domain.domain_name_configurations or ()):
            host = _digest(self.region_name, domain.domain_name, str(index), length=10)
            configuration.setdefault(
                "apiGatewayDomainName", f"d-{host}.execute-api.{self.region_name}.amazonaws.com"
            )
            configuration.setdefault("endpointType", "REGIONAL")
            configuration.setdefault("domainNameStatus", "AVAILABLE")
            configuration.setdefault("securityPolicy", "TLS_1_2")
        return domain

    return create_domain_name


def _default_security_policy(original: Function) -> Function:
    """moto answers no securityPolicy for a v1 domain created without one; AWS gives new
    domains TLS_1_2 (apigateway-security-policies-list.html, "Default security policies")."""

    def create_domain_name(self: Any, *args: Any, **kwargs: Any) -> Any:
        domain = original(self, *args, **kwargs)
        domain.security_policy = domain.security_policy or "TLS_1_2"
        return domain

    return create_domain_name


def _rest_configuration(domain: Any) -> dict[str, Any]:
    types = (domain.endpoint_configuration or {}).get("types") or ["EDGE"]  # v1's default
    edge = str(types[0]).upper() == "EDGE"
    configuration = {
        "apiGatewayDomainName": (
            domain.distribution_domain_name if edge else domain.regional_domain_name
        ),
        "certificateArn": domain.certificate_arn if edge else domain.regional_certificate_arn,
        "endpointType": str(types[0]).upper(),
        "domainNameStatus": domain.domain_name_status,
        "hostedZoneId": (
            domain.distribution_hosted_zone_id if edge else domain.regional_hosted_zone_id
        ),
        "securityPolicy": domain.security_policy or "TLS_1_2",
    }
    return {key: value for key, value in configuration.items() if value is not None}


def _with_rest_domains(original: Function) -> Function:
    def get_domain_names(self: Any) -> list[Any]:
        domains: list[Any] = original(self)
        known = {domain.domain_name for domain in domains}
        rest = apigateway_backends[self.account_id][self.region_name]
        for name, domain in rest.domain_names.items():
            # apigatewayv2 manages regional domains only: "For EDGE domain names, please use
            # the API Gateway V1 API" (its BadRequestException).
            edge = _rest_configuration(domain)["endpointType"] == "EDGE"
            if name not in known and not edge:
                listed = DomainName(
                    domain_name=name,
                    domain_name_configurations=[_rest_configuration(domain)],
                    mutual_tls_authentication={},
                    tags=domain.tags if isinstance(domain.tags, dict) else {},
                    backend=self,
                )
                keep_routing_mode(listed, routing_mode_of(domain))
                domains.append(listed)
        return domains

    return get_domain_names


def _with_base_path_mappings(original: Function) -> Function:
    def get_api_mappings(self: Any, domain_name: str) -> list[Any]:
        mappings: list[Any] = original(self, domain_name)
        rest = apigateway_backends[self.account_id][self.region_name]
        for mapping in (rest.base_path_mappings.get(domain_name) or {}).values():
            key = "" if mapping.base_path == "(none)" else mapping.base_path
            mappings.append(
                ApiMapping(
                    api_id=mapping.rest_api_id,
                    api_mapping_key=key,
                    api_mapping_id=_digest(domain_name, key, length=6),
                    domain_name=domain_name,
                    stage=mapping.stage or "",
                )
            )
        return mappings

    return get_api_mappings


def install() -> None:
    wrap(APIGatewayBackend, "create_domain_name", _default_security_policy)
    wrap(ApiGatewayV2Backend, "create_domain_name", _completing_configurations)
    wrap(ApiGatewayV2Backend, "get_domain_names", _with_rest_domains)
    wrap(ApiGatewayV2Backend, "get_api_mappings", _with_base_path_mappings)
