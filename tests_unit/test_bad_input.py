"""Bad input ends the run with one ``ERROR:`` line and status 4, before anything is collected,
printed or written; an estate with nothing in scope says so and exits 5 (issue 13, section 1).

The suite: the three plugins and one tiny check over every stage, run with pytester on the
demo estate or on snapshots of small moto estates.
"""

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import moto.settings
import pytest

from collectors.contract import Severity, Status
from collectors.demo.builders import RestApiBuilder
from collectors.demo.estate import emulated_aws
from collectors.serialization import save_snapshot
from reporting.gate import decide
from tests_unit.conftest import collect
from tests_unit.test_reporting_findings import result
from tests_unit.test_reporting_plugin import AUDIT, CONFTEST, INI, RESOURCES
from tests_unit.test_reporting_rendering import validate

CHECKS = '''
from checks import Severity, check


@check(
    id="TEST-STAGE-001",
    issue_type="Sample",
    severity=Severity.LOW,
    security_impact="None.",
    remediation=("None.",),
)
def test_stage_has_a_name(stage, evidence):
    """Stages have a name"""
    evidence["stage"] = stage.stage.name
    assert stage.stage.name
'''
UNKNOWN_REGION = (
    "ERROR: Unknown AWS region 'mars-north-7': use a region name such as us-east-1 or eu-west-1."
)
# The reports of the other plugins the audit feeds, all written under reports/.
OTHER_REPORTS = (
    "--junitxml=reports/junit.xml",
    "--html=reports/report.html",
    "--json-report",
    "--json-report-file=reports/report.json",
)
# Kernel file systems: a probe can never create a file there, so a read-only mount of one is
# a read-only place for root too (containers mount /sys read-only).
KERNEL_FILE_SYSTEMS = ("sysfs", "proc", "cgroup", "cgroup2")


class Suite:
    """The tiny audit suite in a pytester directory, writing its reports to ``reports/``."""

    def __init__(self, pytester: pytest.Pytester) -> None:
        self.pytester = pytester
        self.reports = pytester.path / "reports"
        pytester.makeini(INI)
        pytester.makeconftest(CONFTEST)
        # No __init__.py: the module must not be taken for the real ``checks`` package.
        (pytester.mkdir("checks") / "test_sample.py").write_text(CHECKS)

    def run(self, *args: str) -> pytest.RunResult:
        return self.pytester.runpytest_inprocess("checks", "--report-dir", "reports", *args)

    def report_bytes(self) -> dict[str, bytes]:
        return {name: (self.reports / name).read_bytes() for name in (AUDIT, RESOURCES)}


@pytest.fixture
def suite(pytester: pytest.Pytester) -> Suite:
    return Suite(pytester)


