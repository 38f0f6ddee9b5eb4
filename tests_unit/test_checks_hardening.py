"""Stage hardening checks: execution logs, full request logging, detailed metrics, the cache.

An emulated estate audited with the real checks (pass, fail, excluded and unreadable targets),
then the resolution rules on hand-made stages: a method's own setting, else ``*/*``; a
route's settings, else the default route settings; caching by the stage default for GET only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from checks.policy import (
    NotApplicable,
    Pricing,
    cache_cluster,
    execution_logging,
    served_settings,
    shared_cache,
    unencrypted_cache,
)
from collectors.demo.builders import (
    ACCOUNT_ID,
    AccountBuilder,
    HttpApiBuilder,
    MethodCache,
    RestApiBuilder,
)
from collectors.demo.estate import emulated_aws
from collectors.errors import DataUnavailable
from collectors.model import RestAuthorizer, RestDeployment, RouteSettings, Throttle
from collectors.rest_export import parse_deployed_definition
from collectors.serialization import save_snapshot
from collectors.targets import RestStageTarget
from tests_unit.checks_harness import AuditRun, audit, audit_inventory, denying, key
from tests_unit.conftest import collect
from tests_unit.test_checks_policy import (
    definition,
    deployment,
    error,
    integration,
    inventory,
    method,
    resource,
    rest_stage_target,
    route,
    setting,
    v2_api,
    v2_definition,
    v2_stage_target,
)

LOG, TRACE, METRICS = "APIGW-LOG-001", "APIGW-LOG-002", "APIGW-METRICS-001"
ENCRYPTED, SHARED = "APIGW-CACHE-002", "APIGW-CACHE-003"
CONTROL, IDLE = "APIGW-CACHE-004", "APIGW-CACHE-005"
HARDENING = (LOG, TRACE, METRICS, ENCRYPTED, SHARED, CONTROL, IDLE)
TOKEN = "method.request.header.Authorization"
ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/apigateway-logs"
REGIONS = ("us-east-1", "eu-west-1")  # API Gateway has a CloudWatch role in the first only


@dataclass
class Estate:
    shop: RestApiBuilder
    chat: HttpApiBuilder  # WebSocket
    web: HttpApiBuilder
    eu: RestApiBuilder  # eu-west-1, whose account has no CloudWatch role
    accounts: RestApiBuilder  # behind a token authorizer; its export is denied in the denied run
    opaque: RestApiBuilder  # its deployments cannot be read in the denied run
    unlisted: RestApiBuilder  # its stages cannot be read in the denied run
    excluded: RestApiBuilder
    snapshot: Path
    run: AuditRun
    denied: AuditRun


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        account = AccountBuilder()
        account.cloudwatch_role(ROLE)

        shop = RestApiBuilder("shop")
        shop.method("GET", "/items")
        shop.method("POST", "/items")
        shop.method("GET", "/items/{id}")
        shop.cors_preflight("/items")  # a MOCK preflight: no method of its own to judge
        # prod: logged, measured, its cache encrypted and guarded, the method with its own
        # entry included (an entry replaces the stage default for that method)
        shop.stage(
            "prod",
            cache_cluster=True,
            caching=True,
            methods={"GET /items/{id}": MethodCache(caching=True)},
        )
        shop.method_settings("prod", logging="INFO", metrics=True, cache_encrypted=True)
        shop.method_settings("prod", "GET /items/{id}", logging="ERROR", cache_encrypted=True)
        shop.method_settings("prod", "GET /items/{id}", metrics=True)
        # live: the stage default logs and traces data, but the entries made for caching
        # GET /items/{id} and POST /items (which caches by its own setting only) do neither,
        # nor encrypt; no metrics; anyone may flush the cache of GET /items
        shop.stage(
            "live",
            cache_cluster=True,
            caching=True,
            methods={
                "GET /items/{id}": MethodCache(caching=True),
                "POST /items": MethodCache(caching=True),
            },
        )
        shop.method_settings(
            "live",
            logging="INFO",
            data_trace=True,
            cache_encrypted=True,
            cache_control_authorized=False,
        )
        shop.stage("staging", cache_cluster=True, cache_size="6.1")  # a cache nobody uses
        shop.stage("prd")  # no cache cluster at all
        shop.stage("dev", cache_cluster=True)

        function = account.lambda_function("handler", timeout_seconds=3)
        chat = HttpApiBuilder("chat", protocol="WEBSOCKET")
        chat.route("$connect", chat.lambda_integration(function), authorization="AWS_IAM")
        chat.route("sendmessage", chat.lambda_integration(function))
        chat.stage("prod")
        chat.route_settings("prod", logging="ERROR", detailed_metrics=True)
        chat.route_settings("prod", "sendmessage", data_trace=True)  # logging: the default's
        chat.stage("live")
        chat.route_settings("live", logging="INFO")
        chat.route_settings("live", "$connect", logging="OFF")

        web = HttpApiBuilder("web")
        web.route("GET /home", web.lambda_integration(function))
        web.stage("prod")
        web.route_settings("prod", detailed_metrics=True)
        web.stage("live")

        eu = RestApiBuilder("eu", region="eu-west-1")
        eu.method("GET", "/things")
        eu.stage("prod")
        # configured with the region's role (AWS refuses it without), the role removed since
        eu_account = AccountBuilder("eu-west-1")
        eu_account.cloudwatch_role(ROLE)
        eu.method_settings("prod", logging="ERROR", metrics=True)
        eu_account.remove_cloudwatch_role()

        accounts = RestApiBuilder("accounts")
        token = accounts.authorizer("token", function)
        # GET /me: cached by the token's caller? Its cache key says nothing of the token.
        accounts.method("GET", "/me", authorization="CUSTOM", authorizer_id=token)
        accounts.method(
            "GET",
            "/plan",
            authorization="CUSTOM",
            authorizer_id=token,
            request_parameters={TOKEN: True},
            cache_key_parameters=["method.request.header.authorization"],  # any case
        )
        accounts.method("GET", "/status")  # cached, but open to all: nothing to tell apart
        accounts.stage("prod", cache_cluster=True, caching=True)
        accounts.stage(
            "live",
            cache_cluster=True,
            methods={
                "GET /plan": MethodCache(caching=True),
                "GET /status": MethodCache(caching=True),
            },
        )
        accounts.stage(
            "staging", cache_cluster=True, methods={"GET /status": MethodCache(caching=True)}
        )

        opaque = RestApiBuilder("opaque")
        opaque.method("GET", "/secret")
        opaque.stage("prod", cache_cluster=True)
        opaque.stage("live")  # no cache cluster: the idle-cache check reads nothing

        unlisted = RestApiBuilder("unlisted")
        unlisted.method("GET", "/things")
        unlisted.stage("prod")

        excluded = RestApiBuilder("sandbox", tags={"ExcludeFromAudit": "true"})
        excluded.method("GET", "/ping")
        excluded.stage("prod", cache_cluster=True)

        snapshot = tmp_path_factory.mktemp("hardening") / "inventory.json"
        save_snapshot(collect(REGIONS), snapshot)
        denied_session = denying(
            "/account",
            f"/restapis/{opaque.id}/deployments",
            f"/restapis/{unlisted.id}/stages",
            f"/restapis/{accounts.id}/stages/",  # GetExport of its stages, not GetStages
        )
        denied_inventory = collect(REGIONS, session=denied_session)
        denied = audit_inventory(denied_inventory, tmp_path_factory.mktemp("denied"))
    run = audit(f"--snapshot-in={snapshot}")
    return Estate(shop, chat, web, eu, accounts, opaque, unlisted, excluded, snapshot, run, denied)


# --- Execution Logging Disabled ----------------------------------------------------------------


def test_a_stage_logging_every_method_with_a_cloudwatch_role_passes(estate: Estate) -> None:
    outcome = estate.run[LOG, key(estate.shop, "prod")]
    assert outcome.outcome == "passed"
    assert outcome.details["logging_levels"] == ["ERROR", "INFO"]
    assert outcome.details["cloudwatch_role_arn"] == ROLE
    assert outcome.details["operations"] == 3  # the MOCK OPTIONS preflight is not one


def test_methods_whose_own_entries_do_not_log_fail(estate: Estate) -> None:
    outcome = estate.run[LOG, key(estate.shop, "live")]
    assert outcome.outcome == "failed"
    # */* logs INFO; the entries made for caching POST /items and GET /items/{id} say OFF
    assert outcome.details["unlogged"] == {"POST /items": "OFF", "GET /items/{id}": "OFF"}
    assert outcome.message == (
        "stage shop/live: no execution logs for 2 of 3 methods: POST /items (OFF), "
        "GET /items/{id} (OFF)"
    )


def test_a_stage_without_logging_fails(estate: Estate) -> None:
    outcome = estate.run[LOG, key(estate.shop, "staging")]
    assert (outcome.outcome, outcome.details["logging_levels"]) == ("failed", ["OFF"])
    assert "cloudwatch_role_arn" not in outcome.details  # not needed: nothing logs


def test_logging_configured_in_a_region_without_a_cloudwatch_role_fails(estate: Estate) -> None:
    outcome = estate.run[LOG, key(estate.eu, "prod")]
    assert outcome.outcome == "failed"
    assert (outcome.details["unlogged"], outcome.details["cloudwatch_role_arn"]) == ({}, None)
    assert outcome.message == (
        "stage eu/prod: API Gateway in eu-west-1 has no CloudWatch role (cloudwatchRoleArn), "
        "so the logging configured writes nothing"
    )


def test_websocket_routes_take_the_default_route_settings_unless_their_own_say(
    estate: Estate,
) -> None:
    assert estate.run.outcome(LOG, key(estate.chat, "prod")) == "passed"
    live = estate.run[LOG, key(estate.chat, "live")]
    assert (live.outcome, live.details["unlogged"]) == ("failed", {"$connect": "OFF"})


def test_http_apis_are_not_applicable_for_execution_logging(estate: Estate) -> None:
    outcome = estate.run[LOG, key(estate.web, "prod")]
    assert (outcome.outcome, outcome.message) == (
        "skipped",
        "HTTP APIs have no execution logs: they log through access logs",
    )


def test_unreadable_account_settings_make_logging_unknown_only_where_logging_is_set(
    estate: Estate,
) -> None:
    configured = estate.denied[LOG, key(estate.shop, "prod")]
    assert (configured.outcome, "GetAccount" in configured.message) == ("error", True)
    # nothing logs there: the role does not matter, the finding stands
    assert estate.denied.outcome(LOG, key(estate.shop, "staging")) == "failed"


# --- Full Request Logging in Production --------------------------------------------------------


def test_data_trace_on_a_production_stage_fails(estate: Estate) -> None:
    outcome = estate.run[TRACE, key(estate.shop, "live")]
    assert outcome.outcome == "failed"
    assert outcome.details["traced"] == ["GET /items"]  # the others' own entries say false
    assert outcome.message == (
        "production stage shop/live logs full requests and responses (dataTraceEnabled) of "
        "1 method: GET /items"
    )
    assert estate.run.outcome(TRACE, key(estate.shop, "prod")) == "passed"


def test_data_trace_on_one_websocket_route_fails(estate: Estate) -> None:
    outcome = estate.run[TRACE, key(estate.chat, "prod")]
    assert (outcome.outcome, outcome.details["traced"]) == ("failed", ["sendmessage"])
    assert estate.run.outcome(TRACE, key(estate.chat, "live")) == "passed"


def test_staging_stages_and_http_apis_are_not_applicable_for_data_trace(estate: Estate) -> None:
    staging = estate.run[TRACE, key(estate.shop, "staging")]
    assert (staging.outcome, staging.message) == (
        "skipped",
        "full request logging is judged on production stages only (staging is a staging stage)",
    )
    assert estate.run.outcome(TRACE, key(estate.web, "prod")) == "skipped"


# --- Detailed Metrics Disabled -----------------------------------------------------------------


def test_detailed_metrics_on_every_method_and_route_pass(estate: Estate) -> None:
    for api in (estate.shop, estate.chat, estate.web):
        assert estate.run.outcome(METRICS, key(api, "prod")) == "passed", api.name


def test_a_production_stage_without_detailed_metrics_fails(estate: Estate) -> None:
    outcome = estate.run[METRICS, key(estate.web, "live")]
    assert (outcome.outcome, outcome.details["without_detailed_metrics"]) == (
        "failed",
        ["GET /home"],
    )
    assert outcome.message == (
        "production stage web/live publishes no metrics of their own for 1 of 1 route: GET /home"
    )
    assert estate.run.outcome(METRICS, key(estate.shop, "live")) == "failed"
    assert estate.run.outcome(METRICS, key(estate.shop, "staging")) == "skipped"


# --- Cache Not Encrypted, Cache Flush Without Authorization ------------------------------------


def test_every_caching_method_encrypted_and_guarded_passes(estate: Estate) -> None:
    for check in (ENCRYPTED, CONTROL):
        outcome = estate.run[check, key(estate.shop, "prod")]
        assert outcome.outcome == "passed", check
        # POST /items is not cached: the stage default caches GET methods only
        assert outcome.details["cached_methods"] == ["GET /items", "GET /items/{id}"]


def test_a_caching_method_with_an_unencrypted_cache_fails(estate: Estate) -> None:
    outcome = estate.run[ENCRYPTED, key(estate.shop, "live")]
    assert outcome.outcome == "failed"
    assert outcome.details["cached_methods"] == ["GET /items", "POST /items", "GET /items/{id}"]
    # their own entries say cacheDataEncrypted false (AWS's default); */* says true
    assert outcome.details["unencrypted"] == ["POST /items", "GET /items/{id}"]


def test_a_cache_any_client_can_flush_fails(estate: Estate) -> None:
    outcome = estate.run[CONTROL, key(estate.shop, "live")]
    assert (outcome.outcome, outcome.details["unguarded"]) == ("failed", ["GET /items"])
    assert outcome.message == (
        "stage shop/live lets any client flush or bypass the cache of 1 method "
        "(requireAuthorizationForCacheControl false): GET /items"
    )


def test_stages_caching_nothing_are_not_applicable_for_the_cache_settings(estate: Estate) -> None:
    for check in (ENCRYPTED, CONTROL):
        idle = estate.run[check, key(estate.shop, "staging")]
        assert (idle.outcome, idle.message) == (
            "skipped",
            "no method of stage staging caches its responses",
        )
        bare = estate.run[check, key(estate.shop, "prd")]
        assert (bare.outcome, bare.message) == ("skipped", "stage prd has no cache cluster")


def test_http_and_websocket_stages_are_no_cache_targets(estate: Estate) -> None:
    for check in (ENCRYPTED, SHARED, CONTROL, IDLE):
        assert not estate.run.on(check, apis={estate.chat.id, estate.web.id})


# --- Cached Response Shared Across Callers -----------------------------------------------------


def test_a_cached_method_behind_an_authorizer_without_the_token_in_its_key_fails(
    estate: Estate,
) -> None:
    outcome = estate.run[SHARED, key(estate.accounts, "prod")]
    assert outcome.outcome == "failed"
    assert outcome.details["cached_authorized_methods"] == ["GET /me", "GET /plan"]
    assert outcome.details["shared"] == {"GET /me": [TOKEN]}
    assert outcome.message == (
        "stage accounts/prod caches the responses of 1 method behind an authorizer without "
        f"the caller in the cache key: GET /me (lacks {TOKEN})"
    )


def test_a_cache_keyed_by_the_token_header_in_any_case_passes(estate: Estate) -> None:
    outcome = estate.run[SHARED, key(estate.accounts, "live")]
    assert (outcome.outcome, outcome.details["cached_authorized_methods"]) == (
        "passed",
        ["GET /plan"],
    )


def test_stages_caching_no_authorized_method_are_not_applicable_for_shared_caches(
    estate: Estate,
) -> None:
    outcome = estate.run[SHARED, key(estate.accounts, "staging")]
    assert (outcome.outcome, outcome.message) == (
        "skipped",
        "no method of stage staging both caches its responses and has an authorizer",
    )
    assert estate.run.outcome(SHARED, key(estate.shop, "prod")) == "skipped"


def test_an_unexported_deployment_leaves_the_cache_keys_unknown(estate: Estate) -> None:
    outcome = estate.denied[SHARED, key(estate.accounts, "prod")]
    assert (outcome.outcome, "GetExport" in outcome.message) == ("error", True)
    # the API summary still lists every method: the settings checks are judged
    assert estate.denied.outcome(LOG, key(estate.accounts, "prod")) == "failed"


# --- Idle Cache Cluster ------------------------------------------------------------------------


def test_a_cache_cluster_no_method_uses_fails_with_its_monthly_cost(estate: Estate) -> None:
    outcome = estate.run[IDLE, key(estate.shop, "staging")]
    assert outcome.outcome == "failed"
    assert (outcome.details["cache_cluster_size"], outcome.details["cache_monthly_cost_usd"]) == (
        "6.1",
        146.0,  # 0.20 USD an hour, 730 hours
    )
    assert outcome.message == (
        "stage shop/staging pays about $146.00 a month for a 6.1 GB cache cluster that no "
        "method uses"
    )


def test_a_used_cache_cluster_and_none_at_all_pass(estate: Estate) -> None:
    used = estate.run[IDLE, key(estate.shop, "prod")]
    assert (used.outcome, used.details["cache_monthly_cost_usd"]) == ("passed", 14.6)
    bare = estate.run[IDLE, key(estate.shop, "prd")]
    assert (bare.outcome, bare.details["cache_monthly_cost_usd"]) == ("passed", 0.0)


def test_the_cache_price_per_hour_can_be_set_by_size(estate: Estate) -> None:
    priced = audit(
        f"--snapshot-in={estate.snapshot}",
        "--cache-price-per-hour=6.1=0.25",
        "-k",
        "test_cache_cluster_is_used",
    )
    outcome = priced[IDLE, key(estate.shop, "staging")]
    assert outcome.details["cache_monthly_cost_usd"] == 182.5
    assert priced[IDLE, key(estate.shop, "prod")].details["cache_monthly_cost_usd"] == 14.6


def test_a_cache_price_for_a_size_aws_does_not_offer_is_a_usage_error(estate: Estate) -> None:
    run = audit(f"--snapshot-in={estate.snapshot}", "--cache-price-per-hour=7=1")
    assert run.exit_code == pytest.ExitCode.USAGE_ERROR


# --- Unreadable and out of scope ---------------------------------------------------------------


@pytest.mark.parametrize("check_id", HARDENING)
def test_an_unread_deployment_makes_the_stage_unknown(estate: Estate, check_id: str) -> None:
    outcome = estate.denied[check_id, key(estate.opaque, "prod")]
    assert (outcome.outcome, "GetDeployment" in outcome.message) == ("error", True)


def test_a_stage_without_a_cache_cluster_needs_no_deployment_for_the_idle_check(
    estate: Estate,
) -> None:
    assert estate.denied.outcome(IDLE, key(estate.opaque, "live")) == "passed"


@pytest.mark.parametrize("check_id", HARDENING)
def test_unlisted_stages_error(estate: Estate, check_id: str) -> None:
    outcome = estate.denied[check_id, key(estate.unlisted, "(stages not listed)")]
    assert (outcome.outcome, "GetStages" in outcome.message) == ("error", True)


@pytest.mark.parametrize("check_id", HARDENING)
def test_out_of_scope_stages_and_apis_are_not_targets(estate: Estate, check_id: str) -> None:
    assert estate.run.keys(check_id), "the check ran on no target at all"
    assert not estate.run.on(check_id, apis={estate.excluded.id}, stages=("dev",))


@pytest.mark.parametrize("check_id", HARDENING)
def test_every_check_passes_and_fails_somewhere(estate: Estate, check_id: str) -> None:
    assert {"passed", "failed"} <= estate.run.outcomes_of(check_id)
    assert "error" not in estate.run.outcomes_of(check_id)


# --- The resolution rules, on hand-made stages -------------------------------------------------


def served(*methods: tuple[str, str]) -> RestDeployment:
    """A deployment serving ``(verb, path)`` methods, each with a Lambda proxy integration."""
    by_path: dict[str, list[str]] = {}
    for verb, path in methods:
        by_path.setdefault(path, []).append(verb)
    return deployment(
        definition(
            *(resource(path, *(method(v) for v in verbs)) for path, verbs in by_path.items())
        )
    )


def caching_stage(deployment: RestDeployment) -> RestStageTarget:
    """A stage with a cache cluster serving ``deployment``, caching GET methods (*/*)."""
    return rest_stage_target(
        served=deployment,
        method_settings=(setting("*/*", caching_enabled=True),),
        cache_cluster_enabled=True,
    )


