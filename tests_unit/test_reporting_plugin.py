"""The reporting plugin end to end: a small audit suite run with pytester on a saved estate.

The estate: REST API ``shop`` (GET /items open, POST /items on IAM; stage prod without tracing,
stage dev out of scope), a REST API named with markup, an HTTP API ``checkout`` with an open
route, an API excluded by tag, and CloudWatch denied (request counts unknown). Three checks
run over it: authorization (CRITICAL), tracing (LOW) and traffic (FINOPS, always UNKNOWN here).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from collectors.demo.builders import AccountBuilder, HttpApiBuilder, RestApiBuilder
from collectors.demo.estate import emulated_aws
from collectors.serialization import save_snapshot
from tests_unit.conftest import REPO_ROOT, collect, failing_session
from tests_unit.test_reporting_rendering import validate

HOSTILE = "<img src=x onerror=alert(1)>"
AUDIT = "api_gateway_audit.json"
RESOURCES = "api_gateway_resources.json"

CONFTEST = 'pytest_plugins = ("collectors.plugin", "checks.plugin", "reporting.plugin")\n'
INI = f"""[pytest]
pythonpath = {REPO_ROOT}
addopts = -p no:cacheprovider
markers =
    severity(level): the check's severity
"""
CHECKS = '''
import pytest

from checks import SECURITY_HUB, Severity, check
from checks.policy import authorization, label, xray_tracing
from collectors.targets import RestStageTarget, require


@check(
    id="TEST-AUTH-001",
    issue_type="Authorization Gap",
    severity=Severity.CRITICAL,
    security_impact="Anyone can call the operation.",
    remediation=("Attach an authorizer.", "Do not rely on API keys."),
    references=("https://docs.example.com/auth",),
    posture=("sample_authorization",),
    compliance={SECURITY_HUB: ("APIGateway.8",), "NIST.800-53.r5": ("AC-3", "CM-2")},
)
def test_operation_requires_authorization(operation, evidence):
    """Operations require authorization"""
    auth = authorization(operation)
    evidence["sample_authorization"] = auth.authorization_type
    assert auth.authorized, f"{label(operation)} has no authorizer"


@check(
    id="TEST-TRACE-001",
    issue_type="Tracing Deficit",
    severity=Severity.LOW,
    security_impact="Requests cannot be followed.",
    remediation=("Enable X-Ray.",),
    posture=("sample_tracing",),
)
def test_stage_traces_requests(stage, evidence):
    """Stages trace requests"""
    if not isinstance(stage, RestStageTarget):
        pytest.skip("HTTP APIs have no X-Ray tracing")
    evidence["sample_tracing"] = xray_tracing(stage)
    assert evidence["sample_tracing"] == "ENABLED", f"stage {label(stage)} does not trace"


@pytest.fixture
def request_count(stage):
    return require(stage.stage.request_count_30d, stage.api.errors, "GetMetricData", "count")


@check(
    id="TEST-TRAFFIC-001",
    issue_type="Unused API",
    severity=Severity.FINOPS,
    security_impact="Forgotten stages are attack surface.",
    remediation=("Delete the stage.",),
    posture=("sample_requests_30d",),
)
def test_stage_serves_traffic(stage, request_count, evidence):
    """Stages serve traffic"""
    evidence["sample_requests_30d"] = request_count
    assert request_count >= 100, f"stage {label(stage)} is unused"
'''
INTERRUPTING = '''
from checks import Severity, check


@check(
    id="TEST-STOP-001",
    issue_type="Interruption",
    severity=Severity.LOW,
    security_impact="None.",
    remediation=("None.",),
)
def test_zz_stops(stage, evidence):
    """Stops the run"""
    raise KeyboardInterrupt
'''


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reporting") / "inventory.json"
    with emulated_aws():
        shop = RestApiBuilder("shop")
        shop.method("GET", "/items")
        shop.method("POST", "/items", authorization="AWS_IAM")
        shop.stage("prod")
        shop.stage("dev")
        hostile = RestApiBuilder(HOSTILE)
        hostile.method("GET", "/x")
        hostile.stage("prod", tracing=True)
        checkout = HttpApiBuilder("checkout")
        cart = AccountBuilder().lambda_function("cart", timeout_seconds=5)
        checkout.route("POST /cart", checkout.lambda_integration(cart))
        checkout.stage("prod")
        internal = RestApiBuilder("internal", tags={"Internal": "true"})
        internal.method("GET", "/orders")
        internal.stage("prod")
        denied = failing_session("before-call.cloudwatch.GetMetricData", "AccessDeniedException")
        save_snapshot(collect(session=denied), path)
    return path


class Suite:
    """The audit suite in a pytester directory; ``run`` audits the snapshot in-process."""

    def __init__(self, pytester: pytest.Pytester, snapshot: Path) -> None:
        self.pytester = pytester
        self.snapshot = snapshot
        self.reports = pytester.path / "reports"
        pytester.makeini(INI)
        pytester.makeconftest(CONFTEST)
        # No __init__.py: the test modules must not be taken for the real ``checks`` package.
        (pytester.mkdir("checks") / "test_reporting_sample.py").write_text(CHECKS)

    def args(self, *args: str) -> list[str]:
        return ["checks", "--snapshot-in", str(self.snapshot), "--report-dir", "reports", *args]

    def run(self, *args: str, interrupted: bool = False) -> pytest.RunResult:
        # pytester re-raises a KeyboardInterrupt from the inner run unless told it is expected.
        return self.pytester.runpytest_inprocess(*self.args(*args), no_reraise_ctrlc=interrupted)

    def document(self, name: str) -> dict[str, Any]:
        document: dict[str, Any] = json.loads((self.reports / name).read_text())
        return document


@pytest.fixture
def suite(pytester: pytest.Pytester, snapshot: Path) -> Suite:
    return Suite(pytester, snapshot)


def findings(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(check id, target key) -> finding, over every group."""
    return {
        (finding["check_id"], finding["target"]): finding
        for group in document["groups"]
        for finding in group["findings"]
    }


