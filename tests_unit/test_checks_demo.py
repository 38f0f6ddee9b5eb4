"""The checks as the issues fix them, and the --demo estate showing each pass and fail."""

from __future__ import annotations

import pytest

from checks import Severity
from checks.catalog import CHECKS
from tests_unit.checks_harness import AuditRun, audit
from tests_unit.conftest import ACCOUNT

# id: (issue type, severity, target fixture)
THE_CHECKS = {
    "APIGW-AUTH-001": ("Authorization Gap", Severity.CRITICAL, "operation"),
    "APIGW-DATA-001": ("Data Integrity Risk", Severity.HIGH, "operation"),
    "APIGW-THROTTLE-001": ("Throttling Vulnerability", Severity.HIGH, "operation"),
    "APIGW-WAF-001": ("Perimeter Defense Missing", Severity.CRITICAL, "stage"),
    "APIGW-WAF-002": ("Web ACL Does Not Block Common Attacks", Severity.HIGH, "stage"),
    "APIGW-CORS-001": ("CORS Misconfiguration", Severity.HIGH, "resource"),
    "APIGW-TIMEOUT-001": ("Backend Timeout Risk", Severity.MEDIUM, "lambda_operation"),
    "APIGW-CACHE-001": ("Performance Blind Spot", Severity.LOW, "read_operation"),
    "APIGW-TRACE-001": ("Tracing Deficit", Severity.MEDIUM, "stage"),
    "APIGW-COST-001": ("Cost Optimization Opportunity", Severity.LOW, "rest_api"),
    "APIGW-UNUSED-001": ("Unused API", Severity.FINOPS, "stage"),
    "APIGW-DRIFT-001": ("Undeployed Change", Severity.LOW, "stage"),
    "APIGW-LOG-001": ("Execution Logging Disabled", Severity.MEDIUM, "stage"),
    "APIGW-LOG-002": ("Full Request Logging in Production", Severity.HIGH, "stage"),
    "APIGW-METRICS-001": ("Detailed Metrics Disabled", Severity.LOW, "stage"),
    "APIGW-CACHE-002": ("Cache Not Encrypted", Severity.MEDIUM, "rest_stage"),
    "APIGW-CACHE-003": ("Cached Response Shared Across Callers", Severity.HIGH, "rest_stage"),
    "APIGW-CACHE-004": ("Cache Flush Without Authorization", Severity.MEDIUM, "rest_stage"),
    "APIGW-CACHE-005": ("Idle Cache Cluster", Severity.FINOPS, "rest_stage"),
    "APIGW-LOG-003": ("Access Logging Missing", Severity.MEDIUM, "stage"),
    "APIGW-CERT-001": ("Backend Not Authenticated", Severity.MEDIUM, "stage"),
    "APIGW-TLS-001": ("Weak TLS Policy", Severity.MEDIUM, "stage"),
    "APIGW-TLS-002": ("Default Endpoint Bypasses Custom Domain", Severity.MEDIUM, "stage"),
    "APIGW-TLS-003": ("Domain Certificate Expiring", Severity.HIGH, "stage"),
    "APIGW-TLS-004": ("Default Endpoint Accepts Old TLS", Severity.MEDIUM, "rest_stage"),
    "APIGW-POLICY-001": ("Private API Reachable From Any VPC", Severity.HIGH, "rest_stage"),
    "APIGW-POLICY-002": (
        "IAM-Authorized Method Open to Every AWS Account",
        Severity.HIGH,
        "rest_method",
    ),
    "APIGW-KEY-001": ("API Key Without Limits", Severity.MEDIUM, "rest_method"),
    "APIGW-SECRET-001": ("Secret in Configuration", Severity.HIGH, "stage"),
    "APIGW-TRANSPORT-001": ("Backend Over Plaintext", Severity.MEDIUM, "operation"),
    "APIGW-TRAFFIC-001": ("Zombie Endpoint", Severity.LOW, "operation"),
    "APIGW-TRAFFIC-002": (
        "Hidden Endpoints Behind Greedy Path",
        Severity.MEDIUM,
        "greedy_operation",
    ),
    "APIGW-TRAFFIC-003": ("Attack or Abuse Pattern", Severity.HIGH, "stage"),
    "APIGW-TRAFFIC-004": ("Backend Failing", Severity.MEDIUM, "operation"),
}


@pytest.fixture(scope="module")
def demo() -> AuditRun:
    return audit("--demo")


def test_the_demo_runs_every_check_with_its_severity(demo: AuditRun) -> None:
    ran = {(r["check"]["id"], r["target_fixture"]) for r in demo.records}
    assert ran == {(check_id, spec[2]) for check_id, spec in THE_CHECKS.items()}
    for check_id, (issue_type, severity, _) in THE_CHECKS.items():
        info = CHECKS[check_id]
        assert (info.issue_type, info.severity) == (issue_type, severity)
        assert all((info.title, info.security_impact, info.remediation, info.references))


@pytest.mark.parametrize("check_id", sorted(THE_CHECKS))
def test_the_demo_shows_each_check_passing_and_failing(demo: AuditRun, check_id: str) -> None:
    assert {"passed", "failed"} <= demo.outcomes_of(check_id)
    assert "error" not in demo.outcomes_of(check_id)


