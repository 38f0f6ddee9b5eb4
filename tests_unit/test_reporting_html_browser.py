"""The HTML report in a real browser: Debian's chromium, headless, driven by selenium through
Debian's chromedriver (nothing downloaded).

Two reports, each made by the suite's own checks in a subprocess: the demo's, self-contained
(the header's badges, the severity filter), and a small saved estate's, with an assets
directory, whose API is named ``<img src=x onerror=alert(1)>`` and whose finding on it is
waived. Each test saves a screenshot under its tmp dir. Without chromium and chromedriver the
tests skip, saying so (in CI they fail: ``.ci/run`` installs both).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from collectors.demo.builders import RestApiBuilder
from collectors.demo.estate import emulated_aws
from collectors.serialization import save_snapshot
from tests_unit.conftest import REPO_ROOT, collect

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
HOSTILE = "<img src=x onerror=alert(1)>"
WAIVERS = """
waivers:
  - check: APIGW-AUTH-001
    target: "*/prod/GET /x"
    reason: Accepted until the authorizer ships.
    expires: 2999-12-31
    approved_by: security@example.com
"""
# Every alert the page raises, kept instead of shown (installed before the page's scripts run).
RECORD_ALERTS = "window.alerts = []; window.alert = (message) => window.alerts.push(message);"
VISIBLE_ROWS = """
return [...document.querySelectorAll('#results-table tbody.results-table-row')]
    .filter((row) => row.getClientRects().length > 0)
    .map((row) => row.querySelector('td.col-severity')?.dataset.severity ?? null);
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        reason = (
            f"no headless browser: {' and '.join(missing)} not installed "
            "(apt-get install chromium chromium-driver; .ci/run installs them)"
        )
        # CI runs with CI=true after .ci/run installed the browser: missing there, it is a
        # broken install step, not a reason to skip.
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1400,1800")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_ALERTS})
    yield driver
    driver.quit()


def audit(directory: Path, *args: str) -> Path:
    """Run the suite's checks (``pytest checks``) with ``args``; the HTML report's path."""
    report = directory / "report.html"
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    subprocess.run(
        [sys.executable, "-m", "pytest", "checks", "-q", "-p", "no:cacheprovider",
         "-p", "no:randomly", "--report-dir", str(directory), "--html", str(report), *args],
        cwd=REPO_ROOT, env=environment, stdout=subprocess.DEVNULL, check=False, timeout=300,
    )  # fmt: skip
    assert report.exists(), "the audit wrote no HTML report"
    return report


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return audit(tmp_path_factory.mktemp("demo"), "--demo", "--self-contained-html")


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("hostile")
    with emulated_aws():
        hostile = RestApiBuilder(HOSTILE)
        hostile.method("GET", "/x")
        hostile.stage("prod")
        save_snapshot(collect(), directory / "inventory.json")
    (directory / "waivers.yaml").write_text(WAIVERS)
    return audit(
        directory,
        "--snapshot-in", str(directory / "inventory.json"),
        "--waivers", str(directory / "waivers.yaml"),
    )  # fmt: skip


def open_report(browser: webdriver.Chrome, report: Path) -> None:
    browser.get(report.as_uri())
    assert browser.find_element(By.ID, "title").text == "API Gateway audit"


def findings_by_severity(report: Path) -> dict[str, Any]:
    audit_document = json.loads((report.parent / "api_gateway_audit.json").read_text())
    counts: dict[str, Any] = audit_document["summary"]["findings_by_severity"]
    return counts


def test_demo_report_header_has_severity_badges_the_gate_and_charts(
    browser: webdriver.Chrome, demo_report: Path, tmp_path: Path
) -> None:
    open_report(browser, demo_report)
    badges = browser.find_elements(By.CSS_SELECTOR, ".apigw-severity-filter label.apigw-badge")
    assert [badge.text for badge in badges] == [
        f"{severity} {count}" for severity, count in findings_by_severity(demo_report).items()
    ]
    colours = {badge.value_of_css_property("background-color") for badge in badges}
    assert len(colours) == len(badges)  # one colour per severity
    gate = browser.find_element(By.CSS_SELECTOR, ".apigw-gate")
    assert "failed, exit status 1" in gate.text
    bars = browser.find_elements(By.CSS_SELECTOR, ".apigw-chart svg rect")
    assert len(bars) > len(badges)  # by severity, then by check
    assert "APIs left out (3)" in browser.find_element(By.CSS_SELECTOR, ".apigw-header").text
    browser.save_screenshot(str(tmp_path / "demo-report.png"))


def test_the_severity_filter_hides_that_severitys_rows(
    browser: webdriver.Chrome, demo_report: Path, tmp_path: Path
) -> None:
    open_report(browser, demo_report)
    rows = browser.execute_script(VISIBLE_ROWS)
    assert {"CRITICAL", "HIGH"} <= set(rows)
    critical = browser.find_element(By.CSS_SELECTOR, "label.sev-critical")
    critical.click()
    shown = browser.execute_script(VISIBLE_ROWS)
    assert "CRITICAL" not in shown
    assert len(shown) == len(rows) - rows.count("CRITICAL")
    browser.save_screenshot(str(tmp_path / "critical-hidden.png"))
    critical.click()
    assert browser.execute_script(VISIBLE_ROWS) == rows


def test_the_severity_filter_holds_through_pytest_htmls_redraws(
    browser: webdriver.Chrome, hostile_report: Path
) -> None:
    open_report(browser, hostile_report)  # a report with an assets directory
    browser.find_element(By.CSS_SELECTOR, "label.sev-high").click()
    assert "HIGH" not in browser.execute_script(VISIBLE_ROWS)
    # pytest-html's script rebuilds the table on every sort and outcome filter.
    browser.find_element(By.CSS_SELECTOR, 'th[data-column-type="check"]').click()
    browser.find_element(By.CSS_SELECTOR, 'input[data-test-result="skipped"]').click()
    shown = browser.execute_script(VISIBLE_ROWS)
    assert shown
    assert "HIGH" not in shown


def test_markup_in_an_api_name_renders_as_text_and_runs_nothing(
    browser: webdriver.Chrome, hostile_report: Path, tmp_path: Path
) -> None:
    open_report(browser, hostile_report)
    assert browser.execute_script("return window.alerts") == []
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 (reading it is the check)
    assert browser.execute_script("return document.querySelectorAll('img[src=\"x\"]').length") == 0
    # Every check on the API names it (a check with no target at all names no API).
    api_cells = browser.find_elements(By.CSS_SELECTOR, "#results-table td.col-api")
    assert {cell.text for cell in api_cells} - {""} == {HOSTILE}
    browser.save_screenshot(str(tmp_path / "hostile-report.png"))


def test_a_waived_finding_reads_waived_with_its_approver_and_expiry(
    browser: webdriver.Chrome, hostile_report: Path
) -> None:
    open_report(browser, hostile_report)
    (row,) = [
        row
        for row in browser.find_elements(By.CSS_SELECTOR, "#results-table tr.collapsible")
        if row.find_element(By.CSS_SELECTOR, "td.col-check").text == "APIGW-AUTH-001"
    ]
    assert row.find_element(By.CSS_SELECTOR, "td.col-status").text == "WAIVED"
    waivers = browser.find_element(By.XPATH, "//caption[text()='Waivers (1)']/..").text
    assert "security@example.com 2999-12-31 in force" in waivers