def without_timestamps(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in ("generated_at", "collected_at")}


# --- console ----------------------------------------------------------------------------------


def test_console_groups_findings_by_account_region_and_api_with_check_ids(suite: Suite) -> None:
    result = suite.run()
    lines = result.outlines
    start = lines.index("Findings (4)")
    assert lines[start + 1].split() == [
        "Severity", "Check", "Stage", "Method", "Resource", "Path", "Issue", "Type"
    ]  # fmt: skip
    body = lines[start + 3 : start + 10]
    headings = [line for line in body if line.startswith("123456789012 us-east-1 ")]
    assert [h.split()[2] for h in headings] == [HOSTILE.split()[0], "checkout", "shop"]
    shop = body.index(next(h for h in headings if " shop " in h))
    assert body[shop + 1].split() == [
        "CRITICAL", "TEST-AUTH-001", "prod", "GET", "/items", "Authorization", "Gap"
    ]  # fmt: skip
    assert body[shop + 2].split()[:2] == ["LOW", "TEST-TRACE-001"]
    result.stdout.fnmatch_lines(
        [
            "Remediation (the first step of each failing check)",
            "TEST-AUTH-001 (3 findings): Attach an authorizer.",
            "TEST-TRACE-001 (1 finding): Enable X-Ray.",
            "Left out of the audit",
            "  us-east-1 internal (*): tagged Internal=true",
            "  us-east-1 shop (*): stage dev (not a production or staging stage)",
        ]
    )


def test_console_shows_where_when_totals_and_unknown_reasons(suite: Suite) -> None:
    result = suite.run()
    result.stdout.fnmatch_lines(
        [
            "*= apigw-audit =*",
            "Account 123456789012, regions us-east-1; inventory collected *",
            "Scope: production and staging stages*",
            "Checks evaluated: 10 (2 pass, 4 fail, 3 unknown, 1 not applicable, 0 waived)",
            "CRITICAL*3*0*0",
            "LOW*1*0*0",
            "FINOPS*0*3*0",
            "Could not be evaluated (UNKNOWN) (3)",
            "Severity*Check*Stage*Method*Resource Path*Issue Type",
            "*",
            "123456789012 us-east-1 checkout (HTTP *)",
            "FINOPS*TEST-TRAFFIC-001*prod*Unused API",
            "    GetMetricData on us-east-1 failed (AccessDeniedException): "
            "injected AccessDeniedException",
            f"*apigw-audit: wrote {suite.reports / AUDIT}*",
            f"*apigw-audit: wrote {suite.reports / RESOURCES}*",
            "apigw-audit gate (any open finding fails): failed, exit status 1: "
            "3 checks could not be evaluated (UNKNOWN)",
        ]
    )


