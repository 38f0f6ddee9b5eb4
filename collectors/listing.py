"""An API as its region's listing (GetRestApis, GetApis) shows it: enough to scope it.

``collectors.rest`` and ``collectors.http`` parse their listing into these; the orchestration
reads the id, name, type and tags, decides the API's scope, and hands an in-scope one back to
its collector with the listing's own entry (``summary``), which only that collector reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from collectors.model import SkippedApi

Summary = TypeVar("Summary")


@dataclass(frozen=True, kw_only=True)
class ListedApi(Generic[Summary]):
    id: str
    name: str
    region: str
    api_type: str  # REST, HTTP, WEBSOCKET
    tags: Mapping[str, str]
    summary: Summary  # the listing's entry, as boto3 returns it

    def skipped(self, reason: str) -> SkippedApi:
        return SkippedApi(
            id=self.id,
            name=self.name,
            region=self.region,
            api_type=self.api_type,
            tags=self.tags,
            reason=reason,
        )
