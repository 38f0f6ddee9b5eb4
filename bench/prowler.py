"""The optional Prowler row: Prowler's API Gateway checks against the same emulator as the audit.

Prowler is not a dependency of the suite or of the benchmark. Its executable is, in order,
``--prowler PATH``, ``$BENCH_PROWLER``, or ``prowler`` on ``PATH``; when there is none the row
is skipped and the table says so in one line. Install it in a virtual environment of its own
(its pins clash with the suite's): ``python3 -m venv ~/prowler && ~/prowler/bin/pip install
prowler``.

It runs as the end-to-end audit does: a child process measured by ``run_measured``, pointed at
the emulator by ``AWS_ENDPOINT_URL`` with the same dummy credentials and regions, its start-up
included, with the cheapest output Prowler offers (one CSV file, no banner, no colour). The
emulator counts its requests by operation. Besides API Gateway, Prowler 5 calls at start-up STS
GetCallerIdentity, Organizations DescribeAccount (moto answers AccountNotFoundException, which
Prowler logs and goes past) and EC2 DescribeRegions; its exit status 3 (failed checks) is
switched off with ``--ignore-exit-code-3``, so any other non-zero status is a failure.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

ENVIRONMENT_VARIABLE = "BENCH_PROWLER"
SERVICES = ("apigateway", "apigatewayv2")


def locate(option: str | None) -> str | None:
    """The Prowler executable to measure: the option, then the variable, then ``PATH``."""
    return option or os.environ.get(ENVIRONMENT_VARIABLE) or shutil.which("prowler")


def skipped() -> dict[str, Any]:
    """The row's results when there is no Prowler: why, and how to have it, in one line."""
    reason = (
        f"skipped: Prowler not found (give --prowler PATH, set {ENVIRONMENT_VARIABLE}, "
        "or put prowler on PATH)"
    )
    return {"measured": False, "reason": reason}


def command(executable: str, regions: tuple[str, ...], output_directory: Path) -> list[str]:
    """``prowler aws`` over the API Gateway services of ``regions``, writing one CSV file."""
    return [
        executable,
        "aws",
        "--service",
        *SERVICES,
        "--region",
        *regions,
        "--output-formats",
        "csv",
        "--output-directory",
        str(output_directory),
        "--no-banner",
        "--no-color",
        "--ignore-exit-code-3",
    ]


def findings(output_directory: Path) -> int:
    """Records of the CSV files Prowler wrote (one per check result; the header excluded).

    Prowler's CSV is ``;``-separated and its quoted fields (remediation text) span lines, so
    records are counted with the ``csv`` module, not by lines.
    """
    total = 0
    for path in output_directory.glob("*.csv"):
        with path.open(newline="", errors="replace") as file:
            total += max(sum(1 for _ in csv.reader(file, delimiter=";")) - 1, 0)
    return total


def version(executable: str) -> str:
    """Prowler's version, read from the environment it is installed in.

    ``prowler --version`` loads all of Prowler (tens of seconds), so the package metadata
    is read with the interpreter beside the executable instead, when there is one.
    """
    interpreter = Path(shutil.which(executable) or executable).parent / "python"
    if not interpreter.exists():
        return "unknown"
    answer = subprocess.run(
        [
            str(interpreter),
            "-c",
            "from importlib.metadata import version; print(version('prowler'))",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return answer.stdout.strip() or "unknown"