def test_checks_show_no_traceback_unless_asked(suite: Suite) -> None:
    quiet = suite.run("-k", "authorization").stdout.str()
    assert "FAILURES" not in quiet
    assert "def test_operation_requires_authorization" not in quiet
    explicit = suite.run("-k", "authorization", "--tb=long").stdout.str()
    assert "def test_operation_requires_authorization" in explicit
    assert "apigw-audit findings" not in explicit  # pytest's own section: not each one twice


@pytest.mark.parametrize("workers", ["0", "2"])
def test_each_finding_is_one_line_that_starts_with_its_target_above_the_summary(
    suite: Suite, workers: str
) -> None:
    result = suite.run("-k", "authorization or traces", "-n", workers)
    lines = result.outlines
    start = lines.index(next(x for x in lines if "= apigw-audit findings (4) =" in x))
    end = lines.index(next(x for x in lines if "= apigw-audit =" in x))
    # in the findings table's order: by account, region and API, most severe first inside an API
    assert lines[start + 1 : end] == [
        f"123456789012 us-east-1 {HOSTILE}/prod GET /x  TEST-AUTH-001  "
        f"GET /x on {HOSTILE}/prod has no authorizer",
        "123456789012 us-east-1 checkout/prod POST /cart  TEST-AUTH-001  "
        "route POST /cart on checkout/prod has no authorizer",
        "123456789012 us-east-1 shop/prod GET /items  TEST-AUTH-001  "
        "GET /items on shop/prod has no authorizer",
        "123456789012 us-east-1 shop/prod  TEST-TRACE-001  stage shop/prod does not trace",
    ]
    assert not any(line.startswith("[gw") for line in lines)  # no worker header per finding
    gate = next(i for i, x in enumerate(lines) if x.startswith("apigw-audit gate"))
    assert end < lines.index("Findings (4)") < gate  # the table and the gate at the bottom
    # pytest's own short summary keeps the test id to rerun; the gate's decision comes after it
    rerun = [i for i, x in enumerate(lines) if x.startswith("FAILED checks/test_reporting_sample")]
    assert rerun
    assert max(rerun) < gate
    assert lines[gate + 1].startswith("=")  # then only pytest's last line
    assert "failed" in lines[gate + 1]


def test_a_collection_error_is_shown_in_full_without_pytest_errors_section(suite: Suite) -> None:
    (suite.pytester.path / "checks" / "test_broken.py").write_text("import nosuchmodule\n")
    result = suite.run()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "*= apigw-audit collection errors (1) =*",
            "ERROR checks/test_broken.py",
            "    ImportError while importing test module *test_broken.py'.",
            "*ModuleNotFoundError: No module named 'nosuchmodule'",
            "*= apigw-audit =*",
        ]
    )
    assert "= ERRORS =" not in result.stdout.str()


def test_junitxml_html_and_json_report_carry_each_finding_message(suite: Suite) -> None:
    suite.run(
        "-k", "authorization", "--junitxml=reports/j.xml", "--html=reports/r.html",
        "--self-contained-html", "--json-report", "--json-report-file=reports/r.json",
    )  # fmt: skip
    message = "GET /items on shop/prod has no authorizer"
    crash = f"Failed: {message}"  # pytest's crash message of a pytest.fail
    failures = ElementTree.parse(suite.reports / "j.xml").getroot().iter("failure")
    assert crash in {failure.get("message") for failure in failures}
    calls = [t["call"] for t in suite.document("r.json")["tests"] if t["outcome"] == "failed"]
    assert crash in {call["crash"]["message"] for call in calls}
    assert message in {call["longrepr"] for call in calls}
    text, _ = _html_data(suite.reports / "r.html")
    assert html.escape(message) in text


