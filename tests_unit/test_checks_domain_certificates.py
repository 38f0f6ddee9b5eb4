"""APIGW-TLS-003: the certificates of the custom domains that map a stage, read once each from
ACM, their expiry, the domains' status and their mutual TLS truststore, on an emulated
estate."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from checks.policy import DomainCertificates, domain_certificates
from collectors.demo.builders import AccountBuilder, HttpApiBuilder, RestApiBuilder
from collectors.demo.builders.certificates import self_signed
from collectors.demo.estate import emulated_aws
from collectors.domains import maps_any
from collectors.errors import DataUnavailable
from collectors.model import ApiMapping, CustomDomain, Inventory
from collectors.scope import StageScope
from collectors.serialization import from_jsonable, to_jsonable
from collectors.targets import RestStageTarget, TargetIndex, V2StageTarget
from tests_unit.checks_harness import AuditRun, audit_inventory, denying, key
from tests_unit.conftest import collect

TLS = "APIGW-TLS-003"
REGIONS = ("us-east-1", "eu-west-1")
TRUSTSTORE = "s3://partners-truststore/truststore.pem"
TRUSTSTORE_WARNING = "Certificate CN=partner-ca,O=Example expired on 2026-01-31"
REIMPORT_MESSAGE = "The imported certificate was reimported with a different issuer"


@dataclass
class Estate:
    web: HttpApiBuilder  # prod and staging behind two domains sharing one certificate
    billing: RestApiBuilder  # its domain's certificate expires in 10 days
    legacy: HttpApiBuilder  # its domain's certificate expired 3 days ago
    partners: HttpApiBuilder  # mutual TLS, a truststore warning, an ownership certificate
    pending: HttpApiBuilder  # its domain waits for a certificate reimport
    archive: RestApiBuilder  # eu-west-1, edge-optimized: its certificate is in us-east-1
    vintage: RestApiBuilder  # edge-optimized, a certificate uploaded to API Gateway
    unmapped: RestApiBuilder
    sandbox: RestApiBuilder  # ExcludeFromAudit, behind a domain with an expired certificate
    certificates: dict[str, str]  # name -> ARN
    inventory: Inventory
    calls: Counter[str]
    run: AuditRun
    denied: AuditRun  # DescribeCertificate of the shared certificate: AccessDenied


def _edge_domain(api: RestApiBuilder, name: str, **certificate: str) -> None:
    api.client.create_domain_name(
        domainName=name, endpointConfiguration={"types": ["EDGE"]}, **certificate
    )
    api.client.create_base_path_mapping(domainName=name, restApiId=api.id, stage="prod")


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        account = AccountBuilder()
        certificates = {
            "shared": account.certificate("web.example.com"),
            "dev": account.certificate("dev.example.com", expires_in_days=-30),
            "billing": account.certificate("billing.example.com", expires_in_days=10),
            "legacy": account.certificate("legacy.example.com", expires_in_days=-3),
            "partners": account.certificate("partners.example.com"),
            "ownership": account.certificate("partners.example.com"),
            "pending": account.certificate("pending.example.com"),
            "archive": account.certificate("archive.example.com"),  # us-east-1: edge
            "sandbox": account.certificate("sandbox.example.com", expires_in_days=-1),
        }

        web = HttpApiBuilder("web")
        web.route("GET /", web.lambda_integration(account.lambda_function("web", 5)))
        for stage in ("prod", "staging", "dev"):
            web.stage(stage)
        shared = certificates["shared"]
        prod, staging = (web.id, "prod"), (web.id, "staging")
        account.custom_domain("web.example.com", [prod, staging], certificate_arn=shared)
        account.custom_domain("www.example.com", [prod], certificate_arn=shared)
        account.custom_domain(
            "dev.example.com", [(web.id, "dev")], certificate_arn=certificates["dev"]
        )

        billing = RestApiBuilder("billing")
        billing.method("GET", "/invoices", authorization="AWS_IAM")
        billing.stage("prod")
        account.rest_custom_domain(
            "billing.example.com", billing.id, "prod", certificate_arn=certificates["billing"]
        )

        http: dict[str, HttpApiBuilder] = {}
        for name in ("legacy", "partners", "pending"):
            api = http[name] = HttpApiBuilder(name)
            api.route("GET /", api.lambda_integration(account.lambda_function(name, 5)))
            api.stage("prod")
        account.custom_domain(
            "legacy.example.com",
            [(http["legacy"].id, "prod")],
            certificate_arn=certificates["legacy"],
        )
        account.custom_domain(
            "partners.example.com",
            [(http["partners"].id, "prod")],
            certificate_arn=certificates["partners"],
            truststore_uri=TRUSTSTORE,
            ownership_certificate_arn=certificates["ownership"],
        )
        account.truststore_warnings("partners.example.com", TRUSTSTORE_WARNING)
        account.custom_domain(
            "pending.example.com",
            [(http["pending"].id, "prod")],
            certificate_arn=certificates["pending"],
        )
        account.domain_status(
            "pending.example.com", "PENDING_CERTIFICATE_REIMPORT", REIMPORT_MESSAGE
        )

        archive = RestApiBuilder("archive", region="eu-west-1")
        archive.method("GET", "/records", authorization="AWS_IAM")
        archive.stage("prod")
        _edge_domain(archive, "archive.example.com", certificateArn=certificates["archive"])

        vintage = RestApiBuilder("vintage")
        vintage.method("GET", "/old", authorization="AWS_IAM")
        vintage.stage("prod")
        pem, private_key = self_signed(
            "vintage.example.com", datetime.now(UTC) + timedelta(days=90)
        )
        _edge_domain(
            vintage,
            "vintage.example.com",
            certificateName="vintage-2019",
            certificateBody=pem.decode(),
            certificatePrivateKey=private_key.decode(),
            certificateChain=pem.decode(),
        )

        unmapped = RestApiBuilder("unmapped")
        unmapped.method("GET", "/ping", authorization="AWS_IAM")
        unmapped.stage("prod")

        sandbox = RestApiBuilder("sandbox", tags={"ExcludeFromAudit": "true"})
        sandbox.method("GET", "/try", authorization="AWS_IAM")
        sandbox.stage("prod")
        account.rest_custom_domain(
            "sandbox.example.com", sandbox.id, "prod", certificate_arn=certificates["sandbox"]
        )

        calls: list[str] = []
        inventory = collect(REGIONS, calls=calls)
        run = audit_inventory(inventory, tmp_path_factory.mktemp("audit"))
        denied_inventory = collect(REGIONS, session=denying(shared))
        denied = audit_inventory(denied_inventory, tmp_path_factory.mktemp("denied"))
    return Estate(
        web,
        billing,
        http["legacy"],
        http["partners"],
        http["pending"],
        archive,
        vintage,
        unmapped,
        sandbox,
        certificates,
        inventory,
        Counter(calls),
        run,
        denied,
    )


def _certificate_evidence(outcome: Any, domain: str) -> list[dict[str, Any]]:
    certificates: list[dict[str, Any]] = outcome.details["domain_certificates"][domain][
        "certificates"
    ]
    return certificates


# --- passing and failing -----------------------------------------------------------------------


def test_domains_serving_a_certificate_valid_for_a_year_pass(estate: Estate) -> None:
    for stage in ("prod", "staging"):
        assert estate.run.outcome(TLS, key(estate.web, stage)) == "passed", stage
    outcome = estate.run[TLS, key(estate.web, "prod")]
    assert set(outcome.details["domain_certificates"]) == {"web.example.com", "www.example.com"}
    (certificate,) = _certificate_evidence(outcome, "www.example.com")
    assert certificate["arn"] == estate.certificates["shared"]
    assert (certificate["status"], certificate["type"]) == ("ISSUED", "IMPORTED")
    assert certificate["days_to_expiry"] >= 364


def test_certificate_expiring_within_30_days_fails_naming_domain_certificate_and_date(
    estate: Estate,
) -> None:
    outcome = estate.run[TLS, key(estate.billing, "prod")]
    assert outcome.outcome == "failed"
    arn = estate.certificates["billing"]
    assert f"billing.example.com: certificate {arn} expires on 20" in outcome.message
    assert outcome.message.endswith(
        "within 30 days of the collection (imported: ACM does not renew it)"
    )
    (certificate,) = _certificate_evidence(outcome, "billing.example.com")
    assert 0 <= certificate["days_to_expiry"] <= 10


def test_expired_certificate_fails(estate: Estate) -> None:
    outcome = estate.run[TLS, key(estate.legacy, "prod")]
    assert outcome.outcome == "failed"
    arn = estate.certificates["legacy"]
    assert f"legacy.example.com: certificate {arn} expired on 20" in outcome.message
    (certificate,) = _certificate_evidence(outcome, "legacy.example.com")
    assert certificate["status"] == "EXPIRED"
    assert certificate["days_to_expiry"] < 0


def test_mutual_tls_truststore_warnings_fail(estate: Estate) -> None:
    outcome = estate.run[TLS, key(estate.partners, "prod")]
    assert outcome.outcome == "failed"
    assert outcome.message.endswith(
        f"partners.example.com: its mutual TLS truststore {TRUSTSTORE} has 1 warning: "
        f"{TRUSTSTORE_WARNING}"
    )
    evidence = outcome.details["domain_certificates"]["partners.example.com"]
    assert evidence["mutual_tls"]["truststore_warnings"] == [TRUSTSTORE_WARNING]
    server, ownership = evidence["certificates"]
    assert server["arn"] == estate.certificates["partners"]
    assert ownership["arn"] == estate.certificates["ownership"]
    assert ownership["purpose"] == "ownership verification"


def test_domain_awaiting_a_certificate_reimport_fails_with_aws_message(estate: Estate) -> None:
    outcome = estate.run[TLS, key(estate.pending, "prod")]
    assert outcome.outcome == "failed"
    assert outcome.message.endswith(
        f"pending.example.com: its status is PENDING_CERTIFICATE_REIMPORT ({REIMPORT_MESSAGE})"
    )


def test_edge_domain_certificate_is_read_in_us_east_1(estate: Estate) -> None:
    outcome = estate.run[TLS, key(estate.archive, "prod")]
    assert outcome.outcome == "passed"
    (certificate,) = _certificate_evidence(outcome, "archive.example.com")
    assert certificate["arn"].startswith("arn:aws:acm:us-east-1:")


def test_certificate_uploaded_to_api_gateway_fails_as_unreadable_and_unrenewed(
    estate: Estate,
) -> None:
    outcome = estate.run[TLS, key(estate.vintage, "prod")]
    assert outcome.outcome == "failed"
    assert "vintage.example.com: certificate 'vintage-2019' was uploaded to API Gateway on 20" in (
        outcome.message
    )
    assert outcome.message.endswith("not ACM: no API reads its expiry and nothing renews it")


def test_stage_without_custom_domain_is_not_applicable(estate: Estate) -> None:
    outcome = estate.run[TLS, key(estate.unmapped, "prod")]
    assert (outcome.outcome, outcome.message) == (
        "skipped",
        "no custom domain maps stage unmapped/prod",
    )


def test_excluded_api_and_out_of_scope_stage_are_not_targets(estate: Estate) -> None:
    assert estate.run.keys(TLS)
    assert not estate.run.on(TLS, apis={estate.sandbox.id}, stages=("dev",))


# --- collection --------------------------------------------------------------------------------


def test_each_certificate_is_described_once_and_only_for_in_scope_stages(
    estate: Estate,
) -> None:
    """The shared certificate serves two domains and two stages: one call. The dev domain's
    and the excluded sandbox's cost nothing; the ownership certificate is one more."""
    described = {c.arn for c in estate.inventory.acm_certificates}
    expected = {
        estate.certificates[name]
        for name in ("shared", "billing", "legacy", "partners", "ownership", "pending", "archive")
    }
    assert described == expected
    assert estate.calls["acm.DescribeCertificate"] == len(expected)


