"""pytest glue for the reports: the console summary, the JSON reports, the CI gate.

Output contract of a run over the checks (``pytest checks/``):

- Console, at the end: accounts, regions and time, totals by severity, the findings
  (grouped by account, region and API; most severe first inside each), the checks that
  could not be evaluated (UNKNOWN) and the waived findings (``reporting.console``); one
  line per file written; and last, after pytest's short test summary, one line with the CI
  gate's decision (``reporting.gate``).
- Files, written once at session finish, each atomically, to ``--report-dir`` (default: the
  current directory): ``api_gateway_audit.json`` (``reporting.audit_json``) and
  ``api_gateway_resources.json`` (``reporting.resources_json``). A run that did not finish
  (Ctrl-C, a collection error, -x) still writes them, with ``complete: false``.
- With ``--ocsf FILE``: the findings as OCSF Detection Finding events (``reporting.ocsf``),
  written with the JSON reports.
- With ``--html``: the auditor's additions to pytest-html's report (``reporting.html``).
- With ``--json-report``: per-test metadata and the environment (``reporting.json_report``).
- The exit status: pytest's, lowered from 1 to 0 by the gate when every finding is below
  ``--fail-on`` or waived (``--waivers``, ``reporting.waivers``); 5 when nothing was in scope,
  unless ``--allow-empty``.
- With ``--waivers``: a waiver naming an id of the suite's that no check has stops the run
  before the session starts; one naming an organisation's check the run did not collect ends
  it with status 4 once the reports are written; a waived finding is a pytest xfail, decided
  where its report is made (``reporting.waived``).
- Before collection: every place the run will write is checked writable
  (``reporting.outputs``). A usage error writes and prints nothing of ours: the reports of an
  earlier run stay as they were.

Every report reads what the checks recorded (``collectors.contract``), and nothing else.
Module-level hooks only parse options and decide what to register, and only in a run that
audits (``collectors.contract.runs_checks``: ``pytest tests_unit/`` stays untouched). On the
controller only (``not hasattr(config, "workerinput")``), ``AuditReporter`` keeps all state
and writes every file; the waivers are loaded on every process.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from collectors.contract import (
    deferred_refusal,
    reject_invalid_values,
    runs_checks,
    severity_option,
)
from reporting.html import HtmlHooks
from reporting.json_report import JsonReportHooks
from reporting.outputs import refuse_unwritable_outputs
from reporting.reporter import AuditReporter
from reporting.waived import WaiverHooks, refuse_unknown_suite_checks
from reporting.waivers import Waiver, WaiverFileError, load_waivers

REPORTER = pytest.StashKey[AuditReporter]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("apigw-audit", "API Gateway audit")
    group.addoption(
        "--report-dir",
        type=Path,
        default=Path(),
        metavar="DIR",
        help="write api_gateway_audit.json and api_gateway_resources.json here "
        "(default: the current directory).",
    )
    group.addoption(
        "--fail-on",
        type=deferred_refusal(severity_option),
        default=None,
        metavar="SEVERITY",
        help="CI gate: exit 0 when every finding is below SEVERITY (critical, high, medium, "
        "low, finops); checks that could not be evaluated, collection errors and interruptions "
        "still fail. Default: any finding fails the run.",
    )
    group.addoption(
        "--ocsf",
        type=Path,
        default=None,
        metavar="FILE",
        help="also write the findings (FAIL, and WAIVED as suppressed) as OCSF Detection "
        "Finding events, for Security Hub, Security Lake and SIEMs: JSON lines for a .jsonl or "
        ".ndjson FILE, else a JSON array (relative to the current directory).",
    )
    group.addoption(
        "--waivers",
        type=Path,
        default=None,
        metavar="FILE",
        help="accepted risks (YAML or TOML): matching findings are reported as WAIVED and do "
        "not fail the run until their waiver expires.",
    )
    group.addoption(
        "--allow-empty",
        action="store_true",
        default=False,
        help="CI gate: exit 0, not 5, when nothing is in scope (no API, every API excluded by "
        "tag, or no stage in scope).",
    )


# First: before pytest-html's own configure makes its report's directory.
@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    reject_invalid_values(config)
    if not runs_checks(config):
        return
    if not hasattr(config, "workerinput"):
        refuse_unwritable_outputs(config)
    if config.option.collectonly:
        return
    reporter: AuditReporter | None = None
    waivers = _waivers(config)
    today = datetime.now(UTC).date()
    waiver_hooks: WaiverHooks | None = None
    if waivers:
        source = str(config.invocation_params.dir / config.option.waivers)
        waiver_hooks = WaiverHooks(waivers, source, today)
        config.pluginmanager.register(waiver_hooks, "apigw-audit-waivers")
    if not hasattr(config, "workerinput"):
        reporter = AuditReporter(config, _report_dir(config), waiver_hooks, today)
        config.stash[REPORTER] = reporter
        config.pluginmanager.register(reporter, "apigw-audit-reporter")
        if config.getoption("htmlpath", None):
            config.pluginmanager.register(HtmlHooks(reporter), "apigw-audit-html")
    if config.getoption("json_report", False):
        config.pluginmanager.register(JsonReportHooks(reporter), "apigw-audit-json-report")


# Last: the checks plugin's configure has given the suite's catalogue (``SUITE_CHECKS``).
@pytest.hookimpl(trylast=True, specname="pytest_configure")
def pytest_configure_waivers(config: pytest.Config) -> None:
    """A waiver naming an id of the suite's that no check has: a usage error, before the
    session starts (a pytest-xdist controller's too; its workers need not check again)."""
    waiver_hooks = config.pluginmanager.get_plugin("apigw-audit-waivers")
    if isinstance(waiver_hooks, WaiverHooks) and not hasattr(config, "workerinput"):
        refuse_unknown_suite_checks(config, waiver_hooks.waivers, waiver_hooks.source)


def _report_dir(config: pytest.Config) -> Path:
    """The directory for the JSON reports (made when they are written)."""
    directory: Path = config.option.report_dir
    return config.invocation_params.dir / directory


def _waivers(config: pytest.Config) -> tuple[Waiver, ...]:
    path: Path | None = config.option.waivers
    if path is None:
        return ()
    try:
        return load_waivers(config.invocation_params.dir / path)
    except WaiverFileError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_unconfigure(config: pytest.Config) -> None:
    reporter = config.stash.get(REPORTER, None)
    if reporter is not None:
        del config.stash[REPORTER]
        config.pluginmanager.unregister(reporter)
    waiver_hooks = config.pluginmanager.get_plugin("apigw-audit-waivers")
    if waiver_hooks is not None:
        config.pluginmanager.unregister(waiver_hooks)
