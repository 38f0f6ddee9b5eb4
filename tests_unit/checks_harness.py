"""Run the checks on an emulated estate and read each outcome by (check id, target key).

Shared by the ``test_checks_*`` modules (it holds no tests of its own): an estate is built
once per module with the demo builders, collected (optionally with some calls denied, as
IAM would), saved as a snapshot and audited in-process with ``pytest checks/ --snapshot-in``.
Outcomes are read from the evidence records the checks attach to their reports, so every
run also exercises the contract the reports rely on.
"""

from __future__ import annotations

import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest

from collectors.contract import CheckRecord, record_of
from collectors.model import Inventory
from collectors.serialization import from_jsonable, save_snapshot, to_jsonable
from tests_unit.conftest import ACCOUNT, CHECKS_DIR, collect, failing_session


def denying(*fragments: str) -> boto3.Session:
    """A session on which every call whose request (URL path, headers or body) contains one
    of ``fragments`` is answered AccessDenied, as a tight IAM policy would: ``"/usageplans"``
    denies GetUsagePlans, ``f"/{api.id}/stages"`` one API's stages."""

    def denied(request: dict[str, Any]) -> bool:
        text = " ".join(str(request.get(part, "")) for part in ("url_path", "headers", "body"))
        return any(fragment in text for fragment in fragments)

    return failing_session("before-call", "AccessDeniedException", denied)


@dataclass(frozen=True)
class Outcome:
    outcome: str  # passed, failed (a finding), skipped (not applicable), error (missing data)
    message: str  # the finding, the skip reason or the error
    details: dict[str, Any]


def _message(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # a skip: (path, line, "Skipped: reason")
        return longrepr[2].removeprefix("Skipped: ")
    crash = getattr(longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(longrepr or "")
    return (
        text.splitlines()[0].removeprefix("AssertionError: ").removeprefix("Failed: ")
        if text
        else ""
    )


@dataclass
class AuditRun:
    """The outcome of every check on every target of one ``pytest checks/`` run."""

    exit_code: int | pytest.ExitCode = 0
    outcomes: dict[tuple[str, str], Outcome] = field(default_factory=dict)
    records: list[CheckRecord] = field(default_factory=list)
    deselected: int = 0

    def __getitem__(self, check_and_key: tuple[str, str]) -> Outcome:
        return self.outcomes[check_and_key]

    def outcome(self, check_id: str, key: str) -> str:
        return self.outcomes[(check_id, key)].outcome

    def keys(self, check_id: str) -> set[str]:
        return {key for check, key in self.outcomes if check == check_id}

    def on(
        self, check_id: str, *, apis: Collection[str] = (), stages: Collection[str] = ()
    ) -> set[str]:
        """The check's target keys on one of ``apis`` (ids) or ``stages`` (names)."""
        return {
            target
            for target in self.keys(check_id)
            if (parts := target.split("/"))[2] in apis or (len(parts) > 3 and parts[3] in stages)
        }

    def outcomes_of(self, check_id: str) -> set[str]:
        return {o.outcome for (check, _), o in self.outcomes.items() if check == check_id}

    # pytest hooks: this object is the run's recording plugin

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        record = record_of(report.user_properties)
        if record is None:
            return
        if report.when == "setup":
            self.records.append(record)
        check = (record["check"]["id"], record["target"]["key"])
        if report.failed:
            outcome = "failed" if report.when == "call" else "error"
        elif report.skipped:
            outcome = "skipped"
        elif report.when == "call":
            outcome = "passed"
        else:
            return
        if self.outcomes.get(check, Outcome("", "", {})).outcome != "error":
            self.outcomes[check] = Outcome(outcome, _message(report), dict(record["details"]))

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)


def key(api: Any, *parts: str, account: str = ACCOUNT) -> str:
    """A target key: ``key(api, "prod", "GET /pets")``, ``key(api, "prod", "pets")`` for the
    resource /pets, ``key(api)`` for the API itself (in the emulated account, by default)."""
    return "/".join([account, api.region, api.id, *parts])


def audit(*args: str) -> AuditRun:
    """Run ``pytest checks/ *args`` in this process (reports go to a temporary directory)."""
    run = AuditRun()
    with tempfile.TemporaryDirectory(prefix="apigw-audit-reports-") as reports:
        run.exit_code = pytest.main(
            [str(CHECKS_DIR), "-p", "no:cacheprovider", "-q", "--report-dir", reports, *args],
            plugins=[run],
        )
    return run


def audit_account(
    tmp_path_factory: pytest.TempPathFactory, session: boto3.Session | None = None, *args: str
) -> AuditRun:
    """Collect the emulated account (through ``session``, e.g. ``denying(...)``) and audit it."""
    return audit_inventory(collect(session=session), tmp_path_factory.mktemp("audit"), *args)


def audit_inventory(inventory: Inventory, directory: Path, *args: str) -> AuditRun:
    """Audit ``inventory`` from a snapshot saved in ``directory``."""
    snapshot = directory / "inventory.json"
    save_snapshot(inventory, snapshot)
    return audit(f"--snapshot-in={snapshot}", *args)


def written_before(inventory: Inventory, *fields: str) -> Inventory:
    """``inventory`` as a snapshot written before ``fields`` were collected holds it: without
    them anywhere, so that they load with their defaults."""

    def strip(document: Any) -> Any:
        if isinstance(document, dict):
            return {k: strip(v) for k, v in document.items() if k not in fields}
        if isinstance(document, list):
            return [strip(v) for v in document]
        return document

    return from_jsonable(Inventory, strip(to_jsonable(inventory)))
