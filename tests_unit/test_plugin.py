"""The pytest glue end to end: options, parametrization, fail-closed targets, usage errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from collectors.demo.builders import RestApiBuilder
from collectors.serialization import save_snapshot
from tests_unit.conftest import REPO_ROOT, collect, failing_session

CONFTEST = 'pytest_plugins = ("collectors.plugin",)\n'
CHECKS = """
def test_method_is_known(operation):
    assert operation.key

def test_stage_is_known(stage):
    assert stage.stage.name
"""


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A tiny audit suite: the plugin and two target-parametrized checks under checks/."""
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    # Only the plugin the conftest names: the installed entry points would load the real
    # checks package, which this tiny suite's checks/ stands in for.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    # The tiny suite's checks/ package, not the real one the root conftest has imported.
    for name in [m for m in sys.modules if m == "checks" or m.startswith("checks.")]:
        monkeypatch.delitem(sys.modules, name)
    pytester.makeini("[pytest]\n")
    pytester.makeconftest(CONFTEST)
    checks = pytester.mkpydir("checks")
    (checks / "test_tiny.py").write_text(CHECKS)
    return pytester


@pytest.fixture
def snapshot(aws: None, tmp_path: Path) -> Path:
    api = RestApiBuilder("shop")
    api.method("GET", "/items/{id}")
    api.method("OPTIONS", "/items/{id}")
    api.stage("prod")
    api.stage("nonprod")
    path = tmp_path / "inventory.json"
    save_snapshot(collect(), path)
    return path


def test_checks_are_parametrized_over_stable_sorted_keys(
    suite: pytest.Pytester, snapshot: Path
) -> None:
    result = suite.runpytest_inprocess("checks", "--snapshot-in", str(snapshot), "--co", "-q")
    ids = [line for line in result.outlines if "::" in line]
    assert len(ids) == 2
    assert ids[0].endswith("/prod/GET /items/{id}]")  # OPTIONS and nonprod are no targets
    assert ids[1].startswith("checks/test_tiny.py::test_stage_is_known[123456789012/us-east-1/")
    assert ids[1].endswith("/prod]")


def test_snapshot_in_makes_no_aws_call(
    suite: pytest.Pytester, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.client import BaseClient

    def no_calls(*args: object, **kwargs: object) -> None:
        raise AssertionError("an AWS call was made")

    monkeypatch.setattr(BaseClient, "_make_api_call", no_calls)
    result = suite.runpytest_inprocess("checks", "--snapshot-in", str(snapshot))
    result.assert_outcomes(passed=2)


def test_target_that_could_not_be_listed_errors_with_the_reason(
    suite: pytest.Pytester, aws: None, tmp_path: Path
) -> None:
    api = RestApiBuilder("shop")
    api.method("GET", "/items")
    api.stage("prod")
    session = failing_session("before-call.apigateway.GetDeployment", "AccessDeniedException")
    path = tmp_path / "inventory.json"
    save_snapshot(collect(session=session), path)

    result = suite.runpytest_inprocess("checks", "--snapshot-in", str(path), "-rE")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "data unavailable: GetDeployment on us-east-1/*/prod failed (AccessDenied*): *",
            "ERROR checks/test_tiny.py::test_method_is_known?*/prod/(deployed definition*",
        ]
    )


def test_demo_audits_the_sample_estate_with_a_banner(suite: pytest.Pytester) -> None:
    result = suite.runpytest_inprocess("checks", "--demo")
    result.stdout.fnmatch_lines(["apigw-audit: DEMO MODE*", "*collecting us-east-1, eu-west-1*"])
    assert result.ret == 0
    assert result.parseoutcomes()["passed"] > 10


def test_progress_is_quiet_under_q(suite: pytest.Pytester) -> None:
    result = suite.runpytest_inprocess("checks", "--demo", "-q")
    assert "apigw-audit:" not in result.stdout.str()


def test_suite_fixture_named_like_a_target_is_left_alone(suite: pytest.Pytester, aws: None) -> None:
    # An audit of an account asks STS who it is before collecting (the emulated account here).
    (suite.path / "checks" / "test_own.py").write_text(
        "import pytest\n"
        "@pytest.fixture\n"
        "def stage():\n"
        "    return 'mine'\n"
        "def test_own(stage):\n"
        "    assert stage == 'mine'\n"
    )
    result = suite.runpytest_inprocess("checks/test_own.py")
    result.assert_outcomes(passed=1)


def test_snapshot_out_then_in_gives_the_same_tests(suite: pytest.Pytester, tmp_path: Path) -> None:
    saved = tmp_path / "demo.json"
    first = suite.runpytest_inprocess("checks", "--demo", "--snapshot-out", str(saved), "--co")
    second = suite.runpytest_inprocess("checks", "--snapshot-in", str(saved), "--co")
    assert saved.exists()
    assert [x for x in first.outlines if "::" in x] == [x for x in second.outlines if "::" in x]


def usage_error_lines(result: pytest.RunResult) -> list[str]:
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    return [line for line in result.errlines if line.strip()]