def test_domains_carry_their_certificates_status_and_mutual_tls(estate: Estate) -> None:
    domains = {d.name: d for d in estate.inventory.custom_domains}
    partners = domains["partners.example.com"]
    assert partners.mutual_tls is not None
    assert (partners.mutual_tls.truststore_uri, partners.mutual_tls.warnings) == (
        TRUSTSTORE,
        (TRUSTSTORE_WARNING,),
    )
    assert [(c.arn, c.ownership_verification) for c in partners.certificates or ()] == [
        (estate.certificates["partners"], False),
        (estate.certificates["ownership"], True),
    ]
    assert domains["billing.example.com"].status == "AVAILABLE"
    assert domains["billing.example.com"].mutual_tls is None
    (uploaded,) = domains["vintage.example.com"].certificates or ()
    assert (uploaded.arn, uploaded.name) == (None, "vintage-2019")
    assert uploaded.uploaded_at is not None


def test_a_domain_maps_a_stage_by_its_api_and_stage_or_every_stage_of_its_api() -> None:
    def domain(*mappings: ApiMapping) -> CustomDomain:
        return CustomDomain(
            name="api.example.com",
            region="us-east-1",
            endpoint_type="REGIONAL",
            regional_domain_names=(),
            mappings=mappings,
        )

    prod = ("us-east-1", "a1", "prod")
    assert maps_any(domain(ApiMapping(api_id="a1", stage="prod", key="")), {prod})
    assert maps_any(domain(ApiMapping(api_id="a1", stage="", key="v1")), {prod})
    assert not maps_any(domain(ApiMapping(api_id="a1", stage="dev", key="")), {prod})
    assert not maps_any(domain(ApiMapping(api_id="b2", stage="prod", key="")), {prod})
    assert not maps_any(
        domain(ApiMapping(api_id="a1", stage="prod", key="")), {("eu-west-1", "a1", "prod")}
    )
    unread = dataclasses.replace(domain(), mappings=None)
    assert not maps_any(unread, {prod})