@pytest.fixture(scope="module")
def two_regions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """us-east-1 with one API, us-west-2 with none, eu-west-1 whose GetApis was denied."""
    path = tmp_path_factory.mktemp("regions") / "inventory.json"
    with emulated_aws():
        shop = RestApiBuilder("shop")
        shop.method("GET", "/items")
        shop.stage("prod")
        denied = failing_session(
            "before-call.apigatewayv2.GetApis",
            "AccessDeniedException",
            lambda request: request["context"]["client_region"] == "eu-west-1",
        )
        save_snapshot(collect(("us-east-1", "us-west-2", "eu-west-1"), session=denied), path)
    return path


def test_an_audited_region_without_api_is_named_in_the_header(
    suite: Suite, two_regions: Path
) -> None:
    result = suite.run("--snapshot-in", str(two_regions), "-k", "authorization")
    result.stdout.fnmatch_lines(
        [
            "Account 123456789012, regions us-east-1, us-west-2, eu-west-1; *",
            "No API Gateway API in us-west-2.",  # eu-west-1 is unknown, not empty
            "Checks evaluated: *",
        ]
    )


def test_runs_without_checks_are_left_alone(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)
    pytester.makeconftest(CONFTEST)
    pytester.mkdir("tests")
    (pytester.path / "tests" / "test_plain.py").write_text("def test_plain():\n    assert 1 == 2\n")
    result = pytester.runpytest_inprocess("tests")
    result.assert_outcomes(failed=1)
    assert "= apigw-audit =" not in result.stdout.str()  # no audit summary, no gate
    assert "apigw-audit gate" not in result.stdout.str()
    assert "def test_plain" in result.stdout.str()  # pytest's own traceback style
    assert not list(pytester.path.glob("api_gateway_*.json"))


# --- the JSON reports ---------------------------------------------------------------------------


def test_audit_json_groups_the_expected_findings_by_api_and_stage(suite: Suite) -> None:
    suite.run()
    document = suite.document(AUDIT)
    validate(document, AUDIT)
    assert document["complete"] is True
    assert document["account"] == "123456789012"
    summary = document["summary"]
    assert summary["findings_by_severity"] == {
        "CRITICAL": 3, "HIGH": 0, "MEDIUM": 0, "LOW": 1, "FINOPS": 0
    }  # fmt: skip
    assert summary["findings_by_issue_type"] == {"Authorization Gap": 3, "Tracing Deficit": 1}
    assert summary["statuses"]["UNKNOWN"] == 3
    assert summary["gate"] == {
        "fail_on": None,
        "passed": False,
        "exit_status": 1,
        "reason": "3 checks could not be evaluated (UNKNOWN)",
    }
    shop = next(g for g in document["groups"] if g["api_name"] == "shop")
    assert (shop["api_type"], shop["region"], shop["stage"]) == ("REST", "us-east-1", "prod")
    assert shop["account"] == "123456789012"
    assert [(f["check_id"], f["status"], f["severity"]) for f in shop["findings"]] == [
        ("TEST-AUTH-001", "FAIL", "CRITICAL"),
        ("TEST-TRACE-001", "FAIL", "LOW"),
        ("TEST-TRAFFIC-001", "UNKNOWN", "FINOPS"),
    ]
    open_route = shop["findings"][0]
    assert open_route["message"] == "GET /items on shop/prod has no authorizer"
    assert open_route["details"] == {"sample_authorization": "NONE"}
    assert open_route["remediation"] == ["Attach an authorizer.", "Do not rely on API keys."]
    assert (open_route["resource_path"], open_route["http_method"]) == ("/items", "GET")
    shop_id, account = shop["api_id"], "123456789012"
    assert open_route["account"] == account
    assert open_route["arn"] == f"arn:aws:execute-api:us-east-1:{account}:{shop_id}/prod/GET/items"
    assert open_route["compliance"] == {
        "AWS Security Hub": ["APIGateway.8"],
        "NIST.800-53.r5": ["AC-3", "CM-2"],
    }
    untraced = shop["findings"][1]
    assert untraced["arn"] == f"arn:aws:apigateway:us-east-1::/restapis/{shop_id}/stages/prod"
    assert untraced["compliance"] == {}
    assert shop["findings"][2]["message"].startswith("GetMetricData on ")


