"""Every place an audit run writes to, checked writable before collection starts.

An audit can take minutes: a report directory or a snapshot file that cannot be written must
stop the run before the first AWS call, with one line (``Cannot write --report-dir /x:
Permission denied.``), not fail after the whole audit. ``OUTPUTS`` is the one table of the
options naming such a place, ours and the report plugins' we feed; an option that writes a
new file is one more row. Nothing is created by the check but a probe file it removes: the
writers make missing directories themselves.
"""

from __future__ import annotations

import errno
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True, kw_only=True)
class Output:
    """An option naming a place the run writes to."""

    dest: str  # the option's name in config.option
    flag: str  # as the user types it
    directory: bool = False  # a directory the run writes files into, else the file itself
    enabled_by: str | None = None  # the option without which nothing is written there
    written_by_collect_only: bool = True  # also written by a --collect-only run

    def path(self, config: pytest.Config) -> Path | None:
        """Where the run will write, if it writes here at all."""
        value = config.getoption(self.dest, None)
        if not value or (self.enabled_by and not config.getoption(self.enabled_by, None)):
            return None
        if config.option.collectonly and not self.written_by_collect_only:
            return None
        return config.invocation_params.dir / Path(value).expanduser()


OUTPUTS = (
    Output(dest="report_dir", flag="--report-dir", directory=True, written_by_collect_only=False),
    Output(dest="snapshot_out", flag="--snapshot-out"),
    Output(dest="ocsf", flag="--ocsf", written_by_collect_only=False),
    Output(dest="htmlpath", flag="--html"),  # pytest-html
    Output(dest="json_report_file", flag="--json-report-file", enabled_by="json_report"),
    Output(dest="xmlpath", flag="--junitxml"),  # pytest's junitxml
)


def unwritable(path: Path, *, directory: bool) -> str | None:
    """Why nothing could be written at ``path`` (a directory to write files into, or a file),
    in the operating system's words; ``None`` when it can be."""
    try:
        if not directory and path.is_dir():
            return os.strerror(errno.EISDIR)
        folder = path if directory else path.parent
        while not folder.exists():  # the writers make what is missing, from the nearest
            folder = folder.parent
        if not folder.is_dir():
            return os.strerror(errno.ENOTDIR)
        # Trying is the only sure test: permissions, ACLs, a read-only file system.
        fd, probe = tempfile.mkstemp(prefix=".apigw-audit-probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
        if not directory and path.exists() and not os.access(path, os.W_OK):
            return os.strerror(errno.EACCES)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def refuse_unwritable_outputs(config: pytest.Config) -> None:
    """A usage error for the first output location the run could not write."""
    for output in OUTPUTS:
        path = output.path(config)
        reason = unwritable(path, directory=output.directory) if path is not None else None
        if reason is not None:
            raise pytest.UsageError(f"Cannot write {output.flag} {path}: {reason}.")
