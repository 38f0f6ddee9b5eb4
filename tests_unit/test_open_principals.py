"""Which resource-policy statements open an AWS_IAM method to every AWS account."""

from __future__ import annotations

from typing import Any

import pytest

from checks.policy import open_to_every_account

ORG = {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}
NOT_ORG = {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc123"}}


def _allow(
    principal: Any, condition: Any = None, resource: str = "execute-api:/*"
) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": "Reads",
        "Effect": "Allow",
        "Principal": principal,
        "Action": "execute-api:Invoke",
        "Resource": resource,
    }
    if condition is not None:
        statement["Condition"] = condition
    return statement


def _deny(principal: Any, condition: Any) -> dict[str, Any]:
    return {
        "Sid": "OnlyOurOrg",
        "Effect": "Deny",
        "Principal": principal,
        "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*",
        "Condition": condition,
    }


def _open(*statements: dict[str, Any], method: str = "GET") -> tuple[str, ...]:
    policy = {"Version": "2012-10-17", "Statement": list(statements)}
    return open_to_every_account(
        policy, api_id="a1", stage="prod", http_method=method, resource_path="/orders"
    )


@pytest.mark.parametrize(
    "principal",
    ["*", {"AWS": "*"}, {"AWS": ["arn:aws:iam::111122223333:root", "*"]}],
    ids=["star", "aws-star", "star-among-accounts"],
)
def test_an_unconditioned_allow_for_everyone_is_open(principal: Any) -> None:
    assert _open(_allow(principal)) == ("Reads",)


def test_a_wildcard_inside_a_principal_arn_is_taken_as_every_account() -> None:
    # IAM supports no partial wildcard in a principal: what it admits cannot be known
    assert _open(_allow({"AWS": "arn:aws:iam::*:root"})) == ("Reads",)


@pytest.mark.parametrize(
    "principal",
    [{"AWS": "arn:aws:iam::111122223333:root"}, {"AWS": "111122223333"}, {"Service": "*"}],
    ids=["account-arn", "account-id", "service"],
)
def test_named_principals_are_not_every_account(principal: Any) -> None:
    assert _open(_allow(principal)) == ()


@pytest.mark.parametrize(
    "condition",
    [
        ORG,
        {"StringEquals": {"aws:PrincipalAccount": ["111122223333"]}},
        {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"StringEquals": {"aws:SourceVpce": "vpce-0123"}},
    ],
    ids=["org", "account", "source-ip", "vpce"],
)
def test_a_condition_naming_callers_closes_the_allow(condition: Any) -> None:
    assert _open(_allow("*", condition)) == ()


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"}},
        {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
        {"StringEquals": {"aws:UserAgent": "partner-client"}},
        {"StringEquals": "not a block"},
    ],
    ids=["if-exists", "any-ip", "not-a-caller-key", "unreadable"],
)
def test_a_condition_that_names_no_caller_leaves_the_allow_open(condition: Any) -> None:
    assert _open(_allow("*", condition)) == ("Reads",)


def test_a_deny_on_everyone_outside_the_organisation_closes_the_allow() -> None:
    assert _open(_allow("*"), _deny("*", NOT_ORG)) == ()


def test_a_deny_on_a_wildcard_principal_arn_limits_no_one() -> None:
    assert _open(_allow("*"), _deny({"AWS": "arn:aws:iam::*:root"}, NOT_ORG)) == ("Reads",)


def test_an_allow_for_another_resource_does_not_open_the_method() -> None:
    assert _open(_allow("*", resource="execute-api:/*/GET/invoices")) == ()


def test_an_any_method_is_open_when_one_verb_is() -> None:
    allow_post = _allow("*", resource="execute-api:/*/POST/orders")
    assert _open(allow_post, method="ANY") == ("Reads",)


def test_no_policy_opens_nothing() -> None:
    assert (
        open_to_every_account(
            None, api_id="a1", stage="prod", http_method="GET", resource_path="/orders"
        )
        == ()
    )