def test_resources_json_lists_every_operation_and_what_was_left_out(suite: Suite) -> None:
    suite.run()
    document = suite.document(RESOURCES)
    validate(document, RESOURCES)
    resources = {
        (r["api_name"], r["http_method"], r["resource_path"]): r for r in document["resources"]
    }
    assert set(resources) == {
        ("shop", "GET", "/items"),
        ("shop", "POST", "/items"),
        (HOSTILE, "GET", "/x"),
        ("checkout", "POST", "/cart"),
    }
    assert [r["severity"] for r in document["resources"]] == ["CRITICAL"] * 3 + ["LOW"]
    protected = resources[("shop", "POST", "/items")]
    # Each value is one a check recorded: the method's own, and its stage's
    assert protected["posture"] == {"sample_authorization": "AWS_IAM", "sample_tracing": "DISABLED"}
    assert protected["issues"] == ["Tracing Deficit"]  # its stage's finding covers it
    assert protected["not_evaluated"] == ["Unused API"]
    assert "GetMetricData" in protected["unavailable"]["sample_requests_30d"]
    assert protected["environment"] == "production"
    assert protected["arn"].endswith(f":{protected['api_id']}/prod/POST/items")
    assert protected["account"] == "123456789012"
    route = resources[("checkout", "POST", "/cart")]
    # The tracing check is not applicable to HTTP APIs and recorded nothing
    assert route["posture"] == {"sample_authorization": "NONE"}
    assert route["arn"].startswith("arn:aws:execute-api:us-east-1:")
    out = document["out_of_scope"]
    assert [(a["api_name"], a["reason"]) for a in out["apis"]] == [
        ("internal", "tagged Internal=true")
    ]
    assert [(s["api_name"], s["stage"]) for s in out["stages"]] == [("shop", "dev")]
    (left_out_api,), (left_out_stage,) = out["apis"], out["stages"]
    assert (
        left_out_api["arn"] == f"arn:aws:apigateway:us-east-1::/restapis/{left_out_api['api_id']}"
    )
    assert left_out_stage["arn"] == (
        f"arn:aws:apigateway:us-east-1::/restapis/{left_out_stage['api_id']}/stages/dev"
    )
    assert left_out_api["account"] == left_out_stage["account"] == "123456789012"
    assert {e["operation"] for e in document["collection_errors"]} == {"GetMetricData"}


def test_reports_hold_no_credentials(suite: Suite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI-sentinel-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "sentinel-session-token")
    suite.run("--html", "reports/report.html", "--json-report", "--json-report-file=reports/r.json")
    written = [path for path in suite.reports.rglob("*") if path.is_file()]
    assert len(written) >= 4  # ours, the HTML report and its assets, the JSON report
    for path in written:
        assert "sentinel" not in path.read_text(), path.name


# --- pytest-html --------------------------------------------------------------------------------


def _html_data(path: Path) -> tuple[str, dict[str, Any]]:
    page = path.read_text()
    blob = re.search(r'data-jsonblob="([^"]*)"', page)
    assert blob is not None
    text = html.unescape(blob.group(1))
    return text, json.loads(text)


def test_html_report_escapes_every_value_from_aws(suite: Suite) -> None:
    suite.run("--html", "reports/report.html", "--self-contained-html")
    text, data = _html_data(suite.reports / "report.html")
    # Fragments pytest-html inserts as HTML carry the name only escaped, so it shows as text.
    assert HOSTILE not in text
    assert html.escape(HOSTILE) in text
    assert data["title"] == "API Gateway audit"
    assert data["environment"]["Audited accounts"] == "123456789012"