def test_a_method_takes_the_stage_default_for_what_its_own_entry_leaves_unset() -> None:
    target = rest_stage_target(
        served=served(("GET", "/a"), ("GET", "/b"), ("GET", "/c")),
        method_settings=(
            setting("*/*", logging_level="INFO", metrics_enabled=True),
            setting("~1b/GET", logging_level="OFF"),  # its own entry wins
            setting("~1c/GET", data_trace_enabled=True),  # logging unset: the default's
        ),
    )
    by_operation = {s.operation: s for s in served_settings(target)}
    assert {op: s.logging_level for op, s in by_operation.items()} == {
        "GET /a": "INFO",
        "GET /b": "OFF",
        "GET /c": "INFO",
    }
    assert all(s.detailed_metrics for s in by_operation.values())
    assert [op for op, s in by_operation.items() if s.data_trace] == ["GET /c"]


def test_nothing_set_means_aws_defaults() -> None:
    (only,) = served_settings(rest_stage_target(served=served(("GET", "/a"))))
    assert (only.logging_level, only.data_trace, only.detailed_metrics, only.caching) == (
        "OFF",
        False,
        False,
        False,
    )


def test_the_stage_default_caches_get_methods_only_and_needs_a_cache_cluster() -> None:
    methods = served(("GET", "/a"), ("POST", "/a"), ("PUT", "/a"))
    entries = (
        setting("*/*", caching_enabled=True, cache_data_encrypted=True),
        setting("~1a/PUT", caching_enabled=True, cache_data_encrypted=False),
    )
    with_cluster = rest_stage_target(
        served=methods, method_settings=entries, cache_cluster_enabled=True
    )
    cached = {s.operation: s.caching for s in served_settings(with_cluster)}
    assert cached == {"GET /a": True, "POST /a": False, "PUT /a": True}
    result = unencrypted_cache(with_cluster)
    assert not isinstance(result, NotApplicable)
    assert (result.cached, result.lacking) == (("GET /a", "PUT /a"), ("PUT /a",))
    without = rest_stage_target(served=methods, method_settings=entries)
    assert not any(s.caching for s in served_settings(without))


