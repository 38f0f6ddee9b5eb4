"""APIGW-TLS-004: a REST stage's default endpoint refuses TLS 1.0 and 1.1, judged on its API's
own security policy (GetRestApis' securityPolicy, AWS's default for its endpoint type when
it was made without one), on an emulated estate."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from moto.apigateway.models import RestAPI

from collectors.demo.builders import HttpApiBuilder, RestApiBuilder
from collectors.demo.builders.clients import aws_client
from collectors.demo.estate import emulated_aws
from collectors.model import default_security_policy
from tests_unit.checks_harness import AuditRun, audit_account, audit_inventory, key, written_before
from tests_unit.conftest import collect

TLS = "APIGW-TLS-004"


@dataclass
class Estate:
    regional: RestApiBuilder  # made without a policy: TLS_1_0
    edge: RestApiBuilder  # made without a policy: TLS_1_0
    private: RestApiBuilder  # made without a policy: TLS_1_2
    raised: RestApiBuilder  # TLS_1_2
    enhanced: RestApiBuilder  # SecurityPolicy_TLS13_1_3_2025_09, STRICT
    custom_domain_only: RestApiBuilder  # TLS_1_0, default endpoint disabled
    excluded: RestApiBuilder  # TLS_1_0, tagged Internal=true
    http: HttpApiBuilder
    run: AuditRun
    strict: AuditRun  # --tls-policies=SecurityPolicy_TLS13_1_3_2025_09
    old_snapshot: AuditRun


def _api(name: str, **options: object) -> RestApiBuilder:
    api = RestApiBuilder(name, **options)  # type: ignore[arg-type]
    api.method("GET", "/status")
    api.stage("prod")
    return api


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        regional = _api("regional")
        edge = _api("edge", endpoint_type="EDGE")
        private = _api("private", endpoint_type="PRIVATE")
        raised = _api("raised", security_policy="TLS_1_2")
        enhanced = _api(
            "enhanced",
            security_policy="SecurityPolicy_TLS13_1_3_2025_09",
            endpoint_access_mode="STRICT",
        )
        custom_domain_only = _api("custom-domain-only", disable_execute_api_endpoint=True)
        excluded = _api("internal", tags={"Internal": "true"})
        http = HttpApiBuilder("http")
        http.route("GET /status", http.http_integration("https://backend.example.com/status"))
        http.stage("prod")
        run = audit_account(tmp_path_factory)
        inventory = collect()
        strict = audit_inventory(
            inventory,
            tmp_path_factory.mktemp("strict"),
            "--tls-policies=SecurityPolicy_TLS13_1_3_2025_09",
        )
        old = written_before(inventory, "security_policy", "endpoint_access_mode")
        old_snapshot = audit_inventory(old, tmp_path_factory.mktemp("old"))
    return Estate(
        regional,
        edge,
        private,
        raised,
        enhanced,
        custom_domain_only,
        excluded,
        http,
        run,
        strict,
        old_snapshot,
    )


def test_regional_or_edge_api_made_without_a_policy_fails_on_tls_1_0(estate: Estate) -> None:
    for api in (estate.regional, estate.edge):
        outcome = estate.run[TLS, key(api, "prod")]
        assert outcome.outcome == "failed"
        assert "security policy TLS_1_0, which is not allowed" in outcome.message
        assert outcome.details["default_endpoint_security_policy"] == "TLS_1_0"
        assert outcome.details["endpoint_access_mode"] is None


def test_private_api_made_without_a_policy_passes_on_tls_1_2(estate: Estate) -> None:
    outcome = estate.run[TLS, key(estate.private, "prod")]
    assert outcome.outcome == "passed"
    assert outcome.details["default_endpoint_security_policy"] == "TLS_1_2"


def test_raised_or_enhanced_policy_passes_with_its_access_mode(estate: Estate) -> None:
    assert estate.run.outcome(TLS, key(estate.raised, "prod")) == "passed"
    outcome = estate.run[TLS, key(estate.enhanced, "prod")]
    assert outcome.outcome == "passed"
    assert outcome.details["default_endpoint_security_policy"] == (
        "SecurityPolicy_TLS13_1_3_2025_09"
    )
    assert outcome.details["endpoint_access_mode"] == "STRICT"


def test_allowed_policies_are_configurable(estate: Estate) -> None:
    assert estate.strict.outcome(TLS, key(estate.raised, "prod")) == "failed"
    assert estate.strict.outcome(TLS, key(estate.enhanced, "prod")) == "passed"


def test_disabled_default_endpoint_is_not_applicable(estate: Estate) -> None:
    outcome = estate.run[TLS, key(estate.custom_domain_only, "prod")]
    assert outcome.outcome == "skipped"
    assert "default endpoint of custom-domain-only/prod is disabled" in outcome.message


def test_excluded_api_and_http_apis_are_not_judged(estate: Estate) -> None:
    assert not estate.run.on(TLS, apis=[estate.excluded.id, estate.http.id])
    assert estate.run.on("APIGW-TLS-002", apis=[estate.http.id])  # HTTP stages are audited


def test_snapshot_from_before_the_policy_was_read_is_unknown(estate: Estate) -> None:
    outcome = estate.old_snapshot[TLS, key(estate.regional, "prod")]
    assert outcome.outcome == "error"
    assert "TLS security policy of REST API regional" in outcome.message
    assert "collect again" in outcome.message
    # a disabled default endpoint needs no policy to be judged
    assert estate.old_snapshot.outcome(TLS, key(estate.custom_domain_only, "prod")) == "skipped"


def test_collection_keeps_the_answered_policy_and_access_mode() -> None:
    with emulated_aws():
        api = _api(
            "enhanced",
            security_policy="SecurityPolicy_TLS13_1_2_PQ_2025_09",
            endpoint_access_mode="BASIC",
        )
        (collected,) = collect().rest_apis
    assert collected.id == api.id
    assert (collected.security_policy, collected.endpoint_access_mode) == (
        "SecurityPolicy_TLS13_1_2_PQ_2025_09",
        "BASIC",
    )


def test_an_answer_without_a_policy_is_given_the_endpoint_types_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An API listed without securityPolicy (as AWS answered before REST APIs had one) gets
    the policy AWS documents for its endpoint type."""
    with emulated_aws():
        _api("regional")
        _api("private", endpoint_type="PRIVATE")
        answered = RestAPI.to_dict

        def without_policy(api: RestAPI) -> dict[str, object]:
            answer = dict(answered(api))
            answer.pop("securityPolicy")
            return answer

        monkeypatch.setattr(RestAPI, "to_dict", without_policy)
        assert all(
            "securityPolicy" not in item
            for item in aws_client("apigateway", "us-east-1").get_rest_apis()["items"]
        )
        policies = {api.name: api.security_policy for api in collect().rest_apis}
    assert policies == {"regional": "TLS_1_0", "private": "TLS_1_2"}


@pytest.mark.parametrize(
    ("types", "policy"),
    [
        (("REGIONAL",), "TLS_1_0"),
        (("EDGE",), "TLS_1_0"),
        (("PRIVATE",), "TLS_1_2"),
        ((), "TLS_1_0"),
    ],
)
def test_default_security_policy_by_endpoint_type(types: tuple[str, ...], policy: str) -> None:
    assert default_security_policy(types) == policy