def test_html_rows_carry_the_audit_columns_and_evidence_not_an_empty_log(suite: Suite) -> None:
    suite.run("--html", "reports/report.html", "--self-contained-html")
    page = (suite.reports / "report.html").read_text()
    for column in ("status", "severity", "check", "issue_type", "region", "api", "stage"):
        assert f'class="sortable" data-column-type="{column}"' in page
    _, data = _html_data(suite.reports / "report.html")
    (row,) = [
        rows[0]
        for test_id, rows in data["tests"].items()
        if "::test_operation_requires_authorization[" in test_id
        and test_id.endswith("/prod/GET /items]")
    ]
    assert (row["check"], row["api"], row["method"], row["path"]) == (
        "TEST-AUTH-001", "shop", "GET", "/items"
    )  # fmt: skip
    assert row["severity"].endswith('sev-critical">CRITICAL</span>')
    assert "<strong>Remediation:</strong></p><ol><li>Attach an authorizer.</li>" in row["log"]
    assert "Anyone can call the operation." in row["log"]
    assert "&quot;sample_authorization&quot;: &quot;NONE&quot;" in row["log"]
    check_rows = [rows for test_id, rows in data["tests"].items() if "[" in test_id]
    assert all("No log output captured" not in r["log"] for rows in check_rows for r in rows)


def test_html_header_counts_the_audits_results_and_shows_waived_rows_as_waived(
    suite: Suite,
) -> None:
    (suite.pytester.path / "waivers.yaml").write_text(WAIVERS)
    suite.run("--html", "reports/report.html", "--self-contained-html", "--waivers", "waivers.yaml")
    page = (suite.reports / "report.html").read_text()
    assert "<strong>10 check results</strong>" in page
    assert '<span class="apigw-badge status-waived">WAIVED <b>1</b></span>' in page
    assert (
        "<td>Public catalogue, read-only.</td><td>security@example.com</td><td>2999-12-31</td>"
        in page
    )
    assert "<td>internal</td>" in page  # left out, and why
    assert "<td>tagged Internal=true</td>" in page
    assert "<td>GetMetricData</td>" in page  # the collection error
    _, data = _html_data(suite.reports / "report.html")
    (waived,) = [
        rows[0] for test_id, rows in data["tests"].items()
        if "::test_operation_requires_authorization[" in test_id
        and test_id.endswith("/prod/GET /items]")
    ]  # fmt: skip
    assert 'data-status="WAIVED"' in waived["resultsTableRow"][1]


# --- pytest-json-report -------------------------------------------------------------------------


def test_json_report_carries_check_metadata_environment_and_the_exit_status(suite: Suite) -> None:
    result = suite.run("--json-report", "--json-report-file=reports/r.json")
    report = json.loads((suite.reports / "r.json").read_text())
    assert report["exitcode"] == result.ret == 1
    assert report["environment"]["Audited accounts"] == "123456789012"
    assert "Python" in report["environment"]
    tests = {t["nodeid"]: t for t in report["tests"]}
    failed = [t for t in tests.values() if t["metadata"]["status"] == "FAIL"]
    assert len(failed) == 4
    shop = next(t for t in failed if t["metadata"]["target_key"].endswith("/prod/GET /items"))
    assert shop["metadata"] == {
        "check_id": "TEST-AUTH-001",
        "title": "Operations require authorization",
        "severity": "CRITICAL",
        "issue_type": "Authorization Gap",
        "target_fixture": "operation",
        "target_key": shop["metadata"]["target_key"],
        "details": {"sample_authorization": "NONE"},
        "status": "FAIL",
        "message": "GET /items on shop/prod has no authorizer",
    }


# --- the CI gate --------------------------------------------------------------------------------


def test_findings_below_the_threshold_pass_the_gate(suite: Suite) -> None:
    result = suite.run("-k", "traces", "--fail-on=high", "--json-report",
                       "--json-report-file=reports/r.json")  # fmt: skip
    assert result.ret == 0
    assert json.loads((suite.reports / "r.json").read_text())["exitcode"] == 0
    result.stdout.fnmatch_lines(
        ["apigw-audit gate (--fail-on=HIGH): passed, exit status 0: "
         "no finding at HIGH or above, 1 finding below HIGH"]
    )  # fmt: skip
    assert suite.document(AUDIT)["summary"]["gate"]["passed"] is True