def test_missing_credentials_is_one_line_and_exit_4(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    result = suite.runpytest_subprocess("checks")
    assert usage_error_lines(result) == [
        "ERROR: No AWS credentials found: configure them (aws configure, AWS_ACCESS_KEY_ID/"
        "AWS_SECRET_ACCESS_KEY, or SSO), pass --aws-profile NAME, or try the sample estate "
        "with --demo."
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--region", "mars-north-1"], "ERROR: Unknown AWS region 'mars-north-1'*"),
        (["--aws-profile", "nobody"], "ERROR: AWS profile 'nobody' is not in your AWS config*"),
        (["--snapshot-in", "missing.json"], "ERROR: Snapshot file missing.json does not exist."),
        (["--demo", "--snapshot-in", "x.json"], "ERROR: --demo and --snapshot-in both*"),
        (["--traffic-days=-1"], "*--traffic-days: expected a whole number of days >= 0, got -1"),
        (
            ["--traffic-days=1.5"],
            "*--traffic-days: expected a whole number of days >= 0, got '1.5'",
        ),
        (["--traffic-max-gb=0"], "*--traffic-max-gb: expected a number of GB > 0, got 0"),
        (["--traffic-max-gb=-2"], "*--traffic-max-gb: expected a number of GB > 0, got -2"),
        (["--traffic-max-gb=inf"], "*--traffic-max-gb: expected a number of GB > 0, got inf"),
        (["--traffic-max-gb=a"], "*--traffic-max-gb: expected a number of GB > 0, got 'a'"),
        (
            ["--snapshot-in", "x.json", "--traffic-days", "3"],
            "ERROR: --snapshot-in audits a saved inventory with the traffic evidence it holds: "
            "--traffic-days and --traffic-max-gb do not apply.",
        ),
        (
            ["--snapshot-in", "x.json", "--traffic-max-gb", "3"],
            "ERROR: --snapshot-in audits a saved inventory with the traffic evidence*",
        ),
    ],
)
def test_bad_input_is_a_usage_error(
    suite: pytest.Pytester, arguments: list[str], message: str
) -> None:
    result = suite.runpytest_inprocess("checks", *arguments)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


@pytest.mark.parametrize(
    ("ini", "message"),
    [
        (
            "audit_traffic_days = soon",
            "ERROR: ini option audit_traffic_days: expected a whole number of days >= 0, "
            "got 'soon'",
        ),
        (
            "audit_traffic_days = -3",
            "ERROR: ini option audit_traffic_days: expected a whole number of days >= 0, got -3",
        ),
        (
            "audit_traffic_max_gb = 0",
            "ERROR: ini option audit_traffic_max_gb: expected a number of GB > 0, got 0",
        ),
    ],
)
def test_bad_traffic_ini_option_is_a_usage_error(
    suite: pytest.Pytester, ini: str, message: str
) -> None:
    suite.makeini(f"[pytest]\n{ini}\n")
    result = suite.runpytest_inprocess("checks", "--demo")
    assert usage_error_lines(result) == [message]


def test_traffic_ini_options_do_not_stop_a_snapshot_audit(
    suite: pytest.Pytester, snapshot: Path
) -> None:
    suite.makeini("[pytest]\naudit_traffic_days = 3\naudit_traffic_max_gb = 1\n")
    result = suite.runpytest_inprocess("checks", "--snapshot-in", str(snapshot), "--co")
    assert result.ret == pytest.ExitCode.OK
    assert "traffic evidence" not in result.stdout.str()


TRAFFIC_ESTIMATE = (
    "apigw-audit: traffic evidence: * Logs Insights queries over * log groups, at most * "
    "scanned (cap {cap} GB{capped})"
)


def test_the_demo_states_the_traffic_scan_before_running_it(suite: pytest.Pytester) -> None:
    result = suite.runpytest_inprocess("checks", "--demo", "--co")
    result.stdout.fnmatch_lines(
        [
            "apigw-audit: *APIs collected*",
            TRAFFIC_ESTIMATE.format(cap="10", capped=""),
            "apigw-audit: traffic evidence: */* Logs Insights queries done*",
        ]
    )


def test_queries_over_the_traffic_cap_are_announced_and_not_run(suite: pytest.Pytester) -> None:
    result = suite.runpytest_inprocess("checks", "--demo", "--co", "--traffic-max-gb=0.000001")
    result.stdout.fnmatch_lines(
        [TRAFFIC_ESTIMATE.format(cap="1e-06", capped="; * over the cap not run")]
    )


def test_traffic_days_0_turns_the_demo_traffic_evidence_off(suite: pytest.Pytester) -> None:
    suite.makeini("[pytest]\naudit_traffic_days = 5\n")  # the command line wins
    result = suite.runpytest_inprocess("checks", "--demo", "--co", "--traffic-days", "0")
    assert result.ret == pytest.ExitCode.OK
    assert "traffic evidence" not in result.stdout.str()


def test_no_region_anywhere_is_a_usage_error(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    result = suite.runpytest_inprocess("checks")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: No AWS region: pass --region*"])


def test_unit_tests_never_build_the_inventory(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")  # building would be a usage error
    suite.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = suite.runpytest_inprocess("test_plain.py")
    result.assert_outcomes(passed=1)


def test_xdist_workers_share_the_controllers_inventory(suite: pytest.Pytester) -> None:
    serial = suite.runpytest_subprocess("checks", "--demo", "-q", "-rA")
    parallel = suite.runpytest_subprocess(
        "-p", "xdist.plugin", "checks", "--demo", "-q", "-rA", "-n", "2"
    )

    def outcomes(result: pytest.RunResult) -> list[str]:
        return sorted(line for line in result.outlines if line.startswith(("PASSED", "FAILED")))

    assert serial.ret == parallel.ret == 0
    assert outcomes(parallel) == outcomes(serial)
    assert len(outcomes(serial)) > 10
