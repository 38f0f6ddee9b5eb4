"""What one audit read: an inventory per account it reached, and the accounts it could not.

A run over one credential's account is an estate of one inventory. An organisation's audit
(issue 14) assumes a role in each account; an account whose role could not be assumed, or
whose regions could not be listed, is ``UnreachedAccount`` with the reason, so that every
check that would have run there is UNKNOWN instead of silently having nothing to check.
"""

from __future__ import annotations

from dataclasses import dataclass

from collectors.model.inventory import Inventory

# The snapshot's schema. 2: what stages serve, account limits, custom domains, CloudFront
# (schema 1 is migrated); 3: the snapshot holds an estate (every account), not one inventory.
SCHEMA_VERSION = 3


@dataclass(frozen=True, kw_only=True, slots=True)
class UnreachedAccount:
    """An account the audit could not read at all, and why (in AWS's words where it has them)."""

    account_id: str
    reason: str


@dataclass(frozen=True, kw_only=True, slots=True)
class AccountRegions:
    """The regions an account has enabled, as a shard listed them (``--region all``)."""

    account_id: str
    regions: tuple[str, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class Shard:
    """Which part of the (account, region) pairs a run audited: ``index`` of ``count``, from 1
    (``collectors.shards``), and the run all the shards split: every account it audits and the
    regions as asked (``("all",)``: each account's enabled ones). Shards agreeing on
    ``count``, ``accounts`` and ``regions`` are parts of one audit, which ``apigw-audit merge``
    puts back together. With ``--region all``, ``enabled`` holds each account's regions as
    this shard listed them (its pairs are numbered from them); ``stages``, the ``--stages``
    patterns the shard was scoped by (``()``: the default rule)."""

    index: int
    count: int
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    enabled: tuple[AccountRegions, ...] = ()
    stages: tuple[str, ...] = ()

    def describe(self) -> str:
        return f"shard {self.index}/{self.count}"


@dataclass(frozen=True, kw_only=True, slots=True)
class Estate:
    """Every account one audit read (one inventory each, by account id) and those it could
    not; ``shard`` when the run audited only its share of the pairs (``--shard K/N``)."""

    inventories: tuple[Inventory, ...]
    unreached: tuple[UnreachedAccount, ...] = ()
    shard: Shard | None = None

    @property
    def accounts(self) -> tuple[str, ...]:
        """Every account of the estate, reached or not, sorted."""
        reached = (inventory.metadata.account_id for inventory in self.inventories)
        return tuple(sorted({*reached, *(a.account_id for a in self.unreached)}))

    @property
    def regions(self) -> tuple[str, ...]:
        """Every region audited in some account, in the order the inventories list them."""
        return tuple(
            dict.fromkeys(region for i in self.inventories for region in i.metadata.regions)
        )

    @property
    def collected_at(self) -> str | None:
        """When the first collection started; ``None`` when no account was reached."""
        return min((i.metadata.started_at for i in self.inventories), default=None)

    @property
    def demo(self) -> bool:
        """Whether the estate is the built-in emulated one (no real account was read)."""
        return any(inventory.metadata.demo for inventory in self.inventories)


def estate_of(audited: Estate | Inventory) -> Estate:
    """``audited`` as an estate: one credential's inventory is an estate of one account."""
    return audited if isinstance(audited, Estate) else Estate(inventories=(audited,))
