"""Zombie endpoints, hidden endpoints behind greedy paths, 4XX storms and failing backends,
judged on the traffic evidence of an emulated estate whose stages write access-log events; and
the unused-API check counting requests from that evidence when CloudWatch cannot be read."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest

from collectors.clients import AwsClients
from collectors.demo.builders import AccountBuilder, HttpApiBuilder, RestApiBuilder
from collectors.demo.builders.access_logs import Request, put_events
from collectors.demo.estate import emulated_aws
from collectors.inventory import collect_inventory
from tests_unit.checks_harness import (
    AuditRun,
    audit,
    audit_account,
    audit_inventory,
    denying,
    key,
)
from tests_unit.conftest import REGION

ZOMBIE, HIDDEN, ABUSE = "APIGW-TRAFFIC-001", "APIGW-TRAFFIC-002", "APIGW-TRAFFIC-003"
FAILING, UNUSED = "APIGW-TRAFFIC-004", "APIGW-UNUSED-001"
CHECKS = (ZOMBIE, HIDDEN, ABUSE, FAILING)
REST_FORMAT = json.dumps(
    {
        "ip": "$context.identity.sourceIp",
        "httpMethod": "$context.httpMethod",
        "resourcePath": "$context.resourcePath",
        "path": "$context.path",
        "status": "$context.status",
    }
)
HTTP_FORMAT = json.dumps(
    {"ip": "$context.identity.sourceIp", "routeKey": "$context.routeKey",
     "path": "$context.path", "status": "$context.status"}
)  # fmt: skip
NOT_COLLECTED = "traffic evidence was not collected (--traffic-days)"
NO_STATUS = json.dumps({"httpMethod": "$context.httpMethod", "resource": "$context.resourcePath"})


AN_HOUR_AGO = datetime.now(UTC) - timedelta(hours=1)


def _rest(method: str, resource: str, path: str, status: int, times: int = 1) -> list[Request]:
    request = Request(at=AN_HOUR_AGO, method=method, resource=resource, path=f"/prod{path}",
                      status=status, source_ip="10.0.0.1", stage="prod", api_id="-")  # fmt: skip
    return [request] * times


def _http(route: str, path: str, status: int, times: int = 1) -> list[Request]:
    request = Request(at=AN_HOUR_AGO, method=route.partition(" ")[0], resource="-", path=path,
                      status=status, source_ip="10.0.0.2", stage="prod", api_id="-",
                      route_key=route)  # fmt: skip
    return [request] * times


def _logged(
    account: AccountBuilder,
    api: RestApiBuilder | HttpApiBuilder,
    *requests: Request,
    log_format: str = REST_FORMAT,
) -> None:
    """``api``'s prod stage logs ``requests`` in ``log_format`` to a log group of its own."""
    group = account.log_group(f"/apigw/{api.name}")
    api.access_logs("prod", group, log_format)
    put_events(REGION, group, [request.event(log_format) for request in requests])


