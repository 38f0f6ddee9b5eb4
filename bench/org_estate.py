"""A benchmark organisation: N accounts, each with the audit's role and a small seeded estate.

``build_organisation`` runs inside ``collectors.demo.estate.emulated_aws`` (moto's default
account, ``ACCOUNT_ID``, is the management account the audit runs as). In each member account
(``in_account``) it creates the role the audit assumes, trusting the management account
(moto does not evaluate trust policies; it is there so the estate is the one AWS would need),
and ``bench.estate.build_estate`` of ``ORG_ESTATE`` with the account's own seed, so accounts
differ in their mix but the whole organisation is the same on every run.

The floor of the organisation's audit (``bench.floor``) adds up per account, because
``floor_by_operation`` is a sum over regions plus the global calls: an account audited in some
of its regions costs ``global + sum of those regions``, and its role one STS AssumeRole.
``AccountFloor`` keeps those parts so a shard's floor can be added up from them.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bench.estate import EstateManifest, EstateSpec, build_estate
from bench.floor import floor_by_operation
from collectors.demo.builders import ACCOUNT_ID, in_account
from collectors.demo.builders.clients import aws_client
from collectors.model.estate import Shard
from collectors.shards import shard_regions

ROLE_NAME = "apigw-audit-bench"
ORG_REGIONS = ("us-east-1", "eu-west-1")
# 5 APIs per account and region: 4 REST (2 resources x 1 method, prod and staging) and 1 HTTP
ORG_ESTATE = EstateSpec(8, 2, 1, 2, http_apis=2, regions=ORG_REGIONS)
# 1 REST API per account and region: the unit smoke test's organisation
TINY_ESTATE = EstateSpec(2, 1, 1, 2, http_apis=0, regions=ORG_REGIONS)
ESTATES = {"org": ORG_ESTATE, "tiny": TINY_ESTATE}
_FIRST_ACCOUNT = 210_000_000_000


def member_accounts(count: int) -> tuple[str, ...]:
    """The member accounts' ids, sorted as the audit sorts them."""
    return tuple(f"{_FIRST_ACCOUNT + n:012d}" for n in range(count))


@dataclass(frozen=True)
class AccountFloor:
    """One account's floor in parts: its global calls and each region's own."""

    account_id: str
    global_calls: dict[str, int]
    regions: dict[str, dict[str, int]]

    def audited_in(self, regions: Iterable[str]) -> Counter[str]:
        """The account's floor when audited in ``regions`` (none: not read at all), its role's
        AssumeRole included."""
        chosen = list(regions)
        if not chosen:
            return Counter()
        floor = Counter(self.global_calls) + Counter({"sts.AssumeRole": 1})
        for region in chosen:
            floor.update(self.regions[region])
        return floor


def account_floor(account_id: str, manifest: EstateManifest) -> AccountFloor:
    """``manifest``'s floor split into its global part and its regions' parts."""
    global_calls = floor_by_operation(dataclasses.replace(manifest, regions=[]))
    return AccountFloor(
        account_id=account_id,
        global_calls=dict(global_calls),
        regions={
            region.region: dict(
                floor_by_operation(dataclasses.replace(manifest, regions=[region])) - global_calls
            )
            for region in manifest.regions
        },
    )


def _trust_policy() -> str:
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"},
        "Action": "sts:AssumeRole",
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def build_organisation(
    accounts: int, spec: EstateSpec = ORG_ESTATE
) -> tuple[tuple[AccountFloor, ...], dict[str, int]]:
    """Build every member account; their floors and the organisation's headline counts."""
    floors: list[AccountFloor] = []
    counts: Counter[str] = Counter()
    for number, account_id in enumerate(member_accounts(accounts)):
        with in_account(account_id):
            aws_client("iam", spec.regions[0]).create_role(
                RoleName=ROLE_NAME, AssumeRolePolicyDocument=_trust_policy()
            )
            manifest = build_estate(dataclasses.replace(spec, seed=spec.seed + number))
        floors.append(account_floor(account_id, manifest))
        counts.update(manifest.counts())
    return tuple(floors), dict(counts)


def organisation_floor(
    floors: Iterable[AccountFloor],
    regions: tuple[str, ...],
    shard: Shard | None = None,
    *,
    auditor_identity: bool = True,
) -> Counter[str]:
    """The calls an audit of the organisation (or of its ``shard``) must make: each account's
    floor in its regions of the shard, its AssumeRole, and, for a ``pytest`` run, the
    auditing identity's own STS GetCallerIdentity (``collect_estate`` alone makes none)."""
    calls: Counter[str] = Counter({"sts.GetCallerIdentity": 1} if auditor_identity else {})
    ordered = sorted(floors, key=lambda floor: floor.account_id)  # the shards' numbering
    for number, floor in enumerate(ordered):
        calls += floor.audited_in(shard_regions(shard, number, regions, regions))
    return calls
