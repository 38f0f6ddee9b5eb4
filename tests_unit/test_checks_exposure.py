"""Custom-domain TLS, the default endpoint beside a custom domain, and resource policies that
admit any VPC or any AWS account, on an emulated estate."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from collectors.demo.builders import AccountBuilder, RestApiBuilder, invoke_policy
from collectors.demo.estate import emulated_aws
from tests_unit.checks_harness import AuditRun, audit_account, audit_inventory, denying, key
from tests_unit.conftest import collect

TLS, ENDPOINT, PRIVATE, ACCOUNTS = (
    "APIGW-TLS-001",
    "APIGW-TLS-002",
    "APIGW-POLICY-001",
    "APIGW-POLICY-002",
)
NOT_READ = "(deployed definition not read)"


def _policy(*statements: dict[str, object]) -> dict[str, object]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(
    sid: str, resource: str, condition: dict[str, object] | None = None
) -> dict[str, object]:
    statement: dict[str, object] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "execute-api:Invoke",
        "Resource": resource,
    }
    if condition:
        statement["Condition"] = condition
    return statement


@dataclass
class Estate:
    legacy: RestApiBuilder  # TLS_1_0 domain, default endpoint open, no resource policy
    current: RestApiBuilder  # TLS_1_2 domain, default endpoint off, a policy open on /orders
    unmapped: RestApiBuilder  # no custom domain, public
    pinned: RestApiBuilder  # PRIVATE, pinned to a VPC endpoint
    shared: RestApiBuilder  # PRIVATE, open to every VPC
    excluded: RestApiBuilder
    run: AuditRun
    denied: AuditRun
    old_snapshot: AuditRun
    strict: AuditRun  # --tls-policies=SecurityPolicy_TLS13_1_3_2025_09


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        account = AccountBuilder()
        legacy = RestApiBuilder("legacy")
        legacy.method("GET", "/invoices", authorization="AWS_IAM")
        legacy.stage("prod")
        account.rest_custom_domain("legacy.example.com", legacy.id, "prod", "TLS_1_0")

        policy = _policy(
            _allow("AnyAccount", "execute-api:/*/GET/orders"),
            _allow(
                "OrgOnly",
                "execute-api:/*/GET/invoices",
                {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
            ),
        )
        current = RestApiBuilder("current", disable_execute_api_endpoint=True, policy=policy)
        current.method("GET", "/orders", authorization="AWS_IAM")
        current.method("GET", "/invoices", authorization="AWS_IAM")
        current.method("GET", "/status")  # no IAM authorization
        current.stage("prod")
        account.rest_custom_domain(
            "current.example.com", current.id, "prod", "SecurityPolicy_TLS13_1_2_PQ_2025_09"
        )

        unmapped = RestApiBuilder("unmapped")
        unmapped.method("GET", "/ping", authorization="AWS_IAM")
        unmapped.stage("prod")

        vpce = {"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}
        pinned = RestApiBuilder("pinned", endpoint_type="PRIVATE", policy=invoke_policy(vpce))
        pinned.method("GET", "/stock", authorization="AWS_IAM")
        pinned.stage("prod")
        shared = RestApiBuilder("shared", endpoint_type="PRIVATE", policy=invoke_policy())
        shared.method("GET", "/stock", authorization="AWS_IAM")
        shared.stage("prod")

        excluded = RestApiBuilder(
            "internal", tags={"Internal": "true"}, endpoint_type="PRIVATE", policy=invoke_policy()
        )
        excluded.method("GET", "/tools", authorization="AWS_IAM")
        excluded.stage("prod")
        account.rest_custom_domain("internal.example.com", excluded.id, "prod", "TLS_1_0")

        run = audit_account(tmp_path_factory)
        denied = audit_account(
            tmp_path_factory,
            denying("/domainnames", f"/restapis/{shared.id}/deployments/"),
        )
        inventory = collect()
        # A snapshot written before the domains' security policies were collected.
        old = dataclasses.replace(
            inventory,
            custom_domains=tuple(
                dataclasses.replace(d, security_policies=None) for d in inventory.custom_domains
            ),
        )
        old_snapshot = audit_inventory(old, tmp_path_factory.mktemp("old"))
        strict = audit_inventory(
            inventory,
            tmp_path_factory.mktemp("strict"),
            "--tls-policies=SecurityPolicy_TLS13_1_3_2025_09",
        )
    return Estate(
        legacy, current, unmapped, pinned, shared, excluded, run, denied, old_snapshot, strict
    )


# --- APIGW-TLS-001 ----------------------------------------------------------------------------


def test_domain_accepting_tls_1_0_is_a_finding_naming_it(estate: Estate) -> None:
    outcome = estate.run[TLS, key(estate.legacy, "prod")]
    assert outcome.outcome == "failed"
    assert "legacy.example.com (TLS_1_0)" in outcome.message
    assert outcome.details["domain_security_policies"] == {"legacy.example.com": ["TLS_1_0"]}


def test_post_quantum_policy_passes(estate: Estate) -> None:
    assert estate.run.outcome(TLS, key(estate.current, "prod")) == "passed"


def test_allowed_policies_are_configurable(estate: Estate) -> None:
    assert estate.strict.outcome(TLS, key(estate.current, "prod")) == "failed"


def test_stage_without_custom_domain_is_not_applicable(estate: Estate) -> None:
    outcome = estate.run[TLS, key(estate.unmapped, "prod")]
    assert (outcome.outcome, outcome.message) == (
        "skipped",
        "no custom domain maps stage unmapped/prod",
    )


def test_unread_domains_or_an_old_snapshot_make_tls_unknown(estate: Estate) -> None:
    assert estate.denied.outcome(TLS, key(estate.legacy, "prod")) == "error"
    outcome = estate.old_snapshot[TLS, key(estate.current, "prod")]
    assert outcome.outcome == "error"
    assert "security policy of custom domain current.example.com was not read" in outcome.message


# --- APIGW-TLS-002 ----------------------------------------------------------------------------


def test_default_endpoint_open_beside_a_custom_domain_fails(estate: Estate) -> None:
    outcome = estate.run[ENDPOINT, key(estate.legacy, "prod")]
    assert outcome.outcome == "failed"
    assert "legacy.example.com" in outcome.message
    assert outcome.details["disable_execute_api_endpoint"] is False


def test_disabled_default_endpoint_passes(estate: Estate) -> None:
    assert estate.run.outcome(ENDPOINT, key(estate.current, "prod")) == "passed"
    assert estate.run.outcome(ENDPOINT, key(estate.unmapped, "prod")) == "skipped"


def test_unread_domains_make_the_default_endpoint_check_unknown(estate: Estate) -> None:
    outcome = estate.denied[ENDPOINT, key(estate.current, "prod")]
    assert outcome.outcome == "error"
    assert "GetDomainNames" in outcome.message


# --- APIGW-POLICY-001 -------------------------------------------------------------------------


def test_private_api_open_to_every_vpc_fails(estate: Estate) -> None:
    outcome = estate.run[PRIVATE, key(estate.shared, "prod")]
    assert outcome.outcome == "failed"
    assert "GET /stock" in outcome.message
    assert outcome.details["unrestricted_methods"] == ["GET /stock"]


def test_private_api_pinned_to_a_vpc_endpoint_passes(estate: Estate) -> None:
    outcome = estate.run[PRIVATE, key(estate.pinned, "prod")]
    assert outcome.outcome == "passed"
    assert "aws:SourceVpce=vpce-0123456789abcdef0" in outcome.details["vpc_restrictions"][0]


def test_public_api_is_not_applicable_and_excluded_api_not_audited(estate: Estate) -> None:
    assert estate.run.outcome(PRIVATE, key(estate.legacy, "prod")) == "skipped"
    for check in (TLS, ENDPOINT, PRIVATE, ACCOUNTS):
        assert not estate.run.on(check, apis=[estate.excluded.id])


def test_unread_deployment_makes_the_private_check_unknown(estate: Estate) -> None:
    assert estate.denied.outcome(PRIVATE, key(estate.shared, "prod")) == "error"


# --- APIGW-POLICY-002 -------------------------------------------------------------------------


def test_iam_method_open_to_every_account_fails_naming_the_statement(estate: Estate) -> None:
    outcome = estate.run[ACCOUNTS, key(estate.current, "prod", "GET /orders")]
    assert outcome.outcome == "failed"
    assert "AnyAccount" in outcome.message


def test_iam_method_limited_to_an_organisation_or_without_policy_passes(estate: Estate) -> None:
    assert estate.run.outcome(ACCOUNTS, key(estate.current, "prod", "GET /invoices")) == "passed"
    outcome = estate.run[ACCOUNTS, key(estate.legacy, "prod", "GET /invoices")]
    assert (outcome.outcome, outcome.details["has_resource_policy"]) == ("passed", False)


def test_method_without_iam_authorization_is_not_applicable(estate: Estate) -> None:
    assert estate.run.outcome(ACCOUNTS, key(estate.current, "prod", "GET /status")) == "skipped"


def test_unread_deployment_makes_the_account_check_unknown(estate: Estate) -> None:
    assert estate.denied.outcome(ACCOUNTS, key(estate.shared, "prod", NOT_READ)) == "error"
