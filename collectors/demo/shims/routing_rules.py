"""Custom domains' routing modes and routing rules, which moto 5.2 lacks.

AWS answers each custom domain's ``routingMode`` in GetDomainNames (apigatewayv2:
API_MAPPING_ONLY, the default, ROUTING_RULE_ONLY or ROUTING_RULE_THEN_API_MAPPING; apigateway
v1 calls the first BASE_PATH_MAPPING_ONLY and the last ROUTING_RULE_THEN_BASE_PATH_MAPPING),
and keeps a domain's routing rules, made by CreateRoutingRule and listed by ListRoutingRules,
both apigatewayv2's (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-routing-mode.html,
https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/domainnames-domainname-routingrules.html).
moto answers no routing mode and has neither call. With no UpdateDomainName in moto 5.2,
``set_routing_mode`` changes a domain's mode as that call would.

As on AWS, a rule is made only on a domain whose mode uses rules (BadRequestException
otherwise), and only on a domain apigatewayv2 lists or a private one named with its
``domainNameId`` (``collectors.demo.shims.private_domains``; NotFoundException otherwise: an
edge-optimized one is v1's alone here). A domain's mode and rules hang on moto's own domain
and backend objects.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from moto.apigateway.models import DomainName as RestDomainName
from moto.apigateway.models import apigateway_backends
from moto.apigatewayv2.exceptions import BadRequestException, DomainNameNotFound
from moto.apigatewayv2.models import ApiGatewayV2Backend, apigatewayv2_backends
from moto.apigatewayv2.models import DomainName as V2DomainName
from moto.apigatewayv2.responses import ApiGatewayV2Response

from collectors.demo.shims._patching import (
    Function,
    define,
    kept_on,
    querystring_value,
    route,
    wrap,
)
from collectors.demo.shims.apigateway_certificates import DEFAULT_ACCOUNT_ID
from collectors.demo.shims.private_domains import private_domains
from collectors.model.account import API_MAPPING_ONLY, V1_ROUTING_MODE_NAMES

_MODE = "_apigw_audit_routing_mode"  # on a moto domain: its mode, as apigatewayv2 names it
_RULES = "_apigw_audit_routing_rules"  # on a v2 backend: domain name -> its rules, as answered
_V2_NAMES = {v1: mode for mode, v1 in V1_ROUTING_MODE_NAMES.items()}


def routing_mode_of(domain: Any) -> str:
    """A moto domain's routing mode, as apigatewayv2 names it."""
    return str(getattr(domain, _MODE, API_MAPPING_ONLY))


def keep_routing_mode(domain: Any, mode: str) -> None:
    """Give a moto domain (v1 or v2) the routing mode ``mode`` (either API family's name)."""
    setattr(domain, _MODE, _V2_NAMES.get(mode, mode))


def set_routing_mode(
    region: str, name: str, mode: str, account_id: str = DEFAULT_ACCOUNT_ID
) -> None:
    """Route the domain ``name``'s requests as ``mode`` says, as UpdateDomainName would."""
    v2 = apigatewayv2_backends[account_id][region].domain_names.get(name)
    keep_routing_mode(v2 or apigateway_backends[account_id][region].domain_names[name], mode)


def _v2_json_with_mode(original: Function) -> Function:
    def to_json(self: Any) -> dict[str, Any]:
        return {**original(self), "routingMode": routing_mode_of(self)}

    return to_json


def _v1_json_with_mode(original: Function) -> Function:
    def to_json(self: Any) -> dict[str, Any]:
        mode = routing_mode_of(self)
        return {**original(self), "routingMode": V1_ROUTING_MODE_NAMES.get(mode, mode)}

    return to_json


def _listed_domain(backend: ApiGatewayV2Backend, name: str) -> Any:
    """The domain ``name`` as apigatewayv2 lists it (its own, and v1's regional ones)."""
    for domain in backend.get_domain_names():
        if domain.domain_name == name:
            return domain
    raise DomainNameNotFound


def _routed_domain(response: Any) -> tuple[str, str, str]:
    """(the key its rules are kept by, its routing mode, its ARN) of the domain a routing
    rules request names: a private one by name and ``domainNameId``, any other by name."""
    backend = response.apigatewayv2_backend
    name = response.path.split("/")[-2]  # /v2/domainnames/{domainName}/routingrules
    domain_name_id = querystring_value(response.querystring, "domainNameId")
    if domain_name_id is None:
        domain = _listed_domain(backend, name)
        return name, routing_mode_of(domain), str(domain.domain_name_arn)
    v1 = apigateway_backends[backend.account_id][backend.region_name]
    private = private_domains(v1).get((name, domain_name_id))
    if private is None:
        raise DomainNameNotFound
    mode = str(private.get("routingMode") or API_MAPPING_ONLY)
    return f"{name}+{domain_name_id}", _V2_NAMES.get(mode, mode), str(private["domainNameArn"])


def _rules_of(backend: ApiGatewayV2Backend) -> dict[str, list[dict[str, Any]]]:
    rules: dict[str, list[dict[str, Any]]] = kept_on(backend, _RULES, dict)
    return rules


def _create_routing_rule(self: Any) -> tuple[int, dict[str, str], str]:
    backend = self.apigatewayv2_backend
    key, mode, arn = _routed_domain(self)
    if mode == API_MAPPING_ONLY:
        raise BadRequestException(
            f"Routing rules cannot be created for domain name {key} in routing mode "
            f"{API_MAPPING_ONLY}"
        )
    params = json.loads(self.body or "{}")
    seed = f"{backend.region_name}/{key}/{params.get('priority')}"
    rule_id = hashlib.sha256(seed.encode()).hexdigest()[:6]
    rule = {
        "actions": params.get("actions", []),
        "conditions": params.get("conditions", []),
        "priority": params.get("priority"),
        "routingRuleArn": f"{arn}/routingrules/{rule_id}",
        "routingRuleId": rule_id,
    }
    _rules_of(backend).setdefault(key, []).append(rule)
    return 201, {}, json.dumps(rule)


def _list_routing_rules(self: Any) -> tuple[int, dict[str, str], str]:
    key, _, _ = _routed_domain(self)
    rules = sorted(
        _rules_of(self.apigatewayv2_backend).get(key, []), key=lambda rule: rule["priority"]
    )
    return 200, {}, json.dumps({"routingRules": rules})


def install() -> None:
    wrap(V2DomainName, "to_json", _v2_json_with_mode)
    wrap(RestDomainName, "to_json", _v1_json_with_mode)
    define(ApiGatewayV2Response, "create_routing_rule", _create_routing_rule)
    define(ApiGatewayV2Response, "list_routing_rules", _list_routing_rules)
    route("{0}/v2/domainnames/(?P<domain_name>[^/]+)/routingrules$", ApiGatewayV2Response.dispatch)