def test_the_demo_audits_rest_and_http_targets(demo: AuditRun) -> None:
    keys = demo.keys("APIGW-AUTH-001")
    assert any(" /pets" in k for k in keys)  # REST petstore
    assert any(" /cart" in k for k in keys)  # HTTP checkout


def test_the_demo_prod_stage_serving_an_old_deployment_is_open_and_drifted(demo: AuditRun) -> None:
    """inventory-api: an authorizer added to GET /items and deployed to staging only."""
    (prod,) = [k for k in demo.keys("APIGW-AUTH-001") if k.endswith("/prod/GET /items")]
    staging = prod.replace("/prod/", "/staging/")
    assert demo.outcome("APIGW-AUTH-001", prod) == "failed"
    assert demo.outcome("APIGW-AUTH-001", staging) == "passed"
    drift = demo["APIGW-DRIFT-001", "/".join(prod.split("/")[:4])]
    assert drift.outcome == "failed"
    assert (
        "GET /items: authorization 'NONE' deployed, 'CUSTOM (stock-token)' now"
        in (drift.details["differences"])
    )


def test_the_demo_stage_logging_without_a_cloudwatch_role_fails(demo: AuditRun) -> None:
    """catalog-eu: execution logging set on prod, in eu-west-1, where API Gateway has no
    CloudWatch role, so nothing is written."""
    (prod,) = [
        k
        for k in demo.keys("APIGW-LOG-001")
        if k.startswith(f"{ACCOUNT}/eu-west-1/") and k.endswith("/prod")
    ]
    outcome = demo["APIGW-LOG-001", prod]
    assert outcome.outcome == "failed"
    assert outcome.details["unlogged"] == {}
    assert "eu-west-1 has no CloudWatch role" in outcome.message


def test_the_demo_api_key_without_limits_fails_and_the_disabled_key_is_ignored(
    demo: AuditRun,
) -> None:
    """partner-feeds: acme-feed held to 20 rps and a quota on prod, beta-feed unlimited on
    staging; retired-feed is disabled and orphan-feed in no plan."""
    (staging,) = [k for k in demo.keys("APIGW-KEY-001") if k.endswith("/staging/GET /feeds")]
    prod = staging.replace("/staging/", "/prod/")
    assert demo.outcome("APIGW-KEY-001", prod) == "passed"
    outcome = demo["APIGW-KEY-001", staging]
    assert outcome.outcome == "failed"
    assert "beta-feed" in outcome.message
    assert "no throttle, no quota" in outcome.message
    (disabled,) = demo["APIGW-KEY-001", prod].details["disabled_api_keys"]
    assert disabled.startswith("retired-feed (")


def test_the_demo_web_acl_in_count_mode_fails_and_the_blocking_ones_pass(demo: AuditRun) -> None:
    """inventory-api/prod's stock-acl counts its managed groups and has no rate-based rule;
    petstore-public/prod's web ACL and the CloudFront one in front of notifications-http
    block."""
    outcomes = {
        next(iter(demo["APIGW-WAF-002", k].details["web_acl_gaps"])): demo["APIGW-WAF-002", k]
        for k in demo.keys("APIGW-WAF-002")
        if demo.outcome("APIGW-WAF-002", k) != "skipped"
    }
    assert {where.split(" on ")[0] for where in outcomes} == {
        "petstore-prod-acl",
        "stock-acl",
        "notify-edge",
    }
    stock = outcomes["stock-acl on the stage"]
    assert stock.outcome == "failed"
    assert stock.message.startswith(
        "stage inventory-api/prod: web ACL stock-acl on the stage: no rate-based rule; "
        "AWSManagedRulesCommonRuleSet runs in count mode (OverrideAction Count)"
    )
    assert outcomes["petstore-prod-acl on the stage"].outcome == "passed"
    (edge,) = [o for where, o in outcomes.items() if where.startswith("notify-edge")]
    assert edge.outcome == "passed"


def test_the_demo_secret_in_a_stage_variable_and_the_plaintext_backends_fail(
    demo: AuditRun,
) -> None:
    """orders-legacy: prod keeps a database password in a stage variable, both stages serve a
    hard-coded Authorization header to a backend over http://; stock-private's private
    integration without a TlsConfig is plaintext, the one with is not."""
    (prod,) = [
        k
        for k in demo.keys("APIGW-SECRET-001")
        if k.endswith("/prod")
        and (
            "stage variable dbPassword (Secret Keyword)"
            in demo["APIGW-SECRET-001", k].details.get("secrets_found", [])
        )
    ]
    assert demo.outcome("APIGW-SECRET-001", prod) == "failed"
    assert demo.outcome("APIGW-TRANSPORT-001", f"{prod}/GET /orders") == "failed"
    assert demo.outcome("APIGW-TRANSPORT-001", f"{prod}/GET /status") == "passed"
    (clear,) = [k for k in demo.keys("APIGW-TRANSPORT-001") if k.endswith("/prod/GET /reports")]
    assert "has no TlsConfig" in demo["APIGW-TRANSPORT-001", clear].message
    stock = clear.replace("/GET /reports", "/GET /stock")
    assert demo.outcome("APIGW-TRANSPORT-001", stock) == "passed"
