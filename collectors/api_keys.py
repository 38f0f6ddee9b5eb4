"""A region's API keys (apigateway): one paginated GetApiKeys per region, values never asked.

GetApiKeys answers each key's value only when asked (``includeValues``); the audit asks, in
so many words, not to. Kept: the id, the name, whether the key is enabled and its legacy
``stageKeys`` ("{restApiId}/{stageName}" strings): in a region that uses usage plans a key
reaches a stage only through a plan bound to it, but in one that has not migrated yet (an
account from before 11 August 2016) the stages a key names admit it without any limit
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-create-usage-plans.html).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collectors.clients import call_recording_errors
from collectors.model import ApiKey, CollectionError, RegionApiKeys
from collectors.parsing import PAGE, items_of

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient

SERVICE = "apigateway"


def collect_api_keys(
    client: APIGatewayClient, region: str, errors: list[CollectionError]
) -> RegionApiKeys | None:
    """The region's API keys; ``None`` (and an error) when GetApiKeys failed."""

    def read() -> list[ApiKey]:
        pages = client.get_paginator("get_api_keys").paginate(
            includeValues=False, PaginationConfig=PAGE
        )
        return [
            ApiKey(
                id=raw["id"],
                name=raw.get("name", ""),
                # a boolean (botocore's ApiKey.enabled); a key answered without it is judged
                # as one that can call: fail closed
                enabled=raw.get("enabled", True),
                stage_keys=tuple(raw.get("stageKeys") or ()),
            )
            for raw in items_of(pages)
        ]

    keys = call_recording_errors(errors, SERVICE, "GetApiKeys", region, read)
    if keys is None:
        return None
    return RegionApiKeys(region=region, keys=tuple(sorted(keys, key=lambda k: k.id)))
