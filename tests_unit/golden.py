"""Two audits' four outputs, normalised, and their golden copies in ``data/golden/<estate>/``.

The estates: the demo (``pytest checks --demo``), and the benchmark's small estate
(``bench.estate``'s ``small``: the large estate's shape, generated the same way, at 1,047
items instead of 48,729), built in-process and audited from its snapshot. Each audit writes
the audit JSON, the resources JSON, pytest-json-report's file and pytest-html's report.
Normalised, they hold only what the audit decides: what differs from one run, checkout or
machine to the next is replaced by a placeholder, and nothing else, so that any other change
shows.

- Times: an ISO 8601 date-time becomes ``<time>`` (the demo's traffic falls in the last week
  at times of day that shift with the run's), a bare date ``<day+N>``, N the days from the
  run's date (the day a finding names: a certificate expiring 12 days after the estate was
  built), pytest-html's "02-Dec-2026 at 12:48:53" ``<time>``.
- Durations: pytest-json-report's ``created`` and ``duration``\\s, pytest-html's per-test
  durations and "N tests took 00:00:12".
- The environment: Python, the platform, the packages and plugins installed (pytest-json-
  report's and pytest-html's environment tables), pytest-html's version and its script.
- The checkout: its path (``<repo>``) and pytest's keyword of its directory's name.

The JSON documents are parsed and written again (one-space indent, keys in their order,
UTF-8), so a golden compares content, not the encoder's layout. pytest-html's results are a
JSON document in an attribute (``data-jsonblob``): it is written out the same way, in place.

After a deliberate change of an output, regenerate the goldens and review their diff::

    python -m tests_unit.golden
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pytest_metadata.plugin import CONTINUOUS_INTEGRATION

REPO_ROOT = Path(__file__).resolve().parent.parent
GOLDEN_DIR = Path(__file__).resolve().parent / "data" / "golden"

# Added to the run's own paths: -p no:cacheprovider keeps .pytest_cache out of the checkout.
_AUDIT_ARGS = ("checks", "-q", "-p", "no:cacheprovider")
ESTATES = ("demo", "bench-small")
_BENCH_SIZE = "small"
_ENVIRONMENT_KEYS = ("Python", "Platform", "Packages", "Plugins")
_PHASES = ("setup", "call", "teardown")

_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")
_DATE = re.compile(r"(?<![\d-])(\d{4}-\d\d-\d\d)(?![\d-])")
# Whole days until a demo certificate expires: counted from when the run built it, so one
# day more or less by the second the count is taken (the demo's 12 and 365 days read 11, 364).
_DAYS_TO_EXPIRY = re.compile(r"((?:\\?\"|&#34;|&quot;)days_to_expiry(?:\\?\"|&#34;|&quot;):\s*)\d+")
_PYTEST_HTML_GENERATED = re.compile(r"\d\d-\w{3}-\d{4} at \d\d:\d\d:\d\d")
_PYTEST_HTML_VERSION = re.compile(r"(pytest-html</a>\s*)v[\w.]+")
_PYTEST_HTML_TOOK = re.compile(r"tests took \d\d:\d\d:\d\d\.")
_SCRIPT = re.compile(r"<script>.*?</script>", re.DOTALL)
_BLOB = re.compile(r'data-jsonblob="([^"]*)"')
_DURATION_CELL = re.compile(r'<td class="col-duration">[^<]*</td>')


@dataclass(frozen=True)
class AuditRun:
    """The outputs of one audit of an estate, in ``directory``."""

    estate: str  # one of ESTATES
    directory: Path
    today: date  # the run's date (UTC), which the times are counted from

    def normalised(self, output: Output) -> str:
        text = (self.directory / output.name).read_text(encoding="utf-8")
        return _checkout_free(_times_as_days(output.normalise(text), self.today))


@dataclass(frozen=True)
class Output:
    """One output of the run: its file name and how to normalise it."""

    name: str
    normalise: Callable[[str], str]

    def golden(self, estate: str) -> Path:
        return GOLDEN_DIR / estate / f"{self.name}.gz"

    def read_golden(self, estate: str) -> str:
        return gzip.decompress(self.golden(estate).read_bytes()).decode("utf-8")


def _estate_arguments(estate: str, directory: Path) -> tuple[str, ...]:
    """The options that name the estate; the benchmark's is built and saved in ``directory``."""
    if estate == "demo":
        return ("--demo",)
    # Imported here: the demo's audit needs neither moto's estate builders nor the benchmark.
    from bench.estate import SIZES, build_estate
    from collectors.demo.estate import emulated_aws
    from collectors.serialization import save_snapshot
    from tests_unit.conftest import collect

    spec = SIZES[_BENCH_SIZE]
    snapshot = directory / "inventory.json"
    with emulated_aws(spec.seed):
        build_estate(spec)
        save_snapshot(collect(spec.regions), snapshot)
    return ("--snapshot-in", str(snapshot))


