"""Whether the custom domains that map a stage still present certificates their callers accept.

A custom domain serves an ACM certificate (DescribeCertificate gives its status and, once
issued, its NotAfter): only an ISSUED one serves, and ACM answers no NotAfter for one it never
issued (FAILED, PENDING_VALIDATION, VALIDATION_TIMED_OUT). ACM renews the certificates it
issues, public ones (AMAZON_ISSUED) while their validation still holds and private ones
(PRIVATE, signed by an AWS Private CA) while it may still use their CA, from 60 days before
they expire; never imported ones (https://docs.aws.amazon.com/acm/latest/userguide/acm-renewal.html,
https://docs.aws.amazon.com/acm/latest/userguide/renew-private-cert.html). One that expires
within ``EXPIRY_WARNING`` of the collection is a finding whoever renews it, as Security Hub's
ACM.1 judges certificates (Config acm-certificate-expiration-check, which Security Hub runs
with 30 days; the rule's own default is 14). A certificate uploaded to API Gateway
itself (certificateName, no ARN: deprecated, ACM "is the only supported source",
https://docs.aws.amazon.com/apigateway/latest/api/API_DomainName.html) is a finding too: no
API reads its expiry and nothing renews it.

With mutual TLS, API Gateway reports the truststore's invalid certificates as
``truststoreWarnings`` ("Mutual TLS is still enabled, but some clients might not be able to
access your API"), and only when the domain is updated: it "doesn't notify you if a
previously uploaded certificate expires"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mutual-tls.html). A
domain whose status is PENDING_CERTIFICATE_REIMPORT or PENDING_OWNERSHIP_VERIFICATION waits
for its owner: an imported certificate reimported with another issuer, or an expired
ownership verification certificate, which locks every update of the domain
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-mutual-tls.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from checks.policy.backend_auth import EXPIRY_WARNING
from checks.policy.hardening import NotApplicable
from checks.policy.labels import label
from checks.policy.perimeter import mapping_domains
from collectors.errors import DataUnavailable
from collectors.model import AcmCertificate, CustomDomain, DomainCertificate, Inventory
from collectors.targets import RestStageTarget, V2StageTarget, require

ISSUED = "ISSUED"
# DomainNameStatus values that wait for the domain's owner (botocore's enum also has
# AVAILABLE and UPDATING, and v1 PENDING and FAILED, which say nothing of its certificates)
AWAITING_OWNER = frozenset({"PENDING_CERTIFICATE_REIMPORT", "PENDING_OWNERSHIP_VERIFICATION"})


@dataclass(frozen=True)
class DomainCertificates:
    """The certificates and truststores of the custom domains that map a stage."""

    # each domain -> its status, its certificates (ARN, status, expiry, days left) and its
    # mutual TLS truststore: the evidence
    domains: dict[str, dict[str, object]]
    problems: tuple[str, ...]  # "api.example.com: certificate arn:... expires on ...": findings


def _what(certificate: DomainCertificate) -> str:
    kind = (
        "ownership verification certificate"
        if certificate.ownership_verification
        else "certificate"
    )
    return f"{kind} {certificate.arn}"


def _renewal(acm: AcmCertificate) -> str:
    """Who renews an ISSUED certificate, and how that stands."""
    if acm.type == "AMAZON_ISSUED":
        return f"ACM's renewal is {acm.renewal_status or 'not under way'}"
    if acm.type == "PRIVATE":
        # ACM answers no RenewalSummary for it (AMAZON_ISSUED only)
        return (
            "private: ACM renews it from 60 days before it expires, and has not: its AWS "
            "Private CA must be active and let ACM use it"
        )
    if acm.type == "IMPORTED":
        return "imported: ACM does not renew it"
    return f"type {acm.type or 'unknown'}"


def _acm_problem(
    certificate: DomainCertificate, acm: AcmCertificate, expires_in: timedelta | None
) -> str | None:
    """``expires_in`` None: ACM answered no NotAfter (a certificate it never issued)."""
    day = (acm.not_after or "")[:10]
    if expires_in is not None and (acm.status == "EXPIRED" or expires_in <= timedelta(0)):
        return f"{_what(certificate)} expired on {day}"
    if acm.status != ISSUED:
        return f"{_what(certificate)} is {acm.status}"
    if expires_in is None or expires_in > EXPIRY_WARNING:
        return None
    return (
        f"{_what(certificate)} expires on {day}, within {EXPIRY_WARNING.days} days of the "
        f"collection ({_renewal(acm)})"
    )


def _certificate(
    domain: CustomDomain, certificate: DomainCertificate, inventory: Inventory, now: datetime
) -> tuple[dict[str, object], str | None]:
    """One certificate's evidence, and its finding if it has one."""
    if certificate.arn is None:
        uploaded = f" on {certificate.uploaded_at[:10]}" if certificate.uploaded_at else ""
        return {
            "name": certificate.name,
            "uploaded_at": certificate.uploaded_at,
            "source": "uploaded to API Gateway",
        }, (
            f"certificate {certificate.name!r} was uploaded to API Gateway{uploaded}, not "
            "ACM: no API reads its expiry and nothing renews it"
        )
    acm = require(
        inventory.acm_certificate(certificate.arn),
        inventory.errors,
        "DescribeCertificate",
        f"ACM certificate {certificate.arn} of custom domain {domain.label}",
        target=certificate.arn,
    )
    if acm.status is None:
        raise DataUnavailable(f"DescribeCertificate answered no Status for {certificate.arn}")
    if acm.not_after is None and acm.status == ISSUED:
        raise DataUnavailable(
            f"DescribeCertificate answered no NotAfter for {certificate.arn}, which is ISSUED"
        )
    expires_in = datetime.fromisoformat(acm.not_after) - now if acm.not_after else None
    evidence: dict[str, object] = {
        "arn": certificate.arn,
        "status": acm.status,
        "type": acm.type,
        "not_after": acm.not_after,
        "days_to_expiry": expires_in.days if expires_in is not None else None,
    }
    if acm.renewal_status:
        evidence["renewal_status"] = acm.renewal_status
    if certificate.ownership_verification:
        evidence["purpose"] = "ownership verification"
    return evidence, _acm_problem(certificate, acm, expires_in)


