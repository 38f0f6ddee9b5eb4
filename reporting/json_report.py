"""The audit's additions to pytest-json-report's report (``--json-report``).

- Each check's test carries ``metadata``: check id, title, severity, issue type, target
  fixture and key, and the evidence details (filled where the test runs, so also under
  pytest-xdist); on the controller, its status (``FAIL``, ``UNKNOWN``, ``WAIVED``...), its
  one-line message and the waiver that applied.
- ``environment`` holds pytest-metadata's values (pytest-metadata 3 keeps them in
  ``config.stash``, where pytest-json-report 1.5 does not look) and the audit's.

Hooks are ``optionalhook``: the suite runs without pytest-json-report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from collectors.contract import record_of
from reporting.audit_json import waiver_json
from reporting.run import environment

if TYPE_CHECKING:
    from reporting.reporter import AuditReporter


class JsonReportHooks:
    """On every process: per-test metadata. On the controller (``reporter`` given): the
    statuses and the environment, just before the report is saved."""

    def __init__(self, reporter: AuditReporter | None) -> None:
        self.reporter = reporter

    @pytest.hookimpl(optionalhook=True)
    def pytest_json_runtest_metadata(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> dict[str, Any] | None:
        record = record_of(item.user_properties)
        if record is None:
            return None
        check = record["check"]
        return {
            "check_id": check["id"],
            "title": check["title"],
            "severity": check["severity"],
            "issue_type": check["issue_type"],
            "target_fixture": record["target_fixture"],
            "target_key": record["target"]["key"],
            "details": record["details"],
        }

    @pytest.hookimpl(optionalhook=True)
    def pytest_json_modifyreport(self, json_report: dict[str, Any]) -> None:
        reporter = self.reporter
        if reporter is None:
            return
        from pytest_metadata.plugin import metadata_key

        audit = environment(reporter.run) if reporter.run is not None else {}
        json_report["environment"] = {**reporter.config.stash.get(metadata_key, {}), **audit}
        for test in json_report.get("tests", ()):
            result = reporter.results.get(test["nodeid"])
            if result is None:
                continue
            metadata = test.setdefault("metadata", {})
            metadata.update(status=result.status.value, message=result.message)
            if result.waiver is not None:
                metadata["waiver"] = waiver_json(result.waiver)
            if result.expired_waiver is not None:
                metadata["expired_waiver"] = waiver_json(result.expired_waiver)