def test_a_cache_ttl_of_zero_caches_nothing() -> None:
    """ "TTL=0 means caching is disabled" (api-gateway-caching.html): a method whose effective
    cacheTtlInSeconds (its own, else the stage default's; AWS's 300 where none says) is 0
    caches nothing, whatever cachingEnabled says."""
    methods = served(("GET", "/a"), ("GET", "/b"), ("GET", "/c"), ("GET", "/d"))
    entries = (
        setting("*/*", caching_enabled=True, cache_ttl_seconds=0),
        setting("~1b/GET", caching_enabled=True, cache_ttl_seconds=60),
        setting("~1c/GET", caching_enabled=True),  # its TTL unset: the stage default's 0
        setting("~1d/GET", caching_enabled=True, cache_ttl_seconds=0),
    )
    target = rest_stage_target(served=methods, method_settings=entries, cache_cluster_enabled=True)
    cached = {s.operation: s.caching for s in served_settings(target)}
    assert cached == {"GET /a": False, "GET /b": True, "GET /c": False, "GET /d": False}
    unset = rest_stage_target(
        served=served(("GET", "/a")),
        method_settings=(setting("*/*", caching_enabled=True),),
        cache_cluster_enabled=True,
    )
    assert [s.caching for s in served_settings(unset)] == [True]  # AWS's default TTL: 300 s


