"""ACM certificates in moto, expiring as time would make them.

moto's ACM already answers DescribeCertificate as AWS does (Status, Type, NotAfter;
RenewalEligibility INELIGIBLE for an imported certificate) and turns a certificate whose
NotAfter has passed EXPIRED, but, like ACM, refuses to import one that has already expired
("The certificate has expired, is not valid"). ``set_certificate_expiry`` stands for the time
that passes after the import: it re-signs the imported certificate, with its own key, to end
at another date. No call is patched, so there is nothing to install.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from moto.acm.models import acm_backends

from collectors.demo.shims.apigateway_certificates import DEFAULT_ACCOUNT_ID


def set_certificate_expiry(
    arn: str, not_after: datetime, account_id: str = DEFAULT_ACCOUNT_ID
) -> None:
    """Make the emulated account's imported certificate ``arn`` end at ``not_after`` (call
    inside ``emulated_aws``; in the past: it has expired)."""
    region = arn.split(":")[3]
    bundle = acm_backends[account_id][region]._certificates[arn]
    old: x509.Certificate = bundle._cert
    builder = (
        x509.CertificateBuilder()
        .subject_name(old.subject)
        .issuer_name(old.issuer)
        .public_key(old.public_key())
        .serial_number(old.serial_number)
        .not_valid_before(min(old.not_valid_before_utc, not_after - timedelta(days=1)))
        .not_valid_after(not_after)
    )
    for extension in old.extensions:
        builder = builder.add_extension(extension.value, extension.critical)
    renewed = builder.sign(bundle._key, hashes.SHA256())
    bundle.cert = renewed.public_bytes(serialization.Encoding.PEM)
    bundle._cert = renewed
