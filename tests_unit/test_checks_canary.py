"""A canary sends part of a stage's traffic to another deployment: AUTH-001 and POLICY-002
judge both."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from collectors.demo.builders import AccountBuilder, RestApiBuilder, invoke_policy
from collectors.demo.estate import emulated_aws
from tests_unit.checks_harness import AuditRun, audit_account, denying, key
from tests_unit.conftest import collect

AUTH = "APIGW-AUTH-001"
ACCOUNTS = "APIGW-POLICY-002"


@dataclass
class Estate:
    store: RestApiBuilder
    open_deployment: str  # GET /items without authorizer: what the canary serves
    partners: RestApiBuilder  # open to every account; GET /orders IAM-authorized on the canary
    iam_deployment: str
    calls: list[str]
    run: AuditRun
    denied: AuditRun  # GetDeployment of the canary's deployment denied


def _canary(api: RestApiBuilder, stage: str, deployment_id: str, percent: float) -> None:
    api.client.update_stage(
        restApiId=api.id,
        stageName=stage,
        patchOperations=[
            {"op": "replace", "path": "/canarySettings/deploymentId", "value": deployment_id},
            {"op": "replace", "path": "/canarySettings/percentTraffic", "value": str(percent)},
        ],
    )


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    with emulated_aws():
        account = AccountBuilder()
        backend = account.lambda_function("backend", timeout_seconds=5)
        authorizer_fn = account.lambda_function("authorizer", timeout_seconds=5)
        store = RestApiBuilder("store")
        store.method("GET", "/items", lambda_arn=backend)
        store.method("GET", "/health", authorization="AWS_IAM", lambda_arn=backend)
        open_deployment = store.deploy("before the authorizer")
        token = store.authorizer("items-token", authorizer_fn)
        store.method(
            "GET", "/items", authorization="CUSTOM", authorizer_id=token, lambda_arn=backend
        )
        store.deploy("GET /items behind items-token")
        store.stage("prod")
        store.stage("staging")
        _canary(store, "prod", open_deployment, 10)  # 10% of prod still reaches the old one
        _canary(store, "staging", open_deployment, 0)  # a canary taking no traffic
        partners = RestApiBuilder("partners", policy=invoke_policy())
        partners.method("GET", "/orders", authorization="AWS_IAM", lambda_arn=backend)
        iam_deployment = partners.deploy("GET /orders IAM-authorized")
        orders_token = partners.authorizer("orders-token", authorizer_fn)
        partners.method(
            "GET", "/orders", authorization="CUSTOM", authorizer_id=orders_token, lambda_arn=backend
        )
        partners.deploy("GET /orders behind orders-token")
        partners.stage("prod")
        _canary(partners, "prod", iam_deployment, 5)
        calls: list[str] = []
        collect(calls=calls)
        run = audit_account(tmp_path_factory)
        denied = audit_account(
            tmp_path_factory, denying(f"/restapis/{store.id}/deployments/{open_deployment}")
        )
    return Estate(store, open_deployment, partners, iam_deployment, calls, run, denied)


def test_a_canary_serving_the_open_method_fails_authorization(estate: Estate) -> None:
    outcome = estate.run[AUTH, key(estate.store, "prod", "GET /items")]
    assert outcome.outcome == "failed"
    assert outcome.details["authorization_type"] == "NONE"
    assert outcome.message == (
        "GET /items on store/prod has no authorizer (authorizationType=NONE on the canary "
        f"deployment {estate.open_deployment} (10% of traffic))"
    )


def test_a_canary_taking_no_traffic_does_not_count(estate: Estate) -> None:
    assert estate.run.outcome(AUTH, key(estate.store, "staging", "GET /items")) == "passed"


def test_a_method_authorized_in_both_deployments_passes(estate: Estate) -> None:
    assert estate.run.outcome(AUTH, key(estate.store, "prod", "GET /health")) == "passed"


def test_the_canary_deployment_costs_one_call_and_cannot_be_exported(estate: Estate) -> None:
    # per API (store, partners): the stages' own deployment, GetDeployment + GetExport; the
    # canary's, GetDeployment
    assert estate.calls.count("apigateway.GetDeployment") == 2 * 2
    assert estate.calls.count("apigateway.GetExport") == 2 * 1


def test_an_unread_canary_deployment_leaves_authorization_unknown(estate: Estate) -> None:
    outcome = estate.denied[AUTH, key(estate.store, "prod", "GET /items")]
    assert outcome.outcome == "error"
    assert "GetDeployment" in outcome.message
    assert estate.denied.outcome(AUTH, key(estate.store, "staging", "GET /items")) == "passed"


def test_an_iam_method_a_canary_serves_is_judged_against_the_policy(estate: Estate) -> None:
    # the stage's own deployment puts GET /orders behind an authorizer; 5% of prod still
    # reaches the deployment where it is IAM-authorized, open to every account
    outcome = estate.run[ACCOUNTS, key(estate.partners, "prod", "GET /orders")]
    assert outcome.outcome == "failed"
    canary = f"the canary deployment {estate.iam_deployment} (5% of traffic)"
    assert outcome.details["open_statements"] == [f"Statement[0] on {canary}"]
    assert outcome.details["judged_on"] == canary


def test_without_iam_authorization_in_either_deployment_the_check_does_not_apply(
    estate: Estate,
) -> None:
    outcome = estate.run[ACCOUNTS, key(estate.store, "prod", "GET /items")]
    assert outcome.outcome == "skipped"
    assert "authorizationType=CUSTOM, NONE" in outcome.message