def test_a_cache_setting_no_entry_carries_is_unknown_not_a_pass() -> None:
    """Snapshots written before cacheDataEncrypted was read carry None."""
    target = caching_stage(served(("GET", "/a")))
    with pytest.raises(DataUnavailable, match="cacheDataEncrypted for GET /a"):
        unencrypted_cache(target)


def test_a_mock_preflight_is_not_judged_but_a_backed_options_method_is() -> None:
    preflight = method("OPTIONS", integration=integration("MOCK"))
    backed = method("OPTIONS", integration=integration("AWS_PROXY"))
    mock_only = rest_stage_target(served=deployment(definition(resource("/a", preflight))))
    assert served_settings(mock_only) == ()
    assert isinstance(execution_logging(mock_only, inventory()), NotApplicable)
    with_backend = rest_stage_target(served=deployment(definition(resource("/a", backed))))
    assert [s.operation for s in served_settings(with_backend)] == ["OPTIONS /a"]


def test_websocket_route_settings_fall_back_to_the_default_route_settings() -> None:
    def settings(level: str | None = None, trace: bool | None = None) -> RouteSettings:
        return RouteSettings(
            throttle=Throttle(rate_limit=None, burst_limit=None),
            logging_level=level,
            data_trace_enabled=trace,
            detailed_metrics_enabled=None,
        )

    target = v2_stage_target(
        api=v2_api(protocol_type="WEBSOCKET"),
        served=v2_definition(route("$connect"), route("sendmessage"), route("$default")),
        default_route_settings=settings("ERROR"),
        route_settings={"$connect": settings("OFF"), "sendmessage": settings(trace=True)},
    )
    by_route = {s.operation: s for s in served_settings(target)}
    assert {r: s.logging_level for r, s in by_route.items()} == {
        "$connect": "OFF",
        "sendmessage": "ERROR",
        "$default": "ERROR",
    }
    assert [r for r, s in by_route.items() if s.data_trace] == ["sendmessage"]