@dataclass
class Estate:
    shop: RestApiBuilder  # a zombie POST /orders; /users/{id} hidden behind /{proxy+}
    storm: RestApiBuilder  # POST /login answered 401 to most requests; staging: no logs
    mixed: RestApiBuilder  # calm as a stage, but POST /reset mostly refused
    quiet: RestApiBuilder  # every method called, nothing behind its proxy; staging: no request
    blind: RestApiBuilder  # its format records no $context.status
    cart: HttpApiBuilder  # a zombie route; /cart/{hash} behind $default
    flaky: RestApiBuilder  # GET /orders answers 6% 502s, GET /status 2%, POST /rare 10 500s
    excluded: RestApiBuilder
    run: AuditRun
    strict: AuditRun  # --traffic-min-requests=1000
    truncated: AuditRun  # every query as if cut at Logs Insights' 10,000-row limit
    off: AuditRun  # collected without --traffic-days
    unmetered: AuditRun  # no CloudWatch metrics, access logs read for 30 days
    unmetered_short: AuditRun  # no CloudWatch metrics, access logs read for 7 days
    snapshot: Path


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        account = AccountBuilder(REGION)
        account.cloudwatch_role()  # REST and WebSocket logging need it
        shop = RestApiBuilder("shop")
        shop.method("GET", "/pets")
        shop.method("POST", "/orders")
        shop.method("ANY", "/{proxy+}")
        shop.stage("prod")
        _logged(
            account,
            shop,
            *_rest("GET", "/pets", "/pets", 200, 40),
            *_rest("GET", "/{proxy+}", "/users/4711", 200, 3),
            *_rest("GET", "/{proxy+}", "/users/42", 500),
            *_rest("GET", "/{proxy+}", "/wp-admin.php", 404, 2),
        )
        storm = RestApiBuilder("storm")
        storm.method("POST", "/login")
        storm.method("GET", "/health")
        storm.stage("prod")
        storm.stage("staging")  # writes no access logs
        _logged(
            account,
            storm,
            *_rest("POST", "/login", "/login", 401, 150),
            *_rest("POST", "/login", "/login", 200, 10),
            *_rest("GET", "/health", "/health", 200, 40),
        )
        mixed = RestApiBuilder("mixed")
        mixed.method("GET", "/catalog")
        mixed.method("POST", "/reset")
        mixed.stage("prod")
        _logged(
            account,
            mixed,
            *_rest("GET", "/catalog", "/catalog", 200, 400),
            *_rest("POST", "/reset", "/reset", 403, 110),
        )
        quiet = RestApiBuilder("quiet")
        quiet.method("GET", "/items")
        quiet.method("ANY", "/items")
        quiet.method("ANY", "/{proxy+}")
        quiet.stage("prod")
        quiet.stage("staging")
        _logged(
            account,
            quiet,
            *_rest("GET", "/items", "/items", 200, 100),
            *_rest("DELETE", "/items", "/items", 204, 5),  # served by ANY /items
            *_rest("DELETE", "/{proxy+}", "/items/7", 404, 3),  # refused: not an endpoint
        )
        quiet.access_logs("staging", account.log_group("/apigw/quiet-staging"), REST_FORMAT)
        blind = RestApiBuilder("blind")
        blind.method("GET", "/x")
        blind.method("ANY", "/{proxy+}")
        blind.stage("prod")
        _logged(account, blind, *_rest("GET", "/x", "/x", 200), log_format=NO_STATUS)
        cart = HttpApiBuilder("cart")
        backend = cart.http_integration("https://cart.example.com")
        for route in ("GET /cart", "DELETE /cart", "$default"):
            cart.route(route, backend)
        cart.stage("prod")
        _logged(
            account,
            cart,
            *_http("GET /cart", "/cart", 200, 20),
            *_http("$default", "/cart/9f86d081884c7d659a2feaa0c55ad015", 200, 2),
            log_format=HTTP_FORMAT,
        )
        flaky = RestApiBuilder("flaky")
        for method, resource in (("GET", "/orders"), ("GET", "/status"), ("POST", "/rare")):
            flaky.method(method, resource)
        flaky.stage("prod")
        _logged(
            account,
            flaky,
            *_rest("GET", "/orders", "/orders", 200, 94),
            *_rest("GET", "/orders", "/orders", 502, 6),
            *_rest("GET", "/status", "/status", 200, 98),
            *_rest("GET", "/status", "/status", 500, 2),
            *_rest("POST", "/rare", "/rare", 500, 10),
        )
        excluded = RestApiBuilder("internal", tags={"Internal": "true"})
        excluded.method("GET", "/tools")
        excluded.stage("prod")
        _logged(account, excluded, *_rest("GET", "/tools", "/tools", 401, 200))

        clients = AwsClients(boto3.Session(region_name=REGION))
        inventory = collect_inventory(clients, (REGION,), traffic_days=7, traffic_max_bytes=10e9)
        directory = tmp_path_factory.mktemp("traffic")
        run = audit_inventory(inventory, directory)
        strict = audit_inventory(
            inventory, tmp_path_factory.mktemp("strict"), "--traffic-min-requests=1000"
        )
        assert inventory.traffic is not None
        cut = tuple(dataclasses.replace(s, truncated=True) for s in inventory.traffic.stages)
        truncated = audit_inventory(
            dataclasses.replace(
                inventory, traffic=dataclasses.replace(inventory.traffic, stages=cut)
            ),
            tmp_path_factory.mktemp("truncated"),
        )
        off = audit_account(tmp_path_factory)
        unmetered_inventory = collect_inventory(
            AwsClients(denying("GetMetricData")), (REGION,), traffic_days=30,
            traffic_max_bytes=10e9,
        )  # fmt: skip
        assert unmetered_inventory.traffic is not None
        unmetered = audit_inventory(unmetered_inventory, tmp_path_factory.mktemp("unmetered"))
        unmetered_short = audit_inventory(
            dataclasses.replace(
                unmetered_inventory,
                traffic=dataclasses.replace(unmetered_inventory.traffic, days=7),
            ),
            tmp_path_factory.mktemp("unmetered-short"),
        )
    return Estate(
        shop, storm, mixed, quiet, blind, cart, flaky, excluded, run, strict, truncated, off,
        unmetered, unmetered_short, directory / "inventory.json",
    )  # fmt: skip


