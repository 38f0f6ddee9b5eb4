"""What one audit read: an inventory per account it reached, and the accounts it could not.

A run over one credential's account is an estate of one inventory. An organisation's audit
(issue 14) assumes a role in each account; an account whose role could not be assumed, or
whose regions could not be listed, is ``UnreachedAccount`` with the reason, so that every
check that would have run there is UNKNOWN instead of silently having nothing to check.
"""

from __future__ import annotations

from dataclasses import dataclass

from collectors.model.inventory import Inventory


@dataclass(frozen=True, kw_only=True)
class UnreachedAccount:
    """An account the audit could not read at all, and why (in AWS's words where it has them)."""

    account_id: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class Shard:
    """Which part of the (account, region) pairs a run audited: ``index`` of ``count``, from 1."""

    index: int
    count: int


@dataclass(frozen=True, kw_only=True)
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
