"""The benchmark's optional Prowler row (bench/prowler.py): found, skipped, measured, shown.

Prowler is not installed in CI, so the skip path is what normally runs; the measured path runs
a stand-in executable that writes a CSV file the way Prowler does, against an empty emulator.
"""

from __future__ import annotations

import json
import stat
import statistics
from pathlib import Path

import pytest

from bench import prowler
from bench.emulator import serve
from bench.estate import SIZES
from bench.run import REPO, compare_with_prowler, measure_prowler
from bench.table import render
from collectors.demo.estate import emulated_aws

LATEST_LARGE = REPO / "bench" / "results" / "20261202T053350Z-large.json"

_STAND_IN = """#!/bin/sh
# A stand-in for prowler: two findings (one spanning two lines) under --output-directory.
while [ "$1" != "--output-directory" ]; do shift; done
mkdir -p "$2"
{
  echo 'AUTH;CHECK_ID;STATUS;REMEDIATION'
  echo 'x;apigateway_restapi_logging_enabled;FAIL;"Enable logging:'
  echo 'a remediation on two lines"'
  echo 'x;apigateway_restapi_waf_acl_attached;PASS;-'
} > "$2/prowler-output.csv"
"""


@pytest.fixture
def no_prowler(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(prowler.ENVIRONMENT_VARIABLE, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))


def _stand_in(directory: Path) -> str:
    path = directory / "prowler"
    path.write_text(_STAND_IN)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def _results_with(prowler_row: dict[str, object]) -> dict[str, object]:
    results: dict[str, object] = json.loads(LATEST_LARGE.read_text())
    results["prowler"] = prowler_row
    return results


def test_without_prowler_the_row_is_skipped_with_a_one_line_reason(no_prowler: None) -> None:
    assert prowler.locate(None) is None

    lines = [
        line for line in render(_results_with(prowler.skipped())).splitlines() if "Prowler" in line
    ]
    assert len(lines) == 1
    assert "skipped: Prowler not found (give --prowler PATH" in lines[0]