def every_file(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory``, by relative path, as bytes."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def error_line(result: pytest.RunResult) -> str:
    """The run's one line on stderr, having checked it is a usage error without traceback."""
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    lines = [line for line in result.errlines if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def assert_only_the_error(result: pytest.RunResult) -> str:
    """A usage error found before collection: its line is all the run prints."""
    line = error_line(result)
    assert not [line for line in result.outlines if line.strip()]
    return line


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory nobody but root may write into (the test skips as root)."""
    directory = tmp_path / "read-only"
    directory.mkdir()
    directory.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(directory, os.W_OK):
            pytest.skip("running as root: file permissions do not stop writes")
        yield directory
    finally:
        directory.chmod(stat.S_IRWXU)


def read_only_mount() -> Path | None:
    """A directory on a kernel file system mounted read-only (/proc/mounts), if any."""
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in mounts:
        _, mount_point, kind, options, *_ = line.split()
        if kind in KERNEL_FILE_SYSTEMS and "ro" in options.split(","):
            return Path(mount_point.replace("\\040", " "))
    return None


@pytest.fixture
def read_only_file_system() -> Path:
    """A directory nobody may write into, root included (the test skips without one)."""
    mount = read_only_mount()
    if mount is None:
        pytest.skip("no kernel file system (/sys, /proc/sys) is mounted read-only here")
    return mount


# --- 1. every output location is checked writable before collecting ------------------------

OUTPUT_OPTIONS = [
    pytest.param("--report-dir", "{place}", (), id="report-dir itself"),
    pytest.param("--report-dir", "{place}/reports", (), id="report-dir"),
    pytest.param("--snapshot-out", "{place}/inventory.json", (), id="snapshot-out"),
    pytest.param("--html", "{place}/report.html", (), id="html"),
    pytest.param("--json-report-file", "{place}/r.json", ("--json-report",), id="json-report"),
    pytest.param("--junitxml", "{place}/junit.xml", (), id="junitxml"),
    pytest.param("--ocsf", "{place}/findings.ocsf.jsonl", (), id="ocsf"),
]


@pytest.mark.parametrize(("flag", "template", "extra"), OUTPUT_OPTIONS)
def test_read_only_output_location_stops_the_run_before_collecting(
    suite: Suite, read_only_dir: Path, flag: str, template: str, extra: tuple[str, ...]
) -> None:
    path = template.format(place=read_only_dir)
    result = suite.run("--demo", f"{flag}={path}", *extra)
    assert assert_only_the_error(result) == f"ERROR: Cannot write {flag} {path}: Permission denied."


@pytest.mark.parametrize(("flag", "template", "extra"), OUTPUT_OPTIONS)
def test_output_location_on_a_read_only_file_system_stops_the_run_even_as_root(
    suite: Suite, read_only_file_system: Path, flag: str, template: str, extra: tuple[str, ...]
) -> None:
    path = template.format(place=read_only_file_system)
    result = suite.run("--demo", f"{flag}={path}", *extra)
    reason = os.strerror(errno.EROFS)
    assert assert_only_the_error(result) == f"ERROR: Cannot write {flag} {path}: {reason}."


@pytest.mark.parametrize(("flag", "template", "extra"), OUTPUT_OPTIONS)
def test_output_location_under_a_file_stops_the_run_even_as_root(
    suite: Suite, tmp_path: Path, flag: str, template: str, extra: tuple[str, ...]
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory")
    path = template.format(place=a_file)
    result = suite.run("--demo", f"{flag}={path}", *extra)
    assert assert_only_the_error(result) == f"ERROR: Cannot write {flag} {path}: Not a directory."


def test_existing_directory_named_as_an_output_file_is_refused(suite: Suite) -> None:
    (suite.pytester.path / "out").mkdir()
    result = suite.run("--demo", "--snapshot-out", "out")
    assert assert_only_the_error(result) == (
        f"ERROR: Cannot write --snapshot-out {suite.pytester.path / 'out'}: Is a directory."
    )


def test_missing_output_directories_are_made_when_the_files_are_written(
    suite: Suite, small_estate: Path
) -> None:
    result = suite.run(
        "--snapshot-in", str(small_estate), "--report-dir", "new/reports", "--snapshot-out",
        "new/s.json",
    )  # fmt: skip
    assert result.ret == pytest.ExitCode.OK
    assert (suite.pytester.path / "new" / "reports" / AUDIT).exists()
    assert (suite.pytester.path / "new" / "s.json").exists()


# --- 2. a region asked for twice is audited once ------------------------------------------


def test_a_region_named_twice_is_audited_once(suite: Suite, aws: None) -> None:
    api = RestApiBuilder("shop")
    api.method("GET", "/items")
    api.stage("prod")

    def test_ids(*regions: str) -> list[str]:
        result = suite.run(*regions, "--co", "-q")
        assert result.ret == pytest.ExitCode.OK
        return [line for line in result.outlines if "::" in line]

    once = test_ids("--region", "us-east-1")
    assert once
    assert test_ids("--region", "us-east-1,us-east-1") == once
    assert test_ids("--region", "us-east-1", "--region", "us-east-1") == once


# --- 3. an unknown region is refused alike with or without --demo -------------------------


@pytest.mark.parametrize("estate", [("--demo",), ()], ids=["demo", "account"])
def test_an_unknown_region_is_one_line_before_collecting(
    suite: Suite, estate: tuple[str, ...]
) -> None:
    result = suite.run(*estate, "--region", "mars-north-7")
    assert assert_only_the_error(result) == UNKNOWN_REGION


# --- 4. a usage error writes nothing, prints nothing of ours, and comes first --------------


@pytest.fixture(scope="module")
def small_estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A snapshot of an account with one REST API and its prod stage."""
    path = tmp_path_factory.mktemp("estate") / "small.json"
    with emulated_aws():
        api = RestApiBuilder("shop")
        api.method("GET", "/items")
        api.stage("prod")
        save_snapshot(collect(), path)
    return path


@pytest.fixture
def good_reports(suite: Suite, small_estate: Path) -> dict[str, bytes]:
    """The reports of a good run, as bytes."""
    assert suite.run("--snapshot-in", str(small_estate)).ret == pytest.ExitCode.OK
    return suite.report_bytes()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--region", "mars-north-7"), UNKNOWN_REGION),
        (("--aws-profile", "nobody"), "ERROR: AWS profile 'nobody' is not in your AWS config*"),
        (("--snapshot-in", "missing.json"), "ERROR: Snapshot file missing.json does not exist."),
        (("--snapshot-in", "broken.json"), "ERROR: Snapshot file broken.json is not valid JSON*"),
        (
            ("--snapshot-in", "other.json"),
            "ERROR: Snapshot file other.json cannot be used: *",
        ),
        (
            ("--demo", "--aws-profile", "audit"),
            "ERROR: --demo audits the built-in sample estate: --aws-profile does not apply.",
        ),
        (("--demo", "--fail-on", "bogus"), "ERROR: --fail-on: unknown severity 'bogus'*"),
    ],
    ids=[
        "region",
        "profile",
        "missing-snapshot",
        "broken-snapshot",
        "foreign-json",
        "demo-profile",
        "bad-value",
    ],
)
def test_a_usage_error_leaves_the_earlier_reports_alone(
    suite: Suite, good_reports: dict[str, bytes], arguments: tuple[str, ...], message: str
) -> None:
    (suite.pytester.path / "broken.json").write_text("{not json")
    (suite.pytester.path / "other.json").write_text('{"hello": "world"}')
    result = suite.run(*arguments)
    assert_only_the_error(result)
    result.stderr.fnmatch_lines([message])
    assert suite.report_bytes() == good_reports