def test_acm_answers_are_kept_without_the_certificates_themselves(estate: Estate) -> None:
    legacy = estate.inventory.acm_certificate(estate.certificates["legacy"])
    assert legacy is not None
    assert (legacy.status, legacy.type) == ("EXPIRED", "IMPORTED")
    snapshot = json.dumps(to_jsonable(estate.inventory))
    assert "BEGIN CERTIFICATE" not in snapshot
    assert "PRIVATE KEY" not in snapshot


# --- unknown -----------------------------------------------------------------------------------


def test_unreadable_certificate_is_unknown_with_the_failed_call(estate: Estate) -> None:
    shared = estate.certificates["shared"]
    for stage in ("prod", "staging"):  # both are served by domains with that certificate
        outcome = estate.denied[TLS, key(estate.web, stage)]
        assert outcome.outcome == "error", stage
        assert f"DescribeCertificate on {shared} failed (AccessDeniedException)" in (
            outcome.message
        )
    assert estate.denied.outcome(TLS, key(estate.billing, "prod")) == "failed"


def test_a_snapshot_from_before_domain_certificates_were_read_is_unknown(
    estate: Estate, tmp_path: Path
) -> None:
    document = to_jsonable(estate.inventory)
    del document["acm_certificates"]
    for domain in document["custom_domains"]:
        for field in ("certificates", "status", "status_message", "mutual_tls"):
            del domain[field]
    run = audit_inventory(from_jsonable(Inventory, document), tmp_path)
    outcome = run[TLS, key(estate.web, "prod")]
    assert outcome.outcome == "error"
    assert "the certificates of custom domain web.example.com were not read" in outcome.message
    assert run.outcome(TLS, key(estate.unmapped, "prod")) == "skipped"


