"""Private custom domains (PRIVATE REST APIs'): collected from apigateway v1 by name and
domainNameId, they serve the private stages they map, whose domain checks (TLS policy,
default endpoint, certificates) now judge them, on an emulated estate answering as AWS does."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from botocore.exceptions import ClientError

from collectors.demo.builders import AccountBuilder, RestApiBuilder, invoke_policy
from collectors.demo.builders.clients import aws_client
from collectors.demo.estate import emulated_aws
from collectors.model import Inventory
from tests_unit.checks_harness import AuditRun, audit_account, denying, key
from tests_unit.conftest import collect

TLS, ENDPOINT, CERTIFICATES = "APIGW-TLS-001", "APIGW-TLS-002", "APIGW-TLS-003"
NAME = "ledger.example.com"  # a private domain's, and a public domain's too
VPCE = {"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}


@dataclass
class Estate:
    # PRIVATE; prod mapped at the root of the private ledger.example.com (TLS_1_2, its
    # certificate expiring in 10 days), default endpoint open; staging reached by a routing
    # rule of a second private ledger.example.com (ROUTING_RULE_ONLY)
    ledger: RestApiBuilder
    public: RestApiBuilder  # REGIONAL, behind the public ledger.example.com (TLS_1_0)
    sealed: RestApiBuilder  # PRIVATE, default endpoint off, behind a private domain on v1
    excluded: RestApiBuilder  # PRIVATE, Internal=true, behind a private domain
    private_id: str  # the private ledger.example.com's domainNameId
    ruled_id: str  # the second one's
    inventory: Inventory
    calls: list[str]
    run: AuditRun
    denied: AuditRun  # the private domains' base path mappings refused


def _private(name: str, **options: object) -> RestApiBuilder:
    api = RestApiBuilder(
        name,
        endpoint_type="PRIVATE",
        policy=invoke_policy(VPCE),
        **options,  # type: ignore[arg-type]
    )
    api.method("GET", "/entries", authorization="AWS_IAM")
    api.stage("prod")
    api.stage("staging")
    return api


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        account = AccountBuilder()
        public = RestApiBuilder("public")
        public.method("GET", "/entries")
        public.stage("prod")
        account.rest_custom_domain(NAME, public.id, "prod", "TLS_1_0")

        ledger = _private("ledger")
        expiring = account.certificate(NAME, expires_in_days=10)
        private_id = account.private_custom_domain(NAME, [(ledger.id, "prod", "")], expiring)
        valid = account.certificate(NAME)
        ruled_id = account.private_custom_domain(NAME, [], valid, routing_mode="ROUTING_RULE_ONLY")
        account.routing_rule(NAME, ledger.id, "staging", priority=1, domain_name_id=ruled_id)

        sealed = _private("sealed", disable_execute_api_endpoint=True)
        account.private_custom_domain(
            "sealed.example.com",
            [(sealed.id, "prod", "v1")],
            account.certificate("sealed.example.com"),
            security_policy="SecurityPolicy_TLS13_1_3_2025_09",
        )
        excluded = _private("internal-ledger", tags={"Internal": "true"})
        account.private_custom_domain(
            "tools.example.com", [(excluded.id, "prod", "")], expiring, security_policy="TLS_1_0"
        )

        calls: list[str] = []
        inventory = collect(calls=calls)
        run = audit_account(tmp_path_factory)
        denied = audit_account(tmp_path_factory, denying(f"/domainnames/{NAME}/basepathmappings"))
    return Estate(
        ledger, public, sealed, excluded, private_id, ruled_id, inventory, calls, run, denied
    )


def test_private_domains_are_collected_by_name_and_id_beside_the_public_namesake(
    estate: Estate,
) -> None:
    named = sorted(
        (d.endpoint_type, d.label, d.security_policies)
        for d in estate.inventory.custom_domains
        if d.name == NAME
    )
    assert named == sorted(
        [
            ("REGIONAL", NAME, ("TLS_1_0",)),
            ("PRIVATE", f"{NAME}+{estate.private_id}", ("TLS_1_2",)),
            ("PRIVATE", f"{NAME}+{estate.ruled_id}", ("TLS_1_2",)),
        ]
    )
    private = next(
        d for d in estate.inventory.custom_domains if d.domain_name_id == estate.private_id
    )
    assert private.regional_domain_names == ()  # reached through VPC endpoints only
    assert private.reaches(estate.ledger.id, "prod")
    assert not private.reaches(estate.ledger.id, "staging")
    assert private.certificates is not None
    assert str(private.certificates[0].arn).startswith("arn:aws:acm")


def test_one_base_path_mappings_call_per_private_domain_and_rules_where_its_mode_uses_them(
    estate: Estate,
) -> None:
    private = [d for d in estate.inventory.custom_domains if d.endpoint_type == "PRIVATE"]
    assert estate.calls.count("apigateway.GetDomainNames") == 1
    # the public ledger.example.com is regional: its mappings come from apigatewayv2
    assert estate.calls.count("apigateway.GetBasePathMappings") == len(private) == 4
    assert estate.calls.count("apigatewayv2.ListRoutingRules") == 1  # the ROUTING_RULE_ONLY one


def test_a_private_domain_routing_rule_reaches_the_stage_it_invokes(estate: Estate) -> None:
    outcome = estate.run[TLS, key(estate.ledger, "staging")]
    assert outcome.outcome == "passed"
    assert outcome.details["domain_security_policies"] == {f"{NAME}+{estate.ruled_id}": ["TLS_1_2"]}


def test_a_private_stage_is_judged_on_its_private_domain_not_the_public_namesake(
    estate: Estate,
) -> None:
    private = estate.run[TLS, key(estate.ledger, "prod")]
    assert private.outcome == "passed"
    assert private.details["domain_security_policies"] == {
        f"{NAME}+{estate.private_id}": ["TLS_1_2"]
    }
    public = estate.run[TLS, key(estate.public, "prod")]
    assert public.outcome == "failed"
    assert public.details["domain_security_policies"] == {NAME: ["TLS_1_0"]}


def test_a_private_stage_open_at_its_default_endpoint_beside_its_domain_fails(
    estate: Estate,
) -> None:
    outcome = estate.run[ENDPOINT, key(estate.ledger, "prod")]
    assert outcome.outcome == "failed"
    assert f"{NAME}+{estate.private_id}" in outcome.message
    assert estate.run.outcome(ENDPOINT, key(estate.sealed, "prod")) == "passed"


def test_a_private_domains_expiring_certificate_is_a_finding(estate: Estate) -> None:
    outcome = estate.run[CERTIFICATES, key(estate.ledger, "prod")]
    assert outcome.outcome == "failed"
    assert f"{NAME}+{estate.private_id}" in outcome.message
    assert estate.run.outcome(CERTIFICATES, key(estate.sealed, "prod")) == "passed"


def test_excluded_private_api_is_not_audited(estate: Estate) -> None:
    for check in (TLS, ENDPOINT, CERTIFICATES):
        assert not estate.run.on(check, apis=[estate.excluded.id])


def test_unread_private_domain_mappings_make_its_stages_unknown(estate: Estate) -> None:
    outcome = estate.denied[TLS, key(estate.ledger, "prod")]
    assert outcome.outcome == "error"
    assert "GetBasePathMappings" in outcome.message
    # the public domain's mappings were read (apigatewayv2): its stage is still judged
    assert estate.denied.outcome(TLS, key(estate.public, "prod")) == "failed"


def test_the_emulation_refuses_what_aws_refuses_of_private_domains(estate: Estate) -> None:
    with emulated_aws():
        account = AccountBuilder()
        public = RestApiBuilder("public")
        private = _private("private")
        certificate = account.certificate("p.example.com")
        domain_name_id = account.private_custom_domain("p.example.com", [], certificate)
        v1 = aws_client("apigateway", "us-east-1")
        with pytest.raises(ClientError) as refused:  # only PRIVATE APIs map to it
            v1.create_base_path_mapping(
                domainName="p.example.com",
                domainNameId=domain_name_id,
                restApiId=public.id,
                stage="prod",
            )
        assert refused.value.response["Error"]["Code"] == "BadRequestException"
        with pytest.raises(ClientError) as unknown:
            v1.get_base_path_mappings(domainName="p.example.com", domainNameId="00000000")
        assert unknown.value.response["Error"]["Code"] == "NotFoundException"
        assert v1.get_domain_name(domainName="p.example.com", domainNameId=domain_name_id)[
            "domainNameArn"
        ].endswith(f":/domainnames/p.example.com+{domain_name_id}")
        # apigatewayv2 manages no private domain; another account shares none here
        v2 = aws_client("apigatewayv2", "us-east-1")
        assert v2.get_domain_names()["Items"] == []
        assert v1.get_domain_names(resourceOwner="OTHER_ACCOUNTS")["items"] == []
        assert private.id
