"""The regions enabled in an account, for ``--region all``: account:ListRegions.

AWS lists every region of the partition with its opt-in status; the audit reads those
ENABLED_BY_DEFAULT (enabled in every account) and ENABLED (opt-in regions the account turned
on), not boto3's static list, which knows nothing of an account's opt-ins and would send
calls to regions that refuse them. ENABLING and DISABLING regions are left out: AWS does not
serve them yet, or no longer
(https://docs.aws.amazon.com/accounts/latest/reference/API_ListRegions.html). One call a page
of at most 50 regions, with the account's own credentials (IAM: account:ListRegions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from collectors.clients import AwsClients, error_from_exception
from collectors.errors import AuditSetupError

if TYPE_CHECKING:
    from mypy_boto3_account.literals import RegionOptStatusType

ENABLED_STATUSES: tuple[RegionOptStatusType, ...] = ("ENABLED", "ENABLED_BY_DEFAULT")


def enabled_regions(clients: AwsClients, home_region: str) -> tuple[str, ...]:
    """The account's enabled regions, sorted; ``AuditSetupError`` when AWS refuses to say."""
    paginator = clients.account(home_region).get_paginator("list_regions")
    try:
        regions = {
            region["RegionName"]
            for page in paginator.paginate(RegionOptStatusContains=list(ENABLED_STATUSES))
            for region in page.get("Regions", [])
            if "RegionName" in region
        }
    except (ClientError, BotoCoreError) as exc:
        error = error_from_exception("account", "ListRegions", home_region, exc)
        raise AuditSetupError(
            f"Cannot list the account's enabled regions ({error.code}: {error.message}): "
            "allow account:ListRegions, or name the regions with --region."
        ) from None
    if not regions:
        raise AuditSetupError("account:ListRegions answered no enabled region.")
    return tuple(sorted(regions))
