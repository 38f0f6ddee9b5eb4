"""``--shard K/N``: which (account, region) pairs of the audit one CI runner collects.

The pairs are ordered by account id, then by region in the order the run lists them (as asked,
or an account's enabled regions, sorted). Pair (account number ``a``, region number ``r``),
both counted from 0, belongs to shard ``(a + r) mod N + 1``. So every pair is in exactly one
shard; each shard holds within one pair per account of every other shard; and a shard decides
which pairs are its own from one account's regions alone, so with ``--region all`` no shard
needs another account's region list. An account none of whose pairs is a shard's own is not
read by that shard at all (with ``--region all`` it is assumed and its regions listed first).
"""

from __future__ import annotations

import re

from collectors.model.estate import Shard

_SHARD = re.compile(r"(\d+)/(\d+)")


def parse_shard(value: str) -> Shard:
    """``"2/3"`` as ``Shard(index=2, count=3)``; ``ValueError`` saying what is expected."""
    match = _SHARD.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"expected K/N (for example 2/3), got {value!r}")
    index, count = int(match.group(1)), int(match.group(2))
    if not 1 <= index <= count:
        raise ValueError(f"expected K/N with 1 <= K <= N, got {value!r}")
    return Shard(index=index, count=count)


def shard_of(account_number: int, region_number: int, count: int) -> int:
    """The shard (from 1) of the pair of the ``account_number``-th account's
    ``region_number``-th region, of ``count`` shards."""
    return (account_number + region_number) % count + 1


def shard_regions(
    shard: Shard | None, account_number: int, regions: tuple[str, ...]
) -> tuple[str, ...]:
    """The regions of the ``account_number``-th account (by id, from 0) that ``shard``
    audits; all of them without a shard."""
    if shard is None:
        return regions
    return tuple(
        region
        for number, region in enumerate(regions)
        if shard_of(account_number, number, shard.count) == shard.index
    )
