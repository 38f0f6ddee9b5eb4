"""What a run audited, for the reports (``AuditedEstate``): every in-scope operation, what
could not be listed, what was left out of scope and why, every failed AWS call, when no
stage was in scope, why, and the audited regions that hold no API."""

from __future__ import annotations

from typing import Any

from collectors.contract import AuditedEstate
from collectors.model import Inventory, RestApi, SkippedApi, V2Api
from collectors.scope import StageScope
from collectors.serialization import to_jsonable
from collectors.targets import Kind, TargetIndex, describe
from collectors.targets.describe import control_plane_arn

_ORDER = ("region", "api_name", "api_id", "stage")


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


def _traffic(inventory: Inventory, scope: StageScope) -> dict[str, Any] | None:
    """The traffic evidence of the in-scope stages, with their API's name, as JSON."""
    evidence = inventory.traffic
    if evidence is None:
        return None
    apis: list[RestApi | V2Api] = [*inventory.rest_apis, *inventory.http_apis]
    names = {(api.region, api.id): api.name for api in apis}
    return {
        "days": evidence.days,
        "window": {"start": evidence.window_start, "end": evidence.window_end},
        "queries": evidence.queries,
        "bytes_scanned": evidence.bytes_scanned,
        "stages": [
            {"api_name": names.get((stage.region, stage.api_id)), **to_jsonable(stage)}
            for stage in evidence.stages
            if scope.audits(stage.stage)
        ],
    }


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _nothing_in_scope(index: TargetIndex, stages_left_out: int) -> str | None:
    """Why no stage is audited, in words; ``None`` when one is, or when something could not
    be listed (then the estate is unknown, not empty)."""
    audited_stages = (*index.targets(Kind.REST_STAGE), *index.targets(Kind.V2_STAGE))
    if audited_stages or any(index.unlisted()):
        return None
    inventory = index.inventory
    regions = ", ".join(inventory.metadata.regions)
    apis: list[RestApi | V2Api] = [*inventory.rest_apis, *inventory.http_apis]
    without_stages = sum(not api.stages for api in apis)
    why = [
        f"{_count(number, noun)} {reason}"
        for number, noun, reason in (
            (len(inventory.skipped_apis), "API", "left out by its tags"),
            (stages_left_out, "stage", "outside the stage scope"),
            (without_stages, "API", "without a stage"),
        )
        if number
    ]
    what = "stage" if apis else "API"
    return f"no API Gateway {what} in scope in {regions}: {', '.join(why) or 'none exists there'}"


def _empty_regions(inventory: Inventory) -> tuple[str, ...]:
    """The audited regions where API Gateway listed no API (a failed listing is not empty)."""
    apis: list[RestApi | V2Api | SkippedApi] = [
        *inventory.rest_apis,
        *inventory.http_apis,
        *inventory.skipped_apis,
    ]
    holding = {api.region for api in apis} | {e.target for e in inventory.listing_failures()}
    return tuple(region for region in inventory.metadata.regions if region not in holding)


def audited_estate(index: TargetIndex) -> AuditedEstate:
    inventory, scope = index.inventory, index.scope
    metadata = inventory.metadata
    account = metadata.account_id
    operations = tuple(
        describe(target, account)
        for kind in (Kind.REST_METHOD, Kind.V2_ROUTE)
        for target in index.targets(kind)
    )
    # A placeholder stands in for several kinds under one key: list it once.
    unlisted = {t.key: {"target": t.key, "reason": t.reason} for t in index.unlisted()}
    skipped = [
        {
            "api_id": api.id,
            "api_name": api.name,
            "api_type": api.api_type,
            "region": api.region,
            "arn": control_plane_arn(api.region, api.api_type, api.id),
            "account": account or None,
            "reason": api.reason,
        }
        for api in inventory.skipped_apis
    ]
    errors = sorted(inventory.errors, key=lambda e: (e.target, e.service, e.operation))
    stages_left_out = _out_of_scope_stages(inventory, scope)
    return AuditedEstate(
        account=account,
        regions=metadata.regions,
        collected_at=metadata.started_at,
        demo=metadata.demo,
        operations=operations,
        not_listed=tuple(unlisted[key] for key in sorted(unlisted)),
        out_of_scope_apis=_sorted(skipped),
        out_of_scope_stages=_sorted(stages_left_out),
        collection_errors=tuple(to_jsonable(errors)),
        traffic=_traffic(inventory, scope),
        nothing_in_scope=_nothing_in_scope(index, len(stages_left_out)),
        empty_regions=_empty_regions(inventory),
    )
