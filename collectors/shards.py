"""``--shard K/N``: which (account, region) pairs of the audit one CI runner collects.

The pairs are numbered in order: by account id, then by region in the order the run lists
them. With regions named (``--region a,b``) every account has the same R of them, and pair
(account ``a``, region ``r``), from 0, is number ``a * R + r``; shard K of N holds the pairs
whose number is ``K - 1`` modulo N, so the shards' sizes differ by one pair at most. With
``--region all`` an account's regions (its enabled ones, sorted) are known only once its role
is assumed, and differ between accounts: a pair's number is then ``a + r``, which a shard
computes from that one account's regions, without any other's. Either way every pair is in
exactly one shard. An account none of whose pairs is a shard's own is not read by it (with
``--region all``, its role is assumed and its regions listed first, to know).
"""

from __future__ import annotations

import re

from collectors.clients import ALL_REGIONS
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


def shard_of(pair_number: int, count: int) -> int:
    """The shard (from 1) of the ``pair_number``-th pair, of ``count`` shards."""
    return pair_number % count + 1


def shard_regions(
    shard: Shard | None, account_number: int, regions: tuple[str, ...], asked: tuple[str, ...]
) -> tuple[str, ...]:
    """The regions of the ``account_number``-th account (by id, from 0) that ``shard``
    audits, of ``regions`` (its own: ``asked``, or with ``asked`` ``("all",)`` its enabled
    ones); all of them without a shard."""
    if shard is None:
        return regions
    first_pair = account_number * (1 if asked == (ALL_REGIONS,) else len(asked))
    return tuple(
        region
        for number, region in enumerate(regions)
        if shard_of(first_pair + number, shard.count) == shard.index
    )
