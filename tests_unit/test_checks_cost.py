"""Cost and unused-API checks on an emulated estate, with default and configured thresholds."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from collectors.demo.builders import AccountBuilder, HttpApiBuilder, RestApiBuilder
from collectors.demo.estate import emulated_aws
from tests_unit.checks_harness import AuditRun, audit_account, audit_inventory, denying, key
from tests_unit.conftest import collect

COST, UNUSED = "APIGW-COST-001", "APIGW-UNUSED-001"


@dataclass
class Estate:
    plain: RestApiBuilder  # no REST-only feature, busy
    featured: RestApiBuilder  # a request validator, barely used
    quiet: HttpApiBuilder
    chat: HttpApiBuilder  # WebSocket: ConnectCount + MessageCount, no Count
    twins: tuple[RestApiBuilder, RestApiBuilder]  # two REST APIs named "twin"
    edge: RestApiBuilder  # EDGE endpoint, nothing else REST-only
    canaried: RestApiBuilder  # a canary release on its stage, nothing else REST-only
    uncanaried: RestApiBuilder  # the same API, its stage without a canary
    excluded: RestApiBuilder
    run: AuditRun
    configured: AuditRun  # --unused-threshold 10, other prices
    denied: AuditRun  # no CloudWatch metrics, featured's resources unreadable


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        account = AccountBuilder()
        backend = account.lambda_function("backend", timeout_seconds=5)

        plain = RestApiBuilder("plain")
        plain.method("GET", "/things", authorization="AWS_IAM", lambda_arn=backend)
        plain.cors_preflight("/things")  # OPTIONS mocks are not a REST-only feature
        plain.stage("prod", rate=100, burst=50)
        plain.stage("dev")
        account.request_count({"ApiName": "plain", "Stage": "prod"}, 1_500_000)
        account.request_count({"ApiName": "plain", "Stage": "dev"}, 500_000)

        featured = RestApiBuilder("featured")
        validator = featured.validator("params", body=False, parameters=True)
        featured.method("GET", "/things", validator_id=validator, lambda_arn=backend)
        featured.stage("prod")
        account.request_count({"ApiName": "featured", "Stage": "prod"}, 50)

        quiet = HttpApiBuilder("quiet")
        quiet.route("GET /ping", quiet.lambda_integration(backend))
        quiet.stage("prod")
        quiet.stage("staging")
        quiet.stage("dev")
        account.request_count({"ApiId": quiet.id, "Stage": "staging"}, 500)

        chat = HttpApiBuilder("chat", protocol="WEBSOCKET")
        chat.route("$connect", chat.lambda_integration(backend), authorization="AWS_IAM")
        chat.stage("prod")
        # neither metric alone reaches the threshold of 100: the stage's traffic is their sum
        account.request_count({"ApiId": chat.id, "Stage": "prod"}, 40, metric="ConnectCount")
        account.request_count({"ApiId": chat.id, "Stage": "prod"}, 70, metric="MessageCount")
        account.request_count({"ApiId": chat.id, "Stage": "prod"}, 5_000)  # no WebSocket Count

        twins = (RestApiBuilder("twin"), RestApiBuilder("twin"))
        for twin in twins:
            twin.method("GET", "/things", authorization="AWS_IAM", lambda_arn=backend)
            twin.stage("prod")
        account.request_count({"ApiName": "twin", "Stage": "prod"}, 5_000)

        edge = RestApiBuilder("edge", endpoint_type="EDGE")
        edge.method("GET", "/things", authorization="AWS_IAM", lambda_arn=backend)
        edge.stage("prod")

        canaried, uncanaried = RestApiBuilder("canaried"), RestApiBuilder("uncanaried")
        for api in (canaried, uncanaried):
            api.method("GET", "/things", authorization="AWS_IAM", lambda_arn=backend)
        uncanaried.stage("prod")
        released, upcoming = canaried.deploy(), canaried.deploy()
        canaried.client.create_stage(  # 10 % of prod's traffic tries the upcoming deployment
            restApiId=canaried.id,
            stageName="prod",
            deploymentId=released,
            canarySettings={"deploymentId": upcoming, "percentTraffic": 10.0},
        )

        excluded = RestApiBuilder("batch", tags={"ExcludeFromAudit": "true"})
        excluded.method("GET", "/jobs")
        excluded.stage("prod")

        inventory = collect()
        run = audit_inventory(inventory, tmp_path_factory.mktemp("cost"))
        configured = audit_inventory(
            inventory,
            tmp_path_factory.mktemp("cost-configured"),
            "--unused-threshold=10",
            "--rest-price-per-million=4.00",
            "--http-price-per-million=1.00",
        )
        denied_session = denying("GetMetricData", f"/restapis/{featured.id}/resources")
        denied = audit_account(tmp_path_factory, denied_session)
    return Estate(
        plain,
        featured,
        quiet,
        chat,
        twins,
        edge,
        canaried,
        uncanaried,
        excluded,
        run,
        configured,
        denied,
    )


# --- Cost Optimization Opportunity -------------------------------------------------------------


def test_rest_api_using_no_rest_only_feature_fails_with_the_saving(estate: Estate) -> None:
    outcome = estate.run[COST, key(estate.plain)]
    assert outcome.outcome == "failed"
    assert outcome.details["features_used"] == []
    assert set(outcome.details["features_checked"]) >= {"waf", "caching", "private_endpoint"}
    # every stage counts, dev included: the whole API would move
    assert repr(outcome.details["api_requests_30d"]) == "2000000"  # a count: an integer
    assert outcome.details["estimated_monthly_saving_usd"] == 5.0
    assert "save about $5.00 a month at 2,000,000 requests in 30 days" in outcome.message


def test_rest_api_using_a_validator_passes(estate: Estate) -> None:
    outcome = estate.run[COST, key(estate.featured)]
    assert (outcome.outcome, outcome.details["features_used"]) == (
        "passed",
        ["request_validators"],
    )


def test_edge_optimized_rest_api_is_not_a_migration_candidate(estate: Estate) -> None:
    # HTTP APIs have no edge-optimized endpoint
    outcome = estate.run[COST, key(estate.edge)]
    assert (outcome.outcome, outcome.details["features_used"]) == (
        "passed",
        ["edge_optimized_endpoint"],
    )


def test_rest_api_releasing_through_a_canary_passes_and_without_one_fails(
    estate: Estate,
) -> None:
    # HTTP API stages have no canary release deployments
    canaried = estate.run[COST, key(estate.canaried)]
    uncanaried = estate.run[COST, key(estate.uncanaried)]
    assert (canaried.outcome, canaried.details["features_used"]) == ("passed", ["canary_release"])
    assert (uncanaried.outcome, uncanaried.details["features_used"]) == ("failed", [])


def test_prices_are_configurable(estate: Estate) -> None:
    outcome = estate.configured[COST, key(estate.plain)]
    assert outcome.details["estimated_monthly_saving_usd"] == 6.0
    assert outcome.details["rest_price_per_million"] == 4.0


def test_finding_stands_with_an_unknown_saving_without_metrics(estate: Estate) -> None:
    outcome = estate.denied[COST, key(estate.plain)]
    assert outcome.outcome == "failed"
    assert outcome.details["estimated_monthly_saving_usd"] == "unknown"
    assert "an unknown amount" in outcome.message


def test_unreadable_resources_error_the_cost_check(estate: Estate) -> None:
    outcome = estate.denied[COST, key(estate.featured)]
    assert (outcome.outcome, "GetResources" in outcome.message) == ("error", True)


# --- Unused API --------------------------------------------------------------------------------


def test_stage_below_the_threshold_is_unused(estate: Estate) -> None:
    outcome = estate.run[UNUSED, key(estate.featured, "prod")]
    assert outcome.outcome == "failed"
    assert outcome.message == (
        "stage featured/prod served 50 requests in the last 30 days (fewer than 100)"
    )


def test_stage_without_any_data_point_has_zero_requests(estate: Estate) -> None:
    outcome = estate.run[UNUSED, key(estate.quiet, "prod")]
    assert (outcome.outcome, repr(outcome.details["stage_requests_30d"])) == ("failed", "0")


def test_busy_stages_pass(estate: Estate) -> None:
    assert estate.run.outcome(UNUSED, key(estate.plain, "prod")) == "passed"
    assert estate.run.outcome(UNUSED, key(estate.quiet, "staging")) == "passed"


def test_websocket_stage_traffic_is_its_connections_and_messages(estate: Estate) -> None:
    outcome = estate.run[UNUSED, key(estate.chat, "prod")]
    assert (outcome.outcome, outcome.details["stage_requests_30d"]) == ("passed", 110)


def test_rest_apis_sharing_a_name_have_unknown_request_counts(estate: Estate) -> None:
    for twin in estate.twins:
        outcome = estate.run[UNUSED, key(twin, "prod")]
        assert outcome.outcome == "error"
        assert (
            f"GetMetricData on {twin.region}/{twin.id}/prod failed (IncompleteData)"
            in outcome.message
        )
        assert "another REST API in us-east-1 is also named 'twin'" in outcome.message
        # the saving of moving one cannot be estimated either
        assert estate.run[COST, key(twin)].details["estimated_monthly_saving_usd"] == "unknown"


def test_threshold_is_configurable(estate: Estate) -> None:
    assert estate.configured.outcome(UNUSED, key(estate.featured, "prod")) == "passed"
    assert estate.configured.outcome(UNUSED, key(estate.quiet, "prod")) == "failed"


def test_unreadable_metrics_error(estate: Estate) -> None:
    outcome = estate.denied[UNUSED, key(estate.plain, "prod")]
    assert outcome.outcome == "error"
    assert "GetMetricData" in outcome.message
    assert estate.denied.outcomes_of(UNUSED) == {"error"}


# --- Scope -------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_id", [COST, UNUSED])
def test_out_of_scope_stages_and_apis_are_not_targets(estate: Estate, check_id: str) -> None:
    assert estate.run.keys(check_id), "the check ran on no target at all"
    assert not estate.run.on(check_id, apis={estate.excluded.id}, stages=("dev",))
