"""What an inventory says about its own collection: the account, the regions, when, and by
which version of apigw-audit."""

from __future__ import annotations

from datetime import UTC, datetime

from botocore.exceptions import BotoCoreError, ClientError

from collectors.clients import AwsClients
from collectors.errors import AuditSetupError
from collectors.model import CollectionMetadata
from collectors.version import tool_version


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def account_id(clients: AwsClients, region: str) -> str:
    """The audited account; a rejected identity stops the run with one actionable line."""
    try:
        identity = clients.sts(region).get_caller_identity()
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise AuditSetupError(
            f"AWS rejected the credentials ({error.get('Code')}: {error.get('Message')}): "
            "refresh them (aws sso login, new keys) or pass another --aws-profile."
        ) from None
    except BotoCoreError as exc:
        raise AuditSetupError(
            f"Cannot reach AWS STS in {region}: {exc}. Check the network, AWS_ENDPOINT_URL "
            "and the region."
        ) from None
    return identity["Account"]


def collection_metadata(
    account: str, regions: tuple[str, ...], started: datetime, *, demo: bool
) -> CollectionMetadata:
    """The metadata of a collection that started at ``started`` and ends now."""
    return CollectionMetadata(
        account_id=account,
        regions=regions,
        started_at=started.isoformat(),
        finished_at=now().isoformat(),
        tool_version=tool_version(),
        demo=demo,
    )
