"""Sharding for CI matrices: ``--shard K/N`` audits a deterministic share of the (account,
region) pairs, every pair in exactly one shard, and ``apigw-audit merge`` puts the shards'
estates back together into the reports a single run writes.

The end-to-end case runs one emulated organisation (three accounts, two regions, APIs with
findings in each) once whole and as three shards, then merges the shards: the console
summary, both JSON reports, the HTML report and the exit status equal the single run's.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import boto3
import pytest

from collectors.cli import main as apigw_audit
from collectors.demo.builders import AccountBuilder, RestApiBuilder, in_account
from collectors.demo.estate import emulated_aws
from collectors.demo.shims import set_region_opt_status
from collectors.errors import AuditSetupError
from collectors.estate_merge import merge_shards
from collectors.model import (
    AccountRegions,
    CollectionError,
    CollectionMetadata,
    Estate,
    Inventory,
    Shard,
    UnreachedAccount,
)
from collectors.serialization import load_snapshot, save_snapshot
from collectors.session import SHARD_SNAPSHOT
from collectors.shards import parse_shard, shard_regions
from tests_unit.checks_harness import audit
from tests_unit.conftest import REGION, collect
from tests_unit.test_bad_input import Suite, error_line
from tests_unit.test_estate_collection import estate as collect_accounts

ACCOUNTS = ("111111111111", "222222222222", "333333333333")
REGIONS = ("us-east-1", "eu-west-1")
AUDIT, RESOURCES = "api_gateway_audit.json", "api_gateway_resources.json"


# --- the split -----------------------------------------------------------------------------


def test_a_shard_is_k_of_n() -> None:
    assert parse_shard("2/3") == Shard(index=2, count=3)
    assert parse_shard(" 1/1 ") == Shard(index=1, count=1)


@pytest.mark.parametrize("value", ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/2/3"])
def test_a_shard_outside_1_to_n_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="expected K/N"):
        parse_shard(value)


def pairs_by_shard(
    accounts: int, regions: tuple[str, ...], count: int
) -> dict[int, list[tuple[int, str]]]:
    return {
        index: [
            (account, region)
            for account in range(accounts)
            for region in shard_regions(Shard(index=index, count=count), account, regions, regions)
        ]
        for index in range(1, count + 1)
    }


@pytest.mark.parametrize("accounts", [1, 2, 5, 17])
@pytest.mark.parametrize("regions", [("us-east-1",), REGIONS, ("a", "b", "c", "d", "e")])
@pytest.mark.parametrize("count", [1, 2, 3, 4, 7])
def test_every_named_pair_is_in_exactly_one_shard_and_shards_differ_by_one_at_most(
    accounts: int, regions: tuple[str, ...], count: int
) -> None:
    shards = pairs_by_shard(accounts, regions, count)
    every = [pair for pairs in shards.values() for pair in pairs]
    assert Counter(every) == Counter((a, r) for a in range(accounts) for r in regions)
    sizes = [len(pairs) for pairs in shards.values()]
    assert max(sizes) - min(sizes) <= 1


def test_with_region_all_a_shard_decides_from_one_accounts_regions() -> None:
    # Each account's enabled regions differ; each shard sees only the account's own list.
    enabled = [("eu-west-1", "us-east-1"), ("us-east-1",), ("ap-south-1", "eu-west-1", "us-west-2")]
    count = 2
    seen: Counter[tuple[int, str]] = Counter()
    for index in (1, 2):
        for account, regions in enumerate(enabled):
            shard = Shard(index=index, count=count)
            seen.update((account, r) for r in shard_regions(shard, account, regions, ("all",)))
    assert seen == Counter((a, r) for a, regions in enumerate(enabled) for r in regions)


def test_without_a_shard_every_region_is_audited() -> None:
    assert shard_regions(None, 3, REGIONS, REGIONS) == REGIONS


# --- collecting a shard --------------------------------------------------------------------


def build_organisation() -> None:
    """Three accounts, each with an API in both regions (one of them logs executions)."""
    for number, account in enumerate(ACCOUNTS):
        with in_account(account):
            for region in REGIONS:
                api = RestApiBuilder(f"shop-{number}-{region}", region=region)
                api.method("GET", "/items", http_url="https://backend.example.com/items")
                if number == 1:
                    api.method("POST", "/orders", authorization="AWS_IAM")
                api.stage("prod")
                if region == "eu-west-1":
                    # AWS refuses logging without the region's CloudWatch role
                    AccountBuilder(region).cloudwatch_role(f"arn:aws:iam::{account}:role/logs")
                    api.method_settings("prod", logging="INFO")


def test_a_shard_reads_its_pairs_only_and_not_the_accounts_without_one(aws: None) -> None:
    build_organisation()
    calls: list[str] = []
    # 3 accounts x 2 regions = 6 pairs; shard 3 of 4 holds pair 2 (account 1, us-east-1)
    # and pair 6 is beyond: only account 222222222222 is read, in us-east-1.
    shard = collect_accounts(ACCOUNTS, calls=calls, regions=REGIONS, shard=Shard(index=3, count=4))
    assert [i.metadata.account_id for i in shard.inventories] == ["222222222222"]
    assert shard.inventories[0].metadata.regions == ("us-east-1",)
    assert calls.count("sts.AssumeRole") == 1
    assert shard.shard == Shard(index=3, count=4, accounts=ACCOUNTS, regions=REGIONS)


def test_the_shards_calls_add_up_to_the_single_runs_but_repeated_global_ones(
    aws: None,
) -> None:
    build_organisation()
    single: list[str] = []
    collect_accounts(ACCOUNTS, calls=single, regions=REGIONS)
    sharded: list[str] = []
    for index in (1, 2, 3):
        collect_accounts(
            ACCOUNTS, calls=sharded, regions=REGIONS, shard=Shard(index=index, count=3)
        )
    extra = Counter(sharded) - Counter(single)
    # Each account's two regions fall in two shards: its role, identity and CloudFront
    # listing are read by each of them; nothing per region or per API is read twice.
    assert extra == Counter(
        {"sts.AssumeRole": 3, "sts.GetCallerIdentity": 3, "cloudfront.ListDistributions": 3}
    )
    assert Counter(single) - Counter(sharded) == Counter()


def test_with_region_all_each_shard_lists_every_accounts_regions(aws: None) -> None:
    for account in ACCOUNTS:
        set_region_opt_status(
            {
                region: "ENABLED" if region in REGIONS else "DISABLED"
                for region in boto3.Session().get_available_regions("ec2")
            },
            account_id=account,
        )
    build_organisation()
    shards = [
        collect_accounts(ACCOUNTS, regions=("all",), shard=Shard(index=index, count=2))
        for index in (1, 2)
    ]
    read = Counter(
        (i.metadata.account_id, region)
        for shard in shards
        for i in shard.inventories
        for region in i.metadata.regions
    )
    assert read == Counter((a, r) for a in ACCOUNTS for r in sorted(REGIONS))


# --- merging -------------------------------------------------------------------------------


def part(
    index: int, count: int = 2, accounts: tuple[str, ...] = (), **estate: Any
) -> tuple[Path, Estate]:
    shard = Shard(index=index, count=count, accounts=accounts, regions=REGIONS)
    return Path(f"shard-{index}"), Estate(inventories=(), shard=shard, **estate)


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ([(Path("whole"), Estate(inventories=()))], "whole is not a shard's estate"),
        ([part(1), part(1)], "shard-1 and shard-1 are both shard 1/2: pass each shard once."),
        ([part(1, count=3), part(3, count=3)], "shard 2 of 3 missing: pass every shard's"),
        ([part(1), part(2, accounts=ACCOUNTS)], "shard-2 is shard 2/2 of another audit"),
        (
            [part(1), (Path("other"), replace(part(2)[1], shard=Shard(index=2, count=2)))],
            "other is shard 2/2 of another audit",
        ),
        ([], "no shard given"),
    ],
)
def test_shards_that_are_not_every_part_of_one_audit_are_refused(
    parts: list[tuple[Path, Estate]], message: str
) -> None:
    with pytest.raises(AuditSetupError, match=re.escape(message)):
        merge_shards(parts)


def test_an_account_unreached_by_any_shard_is_unreached_once() -> None:
    why = "cannot assume arn:aws:iam::333333333333:role/apigw-audit (AccessDenied: no)"
    missed = (UnreachedAccount(account_id="333333333333", reason=why),)
    merged = merge_shards([part(k, accounts=("333333333333",), unreached=missed) for k in (1, 2)])
    assert merged.unreached == missed
    assert merged.shard is None


def one_account_in_two_shards() -> tuple[Inventory, Inventory, Inventory]:
    """Account 111111111111's us-east-1 (its pair 0: shard 1 of 2), eu-west-1 (shard 2), and
    both regions collected at once."""
    build_organisation()
    with in_account(ACCOUNTS[0]):
        return (
            collect(regions=("us-east-1",)),
            collect(regions=("eu-west-1",)),
            collect(regions=REGIONS),
        )


def shards_of(
    *parts: tuple[int, Inventory | None, UnreachedAccount | None],
) -> list[tuple[Path, Estate]]:
    run = Shard(index=1, count=2, accounts=(ACCOUNTS[0],), regions=REGIONS)
    return [
        (
            Path(f"s{index}"),
            Estate(
                inventories=(inventory,) if inventory else (),
                unreached=(missed,) if missed else (),
                shard=replace(run, index=index),
            ),
        )
        for index, inventory, missed in parts
    ]


FAILED_LISTING = CollectionError(
    service="cloudfront", operation="ListDistributions", target="global", code="AccessDenied",
    message="no",
)  # fmt: skip


def test_one_accounts_regions_from_two_shards_merge_as_one_collection(aws: None) -> None:
    east, west, whole = one_account_in_two_shards()
    # given in any order; the merge orders the regions as asked
    (merged,) = merge_shards(shards_of((2, west, None), (1, east, None))).inventories
    assert merged.metadata.regions == REGIONS
    assert merged.distributions == whole.distributions
    comparable = ("rest_apis", "http_apis", "accounts", "custom_domains", "api_keys", "errors")
    assert {f: getattr(merged, f) for f in comparable} == {f: getattr(whole, f) for f in comparable}


def test_a_global_call_both_shards_saw_fail_is_one_failure_and_one_shard_read_is_none(
    aws: None,
) -> None:
    east, west, _ = one_account_in_two_shards()
    failed_east = replace(east, distributions=None, errors=(*east.errors, FAILED_LISTING))
    failed_west = replace(west, distributions=None, errors=(*west.errors, FAILED_LISTING))
    (both,) = merge_shards(shards_of((1, failed_east, None), (2, failed_west, None))).inventories
    assert (both.distributions, both.errors.count(FAILED_LISTING)) == (None, 1)
    (one,) = merge_shards(shards_of((1, failed_east, None), (2, west, None))).inventories
    assert (one.distributions, one.errors.count(FAILED_LISTING)) == (west.distributions, 0)


def bare_inventory(region: str, errors: tuple[CollectionError, ...]) -> Inventory:
    metadata = CollectionMetadata(
        account_id=ACCOUNTS[0], regions=(region,), started_at="2026-12-01T00:00:00+00:00",
        finished_at="2026-12-01T00:00:01+00:00", tool_version="0", demo=False,
    )  # fmt: skip
    return Inventory(
        metadata=metadata, rest_apis=(), http_apis=(), lambda_functions=(), accounts=(),
        custom_domains=(), distributions=(), skipped_apis=(), errors=errors,
    )  # fmt: skip


def test_a_repeated_failure_keeps_as_many_as_one_shard_saw() -> None:
    metrics = CollectionError(
        service="cloudwatch", operation="GetMetricData", target="us-east-1", code="Throttling",
        message="slow down",
    )  # fmt: skip
    east = bare_inventory("us-east-1", errors=(metrics, metrics))
    west = bare_inventory("eu-west-1", errors=(metrics,))
    (merged,) = merge_shards(shards_of((1, east, None), (2, west, None))).inventories
    assert merged.errors.count(metrics) == 2


def test_an_account_one_shard_could_not_reach_is_unreached_whole(aws: None) -> None:
    east, _, _ = one_account_in_two_shards()
    missed = UnreachedAccount(account_id=ACCOUNTS[0], reason="cannot assume ... (Throttling)")
    merged = merge_shards(shards_of((1, east, None), (2, None, missed)))
    assert (merged.inventories, merged.unreached) == ((), (missed,))


def test_a_shard_that_read_other_pairs_than_its_own_is_refused(aws: None) -> None:
    east, _, _ = one_account_in_two_shards()
    with pytest.raises(AuditSetupError, match=re.escape(
        "s2 (shard 2/2) read account 111111111111 in us-east-1, not its share (eu-west-1): run "
        "every shard again with the same options."
    )):  # fmt: skip
        merge_shards(shards_of((1, east, None), (2, east, None)))
    with pytest.raises(AuditSetupError, match=re.escape("in no region, not its share (eu-west-1)")):
        merge_shards(shards_of((1, east, None), (2, None, None)))


def test_with_region_all_enabled_regions_that_changed_between_shards_are_refused() -> None:
    def listed(index: int, regions: tuple[str, ...]) -> tuple[Path, Estate]:
        shard = Shard(
            index=index, count=2, accounts=(ACCOUNTS[0],), regions=("all",),
            enabled=(AccountRegions(account_id=ACCOUNTS[0], regions=regions),),
        )  # fmt: skip
        return Path(f"s{index}"), Estate(inventories=(), shard=shard)

    with pytest.raises(AuditSetupError, match=re.escape(
        "account 111111111111's enabled regions changed between the shards (ap-south-1, "
        "eu-west-1, us-east-1 in s2, eu-west-1, us-east-1 before): run every shard again."
    )):  # fmt: skip
        merge_shards(
            [
                listed(1, ("eu-west-1", "us-east-1")),
                listed(2, ("ap-south-1", "eu-west-1", "us-east-1")),
            ]
        )


# --- the command ---------------------------------------------------------------------------


def saved_shard(directory: Path, index: int) -> Path:
    """Shard ``index`` of 2 (of no account), saved as its run would in ``directory/shard-K``."""
    shard = directory / f"shard-{index}"
    shard.mkdir()
    save_snapshot(part(index)[1], shard / SHARD_SNAPSHOT)
    return shard


def test_merge_refuses_a_missing_shard_in_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = saved_shard(tmp_path, 1)
    out = tmp_path / "out"
    status = apigw_audit(["merge", str(first), "--report-dir", str(out)])
    assert status == pytest.ExitCode.USAGE_ERROR
    assert capsys.readouterr().err == (
        "apigw-audit merge: ERROR: shard 2 of 2 missing: pass every shard's directory (a "
        "shard that failed must be run again).\n"
    )
    assert not out.exists()


def test_merge_names_a_shard_directory_without_a_snapshot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = apigw_audit(["merge", str(tmp_path), "--report-dir", str(tmp_path / "out")])
    assert status == pytest.ExitCode.USAGE_ERROR
    err = capsys.readouterr().err
    assert err.startswith(f"apigw-audit merge: ERROR: Snapshot file {tmp_path / SHARD_SNAPSHOT}")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    "extra", [["--snapshot-in", "x.json"], ["--report-dir=elsewhere"], ["-q", "--shard", "1/2"],
              ["--stages", "prod"], ["--region", "us-east-1"]],
)  # fmt: skip
def test_merge_refuses_options_the_shards_chose_before_writing_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    shards = [saved_shard(tmp_path, index) for index in (1, 2)]
    out = tmp_path / "out"
    status = apigw_audit(["merge", *map(str, shards), "--report-dir", str(out), "--", *extra])
    assert status == pytest.ExitCode.USAGE_ERROR
    flag = next(a for a in extra if a.startswith("--")).split("=")[0]
    assert capsys.readouterr().err == (
        f"apigw-audit merge: ERROR: {flag} after -- does not apply: the merge audits the "
        "shards' estate, with their scope, and writes to --report-dir OUT.\n"
    )
    assert not out.exists()


def test_merge_refuses_to_write_into_a_shards_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = saved_shard(tmp_path, 1)
    before = (first / SHARD_SNAPSHOT).read_bytes()
    status = apigw_audit(["merge", str(first), "--report-dir", str(first)])
    assert status == pytest.ExitCode.USAGE_ERROR
    assert "holds a shard's estate: write the merge elsewhere." in capsys.readouterr().err
    assert (first / SHARD_SNAPSHOT).read_bytes() == before


def test_a_shards_snapshot_that_cannot_be_written_is_refused_before_collection(
    pytester: pytest.Pytester,
) -> None:
    (pytester.path / "reports").write_text("a file, not a directory")
    result = Suite(pytester).run("--demo", "--shard", "1/2", "--collect-only")
    assert "apigw_audit_snapshot.json" in error_line(result)


def test_merge_without_a_report_dir_is_a_usage_error_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        apigw_audit(["merge", "shard-1"])
    assert stopped.value.code == pytest.ExitCode.USAGE_ERROR
    err = capsys.readouterr().err
    assert "the following arguments are required: --report-dir" in err
    assert err.count("\n") == 1


# --- the options ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--demo", "--shard", "3/2"), "--shard: expected K/N with 1 <= K <= N, got '3/2'"),
        (
            ("--snapshot-in", "s.json", "--shard", "1/2"),
            "--snapshot-in audits a saved estate whole: --shard does not apply (to put shards "
            "back together, run apigw-audit merge).",
        ),
    ],
)
def test_shard_mistakes_are_one_line(
    pytester: pytest.Pytester, args: tuple[str, ...], message: str
) -> None:
    result = Suite(pytester).run(*args)
    assert error_line(result) == f"ERROR: {message}"


def test_a_shard_saves_its_estate_in_its_report_dir(tmp_path: Path) -> None:
    run = audit("--demo", "--shard", "2/2", "--report-dir", str(tmp_path))
    assert run.exit_code == pytest.ExitCode.TESTS_FAILED
    saved = load_snapshot(tmp_path / SHARD_SNAPSHOT)
    assert saved.shard is not None
    assert (saved.shard.index, saved.shard.count) == (2, 2)
    report = json.loads((tmp_path / AUDIT).read_text())
    assert report["shard"] == "2/2"
    assert set(report["regions"]) == set(saved.regions)


def test_a_shard_holding_no_pair_says_so_and_exits_5_unless_allowed(tmp_path: Path) -> None:
    run = audit("--demo", "--region", "us-east-1", "--shard", "2/2", "--report-dir", str(tmp_path))
    assert run.exit_code == pytest.ExitCode.NO_TESTS_COLLECTED
    report = json.loads((tmp_path / AUDIT).read_text())
    assert report["summary"]["nothing_in_scope"] == (
        "shard 2/2 holds none of the audit's (account, region) pairs"
    )
    allowed = audit(
        "--demo",
        "--region",
        "us-east-1",
        "--shard",
        "2/2",
        "--allow-empty",
        "--report-dir",
        str(tmp_path),
    )
    assert allowed.exit_code == pytest.ExitCode.OK


# --- three shards and a merge equal one run ------------------------------------------------


@dataclass(frozen=True)
class Run:
    status: int
    console: str
    directory: Path

    def document(self, name: str) -> Any:
        return _without_times(json.loads((self.directory / name).read_text(encoding="utf-8")))

    def html(self) -> str:
        text = (self.directory / "report.html").read_text(encoding="utf-8")
        return _NOISE.sub("<noise>", text)


# Timestamps and durations: the only things a merge may change.
_NOISE = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?"  # ISO 8601
    r"|\d\d-\w{3}-\d{4} at \d\d:\d\d:\d\d"  # pytest-html's "Report generated on"
    r"|\d+ ?ms|\d+:\d\d:\d\d|\d+\.\d+ ?s(econds)?"  # durations
    r"|&#34;duration&#34;: [\d.]+|\"duration\": [\d.]+"
)


def _without_times(document: Any) -> Any:
    return json.loads(_NOISE.sub("<noise>", json.dumps(document)))


def _summary(run: Run) -> str:
    """The audit's own console summary (from its first heading to the gate line), timeless,
    with the run's report directory as ``<report-dir>``."""
    console = run.console[run.console.index("apigw-audit") :]
    lines = [line for line in console.splitlines() if "inventory saved to" not in line]
    text = "\n".join(lines).replace(str(run.directory), "<report-dir>")
    # Python's warnings from the test process itself (the single run shares it; the merge's
    # audit is a process of its own) are not the audit's.
    return _NOISE.sub("<noise>", re.sub(r", \d+ warnings?", "", text))