def _domain(
    domain: CustomDomain, inventory: Inventory, now: datetime
) -> tuple[dict[str, object], list[str]]:
    if domain.certificates is None:
        raise DataUnavailable(
            f"the certificates of custom domain {domain.label} were not read (a snapshot "
            "written before they were collected): collect again"
        )
    if not domain.certificates:
        raise DataUnavailable(f"GetDomainNames answered no certificate for {domain.label}")
    certificates: list[dict[str, object]] = []
    problems: list[str] = []
    for certificate in domain.certificates:
        evidence, problem = _certificate(domain, certificate, inventory, now)
        certificates.append(evidence)
        if problem:
            problems.append(problem)
    if domain.status in AWAITING_OWNER:
        message = f" ({domain.status_message})" if domain.status_message else ""
        problems.append(f"its status is {domain.status}{message}")
    summary: dict[str, object] = {"status": domain.status, "certificates": certificates}
    tls = domain.mutual_tls
    if tls is not None:
        summary["mutual_tls"] = {
            "truststore_uri": tls.truststore_uri,
            "truststore_version": tls.truststore_version,
            "truststore_warnings": list(tls.warnings),
        }
        if tls.warnings:
            problems.append(
                f"its mutual TLS truststore {tls.truststore_uri} has "
                f"{len(tls.warnings)} warning{'' if len(tls.warnings) == 1 else 's'}: "
                + "; ".join(tls.warnings)
            )
    return summary, [f"{domain.label}: {problem}" for problem in problems]


def domain_certificates(
    target: RestStageTarget | V2StageTarget, inventory: Inventory
) -> DomainCertificates | NotApplicable:
    """The certificates of the custom domains that map the stage, their expiry measured from
    the start of the collection, and the domains' status and truststore warnings. Raises
    ``DataUnavailable`` when the domains, their mappings or a certificate (DescribeCertificate)
    could not be read."""
    domains = mapping_domains(target, inventory)
    if not domains:
        return NotApplicable(f"no custom domain maps stage {label(target)}")
    now = datetime.fromisoformat(inventory.metadata.started_at)
    evidence: dict[str, dict[str, object]] = {}
    problems: list[str] = []
    for domain in domains:
        evidence[domain.label], found = _domain(domain, inventory, now)
        problems += found
    return DomainCertificates(evidence, tuple(problems))
