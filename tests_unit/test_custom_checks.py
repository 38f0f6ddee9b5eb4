"""An organisation's own checks, in its own project: plain pytest tests over the suite's
public fixtures, declared with ``@check``, found through the installed plugins (the
``pytest11`` entry points: no conftest names them) and reported like the suite's own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from collectors.demo.builders import RestApiBuilder
from collectors.serialization import save_snapshot
from tests_unit.conftest import collect

# The README's example check ("Writing a check").
ACME_CHECK = '''
from checks import Severity, check


@check(
    id="ACME-OWNER-001",
    issue_type="Ownerless API",
    severity=Severity.MEDIUM,
    security_impact="Nobody is paged when the API is attacked or breaks.",
    remediation=("Tag the API with owner=<team>.",),
    posture=("owner",),
)
def test_api_names_its_owner(api, evidence):
    """Every API names the team that owns it"""
    evidence["owner"] = api.api.tags.get("owner")
    assert evidence["owner"], f"API {api.api.name} has no owner tag"
'''


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from collectors.demo.estate import emulated_aws

    path = tmp_path_factory.mktemp("custom") / "inventory.json"
    with emulated_aws():
        owned = RestApiBuilder("orders", tags={"owner": "team-orders"})
        owned.method("GET", "/orders")
        owned.stage("prod")
        ownerless = RestApiBuilder("legacy")
        ownerless.method("GET", "/things")
        ownerless.stage("prod")
        save_snapshot(collect(), path)
    return path


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """The organisation's repository: its check and nothing else (no conftest, no ini)."""
    pytester.makepyfile(test_acme=ACME_CHECK)
    return pytester


def _audit(project: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, dict[str, Any]]:
    result = project.runpytest_inprocess(*args, "--report-dir", "reports")
    document = json.loads((project.path / "reports" / "api_gateway_audit.json").read_text())
    return result, document


def _findings(document: dict[str, Any], check_id: str) -> dict[str, dict[str, Any]]:
    """API name -> the check's finding on it."""
    return {
        group["api_name"]: finding
        for group in document["groups"]
        for finding in group["findings"]
        if finding["check_id"] == check_id
    }


def test_an_organisations_check_is_audited_and_reported(
    project: pytest.Pytester, snapshot: Path
) -> None:
    result, document = _audit(project, "test_acme.py", "--snapshot-in", str(snapshot))
    result.assert_outcomes(passed=1, failed=1)
    findings = _findings(document, "ACME-OWNER-001")
    assert list(findings) == ["legacy"]
    legacy = findings["legacy"]
    assert (legacy["severity"], legacy["status"]) == ("MEDIUM", "FAIL")
    assert legacy["title"] == "Every API names the team that owns it"
    assert legacy["message"] == "API legacy has no owner tag"
    resources = json.loads((project.path / "reports" / "api_gateway_resources.json").read_text())
    owners = {r["api_name"]: r["posture"].get("owner") for r in resources["resources"]}
    assert owners == {"orders": "team-orders", "legacy": None}


def test_it_runs_beside_the_suites_checks(project: pytest.Pytester, snapshot: Path) -> None:
    result, document = _audit(
        project, "--pyargs", "checks", "test_acme.py", "--snapshot-in", str(snapshot)
    )
    checks = {f["check_id"] for g in document["groups"] for f in g["findings"]}
    assert {"ACME-OWNER-001", "APIGW-AUTH-001"} <= checks
    assert result.ret == pytest.ExitCode.TESTS_FAILED
