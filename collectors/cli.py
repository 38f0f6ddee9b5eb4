"""``apigw-audit``: the console script. ``apigw-audit merge`` puts a CI matrix's shards together.

    apigw-audit merge SHARD_DIR... --report-dir OUT [-- PYTEST_OPTION...]

Each SHARD_DIR is the ``--report-dir`` of one ``--shard K/N`` run, holding the estate that
shard saved (``apigw_audit_snapshot.json``; a snapshot file may be named instead). The shards
must be every part of one audit (``collectors.estate_merge`` says what does not fit). Their
estates are merged into the one a single run would have collected, saved as OUT's
``apigw_audit_snapshot.json``, and audited again with the suite's checks
(``pytest CHECKS --snapshot-in`` that file ``--report-dir OUT``, no AWS call): the console
summary, both JSON reports, the HTML report (``-- --html OUT/report.html``) and the CI gate's
exit status are those of a single run over the whole estate. The options after ``--`` are
pytest's and the suite's, as the shards were given them: the gate (``--fail-on``,
``--waivers``, ``--allow-empty``), the scope (``--stages``) and the other reports.

Exit statuses: pytest's (the gate's), or 4 when the shards cannot be merged, with one line
saying why and what to do; nothing is written then.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import pytest

from collectors.contract import suite_checks_dir
from collectors.errors import AuditSetupError
from collectors.estate_merge import merge_shards
from collectors.serialization import load_snapshot, save_snapshot
from collectors.session import SHARD_SNAPSHOT

USAGE_ERROR = int(pytest.ExitCode.USAGE_ERROR)


class _Parser(argparse.ArgumentParser):
    """Usage mistakes are one line and the suite's usage status, 4, as in ``pytest checks/``."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_ERROR, f"{self.prog}: ERROR: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="apigw-audit", description="apigw-audit's commands beside `pytest checks/`."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    merge = commands.add_parser(
        "merge",
        help="merge the shards of one audit (--shard K/N runs) into the reports of one run",
        description="Merge the shards of one audit into the reports a single run would "
        "write; options after -- go to pytest (e.g. -- --fail-on high --html OUT/report.html).",
    )
    merge.add_argument(
        "shards", nargs="+", type=Path, metavar="SHARD_DIR", help="a shard's --report-dir"
    )
    merge.add_argument(
        "--report-dir", type=Path, required=True, metavar="OUT", help="where to write the reports"
    )
    return parser


def _snapshot_of(shard: Path) -> Path:
    return shard / SHARD_SNAPSHOT if shard.is_dir() else shard


def merge(shards: Sequence[Path], report_dir: Path, pytest_args: Sequence[str]) -> int:
    """Merge ``shards`` into ``report_dir``'s snapshot and audit it; the run's exit status."""
    checks = suite_checks_dir()
    if checks is None:  # pragma: no cover - the package is installed with its checks
        raise AuditSetupError("the suite's checks package is not installed.")
    estate = merge_shards([(path, load_snapshot(path)) for path in map(_snapshot_of, shards)])
    report_dir.mkdir(parents=True, exist_ok=True)
    merged = report_dir / SHARD_SNAPSHOT
    save_snapshot(estate, merged)
    return int(
        pytest.main(
            [
                str(checks),
                "--snapshot-in",
                str(merged),
                "--report-dir",
                str(report_dir),
                *pytest_args,
            ]
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    ours, pytest_args = arguments, []
    if "--" in arguments:
        split = arguments.index("--")
        ours, pytest_args = arguments[:split], arguments[split + 1 :]
    options = _parser().parse_args(ours)
    try:
        return merge(options.shards, options.report_dir, pytest_args)
    except AuditSetupError as exc:
        print(f"apigw-audit merge: ERROR: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except OSError as exc:
        print(
            f"apigw-audit merge: ERROR: cannot write to {options.report_dir}: {exc.strerror}.",
            file=sys.stderr,
        )
        return USAGE_ERROR


if __name__ == "__main__":
    sys.exit(main())