def test_the_cloudwatch_role_is_read_only_when_something_logs() -> None:
    no_account = inventory(accounts=(), errors=(error("GetAccount", "us-east-1"),))
    quiet = rest_stage_target(served=served(("GET", "/a")))
    result = execution_logging(quiet, no_account)
    assert not isinstance(result, NotApplicable)
    assert (result.unlogged, result.role_missing) == ({"GET /a": "OFF"}, False)
    logged = replace(
        quiet, stage=replace(quiet.stage, method_settings=(setting("*/*", logging_level="INFO"),))
    )
    with pytest.raises(DataUnavailable, match="GetAccount"):
        execution_logging(logged, no_account)
    result = execution_logging(logged, inventory())  # an account without a CloudWatch role
    assert not isinstance(result, NotApplicable)
    assert (result.configured, result.role_missing) == (True, True)


def test_an_idle_cluster_of_an_unpriced_size_has_an_unknown_cost() -> None:
    target = rest_stage_target(
        served=served(("GET", "/a")),
        cache_cluster_enabled=True,
        cache_cluster_size="999",
    )
    cluster = cache_cluster(target, Pricing())
    assert (cluster.idle, cluster.monthly_cost) == (True, None)


def _authorizer(*sources: str) -> RestAuthorizer:
    return RestAuthorizer(
        id="auth",
        name="auth",
        type="REQUEST",
        provider_arns=(),
        authorizer_uri=None,
        identity_sources=sources,
    )


