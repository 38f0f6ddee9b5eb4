"""A region's API keys (GetApiKeys), as far as the audit needs them: who holds one and whether
it is enabled. A key's value is a credential: it is never requested, and where AWS answers it
anyway (GetUsagePlanKeys) it is dropped before anything is built."""

from __future__ import annotations

import functools
from dataclasses import dataclass


def name_with_id(name: str, identifier: str) -> str:
    """``partner-feed (k1a2b3)``: names (of API keys, of usage plans) are not unique, ids are."""
    return f"{name} ({identifier})" if name else identifier


@dataclass(frozen=True, kw_only=True, slots=True)
class ApiKey:
    id: str
    name: str
    enabled: bool  # a disabled key is refused on every method (403)
    # The stages it is associated with directly ("{restApiId}/{stageName}"), which admit it
    # only in a region not yet migrated to usage plans; None: not read (older snapshots).
    stage_keys: tuple[str, ...] | None = None

    def describe(self) -> str:
        return name_with_id(self.name, self.id)


@dataclass(frozen=True, kw_only=True)
class RegionApiKeys:
    """Every API key of one region (keys are regional and shared by its usage plans)."""

    region: str
    keys: tuple[ApiKey, ...]

    def key(self, key_id: str) -> ApiKey | None:
        return self._keys.get(key_id)

    # Built once (kept out of the JSON: not a field).
    @functools.cached_property
    def _keys(self) -> dict[str, ApiKey]:
        return {key.id: key for key in self.keys}


def usage_plan_ref(region: str, plan_id: str) -> str:
    """How the inventory names a usage plan (a failed GetUsagePlanKeys's target), as its IAM
    resource path does: ``us-east-1/usageplans/abc123``."""
    return f"{region}/usageplans/{plan_id}"
