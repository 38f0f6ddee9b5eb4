"""REST APIs' own TLS security policy and endpoint access mode, which moto 5.2 lacks.

Since 2025 a REST API has a security policy of its own, the TLS versions and ciphers its
default execute-api endpoint accepts, set by CreateRestApi's ``securityPolicy`` or
UpdateRestApi's ``replace /securityPolicy``; an enhanced policy (``SecurityPolicy_*``) needs an
endpoint access mode too (``endpointAccessMode``: BASIC or STRICT), a legacy one (TLS_1_0,
TLS_1_2) takes none (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies.html).
An API made without one is given its endpoint type's default, which GetRestApi(s) answer:
TLS_1_0 for REGIONAL and EDGE APIs, TLS_1_2 for PRIVATE ones
(``collectors.model.default_security_policy``). The ``*_EDGE`` enhanced policies are for
edge-optimized APIs only, the others for regional and private ones
(https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies-list.html).
moto takes neither parameter and answers neither field. Here both hang on moto's own
``RestAPI``; a request AWS refuses is refused with its BadRequestException.
"""

from __future__ import annotations

import json
from typing import Any

from moto.apigateway.exceptions import BadRequestException
from moto.apigateway.models import RestAPI
from moto.apigateway.responses import APIGatewayResponse

from collectors.demo.shims._patching import Function, wrap
from collectors.model import default_security_policy

_POLICY = "_apigw_audit_security_policy"
_ACCESS_MODE = "_apigw_audit_endpoint_access_mode"
_PATHS = {"/securityPolicy": _POLICY, "/endpointAccessMode": _ACCESS_MODE}
ACCESS_MODES = ("BASIC", "STRICT")
LEGACY_POLICIES = ("TLS_1_0", "TLS_1_2")
ENHANCED_PREFIX = "SecurityPolicy_"


def _endpoint_types(api: Any) -> tuple[str, ...]:
    return tuple(str(t) for t in (api.endpoint_configuration or {}).get("types", ()))


def security_policy_of(api: Any) -> str:
    """The security policy moto's ``api`` answers: its own, else its endpoint type's default."""
    own = getattr(api, _POLICY, None)
    return str(own) if own else default_security_policy(_endpoint_types(api))


def _refuse_unless_valid(api: Any, policy: str, access_mode: str | None) -> None:
    """Refuse, as AWS does, a policy the API's endpoint type cannot have or an access mode
    that does not go with the policy."""
    edge = "EDGE" in (t.upper() for t in _endpoint_types(api))
    if policy not in LEGACY_POLICIES:
        if not policy.startswith(ENHANCED_PREFIX):
            raise BadRequestException(f"Invalid security policy: {policy}")
        if policy.endswith("_EDGE") != edge:
            kind = "edge-optimized" if edge else "regional and private"
            raise BadRequestException(f"Security policy {policy} is not supported for {kind} APIs")
        if access_mode not in ACCESS_MODES:
            raise BadRequestException(
                f"An endpoint access mode (BASIC or STRICT) is required with security policy "
                f"{policy}"
            )
    elif access_mode is not None:
        raise BadRequestException(
            f"An endpoint access mode is supported only with a {ENHANCED_PREFIX}* security policy"
        )


def _keep(api: Any, policy: str | None, access_mode: str | None) -> None:
    policy = policy or security_policy_of(api)
    _refuse_unless_valid(api, policy, access_mode)
    setattr(api, _POLICY, policy)
    setattr(api, _ACCESS_MODE, access_mode)


def _to_dict_with_policy(original: Function) -> Function:
    def to_dict(self: Any) -> dict[str, Any]:
        answer = {**original(self), "securityPolicy": security_policy_of(self)}
        access_mode = getattr(self, _ACCESS_MODE, None)
        if access_mode:
            answer["endpointAccessMode"] = access_mode
        return answer

    return to_dict


def _patch_with_policy(original: Function) -> Function:
    def apply_patch_operations(self: Any, patch_operations: list[dict[str, Any]]) -> None:
        ours = [operation for operation in patch_operations if operation.get("path") in _PATHS]
        if ours:
            settings = {
                _POLICY: security_policy_of(self),
                _ACCESS_MODE: getattr(self, _ACCESS_MODE, None),
            }
            for operation in ours:
                replaced = operation.get("op") == "replace"
                settings[_PATHS[operation["path"]]] = operation.get("value") if replaced else None
            _keep(self, settings[_POLICY], settings[_ACCESS_MODE])
        original(self, [operation for operation in patch_operations if operation not in ours])

    return apply_patch_operations


def _create_with_policy(original: Function) -> Function:
    def create_rest_api(self: Any) -> Any:
        policy = self._get_param("securityPolicy")
        access_mode = self._get_param("endpointAccessMode")
        status, headers, body = original(self)
        if policy is None and access_mode is None:
            return status, headers, body
        api = self.backend.get_rest_api(json.loads(body)["id"])
        try:
            _keep(api, policy, access_mode)
        except BadRequestException:
            self.backend.delete_rest_api(api.id)  # AWS makes nothing of a refused request
            raise
        return status, headers, json.dumps(api.to_dict())

    return create_rest_api


def install() -> None:
    wrap(RestAPI, "to_dict", _to_dict_with_policy)
    wrap(RestAPI, "apply_patch_operations", _patch_with_policy)
    wrap(APIGatewayResponse, "create_rest_api", _create_with_policy)
