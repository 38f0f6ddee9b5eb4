"""AWS Account Management's ListRegions in moto, which lacks it.

AWS answers ListRegions (POST /listRegions) with every region of the caller's partition and
its opt-in status, ``Regions`` [{RegionName, RegionOptStatus}], filtered by
``RegionOptStatusContains``, at most ``MaxResults`` (1 to 50) a page and a ``NextToken``
while more remain; ``AccountId`` names another account of the organisation, the caller's
by default (https://docs.aws.amazon.com/accounts/latest/reference/API_ListRegions.html). The
emulated account has botocore's regions of the partition: the regions AWS introduced
before 20 March 2019 ENABLED_BY_DEFAULT, the later, opt-in ones DISABLED
(https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html), until
``set_region_opt_status`` says otherwise (hung on moto's account backend).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import boto3
import moto.account.urls as account_urls
from moto.account.models import account_backends
from moto.account.responses import AccountResponse
from moto.core.responses import ActionResult

from collectors.demo.shims._patching import define, kept_on

_OPT_STATUS = "_apigw_audit_region_opt_status"
DEFAULT_ACCOUNT_ID = "123456789012"  # moto's account for any dummy credentials
PAGE_SIZE = 50  # MaxResults' largest value; AWS's default page size is not documented
# Regions AWS introduced after 20 March 2019: disabled until the account opts in.
OPT_IN_REGIONS = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-south-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ca-west-1",
        "eu-central-2",
        "eu-south-1",
        "eu-south-2",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
    }
)


def _default_opt_status(partition: str) -> dict[str, str]:
    regions = boto3.Session().get_available_regions("ec2", partition_name=partition)
    return {
        region: "DISABLED" if region in OPT_IN_REGIONS else "ENABLED_BY_DEFAULT"
        for region in regions
    }


def _opt_status(account_id: str, partition: str) -> dict[str, str]:
    backend = account_backends[account_id][partition]
    status: dict[str, str] = kept_on(backend, _OPT_STATUS, lambda: _default_opt_status(partition))
    return status


def set_region_opt_status(
    statuses: Mapping[str, str], account_id: str = DEFAULT_ACCOUNT_ID, partition: str = "aws"
) -> None:
    """Give regions of the emulated account an opt-in status (ENABLED, DISABLED,
    ENABLED_BY_DEFAULT...) that ListRegions answers (call inside ``emulated_aws``)."""
    _opt_status(account_id, partition).update(statuses)


def _list_regions(self: AccountResponse) -> ActionResult:
    account_id = self._get_param("AccountId") or self.current_account
    wanted = set(self._get_param("RegionOptStatusContains") or ())
    regions = [
        {"RegionName": name, "RegionOptStatus": status}
        for name, status in sorted(_opt_status(account_id, self.partition).items())
        if not wanted or status in wanted
    ]
    start = int(self._get_param("NextToken") or 0)
    end = start + int(self._get_param("MaxResults") or PAGE_SIZE)
    page: dict[str, Any] = {"Regions": regions[start:end]}
    if end < len(regions):
        page["NextToken"] = str(end)
    return ActionResult(page)


def install() -> None:
    define(AccountResponse, "list_regions", _list_regions)
    account_urls.url_paths.setdefault("{0}/listRegions$", AccountResponse.dispatch)