def test_the_option_wins_over_the_variable_and_the_variable_over_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    on_path = _stand_in(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(prowler.ENVIRONMENT_VARIABLE, raising=False)
    assert prowler.locate(None) == on_path
    monkeypatch.setenv(prowler.ENVIRONMENT_VARIABLE, "/opt/prowler/bin/prowler")
    assert prowler.locate(None) == "/opt/prowler/bin/prowler"
    assert prowler.locate("/elsewhere/prowler") == "/elsewhere/prowler"


def test_prowler_is_run_on_the_api_gateway_services_of_the_estate_regions() -> None:
    command = prowler.command("prowler", ("us-east-1", "eu-west-1"), Path("/out"))

    assert command[:2] == ["prowler", "aws"]
    assert command[command.index("--service") + 1 : command.index("--region")] == [
        "apigateway",
        "apigatewayv2",
    ]
    assert command[command.index("--region") + 1 : command.index("--region") + 3] == [
        "us-east-1",
        "eu-west-1",
    ]
    assert "--ignore-exit-code-3" in command


def test_a_measured_prowler_run_is_timed_counted_and_compared(tmp_path: Path) -> None:
    executable = _stand_in(tmp_path)
    with emulated_aws(SIZES["small"].seed), serve() as emulator:
        row = measure_prowler(executable, emulator, SIZES["small"], tmp_path / "work")

    assert row["measured"] is True
    assert row["exit_status"] == 0
    assert row["findings"] == 2
    assert row["server_requests"] == {}  # the stand-in calls no AWS
    assert row["seconds"] > 0
    row["suite_over_prowler"] = 0.4
    table = render(_results_with(row))
    assert "2 findings" in table
    assert "= 0.40 (2.5x faster)" in table
    assert "<= 0.5 at large: met" in table


def test_the_audit_on_every_core_is_compared_with_prowler_too(tmp_path: Path) -> None:
    executable = _stand_in(tmp_path)
    with emulated_aws(SIZES["small"].seed), serve() as emulator:
        row = measure_prowler(executable, emulator, SIZES["small"], tmp_path / "work")
    row["suite_over_prowler"] = 0.9
    row["suite_parallel_over_prowler"] = 0.45
    results = _results_with(row)
    audits = dict(results["audits"])  # type: ignore[call-overload]
    audits["audit_parallel"] = {**audits["audit"], "cores": 2, "seconds": 10.0}
    results["audits"] = audits
    results["parallel_findings_difference"] = None

    table = render(results)
    assert "end-to-end audit, pytest -n 2" in table
    assert "every item's outcome and finding = the audit's: met" in table
    assert "= 0.90 (1.1x faster)" in table
    assert "<= 0.5 at large: MISSED" in table  # the serial audit's ratio
    parallel_line = next(line for line in table.splitlines() if "suite -n 2 / Prowler" in line)
    assert "= 0.45" in parallel_line
    assert "met" in parallel_line


def test_the_table_shows_the_floor_of_pytest_and_the_comparison_at_latency(
    tmp_path: Path,
) -> None:
    executable = _stand_in(tmp_path)
    with emulated_aws(SIZES["small"].seed), serve() as emulator:
        row = measure_prowler(
            executable, emulator, SIZES["small"], tmp_path / "work", latency_ms=5, name="slow"
        )
    assert (tmp_path / "work" / "slow-output" / "prowler-output.csv").exists()
    row["suite_over_prowler"] = 1.2
    row["at_latency"] = {
        "latency_ms": 30,
        "suite_seconds": 20.0,
        "suite_exit_status": 1,
        "prowler_seconds": 80.0,
        "suite_over_prowler": 0.25,
    }
    results = _results_with(row)
    check = results["check_phase"]
    assert isinstance(check, dict)

    table = render(results)
    floor = next(line for line in table.splitlines() if line.startswith("bare pytest, the"))
    assert f"the audit's {check['items']} items / Prowler" in floor
    assert f"= {check['bare_wall_seconds'] / row['seconds']:.2f}" in floor
    latency = next(line for line in table.splitlines() if "at 30 ms a request" in line)
    assert "20.00 s / 80.00 s = 0.25" in latency


def test_the_audit_prowler_and_pytests_floor_alternate_and_are_compared_by_medians(
    tmp_path: Path,
) -> None:
    executable = _stand_in(tmp_path)
    work = tmp_path / "work"
    with emulated_aws(SIZES["small"].seed), serve() as emulator:
        row = compare_with_prowler(executable, emulator, SIZES["small"], work, 3, 7)

    runs = [f"{name}-{repeat}" for repeat in range(3) for name in ("audit_vs_prowler", "prowler")]
    runs += [f"floor-{repeat}" for repeat in range(3)]
    started = {name: (work / f"{name}.out").stat().st_mtime_ns for name in runs}
    order = sorted(started, key=started.__getitem__)
    assert order == [
        f"{name}-{repeat}"
        for repeat in range(3)
        for name in ("audit_vs_prowler", "prowler", "floor")
    ]
    assert len(row["runs_seconds"]) == len(row["suite_runs_seconds"]) == 3
    assert row["seconds"] == statistics.median(row["runs_seconds"])
    assert row["suite_seconds"] == statistics.median(row["suite_runs_seconds"])
    assert row["suite_over_prowler"] == row["suite_seconds"] / row["seconds"]
    floor = row["pytest_floor"]
    assert floor["items"] == 7
    assert len(floor["runs_seconds"]) == 3
    assert floor["seconds"] == statistics.median(floor["runs_seconds"])
    assert "7 passed" in (work / "floor-0.out").read_text()
    assert row["findings"] == 2

    table = render(_results_with(row))
    prowler_line = next(line for line in table.splitlines() if line.startswith("Prowler end"))
    assert "(median of " in prowler_line
    floor_line = next(line for line in table.splitlines() if line.startswith("pytest's floor"))
    assert "7 passing tests, no fixture / Prowler" in floor_line
    assert f"= {floor['over_prowler']:.2f}" in floor_line