def test_a_finding_at_the_threshold_fails_the_gate(suite: Suite) -> None:
    result = suite.run("-k", "traces", "--fail-on=low")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*failed, exit status 1: 1 finding at LOW or above"])


def test_unknown_checks_fail_the_gate_whatever_the_threshold(suite: Suite) -> None:
    result = suite.run("-k", "traffic", "--fail-on=critical")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*failed, exit status 1: 3 checks could not be evaluated*"])


def test_an_unknown_severity_is_a_usage_error(suite: Suite) -> None:
    result = suite.run("--fail-on=severe")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--fail-on: unknown severity 'severe'*"])


def test_a_report_dir_that_cannot_be_made_is_a_usage_error(suite: Suite) -> None:
    suite.reports.write_text("a file, not a directory")
    result = suite.run()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: Cannot write --report-dir */reports: Not a directory."])


# --- waivers ------------------------------------------------------------------------------------

WAIVERS = """
waivers:
  - check: TEST-AUTH-001
    target: "*/prod/GET /items"
    reason: Public catalogue, read-only.
    expires: 2999-12-31
    approved_by: security@example.com
  - check: TEST-AUTH-001
    target: "*/prod/POST /cart"
    reason: Until the JWT rollout.
    expires: 2020-01-31
    approved_by: security@example.com
  - check: TEST-TRACE-001
    target: "123456789012/us-east-1/gone/*"
    reason: Decommissioned.
    expires: 2999-12-31
    approved_by: ops@example.com
"""


def test_waivers_apply_expire_and_go_stale(suite: Suite) -> None:
    (suite.pytester.path / "waivers.yaml").write_text(WAIVERS)
    # Every check runs: a run narrowed by -k judges no waiver stale (test_pytest_native).
    result = suite.run("--waivers", "waivers.yaml")
    assert result.ret == 1  # the expired waiver covers nothing: checkout's route still fails
    result.stdout.fnmatch_lines(
        [
            "Waived (1)",
            "Severity*Check*Stage*Method*Resource Path*Issue Type",
            "*",
            "123456789012 us-east-1 shop (REST *)",
            "CRITICAL*TEST-AUTH-001*prod*GET*/items*Authorization Gap",
            "    waiver 1: Public catalogue, read-only. (approved by security@example.com, "
            "until 2999-12-31)",
            "Expired: waiver 2 (TEST-AUTH-001 on */prod/POST /cart) expired on 2020-01-31 and "
            "was not applied (1 finding it would cover)",
            "Stale: waiver 3 (TEST-TRACE-001 on 123456789012/us-east-1/gone/*) matches no finding; "
            "remove it",
        ]
    )
    document = suite.document(AUDIT)
    validate(document, AUDIT)
    by_target = {key.split("/", 3)[3]: f for (_, key), f in findings(document).items()}
    assert by_target["prod/GET /items"]["status"] == "WAIVED"
    assert by_target["prod/GET /items"]["waiver"]["reason"] == "Public catalogue, read-only."
    assert by_target["prod/POST /cart"]["status"] == "FAIL"
    assert by_target["prod/POST /cart"]["expired_waiver"]["expires"] == "2020-01-31"
    assert [w["number"] for w in document["waivers"]["applied"]] == [1]
    assert [w["number"] for w in document["waivers"]["expired"]] == [2]
    assert [w["number"] for w in document["waivers"]["stale"]] == [3]


def test_waived_findings_do_not_fail_the_run(suite: Suite) -> None:
    (suite.pytester.path / "waivers.toml").write_text(
        '[[waivers]]\ncheck = "TEST-AUTH-001"\ntarget = "*"\nreason = "Accepted."\n'
        'expires = 2999-12-31\napproved_by = "ciso@example.com"\n'
    )
    result = suite.run("-k", "authorization", "--waivers", "waivers.toml")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*passed, exit status 0: no open finding, 3 waived"])


def test_malformed_waivers_file_is_a_usage_error_naming_the_entry(suite: Suite) -> None:
    (suite.pytester.path / "waivers.yaml").write_text(
        WAIVERS.replace("expires: 2020-01-31", "expires: soon")
    )
    result = suite.run("--waivers", "waivers.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: Waivers file *waivers.yaml, entry 2 (TEST-AUTH-001): expires must be a date "
         "(YYYY-MM-DD), got 'soon'."]
    )  # fmt: skip