def _run(directory: Path, *args: str) -> Run:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exit_code = audit(
            *args, "--report-dir", str(directory), "--html", str(directory / "report.html")
        ).exit_code
    return Run(int(exit_code), out.getvalue(), directory)


@pytest.fixture(scope="module")
def single_and_merged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Run]:
    base = tmp_path_factory.mktemp("sharded")
    accounts = base / "accounts.txt"
    accounts.write_text("\n".join(ACCOUNTS) + "\n")
    options = (
        "--accounts",
        str(accounts),
        "--role-name",
        "apigw-audit",
        "--region",
        ",".join(REGIONS),
    )
    with emulated_aws():
        boto3.setup_default_session(region_name=REGION)
        build_organisation()
        single = _run(base / "single", *options)
        shards = [_run(base / f"shard-{k}", *options, "--shard", f"{k}/3") for k in (1, 2, 3)]
    merged_dir = base / "merged"
    merged = subprocess.run(
        [sys.executable, "-m", "collectors.cli", "merge", *(str(s.directory) for s in shards),
         "--report-dir", str(merged_dir),
         "--", "-p", "no:cacheprovider", "-q", "--html", str(merged_dir / "report.html")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return single, Run(merged.returncode, merged.stdout, merged_dir)


def test_the_merged_reports_equal_the_single_runs(single_and_merged: tuple[Run, Run]) -> None:
    single, merged = single_and_merged
    for name in (AUDIT, RESOURCES):
        assert merged.document(name) == single.document(name), name
    assert merged.document(AUDIT)["shard"] is None
    assert single.document(AUDIT)["summary"]["statuses"]["FAIL"] > 0


def test_the_merged_console_summary_and_exit_status_equal_the_single_runs(
    single_and_merged: tuple[Run, Run],
) -> None:
    single, merged = single_and_merged
    assert merged.status == single.status == pytest.ExitCode.TESTS_FAILED
    assert "apigw-audit findings (" in _summary(single)
    assert _summary(merged) == _summary(single)


def test_the_merged_html_report_equals_the_single_runs(single_and_merged: tuple[Run, Run]) -> None:
    single, merged = single_and_merged
    assert merged.html() == single.html()
