"""Writing a JSON file atomically: snapshots and reports are complete or absent, never half
written, and a failed write leaves the previous file in place."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TextIO


def write_json_atomically(path: Path, document: Any) -> None:
    """Write JSON to a temporary file beside ``path`` and rename it into place."""

    def write(handle: TextIO) -> None:
        json.dump(document, handle, indent=1, sort_keys=False)
        handle.write("\n")

    _write_atomically(path, write)


def write_json_lines_atomically(path: Path, documents: Iterable[Any]) -> None:
    """Write one compact JSON document a line (JSON lines), atomically as above."""

    def write(handle: TextIO) -> None:
        for document in documents:
            handle.write(json.dumps(document, separators=(",", ":")) + "\n")

    _write_atomically(path, write)


def _write_atomically(path: Path, write: Callable[[TextIO], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; reports are ordinary files
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            write(handle)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