# --- what ACM says of a certificate it issued -------------------------------------------------


def _judged(estate: Estate, stage_key: str, **replaced: Any) -> DomainCertificates:
    """The policy on the estate's inventory, with the shared certificate's ACM answer
    changed as ``replaced`` says."""
    shared = estate.certificates["shared"]
    acm = tuple(
        dataclasses.replace(c, **replaced) if c.arn == shared else c
        for c in estate.inventory.acm_certificates
    )
    inventory = dataclasses.replace(estate.inventory, acm_certificates=acm)
    stage = TargetIndex(inventory, StageScope()).resolve("stage", stage_key)
    assert isinstance(stage, (RestStageTarget, V2StageTarget))
    judged = domain_certificates(stage, inventory)
    assert isinstance(judged, DomainCertificates)
    return judged


def test_amazon_issued_certificate_expiring_says_how_acm_renewal_stands(estate: Estate) -> None:
    started = estate.inventory.metadata.started_at
    soon = (datetime.fromisoformat(started) + timedelta(days=5)).isoformat()
    judged = _judged(
        estate,
        key(estate.web, "prod"),
        type="AMAZON_ISSUED",
        not_after=soon,
        renewal_status="PENDING_VALIDATION",
    )
    assert len(judged.problems) == 2  # both domains serve it
    assert judged.problems[0].endswith("(ACM's renewal is PENDING_VALIDATION)")


