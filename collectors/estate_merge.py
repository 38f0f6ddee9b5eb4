"""Put the shards of one audit back together: the estate a single run would have collected.

Each shard (``--shard K/N``, ``collectors.shards``) read some (account, region) pairs; an
account split across shards has a partial inventory in each. Merged, an account's inventory
holds its regions in the run's order (as asked, or with ``--region all`` sorted, as
``collectors.enabled_regions`` lists them), every per-region part of each shard, and once what
shards read twice: the CloudFront distributions (a global listing each shard makes), and
the Lambda functions, log groups, certificates and web ACLs referenced from regions of more
than one shard, in the order ``collectors.inventory`` sorts them. A failed call every shard
made (ListDistributions) is one error, and none is kept for what another shard did read. An
account a shard could not reach is one ``UnreachedAccount``, whatever other shards read of it.

Shards are refused, with what to do, when they are not all the parts of one audit: one not a
shard's estate, of another audit (other accounts, regions, --stages or count), a part twice
or missing, or a shard that did not read exactly its own pairs (with ``--region all``, an
account whose enabled regions changed between the shards): a merge never drops a pair.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from collectors.clients import ALL_REGIONS
from collectors.errors import AuditSetupError
from collectors.model import CollectionError, CollectionMetadata, Inventory
from collectors.model.estate import Estate, Shard, UnreachedAccount
from collectors.model.traffic import TrafficEvidence
from collectors.shards import shard_regions

T = TypeVar("T")


def _once(items: Iterable[T], key: Callable[[T], tuple[str, ...]]) -> tuple[T, ...]:
    """``items`` without repeats of a key (the first kept), sorted by that key."""
    kept: dict[tuple[str, ...], T] = {}
    for item in items:
        kept.setdefault(key(item), item)
    return tuple(kept[k] for k in sorted(kept))


def _errors(parts: Sequence[Inventory], distributions_read: bool) -> tuple[CollectionError, ...]:
    """The failed calls of the parts: one a call each part made and saw fail (a global
    ListDistributions), as many as one part saw of a repeated one (a region's GetMetricData
    batches); none for what another part did read (a Lambda function referenced from two
    shards' regions, read by one of them)."""
    counts: Counter[CollectionError] = Counter()
    for part in parts:
        counts |= Counter(part.errors)
    read = {
        *(f.arn for p in parts for f in p.lambda_functions),
        *(g.arn for p in parts for g in p.log_groups),
        *(c.arn for p in parts for c in p.acm_certificates),
        *(acl.arn for p in parts for acl in p.web_acls),
    }
    return tuple(
        error
        for error in counts.elements()
        if error.target not in read
        and not (distributions_read and error.operation == "ListDistributions")
    )


def _acm_region(arn: str) -> str:
    return arn.split(":")[3] if arn.count(":") >= 3 else ""


def _metadata(parts: Sequence[Inventory], regions: tuple[str, ...]) -> CollectionMetadata:
    first = parts[0].metadata
    return replace(
        first,
        regions=regions,
        started_at=min(p.metadata.started_at for p in parts),
        finished_at=max(p.metadata.finished_at for p in parts),
    )


def _traffic(parts: Sequence[Inventory]) -> TrafficEvidence | None:
    evidence = [p.traffic for p in parts if p.traffic is not None]
    if not evidence:
        return None
    return replace(
        evidence[0],
        window_start=min(e.window_start for e in evidence),
        window_end=max(e.window_end for e in evidence),
        stages=tuple(
            sorted(
                (stage for e in evidence for stage in e.stages),
                key=lambda s: (s.region, s.api_id, s.stage),  # as collectors.traffic does
            )
        ),
        queries=sum(e.queries for e in evidence),
        bytes_scanned=sum(e.bytes_scanned for e in evidence),
    )


def merge_account(parts: Sequence[Inventory], regions: tuple[str, ...]) -> Inventory:
    """One account's inventory from the shards' parts of it, its regions in ``regions``'
    order."""
    rank = {region: number for number, region in enumerate(regions)}

    def by_region(items: Iterable[T], region: Callable[[T], str]) -> tuple[T, ...]:
        return tuple(sorted(items, key=lambda item: rank.get(region(item), len(rank))))

    distributions = next((p.distributions for p in parts if p.distributions is not None), None)
    return Inventory(
        metadata=_metadata(parts, regions),
        rest_apis=tuple(
            sorted((a for p in parts for a in p.rest_apis), key=lambda a: (a.region, a.id))
        ),
        http_apis=tuple(
            sorted((a for p in parts for a in p.http_apis), key=lambda a: (a.region, a.id))
        ),
        lambda_functions=_once((f for p in parts for f in p.lambda_functions), lambda f: (f.arn,)),
        accounts=by_region((a for p in parts for a in p.accounts), lambda a: a.region),
        custom_domains=by_region((d for p in parts for d in p.custom_domains), lambda d: d.region),
        distributions=distributions,
        skipped_apis=tuple(
            sorted((s for p in parts for s in p.skipped_apis), key=lambda s: (s.region, s.id))
        ),
        errors=_errors(parts, distributions is not None),
        log_groups=_once(
            (g for p in parts for g in p.log_groups), lambda g: (g.arn, g.region, g.name)
        ),
        client_certificates=_once(
            (c for p in parts for c in p.client_certificates), lambda c: (c.region, c.id)
        ),
        acm_certificates=_once(
            (c for p in parts for c in p.acm_certificates), lambda c: (_acm_region(c.arn), c.arn)
        ),
        web_acls=_once((acl for p in parts for acl in p.web_acls), lambda acl: (acl.arn,)),
        api_keys=by_region((k for p in parts for k in p.api_keys), lambda k: k.region),
        traffic=_traffic(parts),
    )


def _check_parts(shards: Sequence[tuple[Path, Estate]]) -> Shard:
    """The shard all parts agree on; ``AuditSetupError`` naming the file that does not fit."""
    first: Shard | None = None
    seen: dict[int, Path] = {}
    for path, estate in shards:
        shard = estate.shard
        if shard is None:
            raise AuditSetupError(
                f"{path} is not a shard's estate (it was not saved by a run with --shard K/N): "
                "pass the directory of each shard of one audit."
            )
        if first is None:
            first = shard
        elif (shard.count, shard.accounts, shard.regions, shard.stages) != (
            first.count,
            first.accounts,
            first.regions,
            first.stages,
        ):
            raise AuditSetupError(
                f"{path} is shard {shard.index}/{shard.count} of another audit (its accounts, "
                f"regions, --stages or shard count differ from {shards[0][0]}'s): pass the "
                "shards of one audit."
            )
        if shard.index in seen:
            raise AuditSetupError(
                f"{path} and {seen[shard.index]} are both shard {shard.index}/{shard.count}: "
                "pass each shard once."
            )
        seen[shard.index] = path
    if first is None:
        raise AuditSetupError("no shard given: pass the directory of each shard.")
    missing = [str(index) for index in range(1, first.count + 1) if index not in seen]
    if missing:
        raise AuditSetupError(
            f"shard {', '.join(missing)} of {first.count} missing: pass every shard's "
            "directory (a shard that failed must be run again)."
        )
    return first


def _index(estate: Estate) -> int:
    return estate.shard.index if estate.shard is not None else 0


def _account_regions(
    shards: Sequence[tuple[Path, Estate]], run: Shard
) -> dict[str, tuple[str, ...]]:
    """Each account's regions, which its pairs are numbered by: the regions asked, or with
    ``all`` its enabled ones, which every shard that listed them must have seen alike."""
    if run.regions != (ALL_REGIONS,):
        return dict.fromkeys(run.accounts, run.regions)
    listed: dict[str, tuple[str, ...]] = {}
    for path, estate in shards:
        for account in estate.shard.enabled if estate.shard is not None else ():
            if listed.setdefault(account.account_id, account.regions) != account.regions:
                raise AuditSetupError(
                    f"account {account.account_id}'s enabled regions changed between the "
                    f"shards ({', '.join(account.regions)} in {path}, "
                    f"{', '.join(listed[account.account_id])} before): run every shard again."
                )
    return listed


def _check_pairs(shards: Sequence[tuple[Path, Estate]], run: Shard) -> None:
    """Each shard read exactly its own pairs (or could not reach the account), so that every
    pair of the audit is in the merge once: ``AuditSetupError`` naming one that did not."""
    regions_of = _account_regions(shards, run)
    for path, estate in shards:
        shard = estate.shard
        assert shard is not None  # _check_parts made sure
        read = {i.metadata.account_id: i.metadata.regions for i in estate.inventories}
        missed = {a.account_id for a in estate.unreached}
        for number, account in enumerate(run.accounts):
            if account in missed:
                continue
            own = shard_regions(shard, number, regions_of.get(account, ()), run.regions)
            if read.get(account, ()) != own:
                raise AuditSetupError(
                    f"{path} (shard {shard.index}/{shard.count}) read account {account} in "
                    f"{', '.join(read.get(account, ())) or 'no region'}, not its share "
                    f"({', '.join(own) or 'none'}): run every shard again with the same options."
                )


def merge_shards(shards: Sequence[tuple[Path, Estate]]) -> Estate:
    """The estate of the whole audit from each shard's (where it was read, estate)."""
    run = _check_parts(shards)
    _check_pairs(shards, run)
    estates = [estate for _, estate in sorted(shards, key=lambda s: _index(s[1]))]
    # An account some shard could not reach is unreached, whatever other shards read of it:
    # what that shard would have read is unknown (a single run reads an account whole or not).
    unreached: dict[str, UnreachedAccount] = {}
    for estate in estates:
        for missed in estate.unreached:
            unreached.setdefault(missed.account_id, missed)
    by_account: dict[str, list[Inventory]] = {}
    for estate in estates:
        for inventory in estate.inventories:
            if inventory.metadata.account_id not in unreached:
                by_account.setdefault(inventory.metadata.account_id, []).append(inventory)
    inventories = []
    for account in sorted(by_account):
        parts = by_account[account]
        read = {region for part in parts for region in part.metadata.regions}
        order = sorted(read) if run.regions == (ALL_REGIONS,) else run.regions
        inventories.append(merge_account(parts, tuple(r for r in order if r in read)))
    return Estate(
        inventories=tuple(inventories),
        unreached=tuple(unreached[a] for a in sorted(unreached)),
    )
