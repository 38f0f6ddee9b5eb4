"""The certificate fields of GetDomainNames answers: which certificates a custom domain serves
(an ACM ARN, or the name and date of one uploaded to API Gateway itself), the domain's status,
and its mutual TLS truststore with the warnings API Gateway found in it. No call of its own:
``collectors.domains`` lists the domains, ``collectors.acm_certificates`` describes the ACM
certificates.

apigatewayv2 answers per DomainNameConfigurations entry (CertificateArn, DomainNameStatus,
OwnershipVerificationCertificateArn) and MutualTlsAuthentication per domain; apigateway v1
answers an edge-optimized or private domain's certificateArn, certificateName,
certificateUploadDate and domainNameStatus at the top level
(https://docs.aws.amazon.com/apigateway/latest/api/API_DomainName.html).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from collectors.model import DomainCertificate, MutualTls
from collectors.parsing import iso

if TYPE_CHECKING:
    from mypy_boto3_apigateway.type_defs import DomainNameTypeDef as V1DomainName
    from mypy_boto3_apigatewayv2.type_defs import DomainNameTypeDef as V2DomainName

AVAILABLE = "AVAILABLE"


@dataclass(frozen=True)
class ListedCertificates:
    """The certificate fields of one ``CustomDomain``."""

    certificates: tuple[DomainCertificate, ...]
    status: str | None
    status_message: str | None
    mutual_tls: MutualTls | None


def _certificate(
    arn: object, name: object, uploaded: datetime | None
) -> tuple[DomainCertificate, ...]:
    if not arn and not name:
        return ()
    return (
        DomainCertificate(
            arn=str(arn) if arn else None,
            name=str(name) if name else None,
            uploaded_at=iso(uploaded),
        ),
    )


def _mutual_tls(
    raw: Mapping[str, Any] | None, uri: str, version: str, warnings: str
) -> MutualTls | None:
    """``raw`` in either family's spelling (v2 ``TruststoreUri``, v1 ``truststoreUri``); a
    domain without a truststore asks callers for no certificate."""
    if not raw or not raw.get(uri):
        return None
    return MutualTls(
        truststore_uri=str(raw[uri]),
        truststore_version=str(raw[version]) if raw.get(version) else None,
        warnings=tuple(str(w) for w in raw.get(warnings) or ()),
    )


def v2_certificates(raw: V2DomainName) -> ListedCertificates:
    configurations = raw.get("DomainNameConfigurations") or []
    certificates: list[DomainCertificate] = []
    for configuration in configurations:
        certificates += _certificate(
            configuration.get("CertificateArn"),
            configuration.get("CertificateName"),
            configuration.get("CertificateUploadDate"),
        )
        if ownership := configuration.get("OwnershipVerificationCertificateArn"):
            certificates.append(DomainCertificate(arn=ownership, ownership_verification=True))
    # AWS gives a regional domain one configuration; should there be more, the one that is
    # not AVAILABLE is the one that says something
    statuses = [c for c in configurations if c.get("DomainNameStatus")]
    judged = next((c for c in statuses if c.get("DomainNameStatus") != AVAILABLE), None)
    judged = judged or (statuses[0] if statuses else None)
    return ListedCertificates(
        certificates=tuple(certificates),
        status=str(judged["DomainNameStatus"]) if judged else None,
        status_message=(judged.get("DomainNameStatusMessage") or None) if judged else None,
        mutual_tls=_mutual_tls(
            raw.get("MutualTlsAuthentication"),
            "TruststoreUri",
            "TruststoreVersion",
            "TruststoreWarnings",
        ),
    )


def v1_certificates(raw: V1DomainName) -> ListedCertificates:
    """An edge-optimized or private domain's (v1 lists regional ones too: apigatewayv2 reads
    those)."""
    certificates = list(
        _certificate(
            raw.get("certificateArn"), raw.get("certificateName"), raw.get("certificateUploadDate")
        )
    )
    if ownership := raw.get("ownershipVerificationCertificateArn"):
        certificates.append(DomainCertificate(arn=ownership, ownership_verification=True))
    status = raw.get("domainNameStatus")
    return ListedCertificates(
        certificates=tuple(certificates),
        status=str(status) if status else None,
        status_message=str(raw.get("domainNameStatusMessage") or "") or None,
        mutual_tls=_mutual_tls(
            raw.get("mutualTlsAuthentication"),
            "truststoreUri",
            "truststoreVersion",
            "truststoreWarnings",
        ),
    )
