"""Collect the ACM certificates of the custom domains that map in-scope stages.

One DescribeCertificate per distinct certificate ARN, in the ARN's region (a regional or
private domain's certificate is in its own region, an edge-optimized domain's in us-east-1),
after the stages and the domains' mappings are known: a domain that maps no audited stage of
an audited API costs nothing. Only the status, type, expiry and ACM's renewal status are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from collectors.clients import AwsClients, call_recording_errors
from collectors.domains import maps_any
from collectors.model import AcmCertificate, CollectionError, CustomDomain, RestApi, V2Api
from collectors.parsing import iso
from collectors.scope import StageFilter

SERVICE = "acm"
_ARN_REGION = re.compile(r"^arn:aws[a-z-]*:acm:(?P<region>[a-z0-9-]+):")

CertificateRef = tuple[str, str]  # (region, certificate ARN)


def certificates_to_describe(
    domains: Iterable[CustomDomain], apis: Iterable[RestApi | V2Api], audited: StageFilter
) -> set[CertificateRef]:
    """Every ACM certificate of a custom domain that maps an in-scope stage of an audited API
    (APIs excluded by tag are not among ``apis``)."""
    in_scope = {
        (api.region, api.id, stage.name)
        for api in apis
        for stage in api.stages or ()
        if audited(stage.name)
    }
    refs: set[CertificateRef] = set()
    for domain in domains:
        if maps_any(domain, in_scope):
            for certificate in domain.certificates or ():
                if certificate.arn:
                    match = _ARN_REGION.match(certificate.arn)
                    region = match["region"] if match else domain.region
                    refs.add((region, certificate.arn))
    return refs


def collect_acm_certificate(
    clients: AwsClients, ref: CertificateRef, *, errors: list[CollectionError]
) -> AcmCertificate | None:
    region, arn = ref
    client = clients.acm(region)
    raw = call_recording_errors(
        errors,
        SERVICE,
        "DescribeCertificate",
        arn,
        lambda: client.describe_certificate(CertificateArn=arn),
    )
    if raw is None:
        return None
    detail = raw["Certificate"]
    renewal = detail.get("RenewalSummary")
    return AcmCertificate(
        arn=arn,
        status=detail.get("Status"),
        type=detail.get("Type"),
        not_after=iso(detail.get("NotAfter")),
        renewal_status=renewal["RenewalStatus"] if renewal else None,
    )