def test_revoked_certificate_fails_whatever_its_expiry(estate: Estate) -> None:
    judged = _judged(estate, key(estate.web, "staging"), status="REVOKED")
    shared = estate.certificates["shared"]
    assert judged.problems == (f"web.example.com: certificate {shared} is REVOKED",)


def test_private_certificate_expiring_says_acm_renews_it_and_has_not(estate: Estate) -> None:
    """ACM renews the private certificates it issued from AWS Private CA, as public ones;
    only imported ones it never renews."""
    started = estate.inventory.metadata.started_at
    soon = (datetime.fromisoformat(started) + timedelta(days=5)).isoformat()
    judged = _judged(estate, key(estate.web, "staging"), type="PRIVATE", not_after=soon)
    (problem,) = judged.problems
    assert problem.endswith(
        "(private: ACM renews it from 60 days before it expires, and has not: its AWS Private "
        "CA must be active and let ACM use it)"
    )


@pytest.mark.parametrize("status", ["FAILED", "PENDING_VALIDATION", "VALIDATION_TIMED_OUT"])
def test_certificate_acm_never_issued_fails_though_it_has_no_expiry(
    estate: Estate, status: str
) -> None:
    """ACM answers no NotAfter for a certificate it did not issue: it serves no one."""
    judged = _judged(estate, key(estate.web, "staging"), status=status, not_after=None)
    shared = estate.certificates["shared"]
    assert judged.problems == (f"web.example.com: certificate {shared} is {status}",)
    certificates = judged.domains["web.example.com"]["certificates"]
    assert isinstance(certificates, list)
    (certificate,) = certificates
    assert (certificate["not_after"], certificate["days_to_expiry"]) == (None, None)


def test_issued_certificate_without_expiry_is_unknown(estate: Estate) -> None:
    with pytest.raises(DataUnavailable, match=r"answered no NotAfter for .*, which is ISSUED"):
        _judged(estate, key(estate.web, "prod"), not_after=None)


def test_acm_answer_without_status_is_unknown(estate: Estate) -> None:
    with pytest.raises(DataUnavailable, match="answered no Status"):
        _judged(estate, key(estate.web, "prod"), status=None)


def test_api_gateway_never_answers_an_uploaded_certificate_back(aws: None) -> None:
    api = RestApiBuilder("vintage")
    pem, private_key = self_signed("vintage.example.com", datetime.now(UTC) + timedelta(days=9))
    api.client.create_domain_name(
        domainName="vintage.example.com",
        endpointConfiguration={"types": ["EDGE"]},
        certificateName="vintage-2019",
        certificateBody=pem.decode(),
        certificatePrivateKey=private_key.decode(),
    )
    (domain,) = api.client.get_domain_names()["items"]
    assert domain["certificateName"] == "vintage-2019"
    assert not {"certificateBody", "certificateChain", "certificatePrivateKey"} & set(domain)
