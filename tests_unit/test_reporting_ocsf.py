"""``--ocsf FILE``: the findings as OCSF Detection Finding events, validated against the OCSF
schema as Prowler's py-ocsf-models (pydantic, offline) defines it.

End to end on the reporting plugin's saved estate (``test_reporting_plugin``): REST API
``shop`` with an open GET /items and an untraced stage, a REST API named with markup, an HTTP
API ``checkout`` with an open route, CloudWatch denied (its check UNKNOWN everywhere).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from py_ocsf_models.events.findings.detection_finding import DetectionFinding

from collectors.contract import Severity, Status, TargetDescription
from reporting.ocsf import OCSF_VERSION, detection_findings, resource_type
from reporting.run import RunInfo
from tests_unit import test_reporting_plugin as plugin_tests
from tests_unit.test_reporting_findings import result
from tests_unit.test_reporting_plugin import AUDIT, HOSTILE, WAIVERS, Suite, findings

snapshot = plugin_tests.snapshot  # the same saved estate, built once for this module


@pytest.fixture
def suite(pytester: pytest.Pytester, snapshot: Path) -> Suite:
    return Suite(pytester, snapshot)


def validated(event: dict[str, Any]) -> dict[str, Any]:
    """The event, once the OCSF Detection Finding model has read it strictly (each value of
    its type, each required field present) and given every field back: one it does not know
    would be dropped, and the dump would differ."""
    model = DetectionFinding.model_validate_json(json.dumps(event), strict=True)
    assert model.model_dump(mode="json", exclude_unset=True) == event
    return event


def events_of(path: Path) -> list[dict[str, Any]]:
    return [validated(json.loads(line)) for line in path.read_text().splitlines()]


def test_each_open_and_waived_finding_is_one_detection_finding(suite: Suite) -> None:
    (suite.pytester.path / "waivers.yaml").write_text(WAIVERS)
    suite.run("--waivers", "waivers.yaml", "--ocsf", "findings.ocsf.jsonl")
    events = events_of(suite.pytester.path / "findings.ocsf.jsonl")
    audit = findings(suite.document(AUDIT))
    reported = {key: f for key, f in audit.items() if f["status"] in ("FAIL", "WAIVED")}
    assert len(events) == len(reported) == 4  # three authorization gaps, one untraced stage
    assert {e["metadata"]["event_code"] for e in events} == {"TEST-AUTH-001", "TEST-TRACE-001"}
    assert [e["severity"] for e in events] == ["Critical"] * 3 + ["Low"]
    for event in events:
        assert (event["class_uid"], event["type_uid"], event["activity_id"]) == (2004, 200401, 1)
        assert event["metadata"]["version"] == OCSF_VERSION
        (resource,) = event["resources"]
        finding = reported[(event["metadata"]["event_code"], resource["data"]["key"])]
        assert resource["uid"] == finding["arn"]
        assert event["cloud"]["account"]["uid"] == finding["account"] == "123456789012"
        assert event["message"] == finding["message"]
        assert event["status_code"] == finding["status"]


def test_a_waived_finding_is_suppressed_with_its_waiver_and_an_open_one_is_new(
    suite: Suite,
) -> None:
    (suite.pytester.path / "waivers.yaml").write_text(WAIVERS)
    suite.run("-k", "authorization", "--waivers", "waivers.yaml", "--ocsf", "findings.ndjson")
    events = events_of(suite.pytester.path / "findings.ndjson")
    by_name = {event["resources"][0]["name"]: event for event in events}
    waived = by_name["shop/prod GET /items"]
    status = (waived["status_id"], waived["status"], waived["status_code"])
    assert status == (3, "Suppressed", "WAIVED")
    assert waived["status_detail"] == (
        "waived until 2999-12-31, approved by security@example.com: Public catalogue, read-only."
    )
    assert waived["finding_info"]["uid"] == (
        f"apigw-audit/123456789012/TEST-AUTH-001/{waived['resources'][0]['data']['key']}"
    )
    assert waived["unmapped"]["compliance"] == {
        "AWS Security Hub": ["APIGateway.8"],
        "NIST.800-53.r5": ["AC-3", "CM-2"],
    }
    open_route = by_name["checkout/prod POST /cart"]  # its waiver has expired
    assert (open_route["status_id"], open_route["status"]) == (1, "New")
    assert "status_detail" not in open_route
    assert open_route["resources"][0]["type"] == "AWS::ApiGatewayV2::Route"
    assert open_route["evidences"] == [{"data": {"sample_authorization": "NONE"}}]


def test_findings_that_could_not_be_evaluated_are_no_detection(suite: Suite) -> None:
    suite.run("-k", "traffic", "--ocsf", "findings.jsonl")
    assert suite.document(AUDIT)["summary"]["statuses"]["UNKNOWN"] == 3
    assert (suite.pytester.path / "findings.jsonl").read_text() == ""


def test_any_other_file_name_is_one_json_array_with_aws_text_kept_as_text(suite: Suite) -> None:
    result = suite.run("-k", "authorization", "--ocsf", "out/ocsf.json")
    path = suite.pytester.path / "out" / "ocsf.json"
    result.stdout.fnmatch_lines([f"*apigw-audit: wrote {path}*"])
    events = json.loads(path.read_text())
    assert [validated(event)["finding_info"]["title"] for event in events] == [
        "Operations require authorization"
    ] * 3
    assert events[0]["resources"][0]["name"] == f"{HOSTILE}/prod GET /x"
    assert events[0]["resources"][0]["type"] == "AWS::ApiGateway::Method"


def test_the_demo_estates_findings_are_labelled_and_finops_is_informational() -> None:
    run = RunInfo(
        account=None, regions=("us-east-1",), collected_at=None, demo=True, scope="prod",
        tool_version="0.1.0", generated_at="2026-03-01T12:00:00Z", complete=True,
    )  # fmt: skip
    (event,) = detection_findings(run, [result(Severity.FINOPS), result(status=Status.UNKNOWN)])
    validated(event)
    assert event["metadata"]["labels"] == ["demo"]
    assert (event["severity_id"], event["severity"]) == (1, "Informational")
    assert event["time"] == 1_772_366_400_000  # milliseconds since the epoch, as OCSF counts
    # Without an ARN or an account (never so for a finding of a collected estate): the key
    assert event["resources"][0]["uid"] == "us-east-1/a1b2c3/prod/GET /items"
    assert event["cloud"] == {"provider": "AWS", "region": "us-east-1"}


@pytest.mark.parametrize(
    ("api_type", "stage", "path", "method", "expected"),
    [
        ("REST", None, None, None, "AWS::ApiGateway::RestApi"),
        ("REST", "prod", None, None, "AWS::ApiGateway::Stage"),
        ("REST", "prod", "/pets", None, "AWS::ApiGateway::Resource"),
        ("REST", "prod", "/pets", "GET", "AWS::ApiGateway::Method"),
        ("HTTP", None, None, None, "AWS::ApiGatewayV2::Api"),
        ("WEBSOCKET", "prod", None, None, "AWS::ApiGatewayV2::Stage"),
        ("HTTP", "prod", "/pets", "GET", "AWS::ApiGatewayV2::Route"),
        ("WEBSOCKET", "prod", "$connect", None, "AWS::ApiGatewayV2::Route"),
    ],
)
def test_each_target_is_named_by_its_cloudformation_resource_type(
    api_type: str, stage: str | None, path: str | None, method: str | None, expected: str
) -> None:
    target = TargetDescription(
        key="k", region="us-east-1", api_type=api_type, stage=stage, resource_path=path,
        http_method=method,
    )  # fmt: skip
    assert resource_type(target) == expected
