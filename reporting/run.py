"""What a run audited and when: the envelope of both JSON reports and the report environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from collectors.contract import AuditedEstate, tool_version


@dataclass(frozen=True)
class RunInfo:
    # The one account's id; None: the estate has several (``accounts`` names them), or it
    # was never built (the run stopped before; ``accounts`` is empty)
    account: str | None
    regions: tuple[str, ...]
    collected_at: str | None
    demo: bool
    scope: str
    tool_version: str
    generated_at: str
    complete: bool  # False: interrupted, stopped early, or a collection error
    # Left out of the audit, with the reason (``AuditedEstate``): APIs by tag, stages by scope
    out_of_scope_apis: tuple[Mapping[str, Any], ...] = ()
    out_of_scope_stages: tuple[Mapping[str, Any], ...] = ()
    nothing_in_scope: str | None = None  # why no stage was audited; None: some were
    empty_regions: tuple[str, ...] = ()  # audited regions that hold no API Gateway API
    accounts: tuple[str, ...] = ()  # every account of the estate, sorted; (): none was built
    unreached: tuple[Mapping[str, str], ...] = ()  # accounts not read, with the reason
    shard: str | None = None  # "K/N": the run audited that share of the pairs; None: all


def run_info(estate: AuditedEstate | None, scope: str, *, complete: bool, now: datetime) -> RunInfo:
    """The run, from what it audited (``None``: the inventory was never built)."""
    return RunInfo(
        account=estate.account if estate else None,
        regions=estate.regions if estate else (),
        collected_at=estate.collected_at if estate else None,
        demo=estate.demo if estate else False,
        scope=scope,
        tool_version=tool_version(),
        generated_at=now.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        complete=complete and estate is not None,
        out_of_scope_apis=estate.out_of_scope_apis if estate else (),
        out_of_scope_stages=estate.out_of_scope_stages if estate else (),
        nothing_in_scope=estate.nothing_in_scope if estate else None,
        empty_regions=estate.empty_regions if estate else (),
        accounts=estate.accounts if estate else (),
        unreached=estate.unreached if estate else (),
        shard=estate.shard if estate else None,
    )


def envelope(run: RunInfo, schema_version: int) -> dict[str, Any]:
    """The fields both JSON reports start with: ``accounts`` lists every account audited,
    ``account`` is the one's id when there is exactly one, else ``null``."""
    return {
        "schema_version": schema_version,
        "generated_at": run.generated_at,
        "tool_version": run.tool_version,
        "account": run.account,
        "accounts": list(run.accounts),
        "regions": list(run.regions),
        "collected_at": run.collected_at,
        "demo": run.demo,
        "scope": run.scope,
        "complete": run.complete,
        "shard": run.shard,
    }


def accounts_label(run: RunInfo) -> str:
    """The accounts audited, in words: their ids, and how many could not be reached."""
    if not run.accounts:
        return "unknown (no inventory)"
    unreached = f" ({len(run.unreached)} not reached)" if run.unreached else ""
    return ", ".join(run.accounts) + unreached


def _shard_words(shard: str) -> str:
    return f"{shard} of the (account, region) pairs (apigw-audit merge puts the shards together)"


def shard_line(run: RunInfo) -> str | None:
    """The console's and HTML header's warning that the report covers one shard only."""
    if run.shard is None:
        return None
    return f"SHARD {_shard_words(run.shard)}: this report covers that share only"


def environment(run: RunInfo) -> dict[str, str]:
    """The audit's rows of the report environment (pytest-metadata); never credentials."""
    return {
        "Audited accounts": accounts_label(run),
        "Regions": ", ".join(run.regions) or "none",
        "Inventory collected at": run.collected_at or "never",
        "Estate": "built-in demo estate (emulated, not a real account)" if run.demo else "AWS",
        "Scope": run.scope,
        **({"Shard": _shard_words(run.shard)} if run.shard else {}),
        "apigw-audit version": run.tool_version,
    }
