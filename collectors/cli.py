"""``apigw-audit``: the console script. ``apigw-audit merge`` puts a CI matrix's shards together.

    apigw-audit merge SHARD_DIR... --report-dir OUT [-- PYTEST_OPTION...]

Each SHARD_DIR is the ``--report-dir`` of one ``--shard K/N`` run, holding the estate that
shard saved (``apigw_audit_snapshot.json``; a snapshot file may be named instead). The shards
must be every part of one audit (``collectors.estate_merge`` says what does not fit). Their
estates are merged into the one a single run would have collected, saved as OUT's
``apigw_audit_snapshot.json``, and audited again with the suite's checks
(``python -m pytest CHECKS --snapshot-in`` that file ``--report-dir OUT``, with the shards'
``--stages``, no AWS call): the console
summary, both JSON reports, the HTML report (``-- --html OUT/report.html``) and the CI gate's
exit status are those of a single run over the whole estate. The options after ``--`` are
pytest's and the suite's, as the shards were given them: the gate (``--fail-on``,
``--waivers``, ``--allow-empty``), selection (``-k``, ``-m``) and the other reports; those
that choose or scope the estate came from the shards and are refused.

Exit statuses: pytest's (the gate's), or 4 when the shards cannot be merged, with one line
saying why and what to do; nothing is written then.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import pytest

from collectors.contract import suite_checks_dir
from collectors.errors import AuditSetupError
from collectors.estate_merge import merge_shards
from collectors.model import Estate
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


# What the shards chose, which the merged audit takes from them: not pytest options of a merge.
_CHOSEN_BY_THE_SHARDS = (
    "--snapshot-in", "--snapshot-out", "--report-dir", "--shard", "--demo", "--region",
    "--aws-profile", "--accounts", "--organization", "--role-name", "--external-id",
    "--stages", "--traffic-days", "--traffic-max-gb",
)  # fmt: skip


def _refuse_estate_options(pytest_args: Sequence[str]) -> None:
    for argument in pytest_args:
        flag = argument.split("=", 1)[0]
        if flag in _CHOSEN_BY_THE_SHARDS:
            raise AuditSetupError(
                f"{flag} after -- does not apply: the merge audits the shards' estate, with "
                "their scope, and writes to --report-dir OUT."
            )


def merge(shards: Sequence[Path], report_dir: Path, pytest_args: Sequence[str]) -> int:
    """Merge ``shards`` into ``report_dir``'s snapshot and audit it; the run's exit status.
    The audit runs as its own ``python -m pytest`` process, as a shard's run did."""
    _refuse_estate_options(pytest_args)
    checks = suite_checks_dir()
    if checks is None:  # pragma: no cover - the package is installed with its checks
        raise AuditSetupError("the suite's checks package is not installed.")
    merged = report_dir / SHARD_SNAPSHOT
    inputs = [_snapshot_of(shard) for shard in shards]
    if merged.resolve() in {path.resolve() for path in inputs}:
        raise AuditSetupError(
            f"--report-dir {report_dir} holds a shard's estate: write the merge elsewhere."
        )
    parts = [(path, load_snapshot(path)) for path in inputs]
    estate = merge_shards(parts)
    report_dir.mkdir(parents=True, exist_ok=True)
    save_snapshot(estate, merged)
    command = [sys.executable, "-m", "pytest", str(checks), "--snapshot-in", str(merged)]
    command += ["--report-dir", str(report_dir), *_scope_of(parts), *pytest_args]
    return subprocess.call(command)


def _scope_of(parts: Sequence[tuple[Path, Estate]]) -> list[str]:
    """The shards' --stages (they agree: ``merge_shards`` made sure), for the merged audit."""
    shard = parts[0][1].shard
    return ["--stages", ",".join(shard.stages)] if shard is not None and shard.stages else []


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