# --- runs that do not finish ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "source", "status"),
    [
        ("test_zz_stop.py", INTERRUPTING, pytest.ExitCode.INTERRUPTED),
        ("test_zz_broken.py", "def broken(:\n", pytest.ExitCode.INTERRUPTED),
    ],
    ids=["ctrl-c", "collection-error"],
)
def test_unfinished_run_still_writes_both_files_marked_incomplete(
    suite: Suite, module: str, source: str, status: pytest.ExitCode
) -> None:
    (suite.pytester.path / "checks" / module).write_text(source)
    result = suite.run("--fail-on=critical", interrupted=True)
    assert result.ret == status
    for name in (AUDIT, RESOURCES):
        document = suite.document(name)
        validate(document, name)
        assert document["complete"] is False
    gate = suite.document(AUDIT)["summary"]["gate"]
    assert gate == {**gate, "passed": False, "exit_status": 2, "reason": "the run was interrupted"}
    result.stdout.fnmatch_lines(["INCOMPLETE: the run stopped early*"])


# --- pytest-xdist -------------------------------------------------------------------------------


def test_reports_are_the_same_under_xdist(suite: Suite) -> None:
    waivers = suite.pytester.path / "waivers.yaml"
    waivers.write_text(WAIVERS)
    common = ("--waivers", str(waivers), "--json-report")
    serial = suite.pytester.runpytest_inprocess(
        *suite.args(*common, "--json-report-file=reports/r.json")
    )
    first = {name: suite.document(name) for name in (AUDIT, RESOURCES, "r.json")}
    parallel = suite.pytester.runpytest_subprocess(
        *suite.args(*common, "--json-report-file=reports/r.json", "-n", "2")
    )
    assert parallel.ret == serial.ret == 1
    assert "2 workers" in parallel.stdout.str()
    for name in (AUDIT, RESOURCES):
        assert without_timestamps(suite.document(name)) == without_timestamps(first[name])

    def per_test(report: dict[str, Any]) -> dict[str, Any]:
        return {t["nodeid"]: (t["outcome"], t.get("metadata")) for t in report["tests"]}

    assert per_test(suite.document("r.json")) == per_test(first["r.json"])


@pytest.fixture(scope="module")
def open_methods(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An estate whose one stage has five methods without an authorizer."""
    path = tmp_path_factory.mktemp("repeated") / "inventory.json"
    with emulated_aws():
        pets = RestApiBuilder("pets")
        for resource in ("/a", "/b", "/c", "/d", "/e"):
            pets.method("GET", resource)
        pets.stage("prod", tracing=True)
        save_snapshot(collect(), path)
    return path


@pytest.mark.parametrize("workers", ["0", "2"])
def test_a_check_failing_on_many_methods_of_a_stage_is_one_line_and_every_finding_counted(
    pytester: pytest.Pytester, open_methods: Path, workers: str
) -> None:
    suite = Suite(pytester, open_methods)
    lines = suite.run("-k", "authorization", "-n", workers).outlines
    start = lines.index(next(x for x in lines if "= apigw-audit findings (5) =" in x))
    assert lines[start + 1 : start + 3] == [
        "123456789012 us-east-1 pets/prod  TEST-AUTH-001  5 methods (GET /a, GET /b, GET /c "
        "and 2 more), e.g. GET /a on pets/prod has no authorizer",
        "(a check failing on many methods or routes of one stage is one line here and one row "
        f"below; {AUDIT}, and the HTML report with --html, list each finding)",
    ]
    table = lines.index("Findings (5)")
    assert lines[table + 4].split() == [
        "CRITICAL", "TEST-AUTH-001", "prod", "5", "methods", "Authorization", "Gap"
    ]  # fmt: skip
    assert lines[table + 5] == "    GET /a, GET /b, GET /c and 2 more"
    assert len(findings(suite.document(AUDIT))) == 5  # the JSON lists each one