def run_audit(estate: str, directory: Path) -> AuditRun:
    """Audit ``estate`` in a fresh interpreter on this checkout, its outputs in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    estate_arguments = _estate_arguments(estate, directory)
    today = datetime.now(UTC).date()
    # The checkout's code, whatever is installed, and none of an enclosing pytest's settings.
    # Nor the CI service's variables, which pytest-metadata adds to both reports' environment.
    services = {name for names in CONTINUOUS_INTEGRATION for name in names}
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k not in services
    }
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    finished = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *_AUDIT_ARGS,
            *estate_arguments,
            "--report-dir",
            str(directory),
            "--html",
            str(directory / "report.html"),
            "--json-report",
            "--json-report-file",
            str(directory / "report.json"),
        ],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 1:  # both estates have findings: exit status 1, the gate's
        raise RuntimeError(
            f"the audit of the {estate} estate exited {finished.returncode}:\n"
            f"{finished.stdout[-4000:]}{finished.stderr[-4000:]}"
        )
    return AuditRun(estate, directory, today)


def _json_text(document: Any) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def _document(text: str) -> str:
    return _json_text(json.loads(text))


def _json_report(text: str) -> str:
    document = json.loads(text)
    document["created"] = document["duration"] = "<duration>"
    _without_environment(document["environment"])
    for test in document["tests"]:
        test["keywords"] = [
            "<checkout directory>" if keyword == REPO_ROOT.name else keyword
            for keyword in test["keywords"]
        ]
        for phase in _PHASES:
            if phase in test:
                test[phase]["duration"] = "<duration>"
    return _json_text(document)


def _pytest_html(text: str) -> str:
    found = _BLOB.search(text)
    if found is None:
        raise ValueError("pytest-html's report without its data-jsonblob")
    blob = json.loads(html.unescape(found.group(1)))
    _without_environment(blob["environment"])
    for results in blob["tests"].values():
        for result in results:
            result["duration"] = "<duration>"
            result["resultsTableRow"] = [
                _DURATION_CELL.sub('<td class="col-duration"><duration></td>', cell)
                for cell in result["resultsTableRow"]
            ]
    page = text[: found.start()] + "data-jsonblob=<below>" + text[found.end() :]
    page = _PYTEST_HTML_GENERATED.sub("<time>", page)
    page = _PYTEST_HTML_VERSION.sub(r"\1v<version>", page)
    page = _PYTEST_HTML_TOOK.sub("tests took <duration>.", page)
    page = _SCRIPT.sub("<script><pytest-html's script></script>", page)
    return f"{page}\n<data-jsonblob>\n{_json_text(blob)}"


def _without_environment(environment: dict[str, Any]) -> None:
    for key in _ENVIRONMENT_KEYS:
        environment[key] = "<environment>"


def _times_as_days(text: str, today: date) -> str:
    def days(found: re.Match[str]) -> str:
        try:
            return f"<day{(date.fromisoformat(found.group(1)) - today).days:+d}>"
        except ValueError:  # digits that only look like a date
            return found.group(0)

    text = _DAYS_TO_EXPIRY.sub(r"\1<days>", _DATE_TIME.sub("<time>", text))
    return _DATE.sub(days, text)


def _checkout_free(text: str) -> str:
    return text.replace(str(REPO_ROOT), "<repo>")


OUTPUTS = (
    Output("api_gateway_audit.json", _document),
    Output("api_gateway_resources.json", _document),
    Output("report.json", _json_report),
    Output("report.html", _pytest_html),
)


def regenerate() -> None:
    """Audit each estate and write its normalised outputs as the goldens."""
    for estate in ESTATES:
        (GOLDEN_DIR / estate).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="apigw-audit-golden-") as directory:
            run = run_audit(estate, Path(directory))
            for output in OUTPUTS:
                # mtime=0: the same content makes the same file, so git sees real changes only.
                data = gzip.compress(run.normalised(output).encode("utf-8"), 9, mtime=0)
                golden = output.golden(estate)
                golden.write_bytes(data)
                print(f"wrote {golden.relative_to(REPO_ROOT)} ({len(data):,} bytes)")


if __name__ == "__main__":
    regenerate()
