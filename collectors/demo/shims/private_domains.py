"""Private custom domain names (custom domains of PRIVATE REST APIs), which moto 5.2 lacks.

On AWS a private custom domain is made with apigateway v1's CreateDomainName and
``endpointConfiguration.types = ["PRIVATE"]``; its name need not be unique (a public domain
may have the same one), so it is known by name and ``domainNameId``, and every call about it
names both: GetDomainName, CreateBasePathMapping, GetBasePathMappings (``domainNameId``),
ListRoutingRules (apigatewayv2's, ``domainNameId`` too). GetDomainNames lists the caller's own
(``resourceOwner`` SELF, the default) with the others, answering ``domainNameId``,
``domainNameArn`` (``arn:aws:apigateway:{region}:{account}:/domainnames/{name}+{id}``), the
ACM ``certificateArn``, the ``securityPolicy`` (TLS_1_2 unless set), the domain's own
``policy`` for execute-api and no regional or distribution host name: callers reach it
through VPC endpoints. apigatewayv2 manages no private domain, so never lists one. Only
PRIVATE REST APIs can be mapped to it
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-custom-domains.html,
https://docs.aws.amazon.com/apigateway/latest/api/API_DomainName.html).

moto would keep such a domain as a public one, by name alone, answering regional and
CloudFront host names it does not have. Here private domains and their base path mappings are
kept apart, on moto's v1 backend, as AWS answers them.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from moto.apigateway.exceptions import BadRequestException, NotFoundException
from moto.apigateway.responses import APIGatewayResponse

from collectors.demo.shims._patching import Function, kept_on, querystring_value, wrap

_DOMAINS = "_apigw_audit_private_domains"  # on a v1 backend: (name, id) -> the domain answered
_MAPPINGS = "_apigw_audit_private_mappings"  # on a v1 backend: (name, id) -> base path -> map
PRIVATE = "PRIVATE"


def private_domains(backend: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """A v1 backend's private domains, by (name, domainNameId), as GetDomainNames answers."""
    domains: dict[tuple[str, str], dict[str, Any]] = kept_on(backend, _DOMAINS, dict)
    return domains


def _mappings(backend: Any) -> dict[tuple[str, str], dict[str, dict[str, str]]]:
    mappings: dict[tuple[str, str], dict[str, dict[str, str]]] = kept_on(backend, _MAPPINGS, dict)
    return mappings


def private_domain(backend: Any, name: str, domain_name_id: str | None) -> dict[str, Any]:
    """The private domain ``name`` with ``domain_name_id``; AWS's NotFoundException else."""
    domain = private_domains(backend).get((name, domain_name_id or ""))
    if domain is None:
        raise NotFoundException(f"Invalid domain name identifier specified: {name}")
    return domain


def _is_private(configuration: Any) -> bool:
    types = (configuration or {}).get("types") or ()
    return [str(t).upper() for t in types] == [PRIVATE]


def _create_private(original: Function) -> Function:
    def create_domain_name(self: Any) -> Any:
        configuration = self._get_param("endpointConfiguration")
        if not _is_private(configuration):
            return original(self)
        name = self._get_param("domainName")
        certificate_arn = self._get_param("certificateArn")
        if not name or not certificate_arn:
            raise BadRequestException(
                "A private custom domain name needs a domainName and an ACM certificateArn"
            )
        backend = self.backend
        seed = f"{backend.account_id}/{backend.region_name}/{name}/{len(private_domains(backend))}"
        domain_name_id = hashlib.sha256(seed.encode()).hexdigest()[:8]
        domain: dict[str, Any] = {
            "domainName": name,
            "domainNameId": domain_name_id,
            "domainNameArn": (
                f"arn:aws:apigateway:{backend.region_name}:{backend.account_id}:/domainnames/"
                f"{name}+{domain_name_id}"
            ),
            "certificateArn": certificate_arn,
            "certificateUploadDate": int(time.time()),
            "endpointConfiguration": {"types": [PRIVATE], "ipAddressType": "dualstack"},
            "domainNameStatus": "AVAILABLE",
            "securityPolicy": self._get_param("securityPolicy") or "TLS_1_2",
            "routingMode": self._get_param("routingMode") or "BASE_PATH_MAPPING_ONLY",
            "tags": self._get_param("tags") or {},
        }
        if policy := self._get_param("policy"):
            domain["policy"] = policy
        if access_mode := self._get_param("endpointAccessMode"):
            domain["endpointAccessMode"] = access_mode
        private_domains(backend)[(name, domain_name_id)] = domain
        return 201, {"status": 201}, json.dumps(domain)

    return create_domain_name


def _listing_private(original: Function) -> Function:
    def get_domain_names(self: Any) -> Any:
        if querystring_value(self.querystring, "resourceOwner") == "OTHER_ACCOUNTS":
            return json.dumps({"item": []})  # no other account shares one here
        answer = json.loads(original(self))
        answer["item"] = [*answer.get("item", []), *private_domains(self.backend).values()]
        return json.dumps(answer)

    return get_domain_names


def _domain_name_id(response: Any) -> str | None:
    return querystring_value(response.querystring, "domainNameId")


def _getting_private(original: Function) -> Function:
    def get_domain_name(self: Any) -> Any:
        domain_name_id = _domain_name_id(self)
        if domain_name_id is None:
            return original(self)
        name = self.path.split("/")[2]
        return json.dumps(private_domain(self.backend, name, domain_name_id))

    return get_domain_name


def _mapping_private(original: Function) -> Function:
    def create_base_path_mapping(self: Any) -> Any:
        domain_name_id = _domain_name_id(self)
        if domain_name_id is None:
            return original(self)
        name = self.path.split("/")[2]
        private_domain(self.backend, name, domain_name_id)
        api = self.backend.get_rest_api(self._get_param("restApiId"))
        if not _is_private(api.endpoint_configuration):
            raise BadRequestException("Only private REST APIs can be mapped to a private domain")
        base_path = self._get_param("basePath") or "(none)"
        mapping = {"basePath": base_path, "restApiId": api.id}
        if stage := self._get_param("stage"):
            mapping["stage"] = stage
        by_path = _mappings(self.backend).setdefault((name, domain_name_id), {})
        if base_path in by_path:
            raise BadRequestException(f"Base path already exists for this domain name: {base_path}")
        by_path[base_path] = mapping
        return 201, {"status": 201}, json.dumps(mapping)

    return create_base_path_mapping


def _listing_private_mappings(original: Function) -> Function:
    def get_base_path_mappings(self: Any) -> Any:
        domain_name_id = _domain_name_id(self)
        if domain_name_id is None:
            return original(self)
        name = self.path.split("/")[2]
        private_domain(self.backend, name, domain_name_id)
        mappings = _mappings(self.backend).get((name, domain_name_id), {})
        return json.dumps({"item": [mappings[path] for path in sorted(mappings)]})

    return get_base_path_mappings


def install() -> None:
    wrap(APIGatewayResponse, "create_domain_name", _create_private)
    wrap(APIGatewayResponse, "get_domain_names", _listing_private)
    wrap(APIGatewayResponse, "get_domain_name", _getting_private)
    wrap(APIGatewayResponse, "create_base_path_mapping", _mapping_private)
    wrap(APIGatewayResponse, "get_base_path_mappings", _listing_private_mappings)
