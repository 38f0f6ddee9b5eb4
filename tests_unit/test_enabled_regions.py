"""``--region all`` audits the regions enabled in the account (account:ListRegions), with
their opt-in status, not boto3's static list; the emulator answers ListRegions as AWS does."""

from __future__ import annotations

import boto3
import pytest

from collectors.clients import AwsClients
from collectors.demo.shims import set_region_opt_status
from collectors.enabled_regions import enabled_regions
from collectors.errors import AuditSetupError
from tests_unit.conftest import REGION, failing_session


def clients() -> AwsClients:
    return AwsClients(boto3.Session(region_name=REGION))


def test_regions_enabled_by_default_and_opted_in_are_audited(aws: None) -> None:
    set_region_opt_status(
        {"af-south-1": "ENABLED", "me-south-1": "ENABLING", "us-west-1": "DISABLING"}
    )
    regions = enabled_regions(clients(), REGION)
    assert {"us-east-1", "eu-west-1", "af-south-1"} <= set(regions)
    assert not {"me-south-1", "us-west-1", "ap-east-1"} & set(regions)
    assert list(regions) == sorted(regions)


def test_the_emulated_list_regions_pages_as_aws_does(aws: None) -> None:
    """Regions [{RegionName, RegionOptStatus}] and NextToken while more remain."""
    client = clients().account(REGION)
    first = client.list_regions(MaxResults=5)
    assert len(first["Regions"]) == 5
    assert set(first["Regions"][0]) == {"RegionName", "RegionOptStatus"}
    assert "NextToken" in first
    pages = list(client.get_paginator("list_regions").paginate(PaginationConfig={"PageSize": 5}))
    listed = [region for page in pages for region in page["Regions"]]
    assert len(pages) == -(-len(listed) // 5)
    assert "NextToken" not in pages[-1]
    statuses = {r["RegionName"]: r["RegionOptStatus"] for r in listed}
    assert statuses["us-east-1"] == "ENABLED_BY_DEFAULT"
    assert statuses["ap-east-1"] == "DISABLED"


def test_every_page_is_read(aws: None) -> None:
    calls: list[str] = []
    regions = enabled_regions(
        AwsClients(boto3.Session(region_name=REGION), lambda s, o: calls.append(o)), REGION
    )
    assert len(regions) > 1
    assert calls == ["ListRegions"]  # the emulator's page holds 50, as AWS's largest


def test_a_refused_listing_says_what_to_allow(aws: None) -> None:
    session = failing_session("before-call.account.ListRegions", "AccessDeniedException")
    with pytest.raises(AuditSetupError, match=r"AccessDeniedException.*account:ListRegions"):
        enabled_regions(AwsClients(session), REGION)
