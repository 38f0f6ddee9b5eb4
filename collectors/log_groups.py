"""Collect the CloudWatch Logs groups in-scope stages write access logs to.

One DescribeLogGroups per distinct group, in the group's region, after the stages are known:
many stages usually share a few groups. A Firehose destination is not a log group and costs
nothing. DescribeLogGroups finds groups by name prefix only, and answers them ASCII-sorted by
name (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html):
the group itself, a prefix of every other name in the answer, comes first when it exists, so
the first page that holds any group tells whether it does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from collectors.clients import AwsClients, call_recording_errors
from collectors.model import CollectionError, LogGroup, LogGroupRef, RestApi, V2Api, log_group_ref
from collectors.scope import StageFilter

if TYPE_CHECKING:
    from mypy_boto3_logs.type_defs import LogGroupTypeDef

SERVICE = "logs"


def access_log_groups(apis: Iterable[RestApi | V2Api], audited: StageFilter) -> set[LogGroupRef]:
    """Every log group an in-scope stage names as its access-log destination."""
    return {
        ref
        for api in apis
        for stage in api.stages or ()
        if audited(stage.name) and (ref := log_group_ref(stage.access_log_destination))
    }


def collect_log_group(
    clients: AwsClients, ref: LogGroupRef, *, errors: list[CollectionError]
) -> LogGroup | None:
    """The group, ``exists=False`` when the account has none of that name; ``None`` (and an
    error) when DescribeLogGroups failed."""
    client = clients.logs(ref.region)

    def first_page_with_groups() -> list[LogGroupTypeDef]:
        pages = client.get_paginator("describe_log_groups").paginate(logGroupNamePrefix=ref.name)
        for page in pages:
            if page.get("logGroups"):
                return page["logGroups"]
        return []

    groups = call_recording_errors(
        errors, SERVICE, "DescribeLogGroups", ref.arn, first_page_with_groups
    )
    if groups is None:
        return None
    found = next((group for group in groups if group.get("logGroupName") == ref.name), None)
    return LogGroup(
        arn=ref.arn,
        region=ref.region,
        name=ref.name,
        exists=found is not None,
        retention_days=found.get("retentionInDays") if found is not None else None,
        stored_bytes=found.get("storedBytes") if found is not None else None,
    )
