"""The run's audit session: the options that choose the estate, and the estate (an inventory
per account; one credential's account and the demo are an estate of one) and target index
built from it, lazily and once (never for ``pytest --help`` or ``pytest tests_unit/``).

What can go wrong before the audit (a profile, credentials, region names, a snapshot's file,
and AWS refusing the credentials) is checked before collection (``check_setup``), so a usage
error is the first and only thing the run prints and no report is touched. Its one AWS call,
STS GetCallerIdentity, is the one the inventory would make: its account id is reused.

Under pytest-xdist the controller builds the estate and every worker loads the same
snapshot file, so all workers collect identical test ids without calling AWS.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from collectors.audited import audited_estate
from collectors.clients import (
    ALL_REGIONS,
    AwsClients,
    make_session,
    require_credentials,
    require_known_regions,
    resolve_regions,
)
from collectors.contract import AuditedEstate, TargetDescription
from collectors.enabled_regions import enabled_regions
from collectors.errors import AuditSetupError
from collectors.estate_accounts import AccountTarget, organization_accounts, read_accounts_file
from collectors.estate_collection import InventoryOptions, collect_estate
from collectors.estate_processes import ProcessPlan, process_count
from collectors.inventory import Progress, ProgressCallback, collect_inventory
from collectors.metadata import account_id
from collectors.model import AccountRegions, Estate, Shard
from collectors.scope import StageScope
from collectors.serialization import load_snapshot, save_snapshot
from collectors.shards import shard_regions
from collectors.targets import Target, TargetIndex, Unlisted, describe
from collectors.terminal import TerminalLines
from collectors.traffic import TrafficPlan
from collectors.traffic_options import TrafficOptions, traffic_options

if TYPE_CHECKING:
    import boto3

WORKER_SNAPSHOT = "apigw_audit_snapshot"
# Where a shard saves its estate, in its --report-dir, unless --snapshot-out says otherwise:
# what `apigw-audit merge` reads back from each shard's directory.
SHARD_SNAPSHOT = "apigw_audit_snapshot.json"


@dataclass(frozen=True)
class AuditedAccount:
    """The credential's account, whose credentials AWS has accepted, and the regions asked
    for (``("all",)``: each account's enabled regions, listed when it is collected)."""

    session: boto3.Session
    clients: AwsClients
    regions: tuple[str, ...]
    account_id: str


def _home_region(session: boto3.Session, regions: tuple[str, ...]) -> str:
    """Where STS, Organizations and Account Management are called: the session's region,
    else the first audited one (``resolve_regions`` made sure there is one of them)."""
    home = session.region_name or regions[0]
    if home == ALL_REGIONS:
        raise AuditSetupError(
            "--region all lists each account's regions from a home region: set AWS_REGION "
            "(or the profile's region)."
        )
    return home


class AuditSession:
    """The run's estate and target index, built on first use; one per pytest config."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        option = config.option
        self.is_worker = hasattr(config, "workerinput")
        worker_snapshot = getattr(config, "workerinput", {}).get(WORKER_SNAPSHOT)
        self.snapshot_in: Path | None = (
            Path(worker_snapshot) if worker_snapshot else option.snapshot_in
        )
        self.demo: bool = option.demo and not self.is_worker
        # Asked for twice (us-east-1,us-east-1 or --region twice): audited once, in order.
        self.regions = list(dict.fromkeys(region for group in option.region for region in group))
        self.profile: str | None = option.aws_profile
        self.accounts_file: Path | None = option.accounts
        self.organization: bool = option.organization
        self.role_name: str | None = option.role_name
        self.external_id: str | None = option.external_id
        self.max_workers: int = option.max_workers
        self.scope = StageScope(option.stages or config.getini("audit_stages"))
        self.shard: Shard | None = (
            replace(option.shard, stages=self.scope.patterns) if option.shard else None
        )
        # (a shard's is its report directory's, by default: collectors.plugin names it)
        self.snapshot_out: Path | None = None if self.is_worker else option.snapshot_out
        self.setup_error: AuditSetupError | None = None
        self._estate: Estate | None = None
        self._snapshot: Estate | None = None  # --snapshot-in, read by check_setup
        self._aws: AuditedAccount | None = None  # by check_setup
        self._accounts: tuple[AccountTarget, ...] | None = None  # --accounts, by check_setup
        self._index: TargetIndex | None = None
        self._console = TerminalLines(config)
        self.worker_snapshot_path: Path | None = None
        self.traffic = TrafficOptions(days=0, max_bytes=0.0)  # workers read a snapshot
        if not self.is_worker:
            self._validate_options()
            self.traffic = traffic_options(
                config, demo=self.demo, snapshot_in=self.snapshot_in is not None
            )

    def _validate_options(self) -> None:
        if self.demo and self.snapshot_in:
            raise pytest.UsageError("--demo and --snapshot-in both choose the estate: use one.")
        if self.snapshot_in and (self.regions or self.profile):
            raise pytest.UsageError(
                "--snapshot-in audits a saved inventory: --region and --aws-profile do not apply."
            )
        if self.demo and self.profile:
            raise pytest.UsageError(
                "--demo audits the built-in sample estate: --aws-profile does not apply."
            )
        if self.snapshot_in and self.shard:
            raise pytest.UsageError(
                "--snapshot-in audits a saved estate whole: --shard does not apply (to put "
                "shards back together, run apigw-audit merge)."
            )
        self._validate_account_options()

    def _validate_account_options(self) -> None:
        if self.accounts_file and self.organization:
            raise pytest.UsageError(
                "--accounts and --organization both choose the accounts: use one."
            )
        if not self.many_accounts:
            if self.role_name or self.external_id:
                raise pytest.UsageError(
                    "--role-name and --external-id say how to reach each account of "
                    "--accounts FILE or --organization: pass one of those."
                )
            return
        if self.snapshot_in:
            raise pytest.UsageError(
                "--snapshot-in audits a saved inventory: --accounts and --organization "
                "do not apply."
            )
        if self.demo:
            # The sample estate is one emulated account: an organisation of them is not built.
            raise pytest.UsageError(
                "--demo audits the built-in sample estate, one account: --accounts and "
                "--organization do not apply."
            )
        if self.organization and not self.role_name:
            raise pytest.UsageError(
                "--organization needs --role-name NAME, the role to assume in each account "
                "(no role is assumed by default)."
            )

    @property
    def many_accounts(self) -> bool:
        """Whether the run audits accounts through their roles (--accounts, --organization)."""
        return bool(self.accounts_file or self.organization)

    def check_setup(self) -> None:
        """Check what the estate needs: the snapshot file read and parsed, or the region
        names, or the profile, credentials and regions of an account, and AWS accepting the
        credentials (STS GetCallerIdentity, the one AWS call). Raises ``AuditSetupError``; what
        it read is kept for the collection."""
        if self.snapshot_in is not None:
            self._snapshot = load_snapshot(self.snapshot_in)
        elif self.demo:
            require_known_regions(self.regions)
        else:
            if self.accounts_file is not None:  # the file first: its mistakes need no AWS call
                self._accounts = read_accounts_file(
                    self.accounts_file, self.role_name, self.external_id
                )
            self._aws = self._account()

    def _account(self) -> AuditedAccount:
        """The account to audit, once AWS accepted its credentials, and its regions."""
        session = make_session(self.profile)
        require_credentials(session)
        regions = resolve_regions(session, self.regions)
        clients = AwsClients(session)
        home = _home_region(session, regions)
        return AuditedAccount(session, clients, regions, account_id(clients, home))

    @property
    def built(self) -> bool:
        return self._estate is not None

    def estate(self) -> Estate:
        if self._estate is None:
            self._estate = self._build()
            if self.snapshot_out is not None:
                save_snapshot(self._estate, self.snapshot_out)
                self._write_line(f"apigw-audit: inventory saved to {self.snapshot_out}")
        return self._estate

    def index(self) -> TargetIndex:
        if self._index is None:
            self._index = TargetIndex(self.estate(), self.scope)
        return self._index

    def _build(self) -> Estate:
        if self.snapshot_in is not None:
            return self._snapshot if self._snapshot is not None else load_snapshot(self.snapshot_in)
        if self.is_worker:
            raise AuditSetupError(
                "pytest-xdist workers audit the controller's inventory, and this run's arguments "
                "did not name the checks: pass the checks directory (pytest checks/ -n 2)."
            )
        if self.demo:
            return self._build_demo()
        if self.many_accounts:
            return self.accounts_estate()
        account = self._aws if self._aws is not None else self._account()
        regions = account.regions
        if regions == (ALL_REGIONS,):
            regions = enabled_regions(account.clients, _home_region(account.session, regions))
        asked, own = account.regions, regions
        shard = self._shard_of(account.account_id, asked, own)
        regions = shard_regions(self.shard, 0, own, asked)
        if not regions:
            return Estate(inventories=(), shard=shard)
        inventory = collect_inventory(
            account.clients,
            regions,
            account=account.account_id,
            workers=self.max_workers,
            progress=self._progress(regions),
            audited=self.scope.audits,
            traffic_days=self.traffic.days,
            traffic_max_bytes=self.traffic.max_bytes,
            on_traffic_plan=self._traffic_planned,
            on_traffic_query_done=self._traffic_query_done,
        )
        return Estate(inventories=(inventory,), shard=shard)

    def _shard_of(
        self, account: str, asked: tuple[str, ...], enabled: tuple[str, ...]
    ) -> Shard | None:
        """The run's shard of one account, naming what all the shards split: the account,
        the regions asked and, for ``all``, the account's enabled ones."""
        if self.shard is None:
            return None
        return replace(
            self.shard,
            accounts=(account,),
            regions=asked,
            enabled=(
                (AccountRegions(account_id=account, regions=enabled),)
                if asked == (ALL_REGIONS,)
                else ()
            ),
        )

    def _build_demo(self) -> Estate:
        import boto3

        from collectors.demo.builders import ACCOUNT_ID
        from collectors.demo.estate import DEMO_REGIONS, build_demo_estate, emulated_aws

        self._write_line(
            "apigw-audit: DEMO MODE - auditing a built-in sample estate emulated in-process "
            "(moto); no AWS account is read."
        )
        asked = tuple(self.regions) or DEMO_REGIONS
        with emulated_aws():
            build_demo_estate()
            session = boto3.Session(region_name=DEMO_REGIONS[0])
            clients = AwsClients(session)
            own = enabled_regions(clients, DEMO_REGIONS[0]) if asked == (ALL_REGIONS,) else asked
            regions = shard_regions(self.shard, 0, own, asked)
            shard = self._shard_of(ACCOUNT_ID, asked, own)
            if not regions:
                return Estate(inventories=(), shard=shard)
            inventory = collect_inventory(
                clients,
                regions,
                workers=self.max_workers,
                progress=self._progress(regions),
                demo=True,
                audited=self.scope.audits,
                traffic_days=self.traffic.days,
                traffic_max_bytes=self.traffic.max_bytes,
                on_traffic_plan=self._traffic_planned,
                on_traffic_query_done=self._traffic_query_done,
            )
        return Estate(inventories=(inventory,), shard=shard)

    def accounts_estate(self) -> Estate:
        """The estate of --accounts or --organization: every account read through its role
        (``collectors.estate_collection``), those that could not be reached with the reason."""
        account = self._aws if self._aws is not None else self._account()
        session, regions = account.session, account.regions
        home = _home_region(session, regions)
        if self._accounts is not None:
            accounts = self._accounts
        elif self.accounts_file is not None:
            accounts = read_accounts_file(self.accounts_file, self.role_name, self.external_id)
        else:
            assert self.role_name is not None  # refused before: --organization needs a role
            accounts = organization_accounts(
                AwsClients(session), home, self.role_name, self.external_id
            )
        console = self._console

        def account_done(done: int, total: int) -> None:
            console.status(f"apigw-audit: {done}/{total} accounts collected", final=done == total)

        return collect_estate(
            session,
            accounts,
            regions,
            home_region=home,
            collect=InventoryOptions(
                audited=self.scope.audits,
                traffic_days=self.traffic.days,
                traffic_max_bytes=self.traffic.max_bytes,
            ),
            max_workers=self.max_workers,
            shard=self.shard,
            on_account_done=account_done,
            processes=ProcessPlan(
                count=process_count(len(accounts), self.max_workers), profile=self.profile
            ),
        )

    def _write_line(self, line: str) -> None:
        self._console.line(line)

    def _progress(self, regions: tuple[str, ...]) -> ProgressCallback | None:
        console = self._console
        if not console.active:
            return None
        announced = False

        def show(progress: Progress) -> None:
            nonlocal announced
            if not announced:  # once AWS accepted the credentials: a refusal comes first
                announced = True
                console.line(f"apigw-audit: collecting {', '.join(regions)}")
            console.status(
                f"apigw-audit: {progress.regions_listed}/{progress.regions_total} regions listed, "
                f"{progress.apis_done}/{progress.apis_total} APIs collected",
                final=progress.finished,
            )

        return show

    def _traffic_planned(self, plan: TrafficPlan) -> None:
        """The traffic evidence's cost, stated before its first query starts."""
        self._console.line(f"apigw-audit: traffic evidence: {plan.describe()}")

    def _traffic_query_done(self, done: int, total: int) -> None:
        self._console.status(
            f"apigw-audit: traffic evidence: {done}/{total} Logs Insights queries done",
            final=done == total,
        )

    def cleanup(self) -> None:
        if self.worker_snapshot_path is not None:
            self.worker_snapshot_path.unlink(missing_ok=True)

    def resolve(self, fixture: str, key: str) -> Target:
        """The target a target fixture stands for under ``key`` (``DataUnavailable`` for a
        placeholder)."""
        return self.index().resolve(fixture, key)

    def describe(self, fixture: str, key: str) -> TargetDescription:
        """A target key in the words reports use; from the key alone for one the index does
        not hold (the estate was never built, or the key is a placeholder's)."""
        if self.built:
            index = self.index()
            with contextlib.suppress(KeyError):
                return index.described(index.lookup(fixture, key))
        return describe(Unlisted(key=key, reason=""))

    def audited(self) -> AuditedEstate | None:
        """What the run audited; ``None`` while no estate was built (never builds one)."""
        return audited_estate(self.index()) if self.built else None
