"""The options that choose the accounts and regions: --accounts FILE, --organization,
--role-name, --external-id, --max-workers, --region all. A mistake is one line and status 4
before anything is collected; the accounts come from the file, or from Organizations'
active accounts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import boto3
import pytest

from collectors.clients import AwsClients
from collectors.demo.shims import set_region_opt_status
from collectors.errors import AuditSetupError
from collectors.estate_accounts import (
    AccountTarget,
    is_active,
    organization_accounts,
    read_accounts_file,
)
from tests_unit.conftest import REGION, failing_session
from tests_unit.test_bad_input import Suite, assert_only_the_error
from tests_unit.test_estate_collection import api_in


@pytest.fixture
def suite(pytester: pytest.Pytester) -> Suite:
    return Suite(pytester)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# --- the accounts file ---------------------------------------------------------------------


def test_an_accounts_file_lists_ids_one_a_line_with_comments(tmp_path: Path) -> None:
    path = write(tmp_path, "accounts.txt", "# payments\n111111111111\n\n222222222222  # shop\n")
    assert read_accounts_file(path, "apigw-audit", "ext") == (
        AccountTarget(account_id="111111111111", role_name="apigw-audit", external_id="ext"),
        AccountTarget(account_id="222222222222", role_name="apigw-audit", external_id="ext"),
    )


def test_a_yaml_accounts_file_may_give_an_account_its_own_role_and_external_id(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "accounts.yaml",
        "- 012345670123\n- id: '222222222222'\n  role_name: legacy/Auditor\n  external_id: x-9\n",
    )
    assert read_accounts_file(path, "apigw-audit", None) == (
        # not read as an octal number
        AccountTarget(account_id="012345670123", role_name="apigw-audit"),
        AccountTarget(account_id="222222222222", role_name="legacy/Auditor", external_id="x-9"),
    )


def test_a_yaml_file_giving_every_account_a_role_needs_no_role_name(tmp_path: Path) -> None:
    path = write(tmp_path, "accounts.yml", "- {id: '111111111111', role_name: Auditor}\n")
    assert read_accounts_file(path, None, None)[0].role_name == "Auditor"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("a.txt", "", "lists no account"),
        ("a.txt", "1111\n", "'1111' is not an AWS account id (12 digits)"),
        ("a.txt", "111111111111\n111111111111\n", "lists account 111111111111 twice"),
        ("a.yaml", "id: '111111111111'\n", "must be a YAML list"),
        ("a.yaml", "- {id: '111111111111', role: x}\n", "is neither an account id nor"),
        ("a.yaml", "- [unclosed\n", "is not valid YAML"),
    ],
)
def test_a_wrong_accounts_file_is_refused_with_its_mistake(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    with pytest.raises(AuditSetupError, match=re.escape(message)):
        read_accounts_file(write(tmp_path, name, text), "apigw-audit", None)


def test_an_account_without_a_role_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "accounts.txt", "111111111111\n")
    with pytest.raises(AuditSetupError, match="account 111111111111 has no role to assume"):
        read_accounts_file(path, None, None)


# --- the organisation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("account", "active"),
    [
        ({"State": "ACTIVE", "Status": "ACTIVE"}, True),
        ({"State": "SUSPENDED", "Status": "ACTIVE"}, False),  # State decides where answered
        ({"State": "PENDING_ACTIVATION"}, False),
        ({"State": "CLOSED"}, False),
        ({"Status": "ACTIVE"}, True),  # before State existed
        ({"Status": "PENDING_CLOSURE"}, False),
    ],
)
def test_only_active_accounts_of_the_organisation_are_audited(
    account: dict[str, Any], active: bool
) -> None:
    assert is_active(account) is active


def test_the_organisations_accounts_are_listed_with_the_role_to_assume(aws: None) -> None:
    organizations = boto3.client("organizations", region_name=REGION)
    organizations.create_organization(FeatureSet="ALL")
    created = [
        organizations.create_account(Email=f"team{n}@example.com", AccountName=f"team{n}")[
            "CreateAccountStatus"
        ]["AccountId"]
        for n in range(2)
    ]
    calls: list[str] = []
    clients = AwsClients(boto3.Session(region_name=REGION), lambda s, o: calls.append(o))
    accounts = organization_accounts(clients, REGION, "apigw-audit", "ext")
    assert {a.account_id for a in accounts} >= set(created)
    assert {(a.role_name, a.external_id) for a in accounts} == {("apigw-audit", "ext")}
    assert calls == ["ListAccounts"]


def test_an_account_that_is_not_the_management_one_is_told_so(aws: None) -> None:
    session = failing_session("before-call.organizations.ListAccounts", "AccessDeniedException")
    clients = AwsClients(session)
    with pytest.raises(AuditSetupError, match=r"refused ListAccounts.*management account"):
        organization_accounts(clients, REGION, "apigw-audit", None)


# --- the options, end to end ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ("--accounts", "a.txt", "--organization", "--role-name", "r"),
            "--accounts and --organization both choose the accounts: use one.",
        ),
        (
            ("--organization",),
            "--organization needs --role-name NAME, the role to assume in each account "
            "(no role is assumed by default).",
        ),
        (
            ("--region", "us-east-1", "--role-name", "r"),
            "--role-name and --external-id say how to reach each account of --accounts FILE "
            "or --organization: pass one of those.",
        ),
        (
            ("--snapshot-in", "s.json", "--organization", "--role-name", "r"),
            "--snapshot-in audits a saved inventory: --accounts and --organization do not apply.",
        ),
        (
            ("--demo", "--organization", "--role-name", "r"),
            "--demo audits the built-in sample estate, one account: --accounts and "
            "--organization do not apply.",
        ),
        (
            ("--accounts", "a.txt"),
            "--accounts: account 111111111111 has no role to assume: pass --role-name NAME "
            "(or give it a role_name in a YAML accounts file).",
        ),
        (
            ("--accounts", "missing.txt", "--role-name", "r"),
            "--accounts: cannot read missing.txt: [Errno 2] No such file or directory: "
            "'missing.txt'",
        ),
        (("--max-workers", "0", "--demo"), "--max-workers: expected a whole number >= 1, got '0'"),
        (
            ("--region", "all,us-east-1", "--demo"),
            "--region all audits every region enabled in the account: name no other region "
            "with it.",
        ),
    ],
)
def test_a_wrong_combination_is_one_line_before_collecting(
    suite: Suite, args: tuple[str, ...], error: str
) -> None:
    (suite.pytester.path / "a.txt").write_text("111111111111\n")
    assert assert_only_the_error(suite.run(*args)) == f"ERROR: {error}"


def test_region_all_audits_the_accounts_enabled_regions(suite: Suite, aws: None) -> None:
    set_region_opt_status(
        {
            region: "ENABLED_BY_DEFAULT" if region in ("us-east-1", "eu-west-1") else "DISABLED"
            for region in boto3.Session().get_available_regions("ec2")
        }
    )
    api_in("123456789012", "shop", region="eu-west-1")
    result = suite.run("--region", "all", "--max-workers", "1", "-q")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["Account 123456789012, regions eu-west-1, us-east-1; *"])


def test_the_session_collects_the_accounts_of_the_file_through_their_role(
    pytester: pytest.Pytester, aws: None
) -> None:
    from collectors.plugin import AUDIT_SESSION

    for account_id in ("111111111111", "222222222222"):
        api_in(account_id, f"api-{account_id}")
    accounts = pytester.path / "accounts.txt"
    accounts.write_text("111111111111\n222222222222\n")
    config = pytester.parseconfigure(
        "--accounts", str(accounts), "--role-name", "apigw-audit", "--region", REGION
    )
    estate = config.stash[AUDIT_SESSION].accounts_estate()
    assert [[api.name for api in i.rest_apis] for i in estate.inventories] == [
        ["api-111111111111"],
        ["api-222222222222"],
    ]


def test_the_session_collects_the_organisations_accounts(
    pytester: pytest.Pytester, aws: None
) -> None:
    from collectors.plugin import AUDIT_SESSION

    organizations = boto3.client("organizations", region_name=REGION)
    organizations.create_organization(FeatureSet="ALL")
    member = organizations.create_account(Email="m@example.com", AccountName="member")[
        "CreateAccountStatus"
    ]["AccountId"]
    api_in(member, "member-api")
    config = pytester.parseconfigure("--organization", "--role-name", "apigw-audit")
    estate = config.stash[AUDIT_SESSION].accounts_estate()
    by_account = {i.metadata.account_id: i for i in estate.inventories}
    assert [api.name for api in by_account[member].rest_apis] == ["member-api"]
    assert "123456789012" in by_account  # the management account is a member too
