"""``--ocsf FILE``: the findings as OCSF Detection Finding events. Pure, but for the write.

The Open Cybersecurity Schema Framework is what AWS Security Hub, Amazon Security Lake and
Prowler exchange findings in. Output contract: OCSF ``OCSF_VERSION``, class Detection Finding
(``class_uid`` 2004, category Findings), one event per finding, most severe first; JSON lines
when FILE ends in ``.jsonl`` or ``.ndjson``, else one JSON array. Written atomically at
session finish with the other reports.

Which results become events, and their state (OCSF's ``status_id`` is the finding's triage
state; ``status_code`` keeps the audit's own status):

- FAIL: status New (1): detected, not yet reviewed.
- WAIVED: status Suppressed (3): reviewed and accepted until the waiver's expiry;
  ``status_detail`` names the reason, the approver and the date.
- UNKNOWN: no event. The check could not look, so it detected nothing, and no OCSF status
  means "not evaluated"; ``api_gateway_audit.json`` and the exit status report them.
- PASS and NOT_APPLICABLE: no event (nothing detected).

Every event's activity is Create (1): each run reports what it finds anew, and
``finding_info.uid`` (account, check id, target key) is the same from run to run, so a
consumer correlates the runs by it (Update and Close are its to decide).

Where the audit's record goes: ``finding_info`` (uid, the check's title, its security impact,
its issue type as the type), ``message`` (the finding in one line), ``severity_id``
(CRITICAL 5 ... LOW 2, FINOPS 1 Informational), ``resources`` (the target: ARN as uid, its
CloudFormation type, as Security Hub's controls name resources, region, partition, names),
``cloud`` (AWS, region, account), ``remediation`` (the steps and the links), ``evidences``
(the check's evidence, as the other reports carry it: never a secret), ``metadata``
(apigw-audit as the product, the check id as ``event_code``, ``labels: ["demo"]`` for the
demo estate) and ``unmapped`` (the check's Security Hub / NIST / PCI mapping, the test id).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from collectors.contract import Severity, Status, TargetDescription
from collectors.jsonfile import write_json_atomically, write_json_lines_atomically
from reporting.findings import CheckResult, with_status
from reporting.run import RunInfo

OCSF_VERSION = "1.5.0"  # the version py-ocsf-models (Prowler's), which the tests use, models
PRODUCT = "apigw-audit"
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")

_DETECTION_FINDING = 2004
_FINDINGS = 2
_CREATE = 1
_AWS_ACCOUNT = 10  # the Account object's type_id for an AWS account
_SEVERITIES = {
    Severity.CRITICAL: (5, "Critical"),
    Severity.HIGH: (4, "High"),
    Severity.MEDIUM: (3, "Medium"),
    Severity.LOW: (2, "Low"),
    Severity.FINOPS: (1, "Informational"),
}
_STATUSES = {Status.FAIL: (1, "New"), Status.WAIVED: (3, "Suppressed")}


def resource_type(target: TargetDescription) -> str:
    """The target's CloudFormation resource type (AWS::ApiGateway::Stage...)."""
    family = "AWS::ApiGateway" if target.api_type == "REST" else "AWS::ApiGatewayV2"
    if target.stage is None:
        return f"{family}::{'RestApi' if target.api_type == 'REST' else 'Api'}"
    if target.resource_path is None:
        return f"{family}::Stage"
    if target.api_type != "REST":
        return f"{family}::Route"
    return f"{family}::{'Method' if target.http_method else 'Resource'}"


def _name(target: TargetDescription) -> str:
    """The target as people say it: ``shop/prod GET /items``."""
    name = target.api_name or target.api_id or target.key
    if target.stage is not None:
        name += f"/{target.stage}"
    if target.resource_path is not None:
        name += " " + " ".join(filter(None, (target.http_method, target.resource_path)))
    return name


def _resource(target: TargetDescription) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "uid": target.arn or target.key,
        "name": _name(target),
        "type": resource_type(target),
        "region": target.region,
    }
    if target.arn is not None:
        resource["cloud_partition"] = target.arn.split(":")[1]
    resource["data"] = {
        name: value
        for name, value in target.to_json().items()
        if value is not None and name not in ("arn", "region", "account")
    }
    return resource


def _cloud(target: TargetDescription) -> dict[str, Any]:
    cloud: dict[str, Any] = {"provider": "AWS", "region": target.region}
    if target.account is not None:
        # The Account object requires a name: the id is the one the audit knows.
        cloud["account"] = {
            "uid": target.account,
            "name": target.account,
            "type": "AWS Account",
            "type_id": _AWS_ACCOUNT,
        }
    return cloud


def finding_uid(result: CheckResult) -> str:
    """The same finding's uid in every run: account, check id and target key."""
    return "/".join(
        (PRODUCT, result.target.account or "unknown", result.check.id, result.target.key)
    )


def detection_finding(result: CheckResult, run: RunInfo) -> dict[str, Any]:
    """One FAIL or WAIVED result as an OCSF Detection Finding event."""
    check, target = result.check, result.target
    severity_id, severity = _SEVERITIES[check.severity]
    status_id, status = _STATUSES[result.status]
    metadata: dict[str, Any] = {
        "version": OCSF_VERSION,
        "product": {"name": PRODUCT, "vendor_name": PRODUCT, "version": run.tool_version},
        "event_code": check.id,
        "profiles": ["cloud"],
    }
    if run.demo:
        metadata["labels"] = ["demo"]
    event: dict[str, Any] = {
        "class_uid": _DETECTION_FINDING,
        "class_name": "Detection Finding",
        "category_uid": _FINDINGS,
        "category_name": "Findings",
        "activity_id": _CREATE,
        "activity_name": "Create",
        "type_uid": _DETECTION_FINDING * 100 + _CREATE,
        "type_name": "Detection Finding: Create",
        "time": int(datetime.fromisoformat(run.generated_at).timestamp() * 1000),
        "severity_id": severity_id,
        "severity": severity,
        "status_id": status_id,
        "status": status,
        "status_code": result.status.value,
        "message": result.message,
        "finding_info": {
            "uid": finding_uid(result),
            "title": check.title,
            "desc": check.security_impact,
            "types": [check.issue_type],
        },
        "resources": [_resource(target)],
        "cloud": _cloud(target),
        "remediation": {"desc": " ".join(check.remediation), "references": list(check.references)},
        "metadata": metadata,
        "unmapped": {
            "compliance": {framework: list(ids) for framework, ids in check.compliance},
            "test_id": result.test_id,
        },
    }
    if result.waiver is not None:
        waiver = result.waiver
        event["status_detail"] = (
            f"waived until {waiver.expires.isoformat()}, approved by {waiver.approved_by}: "
            f"{waiver.reason}"
        )
    if result.details:
        event["evidences"] = [{"data": dict(result.details)}]
    return event


def detection_findings(run: RunInfo, results: Iterable[CheckResult]) -> list[dict[str, Any]]:
    """The run's FAIL and WAIVED results as events, most severe first."""
    return [detection_finding(r, run) for r in with_status(results, *_STATUSES)]


def write_events(path: Path, events: Sequence[dict[str, Any]]) -> None:
    """Write the events atomically: JSON lines for a ``.jsonl``/``.ndjson`` name, else an
    array."""
    if path.suffix.lower() in JSON_LINES_SUFFIXES:
        write_json_lines_atomically(path, events)
    else:
        write_json_atomically(path, list(events))
