"""Collect the client certificates in-scope REST and WebSocket stages present to their HTTP
backends (both name apigateway's client certificates; HTTP APIs present none).

One GetClientCertificate per distinct certificate, in its stage's region (certificates are
regional), after the stages are known. Only the expiry is kept: the answer also carries the
certificate's PEM, which no check needs and the reports never show.
"""

from __future__ import annotations

from collections.abc import Iterable

from collectors.clients import AwsClients, call_recording_errors
from collectors.model import (
    ClientCertificate,
    CollectionError,
    RestApi,
    V2Api,
    client_certificate_key,
)
from collectors.parsing import iso
from collectors.scope import StageFilter

SERVICE = "apigateway"

CertificateRef = tuple[str, str]  # (region, clientCertificateId)


def stage_certificates(
    apis: Iterable[RestApi | V2Api], audited: StageFilter
) -> set[CertificateRef]:
    """Every client certificate an in-scope REST or WebSocket stage presents."""
    return {
        (api.region, stage.client_certificate_id)
        for api in apis
        for stage in api.stages or ()
        if audited(stage.name) and stage.client_certificate_id
    }


def collect_client_certificate(
    clients: AwsClients, ref: CertificateRef, *, errors: list[CollectionError]
) -> ClientCertificate | None:
    region, certificate_id = ref
    client = clients.apigateway(region)
    raw = call_recording_errors(
        errors,
        SERVICE,
        "GetClientCertificate",
        client_certificate_key(region, certificate_id),
        lambda: client.get_client_certificate(clientCertificateId=certificate_id),
    )
    if raw is None:
        return None
    return ClientCertificate(
        id=certificate_id, region=region, expiration_date=iso(raw.get("expirationDate"))
    )
