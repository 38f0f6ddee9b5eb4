"""Writing and reading the JSON files: snapshots and reports are complete or absent, never half
written, and a failed write leaves the previous file in place.

Encoded by orjson (in C: the reports of a large estate are megabytes, and the standard
library's indented encoder is pure Python). The output contract, the same document as
``json.dump`` with the standard library's defaults wrote until issue 15:

- keys in the order the document holds them, floats as their shortest round-trip repr,
  integers as written, tuples as arrays;
- UTF-8, non-ASCII characters as themselves (``json`` wrote ``\\u00e9``), control characters
  escaped, ``"`` and ``\\`` escaped, ``/`` not;
- a document indented by two spaces (``json`` was given one), then a newline; JSON lines one
  compact document a line.

What ``json`` accepted it still does: a named tuple (an array), a ``float`` subclass and
dictionary keys that are ``int``, ``float``, ``bool`` or ``None`` (stringified as ``json``
does). What it refused still fails with ``TypeError``: a set, bytes, a date or time, a
dataclass (except in a snapshot, where the estate's frozen dataclasses are encoded field by
field), any other object. orjson refuses, ``TypeError`` too, what no reader would take back
as it was: integers beyond 64 bits and strings with lone surrogates (not UTF-8). It writes a
plain ``Enum`` as its value, a UUID as its string and any mapping as an object, where ``json``
refused them; and DEL (U+007F, not a control character to JSON) as itself.

A document is written a part at a time: the objects and arrays of its first levels
(``_STREAMED_LEVELS``) member by member, each member encoded on its own and indented to its
depth, so no encoding of the whole is ever held (95 MB for the audit JSON of the xl estate,
bench/README.md). The bytes are those of encoding the whole at once: a JSON text holds no
raw newline but those of its layout, so indenting a member is one replacement.

``NaN`` and the infinities are not JSON: ``json`` wrote bare ``NaN``/``Infinity`` tokens
(that ``jq``, browsers and orjson refuse), orjson writes ``null``. None reaches a writer:
AWS's JSON has no such numbers, a snapshot holding them is refused on reading, and a check's
evidence holding them fails the check (``checks/plugin.py``), as any evidence not JSON does.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import orjson

_REFUSED = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
_KEYS = orjson.OPT_NON_STR_KEYS
_DOCUMENT = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE | _KEYS
_LINE = orjson.OPT_APPEND_NEWLINE | _KEYS
_MEMBER = orjson.OPT_INDENT_2 | _KEYS | _REFUSED  # a part of a document, indented as at depth 0
_KEY = _KEYS | _REFUSED
_INDENT = b"  "  # orjson.OPT_INDENT_2's
# The audit JSON: the document, its groups, a group, then each group's findings whole.
_STREAMED_LEVELS = 3


def write_json_atomically(path: Path, document: Any) -> None:
    """Write a JSON document to a temporary file beside ``path`` and rename it into place."""

    def write(handle: BinaryIO) -> None:
        _write_member(handle.write, document, 0)
        handle.write(b"\n")

    _write_atomically(path, write)


def _write_member(write: Callable[[bytes], object], value: Any, depth: int) -> None:
    """``value`` as ``encode(value, _MEMBER)`` wrote it, indented to ``depth``, in parts."""
    if depth < _STREAMED_LEVELS and type(value) in (dict, list) and value:
        inner = b"\n" + _INDENT * (depth + 1)
        if type(value) is dict:
            write(b"{")
            for index, (key, member) in enumerate(value.items()):
                # The key as orjson writes it (a non-string key stringified): from {key: 0}.
                write((b"," if index else b"") + inner + encode({key: 0}, _KEY)[1:-2] + b" ")
                _write_member(write, member, depth + 1)
            write(b"\n" + _INDENT * depth + b"}")
        else:
            write(b"[")
            for index, member in enumerate(value):
                write((b"," if index else b"") + inner)
                _write_member(write, member, depth + 1)
            write(b"\n" + _INDENT * depth + b"]")
        return
    data = encode(value, _MEMBER)
    write(data.replace(b"\n", b"\n" + _INDENT * depth) if depth else data)


def write_dataclasses_atomically(path: Path, document: Any) -> None:
    """As ``write_json_atomically``, a document of (frozen) dataclasses written as objects of
    their fields in the order declared, tuples as arrays and mappings as objects."""
    data = encode(document, _DOCUMENT | orjson.OPT_PASSTHROUGH_DATETIME)
    _write_atomically(path, lambda handle: handle.write(data))


def write_json_lines_atomically(path: Path, documents: Iterable[Any]) -> None:
    """Write one compact JSON document a line (JSON lines), atomically as above."""

    def write(handle: BinaryIO) -> None:
        for document in documents:
            handle.write(encode(document, _LINE | _REFUSED))

    _write_atomically(path, write)


def read_json(path: Path) -> Any:
    """A JSON file's document; ``ValueError`` (``json.JSONDecodeError``) when it is not JSON
    in UTF-8, ``OSError`` when it cannot be read."""
    return orjson.loads(path.read_bytes())


def encode(document: Any, options: int) -> bytes:
    """``document`` encoded with orjson ``options``, refusing what the module says."""
    return orjson.dumps(document, default=_as_json_did, option=options)


def _as_json_did(value: Any) -> Any:
    """What orjson leaves to its caller that ``json`` encoded; anything else is refused."""
    if isinstance(value, tuple):  # a named tuple: an array, as ``json`` writes it
        return list(value)
    if isinstance(value, float):  # a float subclass
        return float(value)
    if isinstance(value, Mapping):  # e.g. a MappingProxyType in a frozen dataclass
        return dict(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; reports are ordinary files
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