def test_missing_credentials_leave_the_earlier_reports_alone(
    suite: Suite, good_reports: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    result = suite.run("--region", "us-east-1")
    assert assert_only_the_error(result).startswith("ERROR: No AWS credentials found:")
    assert suite.report_bytes() == good_reports


def test_credentials_aws_refuses_are_one_line_and_leave_every_report_alone(
    suite: Suite, small_estate: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert suite.run("--snapshot-in", str(small_estate), *OTHER_REPORTS).ret == 0
    before = every_file(suite.reports)
    assert {"junit.xml", "report.html", "report.json", AUDIT, RESOURCES} <= set(before)
    with emulated_aws():
        # The emulator checks access keys from now on: its account has none (STS answers
        # InvalidClientTokenId, as AWS does for a key it does not know).
        monkeypatch.setattr(moto.settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)
        result = suite.run("--region", "us-east-1", *OTHER_REPORTS)
    assert assert_only_the_error(result).startswith(
        "ERROR: AWS rejected the credentials (InvalidClientTokenId: "
    )
    assert every_file(suite.reports) == before


def test_an_audit_asks_sts_who_it_is_once_before_collecting(
    suite: Suite, aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = RestApiBuilder("shop")
    api.method("GET", "/items")
    api.stage("prod")
    asked: list[str] = []
    new_session = boto3.Session

    def session_counting_sts(*args: Any, **kwargs: Any) -> boto3.Session:
        session = new_session(*args, **kwargs)
        session.events.register(
            "before-call.sts.GetCallerIdentity", lambda **_: asked.append("sts")
        )
        return session

    monkeypatch.setattr(boto3, "Session", session_counting_sts)
    result = suite.run("--region", "us-east-1")
    assert result.ret == pytest.ExitCode.OK
    assert asked == ["sts"]
    account = json.loads((suite.reports / RESOURCES).read_text())["account"]
    assert account == boto3.client("sts", region_name="us-east-1").get_caller_identity()["Account"]


# --- 5. a bad option value is one line, not argparse's usage block ---------------------------

SEVERITIES = "(expected one of critical, high, medium, low, finops)"


@pytest.mark.parametrize(
    ("option", "value", "reason"),
    [
        ("--region", ",", "expected one or more comma-separated values"),
        ("--stages", " ", "expected one or more comma-separated values"),
        ("--traffic-days", "soon", "expected a whole number of days >= 0, got 'soon'"),
        ("--traffic-max-gb", "0", "expected a number of GB > 0, got 0"),
        ("--min-severity", "severe", f"unknown severity 'severe' {SEVERITIES}"),
        ("--rest-price-per-million", "free", "expected a number, got 'free'"),
        ("--http-price-per-million", "-1", "expected a number >= 0, got -1"),
        (
            "--cache-price-per-hour",
            "9=1",
            "expected SIZE=USD with SIZE one of 0.5, 1.6, 6.1, "
            "13.5, 28.4, 58.2, 118, 237 (GB), got '9=1'",
        ),
        ("--unused-threshold", "many", "expected a number, got 'many'"),
        ("--tls-policies", ",", "expected a comma-separated list of policies, got ','"),
        ("--traffic-min-requests", "0", "expected a number >= 1, got 0"),
        ("--fail-on", "bogus", f"unknown severity 'bogus' {SEVERITIES}"),
    ],
)
def test_a_bad_option_value_is_one_line(suite: Suite, option: str, value: str, reason: str) -> None:
    result = suite.run("--demo", f"{option}={value}")
    assert assert_only_the_error(result) == f"ERROR: {option}: {reason}"


# --- 7. an estate with nothing in scope says so and exits 5 -----------------------------------


def audit_summary(suite: Suite) -> Any:
    """The audit report's summary, checked against its schema."""
    audit = json.loads((suite.reports / AUDIT).read_text())
    validate(audit, AUDIT)
    return audit["summary"]


def test_a_region_without_apis_is_no_clean_pass(suite: Suite) -> None:
    result = suite.run("--demo", "--region", "us-west-2")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    expected = "no API Gateway API in scope in us-west-2: none exists there"
    result.stdout.fnmatch_lines(
        [
            f"NOTHING AUDITED: {expected}",
            "apigw-audit gate (any open finding fails): failed, exit status 5: "
            f"{expected}; pass --allow-empty to accept an empty estate",
        ]
    )
    summary = audit_summary(suite)
    assert summary["nothing_in_scope"] == expected
    assert summary["gate"]["exit_status"] == 5


@pytest.fixture
def excluded_only(tmp_path: Path) -> Path:
    """An account whose one API is tagged ExcludeFromAudit=true."""
    with emulated_aws():
        api = RestApiBuilder("legacy", tags={"ExcludeFromAudit": "true"})
        api.method("GET", "/x")
        api.stage("prod")
        path = tmp_path / "excluded.json"
        save_snapshot(collect(), path)
    return path


@pytest.fixture
def dev_stages_only(tmp_path: Path) -> Path:
    """An account whose APIs have no production or staging stage (one has no stage at all)."""
    with emulated_aws():
        api = RestApiBuilder("shop")
        api.method("GET", "/items")
        api.stage("dev")
        api.stage("test")
        RestApiBuilder("draft").method("GET", "/y")
        path = tmp_path / "dev.json"
        save_snapshot(collect(), path)
    return path


def test_every_api_excluded_by_tag_is_an_empty_estate(suite: Suite, excluded_only: Path) -> None:
    result = suite.run("--snapshot-in", str(excluded_only))
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    expected = "no API Gateway API in scope in us-east-1: 1 API left out by its tags"
    result.stdout.fnmatch_lines([f"NOTHING AUDITED: {expected}"])
    assert audit_summary(suite)["nothing_in_scope"] == expected


def test_allow_empty_accepts_an_empty_estate(suite: Suite, excluded_only: Path) -> None:
    result = suite.run("--snapshot-in", str(excluded_only), "--allow-empty")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*passed, exit status 0: no API Gateway API in scope*"])
    assert audit_summary(suite)["gate"]["passed"] is True


def test_apis_without_a_stage_in_scope_are_an_empty_estate(
    suite: Suite, dev_stages_only: Path
) -> None:
    result = suite.run("--snapshot-in", str(dev_stages_only))
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.fnmatch_lines(
        [
            "NOTHING AUDITED: no API Gateway stage in scope in us-east-1: 2 stages outside the "
            "stage scope, 1 API without a stage"
        ]
    )


def test_an_estate_with_a_stage_in_scope_is_not_empty(suite: Suite, small_estate: Path) -> None:
    result = suite.run("--snapshot-in", str(small_estate))
    assert result.ret == pytest.ExitCode.OK
    assert "NOTHING AUDITED" not in result.stdout.str()
    assert audit_summary(suite)["nothing_in_scope"] is None


def test_open_findings_fail_an_otherwise_empty_estate() -> None:
    decision = decide(
        None,
        pytest.ExitCode.TESTS_FAILED,
        complete=True,
        collection_errors=0,
        unexplained_failures=0,
        results=[result(Severity.LOW, Status.FAIL)],
        nothing_in_scope="no API Gateway stage in scope in us-east-1: 1 API without a stage",
    )
    assert (decision.exit_status, decision.passed) == (pytest.ExitCode.TESTS_FAILED, False)
