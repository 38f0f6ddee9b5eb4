"""Collect an organisation's estate: in each account, assume the role, list the regions, and
collect the inventory; an account that cannot be read is reported, the others complete.

Calls, per account, on top of the account's inventory (``collectors.inventory``'s formula):

    1 STS AssumeRole, with the auditing identity's credentials (RoleSessionName apigw-audit,
      ExternalId when given)
    + with --region all, 1 account:ListRegions a page, with the account's credentials

An account whose role cannot be assumed, whose regions cannot be listed or whose assumed
credentials STS then refuses is an ``UnreachedAccount`` with AWS's reason; a region refusing
calls is recorded inside its account's inventory, as for one account.

Concurrency: ``max_workers`` bounds the AWS calls in flight across the whole audit. Accounts
run on ``min(max_workers, accounts)`` threads, each collecting its inventory on
``max_workers // that`` threads, so ``max_workers=1`` is fully serial and 16 overlaps the
waits of 16 calls. Every account's API Gateway calls, all regions together, share one
``AccountPacer`` (API Gateway's per-account control-plane quota, ``collectors.pacing``).
With a ``ProcessPlan`` of more than one process, the accounts are first dealt over processes
(``collectors.estate_processes``), each splitting its share of ``max_workers`` this way.

With a shard (``--shard K/N``, ``collectors.shards``) an account is read only in the regions
that are the shard's own; one with none of them is not read at all (with ``--region all``,
only after its role is assumed and its regions listed: the shard's part is known from them).

Every account's clients are made from the auditor's one session, signing with the account
role's credentials: a botocore session per account would build its configuration chain and
event handlers again, a tenth of an account's CPU time (bench/README.md, "An organisation").

A role's credentials last AssumeRole's default hour: each account's role is assumed just
before that account is collected, so the hour is the account's, not the whole audit's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from collectors.clients import (
    ALL_REGIONS,
    AwsClients,
    CallObserver,
    RoleCredentials,
    error_from_exception,
)
from collectors.enabled_regions import enabled_regions
from collectors.errors import AuditSetupError
from collectors.estate_accounts import AccountTarget
from collectors.inventory import DEFAULT_SCOPE, DEFAULT_WORKERS, collect_inventory
from collectors.model import Inventory
from collectors.model.estate import AccountRegions, Estate, Shard, UnreachedAccount
from collectors.pacing import AccountPacer
from collectors.scope import StageFilter
from collectors.shards import shard_regions

if TYPE_CHECKING:
    from collectors.estate_processes import ProcessPlan

ROLE_SESSION_NAME = "apigw-audit"  # what CloudTrail shows in each account for the audit

# An account's inventory: (its clients, its regions, the threads it may use) -> Inventory
InventoryCollector = Callable[[AwsClients, tuple[str, ...], int], Inventory]


@dataclass(frozen=True)
class InventoryOptions:
    """An ``InventoryCollector`` with ``collect_inventory``'s options of the audit, picklable
    for worker processes: the stages ``audited``, the traffic evidence's days and scan cap."""

    audited: StageFilter = DEFAULT_SCOPE.audits
    traffic_days: int = 0
    traffic_max_bytes: float = 0.0

    def __call__(self, clients: AwsClients, regions: tuple[str, ...], workers: int) -> Inventory:
        return collect_inventory(
            clients,
            regions,
            workers=workers,
            audited=self.audited,
            traffic_days=self.traffic_days,
            traffic_max_bytes=self.traffic_max_bytes,
        )


def role_arn(partition: str, target: AccountTarget) -> str:
    """The ARN of the role to assume in ``target``'s account (a role name may carry a path)."""
    return f"arn:{partition}:iam::{target.account_id}:role/{target.role_name}"


def assume_role(
    auditor: AwsClients, partition: str, target: AccountTarget, home_region: str
) -> RoleCredentials:
    """The credentials of ``target``'s role; ``AuditSetupError`` with AWS's reason when the
    role cannot be assumed."""
    arn = role_arn(partition, target)
    sts = auditor.sts(home_region)
    try:
        answer = (
            sts.assume_role(
                RoleArn=arn, RoleSessionName=ROLE_SESSION_NAME, ExternalId=target.external_id
            )
            if target.external_id
            else sts.assume_role(RoleArn=arn, RoleSessionName=ROLE_SESSION_NAME)
        )
    except (ClientError, BotoCoreError) as exc:
        error = error_from_exception("sts", "AssumeRole", arn, exc)
        raise AuditSetupError(
            f"cannot assume {arn} ({error.code}: {error.message}): check that the role "
            "exists and trusts the auditing identity (and its external id)."
        ) from None
    credentials = answer["Credentials"]
    return RoleCredentials(
        access_key_id=credentials["AccessKeyId"],
        secret_access_key=credentials["SecretAccessKey"],
        session_token=credentials["SessionToken"],
    )


def _by_id(target: AccountTarget) -> str:
    return target.account_id


