"""REST API client certificates in moto, generated, read and presented by stages as on AWS.

moto 5.2 has no client certificates: GenerateClientCertificate and GetClientCertificate are
not routed, UpdateStage ignores ``/clientCertificateId``, and GetStage(s) never answer it.
Here certificates are kept per account and region on moto's API Gateway backend, in the shape
of botocore's ``ClientCertificate`` (clientCertificateId, description, pemEncodedCertificate,
createdDate, expirationDate, tags); AWS's expire 365 days after they are made
(https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-backend-authentication.html),
and ``set_client_certificate_expiry`` moves that date, which no API can. A stage names its
certificate by id (UpdateStage ``replace /clientCertificateId``, ``remove`` takes it away);
an id the region does not have is refused with AWS's NotFoundException.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from moto.apigateway.exceptions import NotFoundException
from moto.apigateway.models import APIGatewayBackend, Stage, apigateway_backends
from moto.apigateway.responses import APIGatewayResponse
from moto.apigateway.utils import create_id

from collectors.demo.shims._patching import Function, define, kept_on, route, wrap

_CERTIFICATES = "_apigw_audit_client_certificates"
_STAGE_CERTIFICATE = "_apigw_audit_client_certificate_id"
_PATH = "/clientCertificateId"
VALIDITY = timedelta(days=365)
DEFAULT_ACCOUNT_ID = "123456789012"  # moto's account for any dummy credentials


def _certificates(backend: Any) -> dict[str, dict[str, Any]]:
    certificates: dict[str, dict[str, Any]] = kept_on(backend, _CERTIFICATES, dict)
    return certificates


def _certificate(backend: Any, certificate_id: str) -> dict[str, Any]:
    certificate = _certificates(backend).get(certificate_id)
    if certificate is None:
        raise NotFoundException("Invalid client certificate identifier specified")
    return certificate


def _placeholder_pem(certificate_id: str) -> str:
    # The shape of AWS's answer, not a usable certificate: nothing in the emulator verifies it.
    body = base64.b64encode(f"apigw-audit demo client certificate {certificate_id}".encode())
    return f"-----BEGIN CERTIFICATE-----\n{body.decode()}\n-----END CERTIFICATE-----\n"


def _generate_client_certificate(self: Any) -> tuple[int, dict[str, str], str]:
    certificate_id = create_id()
    created = datetime.now(UTC).replace(microsecond=0)
    certificate = {
        "clientCertificateId": certificate_id,
        "description": self._get_param("description") or "",
        "pemEncodedCertificate": _placeholder_pem(certificate_id),
        "createdDate": int(created.timestamp()),
        "expirationDate": int((created + VALIDITY).timestamp()),
        "tags": self._get_param("tags") or {},
    }
    _certificates(self.backend)[certificate_id] = certificate
    return 201, {}, json.dumps(certificate)


def _get_client_certificate(self: Any) -> tuple[int, dict[str, str], str]:
    certificate_id = self.path.rstrip("/").split("/")[2]  # /clientcertificates/{id}
    return 200, {}, json.dumps(_certificate(self.backend, certificate_id))


def set_client_certificate_expiry(
    region: str,
    certificate_id: str,
    expiration: datetime,
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> None:
    """Make a certificate of the emulated account expire at ``expiration`` (call inside
    ``emulated_aws``): AWS sets the date when it generates the certificate, once."""
    backend = apigateway_backends[account_id][region]
    _certificate(backend, certificate_id)["expirationDate"] = int(expiration.timestamp())


def _update_stage_with_certificate(original: Function) -> Function:
    def update_stage(self: Any, function_id: str, stage_name: str, patch_operations: Any) -> Any:
        others, certificate_id, changed = [], None, False
        for operation in patch_operations or ():
            if operation.get("path") != _PATH:
                others.append(operation)
                continue
            changed = True
            certificate_id = None
            if operation.get("op") != "remove":
                certificate_id = str(operation.get("value") or "")
                _certificate(self, certificate_id)  # NotFoundException, as on AWS
        stage = original(self, function_id, stage_name, others)
        if changed:  # once every operation was accepted: AWS applies all or none
            setattr(stage, _STAGE_CERTIFICATE, certificate_id)
        return stage

    return update_stage


def _stage_json_with_certificate(original: Function) -> Callable[[Any], dict[str, Any]]:
    def to_json(self: Any) -> dict[str, Any]:
        body: dict[str, Any] = original(self)
        certificate_id = getattr(self, _STAGE_CERTIFICATE, None)
        if certificate_id:  # AWS leaves the key out of a stage without a certificate
            body["clientCertificateId"] = certificate_id
        return body

    return to_json


def install() -> None:
    wrap(APIGatewayBackend, "update_stage", _update_stage_with_certificate)
    wrap(Stage, "to_json", _stage_json_with_certificate)
    define(APIGatewayResponse, "generate_client_certificate", _generate_client_certificate)
    define(APIGatewayResponse, "get_client_certificate", _get_client_certificate)
    dispatch = APIGatewayResponse.dispatch
    route("{0}/clientcertificates$", dispatch)
    route("{0}/clientcertificates/(?P<clientcertificate_id>[^/]+)/?$", dispatch)