# --- APIGW-TRAFFIC-001 ------------------------------------------------------------------------


def test_method_nobody_called_on_a_stage_with_traffic_is_a_zombie(estate: Estate) -> None:
    outcome = estate.run[ZOMBIE, key(estate.shop, "prod", "POST /orders")]
    assert outcome.outcome == "failed"
    assert "POST /orders on shop/prod received no request in the last 7 days" in outcome.message
    assert outcome.details["observed_requests"] == 0
    assert outcome.details["stage_requests"] == 46


def test_called_method_passes_with_its_requests_by_status_class(estate: Estate) -> None:
    outcome = estate.run[ZOMBIE, key(estate.shop, "prod", "GET /pets")]
    assert outcome.outcome == "passed"
    assert outcome.details["requests_by_status_class"] == {"2XX": 40}
    assert outcome.details["last_request"]


def test_a_verb_without_its_own_method_counts_for_the_resources_any_method(
    estate: Estate,
) -> None:
    get = estate.run[ZOMBIE, key(estate.quiet, "prod", "GET /items")]
    any_method = estate.run[ZOMBIE, key(estate.quiet, "prod", "ANY /items")]
    assert (get.outcome, any_method.outcome) == ("passed", "passed")
    assert get.details["observed_requests"] == 100
    assert any_method.details["requests_by_status_class"] == {"2XX": 5}


def test_http_route_nobody_called_is_a_zombie(estate: Estate) -> None:
    assert estate.run.outcome(ZOMBIE, key(estate.cart, "prod", "DELETE /cart")) == "failed"
    assert estate.run.outcome(ZOMBIE, key(estate.cart, "prod", "GET /cart")) == "passed"


def test_stage_without_any_request_has_nothing_to_compare(estate: Estate) -> None:
    outcome = estate.run[ZOMBIE, key(estate.quiet, "staging", "GET /items")]
    assert outcome.outcome == "skipped"
    assert "received no request in the last 7 days: nothing to compare" in outcome.message


# --- APIGW-TRAFFIC-002 ------------------------------------------------------------------------


def test_templates_served_behind_a_greedy_proxy_are_hidden_endpoints(estate: Estate) -> None:
    outcome = estate.run[HIDDEN, key(estate.shop, "prod", "ANY /{proxy+}")]
    assert outcome.outcome == "failed"
    assert "serves 1 path template the API does not declare: GET /users/{id}" in outcome.message
    assert outcome.details["hidden_path_templates"] == [
        {"method": "GET", "template": "/users/{id}",
         "requests_by_class": {"2XX": 3, "5XX": 1}, "distinct_paths": 2}
    ]  # fmt: skip
    assert outcome.details["refused_path_templates"][0]["requests_by_class"] == {"4XX": 2}
    assert "4711" not in json.dumps(outcome.details)


def test_paths_answered_only_with_4xx_are_no_hidden_endpoint(estate: Estate) -> None:
    outcome = estate.run[HIDDEN, key(estate.quiet, "prod", "ANY /{proxy+}")]
    assert outcome.outcome == "passed"
    assert outcome.details["hidden_path_templates"] == []


def test_http_default_route_serving_paths_is_a_finding(estate: Estate) -> None:
    outcome = estate.run[HIDDEN, key(estate.cart, "prod", "$default")]
    assert outcome.outcome == "failed"
    assert "/cart/{hash}" in outcome.message
    assert "9f86d081" not in json.dumps(outcome.details)


def test_only_greedy_operations_are_judged(estate: Estate) -> None:
    assert estate.run.keys(HIDDEN) >= {key(estate.shop, "prod", "ANY /{proxy+}")}
    assert key(estate.shop, "prod", "GET /pets") not in estate.run.keys(HIDDEN)
    assert key(estate.cart, "prod", "GET /cart") not in estate.run.keys(HIDDEN)


# --- APIGW-TRAFFIC-003 ------------------------------------------------------------------------


def test_stage_answering_mostly_4xx_is_an_attack_pattern(estate: Estate) -> None:
    outcome = estate.run[ABUSE, key(estate.storm, "prod")]
    assert outcome.outcome == "failed"
    assert "answered 4XX to 75% of its 200 requests" in outcome.message
    assert "POST /login (94%)" in outcome.message
    assert outcome.details["client_error_share"] == 0.75
    assert outcome.details["operations_over_threshold"] == {"POST /login": 0.938}