def worker_split(max_workers: int, accounts: int) -> tuple[int, int]:
    """(accounts collected at once, threads each): at most ``max_workers`` calls in flight."""
    at_once = max(1, min(max_workers, accounts))
    return at_once, max(1, max_workers // at_once)


@dataclass(frozen=True)
class AccountsJob:
    """What reading some of an audit's accounts needs, all of it picklable: a worker process
    (``collectors.estate_processes``) gets one. ``numbers``: every account of the run by id,
    as the shard split numbers them."""

    targets: tuple[AccountTarget, ...]
    numbers: Mapping[str, int]
    regions: tuple[str, ...]
    home_region: str
    collect: InventoryCollector
    max_workers: int
    paced: bool
    shard: Shard | None


@dataclass
class AccountsRead:
    """What reading a job's accounts gave: an inventory, an unreached account, or nothing (no
    pair of the shard) per account; with ``--region all``, each account's enabled regions."""

    results: list[Inventory | UnreachedAccount | None] = field(default_factory=list)
    enabled: list[AccountRegions] = field(default_factory=list)


def read_accounts(
    auditor: boto3.Session,
    job: AccountsJob,
    observer: CallObserver | None,
    on_account_done: Callable[[], None],
) -> AccountsRead:
    """Read ``job``'s accounts on threads of this process (``worker_split``)."""
    auditor_clients = AwsClients(auditor, observer)
    partition = auditor.get_partition_for_region(job.home_region)
    every_region = job.regions == (ALL_REGIONS,)
    at_once, threads_each = worker_split(job.max_workers, len(job.targets))
    read = AccountsRead()
    lock = threading.Lock()

    def read_one(target: AccountTarget) -> Inventory | UnreachedAccount | None:
        number = job.numbers[target.account_id]
        result: Inventory | UnreachedAccount | None = None
        try:
            clients = AwsClients(
                auditor,  # its loaded models and endpoints; the role's credentials sign
                observer,
                AccountPacer() if job.paced else None,
                assume_role(auditor_clients, partition, target, job.home_region),
            )
            own = job.regions
            if every_region:
                own = enabled_regions(clients, job.home_region)
                with lock:
                    read.enabled.append(AccountRegions(account_id=target.account_id, regions=own))
            account_regions = shard_regions(job.shard, number, own, job.regions)
            if account_regions:
                result = job.collect(clients, account_regions, threads_each)
        except AuditSetupError as exc:
            result = UnreachedAccount(account_id=target.account_id, reason=str(exc))
        with lock:
            on_account_done()
        return result

    with ThreadPoolExecutor(max_workers=at_once, thread_name_prefix="apigw-audit-account") as pool:
        read.results = list(pool.map(read_one, job.targets))
    return read


def collect_estate(
    auditor: boto3.Session,
    accounts: Sequence[AccountTarget],
    regions: tuple[str, ...],
    *,
    home_region: str,
    collect: InventoryCollector = InventoryOptions(),
    max_workers: int = DEFAULT_WORKERS,
    observer: CallObserver | None = None,
    paced: bool = True,
    shard: Shard | None = None,
    on_account_done: Callable[[int, int], None] = lambda done, total: None,
    processes: ProcessPlan | None = None,
) -> Estate:
    """The estate of ``accounts``, each read through its role, in ``regions`` (or, for
    ``(ALL_REGIONS,)``, in each account's enabled regions). ``auditor`` is the identity
    that assumes the roles; STS, Organizations and Account Management are called in
    ``home_region``. ``observer`` hears every call, ``on_account_done`` each account that
    ends (done, total). With ``shard``, only the shard's own (account, region) pairs are
    read, and the estate records the shard (``accounts``, ``regions`` and, with
    ``(ALL_REGIONS,)``, each account's ``enabled`` regions filled in). With ``processes``
    (``collectors.estate_processes``), the accounts are spread over that many worker
    processes; ``collect`` must then be picklable."""
    # The split numbers the run's accounts by id (collectors.shards).
    numbers = {target.account_id: n for n, target in enumerate(sorted(accounts, key=_by_id))}
    every_region = regions == (ALL_REGIONS,)
    to_read = tuple(  # with the regions known, an account none of which are the shard's is not read
        target
        for target in sorted(accounts, key=_by_id)
        if every_region or shard_regions(shard, numbers[target.account_id], regions, regions)
    )
    job = AccountsJob(
        targets=to_read,
        numbers=numbers,
        regions=regions,
        home_region=home_region,
        collect=collect,
        max_workers=max_workers,
        paced=paced,
        shard=shard,
    )
    done = 0

    def account_done() -> None:
        nonlocal done
        done += 1
        on_account_done(done, len(to_read))

    if processes is not None and processes.count > 1:
        from collectors.estate_processes import read_in_processes  # it imports this module

        read = read_in_processes(auditor, job, processes, observer, account_done)
    else:
        read = read_accounts(auditor, job, observer, account_done)
    results = read.results
    return Estate(
        inventories=tuple(
            sorted(
                (r for r in results if isinstance(r, Inventory)),
                key=lambda inventory: inventory.metadata.account_id,
            )
        ),
        unreached=tuple(
            sorted(
                (r for r in results if isinstance(r, UnreachedAccount)),
                key=lambda account: account.account_id,
            )
        ),
        shard=(
            replace(
                shard,
                accounts=tuple(sorted(numbers)),
                regions=regions,
                enabled=tuple(sorted(read.enabled, key=lambda account: account.account_id)),
            )
            if shard is not None
            else None
        ),
    )
