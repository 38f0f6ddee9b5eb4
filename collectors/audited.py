"""What a run audited, for the reports (``AuditedEstate``): every account, every in-scope
operation, what could not be listed (an account not reached among them), what was left out of
scope and why, every failed AWS call, when no stage was in scope, why, and the audited regions
that hold no API. Each entry names its account."""

from __future__ import annotations

from typing import Any

from collectors.contract import AuditedEstate
from collectors.model import Inventory, RestApi, SkippedApi, V2Api
from collectors.scope import StageScope
from collectors.serialization import to_jsonable
from collectors.targets import Kind, TargetIndex
from collectors.targets.describe import control_plane_arn

_ORDER = ("account", "region", "api_name", "api_id", "stage")


def _sorted(entries: list[dict[str, Any]]) -> tuple[dict[str, Any], ...]:
    return tuple(sorted(entries, key=lambda e: tuple(str(e.get(k, "")) for k in _ORDER)))


def _out_of_scope_stages(inventory: Inventory, scope: StageScope) -> list[dict[str, Any]]:
    account = inventory.metadata.account_id or None
    stages = []
    apis: list[RestApi | V2Api] = [*inventory.rest_apis, *inventory.http_apis]
    for api in apis:
        for stage in api.stages or ():
            reason = scope.exclusion_reason(stage.name)
            if reason is not None:
                stages.append(
                    {
                        "api_id": api.id,
                        "api_name": api.name,
                        "api_type": api.api_type,
                        "region": api.region,
                        "stage": stage.name,
                        "arn": control_plane_arn(api.region, api.api_type, api.id, stage.name),
                        "account": account,
                        "reason": reason,
                    }
                )
    return stages


def _skipped_apis(inventory: Inventory) -> list[dict[str, Any]]:
    account = inventory.metadata.account_id or None
    return [
        {
            "api_id": api.id,
            "api_name": api.name,
            "api_type": api.api_type,
            "region": api.region,
            "arn": control_plane_arn(api.region, api.api_type, api.id),
            "account": account,
            "reason": api.reason,
        }
        for api in inventory.skipped_apis
    ]


def _traffic(inventories: tuple[Inventory, ...], scope: StageScope) -> dict[str, Any] | None:
    """The traffic evidence of the in-scope stages, each with its account and its API's name,
    as JSON: the window every account's was read over, the queries and bytes of them all."""
    read = [(i, i.traffic) for i in inventories if i.traffic is not None]
    if not read:
        return None
    stages = []
    for inventory, evidence in read:
        apis: list[RestApi | V2Api] = [*inventory.rest_apis, *inventory.http_apis]
        names = {(api.region, api.id): api.name for api in apis}
        account = inventory.metadata.account_id or None
        stages += [
            {
                "account": account,
                "api_name": names.get((stage.region, stage.api_id)),
                **to_jsonable(stage),
            }
            for stage in evidence.stages
            if scope.audits(stage.stage)
        ]
    windows = [evidence for _, evidence in read]
    return {
        "days": windows[0].days,
        "window": {
            "start": min(e.window_start for e in windows),
            "end": max(e.window_end for e in windows),
        },
        "queries": sum(e.queries for e in windows),
        "bytes_scanned": sum(e.bytes_scanned for e in windows),
        "stages": stages,
    }


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _nothing_in_scope(index: TargetIndex, stages_left_out: int) -> str | None:
    """Why no stage is audited, in words; ``None`` when one is, or when something could not
    be listed (then the estate is unknown, not empty)."""
    audited_stages = (*index.targets(Kind.REST_STAGE), *index.targets(Kind.V2_STAGE))
    if audited_stages or any(index.unlisted()):
        return None
    inventories = index.estate.inventories
    if not inventories and index.estate.shard is not None:
        return f"{index.estate.shard.describe()} holds none of the audit's (account, region) pairs"
    regions = ", ".join(index.estate.regions)
    apis: list[RestApi | V2Api] = [
        *(api for inventory in inventories for api in inventory.rest_apis),
        *(api for inventory in inventories for api in inventory.http_apis),
    ]
    without_stages = sum(not api.stages for api in apis)
    skipped = sum(len(inventory.skipped_apis) for inventory in inventories)
    why = [
        f"{_count(number, noun)} {reason}"
        for number, noun, reason in (
            (skipped, "API", "left out by its tags"),
            (stages_left_out, "stage", "outside the stage scope"),
            (without_stages, "API", "without a stage"),
        )
        if number
    ]
    what = "stage" if apis else "API"
    return f"no API Gateway {what} in scope in {regions}: {', '.join(why) or 'none exists there'}"


def _empty_regions(inventories: tuple[Inventory, ...]) -> tuple[str, ...]:
    """The audited regions where API Gateway listed no API in any account (a failed listing
    is not empty)."""
    holding: set[str] = set()
    audited: dict[str, None] = {}
    for inventory in inventories:
        apis: list[RestApi | V2Api | SkippedApi] = [
            *inventory.rest_apis,
            *inventory.http_apis,
            *inventory.skipped_apis,
        ]
        holding |= {api.region for api in apis}
        holding |= {e.target for e in inventory.listing_failures()}
        audited |= dict.fromkeys(inventory.metadata.regions)
    return tuple(region for region in audited if region not in holding)


def audited_estate(index: TargetIndex) -> AuditedEstate:
    """What the index's estate audited, every account of it."""
    estate, scope = index.estate, index.scope
    operations = tuple(
        index.described(target)
        for kind in (Kind.REST_METHOD, Kind.V2_ROUTE)
        for target in index.targets(kind)
    )
    # A placeholder stands in for several kinds under one key: list it once.
    unlisted = {t.key: {"target": t.key, "reason": t.reason} for t in index.unlisted()}
    skipped = [entry for inventory in estate.inventories for entry in _skipped_apis(inventory)]
    errors = [
        {"account": inventory.metadata.account_id or None, **to_jsonable(error)}
        for inventory in estate.inventories
        for error in sorted(inventory.errors, key=lambda e: (e.target, e.service, e.operation))
    ]
    stages_left_out = [
        stage
        for inventory in estate.inventories
        for stage in _out_of_scope_stages(inventory, scope)
    ]
    accounts = estate.accounts
    return AuditedEstate(
        account=accounts[0] if len(accounts) == 1 else None,
        accounts=accounts,
        regions=estate.regions,
        collected_at=estate.collected_at,
        demo=estate.demo,
        operations=operations,
        not_listed=tuple(unlisted[key] for key in sorted(unlisted)),
        unreached=tuple(
            {"account": a.account_id, "reason": a.reason}
            for a in sorted(estate.unreached, key=lambda a: a.account_id)
        ),
        out_of_scope_apis=_sorted(skipped),
        out_of_scope_stages=_sorted(stages_left_out),
        collection_errors=tuple(sorted(errors, key=lambda e: str(e["account"]))),
        traffic=_traffic(estate.inventories, scope),
        nothing_in_scope=_nothing_in_scope(index, len(stages_left_out)),
        empty_regions=_empty_regions(estate.inventories),
        shard=f"{estate.shard.index}/{estate.shard.count}" if estate.shard else None,
    )