def test_one_method_answering_mostly_4xx_fails_a_calm_stage(estate: Estate) -> None:
    outcome = estate.run[ABUSE, key(estate.mixed, "prod")]
    assert outcome.outcome == "failed"
    assert "to 50% or more of the requests of POST /reset (100%)" in outcome.message
    assert outcome.details["client_error_share"] < 0.5


def test_stage_answering_mostly_successes_passes(estate: Estate) -> None:
    assert estate.run.outcome(ABUSE, key(estate.quiet, "prod")) == "passed"


def test_too_few_requests_are_not_judged_and_the_minimum_is_an_option(estate: Estate) -> None:
    shop = estate.run[ABUSE, key(estate.shop, "prod")]
    assert shop.outcome == "skipped"
    assert "received 46 requests" in shop.message
    assert "--traffic-min-requests 100" in shop.message
    strict = estate.strict[ABUSE, key(estate.storm, "prod")]
    assert strict.outcome == "skipped"
    assert "--traffic-min-requests 1000" in strict.message


@pytest.mark.parametrize("bad", ["--traffic-min-requests=0", "-oaudit_traffic_min_requests=lots"])
def test_minimum_below_one_or_not_a_number_is_a_usage_error(estate: Estate, bad: str) -> None:
    run = audit(f"--snapshot-in={estate.snapshot}", bad)
    assert run.exit_code == pytest.ExitCode.USAGE_ERROR


def test_stage_writing_no_access_logs_is_not_applicable(estate: Estate) -> None:
    outcome = estate.run[ABUSE, key(estate.storm, "staging")]
    assert outcome.outcome == "skipped"
    assert outcome.message == "stage storm/staging writes no access logs"
    assert estate.run.outcome(ZOMBIE, key(estate.storm, "staging", "POST /login")) == "skipped"


def test_rows_cut_at_the_row_limit_are_unknown_unless_a_finding_stands(estate: Estate) -> None:
    zombie = estate.truncated[ZOMBIE, key(estate.shop, "prod", "POST /orders")]
    assert zombie.outcome == "error"
    assert "10,000-row limit" in zombie.message
    assert estate.truncated.outcome(ZOMBIE, key(estate.shop, "prod", "GET /pets")) == "passed"
    assert estate.truncated.outcome(HIDDEN, key(estate.quiet, "prod", "ANY /{proxy+}")) == "error"
    assert estate.truncated.outcome(HIDDEN, key(estate.shop, "prod", "ANY /{proxy+}")) == "failed"
    assert estate.truncated.outcome(ABUSE, key(estate.quiet, "prod")) == "error"
    assert estate.truncated.outcome(ABUSE, key(estate.storm, "prod")) == "failed"


# --- APIGW-TRAFFIC-004 ------------------------------------------------------------------------


def test_method_answering_5xx_to_5_percent_of_its_requests_has_a_failing_backend(
    estate: Estate,
) -> None:
    outcome = estate.run[FAILING, key(estate.flaky, "prod", "GET /orders")]
    assert outcome.outcome == "failed"
    assert outcome.message == (
        "GET /orders on flaky/prod answered 5XX to 6% of its 100 requests in the last 7 days "
        "(5% or more)"
    )
    assert outcome.details["requests_by_status_class"] == {"2XX": 94, "5XX": 6}
    assert (outcome.details["server_errors"], outcome.details["server_error_share"]) == (6, 0.06)


def test_method_answering_few_5xx_passes(estate: Estate) -> None:
    outcome = estate.run[FAILING, key(estate.flaky, "prod", "GET /status")]
    assert (outcome.outcome, outcome.details["server_error_share"]) == ("passed", 0.02)


def test_method_with_too_few_requests_is_not_judged_for_5xx(estate: Estate) -> None:
    outcome = estate.run[FAILING, key(estate.flaky, "prod", "POST /rare")]
    assert outcome.outcome == "skipped"
    assert "POST /rare on flaky/prod received 10 requests in the last 7 days" in outcome.message
    assert "--traffic-min-requests 100" in outcome.message
    strict = estate.strict[FAILING, key(estate.flaky, "prod", "GET /orders")]
    assert (strict.outcome, "--traffic-min-requests 1000" in strict.message) == ("skipped", True)


def test_5xx_of_a_stage_writing_no_access_logs_are_not_applicable(estate: Estate) -> None:
    outcome = estate.run[FAILING, key(estate.storm, "staging", "POST /login")]
    assert (outcome.outcome, outcome.message) == (
        "skipped",
        "stage storm/staging writes no access logs",
    )


# --- APIGW-UNUSED-001 from access logs ---------------------------------------------------------


def test_readable_metrics_count_the_requests(estate: Estate) -> None:
    outcome = estate.run[UNUSED, key(estate.flaky, "prod")]
    assert outcome.details["request_count_source"] == "CloudWatch metrics"
    assert (outcome.outcome, outcome.details["stage_requests_30d"]) == ("failed", 0)