def _behind(
    authorizer: RestAuthorizer, *cache_key: str, authorization_type: str = "CUSTOM"
) -> RestDeployment:
    cached = method(
        authorization_type=authorization_type,
        authorizer_id="auth",
        integration=integration(cache_key_parameters=cache_key),
    )
    return deployment(definition(resource("/a", cached), authorizers=(authorizer,)))


def test_every_request_identity_source_must_key_the_cache() -> None:
    both = _authorizer(TOKEN, "method.request.querystring.tenant")
    cases = {
        (TOKEN, "method.request.querystring.tenant"): {},
        (TOKEN,): {"GET /a": ("method.request.querystring.tenant",)},
        ("method.request.querystring.TENANT", "method.request.header.AUTHORIZATION"): {
            "GET /a": ("method.request.querystring.tenant",)  # only header names ignore case
        },
    }
    for cache_key, shared in cases.items():
        target = caching_stage(_behind(both, *cache_key))
        result = shared_cache(target)
        assert not isinstance(result, NotApplicable)
        assert result.shared == shared, cache_key


def test_a_jwt_authorizer_s_token_header_must_key_the_cache() -> None:
    """REST APIs' native JWT authorizers (authorizationType JWT) read the caller from one
    request header (rest-api-jwt-authorizer.html): a cache keyed without it is shared."""
    jwt = replace(_authorizer(TOKEN), type="JWT")
    shared = shared_cache(caching_stage(_behind(jwt, authorization_type="JWT")))
    assert not isinstance(shared, NotApplicable)
    assert shared.shared == {"GET /a": (TOKEN,)}
    keyed = shared_cache(caching_stage(_behind(jwt, TOKEN, authorization_type="JWT")))
    assert not isinstance(keyed, NotApplicable)
    assert keyed.shared == {}


def test_an_identity_from_the_context_can_never_key_the_cache() -> None:
    target = caching_stage(_behind(_authorizer("context.sourceIp"), "method.request.path.id"))
    result = shared_cache(target)
    assert not isinstance(result, NotApplicable)
    assert result.shared == {"GET /a": ("context.sourceIp",)}


def test_identity_sources_unread_in_an_older_snapshot_are_unknown() -> None:
    unread = replace(_authorizer(), identity_sources=None)
    target = caching_stage(_behind(unread, TOKEN))
    with pytest.raises(DataUnavailable, match="collect the inventory again"):
        shared_cache(target)


def test_the_export_gives_a_token_authorizer_s_header_and_a_request_authorizer_s_sources() -> None:
    export = {
        "paths": {},
        "components": {
            "securitySchemes": {
                "token": {
                    "type": "apiKey",
                    "name": "Authorization",
                    "in": "header",
                    "x-amazon-apigateway-authorizer": {"type": "token"},
                },
                "request": {
                    "type": "apiKey",
                    "name": "Unused",
                    "in": "header",
                    "x-amazon-apigateway-authorizer": {
                        "type": "request",
                        "identitySource": "method.request.header.X-Key, context.sourceIp",
                    },
                },
            }
        },
    }
    authorizers = {a.name: a for a in parse_deployed_definition(export, {}).authorizers}
    assert authorizers["token"].identity_sources == (TOKEN,)
    assert authorizers["request"].identity_sources == (
        "method.request.header.X-Key",
        "context.sourceIp",
    )