def test_without_metrics_30_days_of_access_logs_count_the_requests(estate: Estate) -> None:
    busy = estate.unmetered[UNUSED, key(estate.flaky, "prod")]
    assert (busy.outcome, busy.details["stage_requests_30d"]) == ("passed", 210)
    assert busy.details["request_count_source"] == "access logs (30 days)"
    idle = estate.unmetered[UNUSED, key(estate.cart, "prod")]
    assert idle.outcome == "failed"
    assert idle.message == (
        "stage cart/prod served 22 requests in the last 30 days (fewer than 100), "
        "per its access logs (30 days)"
    )


def test_without_metrics_a_shorter_traffic_window_or_no_logs_is_unknown(estate: Estate) -> None:
    short = estate.unmetered_short[UNUSED, key(estate.flaky, "prod")]
    assert short.outcome == "error"
    assert "GetMetricData" in short.message
    assert "access logs were read for 7 days, not 30" in short.message
    unlogged = estate.unmetered[UNUSED, key(estate.storm, "staging")]
    assert (unlogged.outcome, "GetMetricData" in unlogged.message) == ("error", True)


# --- every check ------------------------------------------------------------------------------


@pytest.mark.parametrize("check", CHECKS)
def test_excluded_api_is_not_audited(estate: Estate, check: str) -> None:
    assert estate.run.keys(check)
    assert not estate.run.on(check, apis=[estate.excluded.id])


@pytest.mark.parametrize(
    ("check", "target"),
    [
        (ZOMBIE, ("prod", "GET /x")),
        (HIDDEN, ("prod", "ANY /{proxy+}")),
        (ABUSE, ("prod",)),
        (FAILING, ("prod", "GET /x")),
    ],
)
def test_format_without_the_status_is_unknown_naming_the_variable(
    estate: Estate, check: str, target: tuple[str, ...]
) -> None:
    outcome = estate.run[check, key(estate.blind, *target)]
    assert outcome.outcome == "error"
    assert "$context.status" in outcome.message
    assert "blind/prod" in outcome.message


@pytest.mark.parametrize("check", CHECKS)
def test_without_traffic_evidence_the_checks_are_not_applicable(estate: Estate, check: str) -> None:
    outcomes = {outcome.outcome for (c, _), outcome in estate.off.outcomes.items() if c == check}
    assert outcomes == {"skipped"}
    target = next(k for c, k in estate.off.outcomes if c == check)
    assert estate.off[check, target].message == NOT_COLLECTED


def test_a_log_group_keeping_fewer_days_than_the_window_bounds_what_the_logs_say(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """CloudWatch Logs deletes events older than a group's retention: with 7 days kept and
    --traffic-days 30, a method unseen was unseen for 7 days, not 30, and 7 days of logs
    cannot stand in for CloudWatch's 30-day count. The emulation keeps what AWS keeps: an
    event older than the retention is gone."""
    with emulated_aws():
        account = AccountBuilder()
        account.cloudwatch_role()  # REST and WebSocket logging need it
        api = RestApiBuilder("kept-briefly")
        api.method("GET", "/a")
        api.method("GET", "/b")
        api.stage("prod")
        group = account.log_group("/apigw/kept-briefly", retention_days=7)
        api.access_logs("prod", group, REST_FORMAT)
        recent = _rest("GET", "/a", "/a", 200, times=3)
        gone = dataclasses.replace(recent[0], at=datetime.now(UTC) - timedelta(days=9))
        put_events(REGION, group, [r.event(REST_FORMAT) for r in [*recent, gone]])
        inventory = collect_inventory(
            AwsClients(denying("GetMetricData")), (REGION,), traffic_days=30,
            traffic_max_bytes=10e9,
        )  # fmt: skip
        run = audit_inventory(inventory, tmp_path_factory.mktemp("kept-briefly"))
    assert inventory.traffic is not None
    (stage,) = inventory.traffic.stages
    assert stage.operations is not None
    assert sum(row.requests for row in stage.operations) == 3  # the 9-day-old one deleted
    zombie = run[ZOMBIE, key(api, "prod", "GET /b")]
    assert zombie.outcome == "failed"
    assert zombie.message.endswith("received no request in the last 7 days while its stage "
                                   "received 3")  # fmt: skip
    assert zombie.details["window_days"] == 7
    unused = run[UNUSED, key(api, "prod")]
    assert unused.outcome == "error"
    assert "its log group keeps 7 days of access logs, not 30" in unused.message
