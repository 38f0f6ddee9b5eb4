"""Accepted risks: waivers that report a matching finding as WAIVED until they expire.

A waivers file (``--waivers FILE``) is YAML (``.yaml``, ``.yml``) or TOML (``.toml``) with one
list, ``waivers``, whose entries all have the same five fields::

    waivers:
      - check: APIGW-AUTH-001                          # the check id
        target: "us-east-1/a1b2c3d4e5/prod/GET /health"  # glob over the target key or test id
        reason: Public health probe; returns no data.
        expires: 2026-12-31                            # the last day it applies (UTC)
        approved_by: security@example.com

A waiver applies to failed checks only: a check that could not be evaluated (UNKNOWN) is
never waived. An expired waiver does not apply; a waiver that matches no finding of a check
evaluated on every target is stale (``reporting.findings.stale_waivers``); a waiver naming a
check the run does not know is a typo (``unknown_check``). Any problem with
the file is one line naming the entry, raised as ``WaiverFileError``.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

FIELDS = ("check", "target", "reason", "expires", "approved_by")


class WaiverFileError(Exception):
    """The waivers file cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Waiver:
    number: int  # the entry's position in the file, from 1, to name it in messages
    check: str
    target: str
    reason: str
    expires: date
    approved_by: str

    def matches(self, check_id: str, target_key: str, test_id: str) -> bool:
        # Equality first: a test id holds "[...]", which a glob would read as a character set.
        return check_id == self.check and any(
            value == self.target or fnmatch.fnmatchcase(value, self.target)
            for value in (target_key, test_id)
        )

    def expired(self, today: date) -> bool:
        return self.expires < today

    def describe(self) -> str:
        return f"waiver {self.number} ({self.check} on {self.target})"

    def terms(self) -> str:
        return f"{self.reason} (approved by {self.approved_by}, until {self.expires})"


def load_waivers(path: Path) -> tuple[Waiver, ...]:
    """Read and validate a waivers file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WaiverFileError(f"Waivers file {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise WaiverFileError(f"Cannot read waivers file {path}: {exc}.") from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            document: Any = tomllib.loads(text)
        elif suffix in (".yaml", ".yml"):
            document = yaml.load(text, Loader=_WaiversLoader)
        else:
            raise WaiverFileError(
                f"Waivers file {path} must be YAML (.yaml, .yml) or TOML (.toml)."
            )
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        problem = " ".join(str(exc).split())
        raise WaiverFileError(
            f"Waivers file {path}{_toml_entry(exc, text)} cannot be parsed: {problem}."
        ) from None
    return parse_waivers(document, str(path))


class _WaiversLoader(yaml.SafeLoader):
    """PyYAML's safe loader, but an impossible date (2027-02-30) stays text: PyYAML's own
    timestamp constructor raises a bare ValueError, and ``_date`` then names the entry."""


def _date_or_text(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    assert isinstance(node, yaml.ScalarNode)  # YAML resolves only scalars to timestamps
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_WaiversLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_or_text)

_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")
_TOML_ENTRY = re.compile(r"^\s*\[\[\s*waivers\s*\]\]", re.MULTILINE)


def _toml_entry(error: Exception, text: str) -> str:
    """ ", entry N" when a TOML error (an impossible date: 2027-02-30) lies in the Nth
    ``[[waivers]]`` table; tomllib names only the line."""
    found = _TOML_LINE.search(str(error)) if isinstance(error, tomllib.TOMLDecodeError) else None
    if found is None:
        return ""
    before = "\n".join(text.splitlines()[: int(found.group(1))])
    number = len(_TOML_ENTRY.findall(before))
    return f", entry {number}" if number else ""


def parse_waivers(document: Any, source: str) -> tuple[Waiver, ...]:
    if not isinstance(document, Mapping) or not isinstance(document.get("waivers"), list):
        raise WaiverFileError(f"Waivers file {source} must hold a list named 'waivers'.")
    return tuple(
        _waiver(number, entry, source) for number, entry in enumerate(document["waivers"], start=1)
    )


def _waiver(number: int, entry: Any, source: str) -> Waiver:
    where = f"Waivers file {source}, entry {number}"
    if not isinstance(entry, Mapping):
        raise WaiverFileError(f"{where}: expected the fields {', '.join(FIELDS)}.")
    if isinstance(entry.get("check"), str):
        where += f" ({entry['check']})"
    missing = [name for name in FIELDS if name not in entry]
    if missing:
        raise WaiverFileError(f"{where}: missing {', '.join(missing)}.")
    unknown = sorted(str(name) for name in entry if name not in FIELDS)
    if unknown:
        raise WaiverFileError(
            f"{where}: unknown field {', '.join(unknown)} (expected {', '.join(FIELDS)})."
        )
    texts = {}
    for name in ("check", "target", "reason", "approved_by"):
        value = entry[name]
        if not isinstance(value, str) or not value.strip():
            raise WaiverFileError(f"{where}: {name} must be a non-empty text.")
        texts[name] = value.strip()
    return Waiver(number=number, expires=_date(entry["expires"], where), **texts)


def _date(value: Any, where: str) -> date:
    # YAML and TOML both read an unquoted 2026-12-31 as a date; a quoted one is text.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise WaiverFileError(f"{where}: expires must be a date (YYYY-MM-DD), got {value!r}.")


def in_namespace(waiver: Waiver, suite: Collection[str]) -> bool:
    """Whether the waiver names an id in the suite's namespace (``APIGW-``: the prefixes of its
    catalogue's ids), rather than an organisation's own check."""
    return waiver.check.startswith(tuple({check.split("-")[0] + "-" for check in suite}))


def unknown_check(waivers: Iterable[Waiver], known: Collection[str], source: str) -> str | None:
    """The problem with the first waiver naming a check id not in ``known`` (a typo), with the
    closest known id, or ``None``."""
    for waiver in waivers:
        if waiver.check in known:
            continue
        close = difflib.get_close_matches(waiver.check, sorted(known), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return (
            f"Waivers file {source}, entry {waiver.number} ({waiver.check}): no check has "
            f"this id{hint}."
        )
    return None


def waiver_for(
    waivers: Iterable[Waiver], check_id: str, target_key: str, test_id: str, today: date
) -> tuple[Waiver | None, Waiver | None]:
    """The first matching waiver still in force, and the first matching expired one."""
    applied: Waiver | None = None
    expired: Waiver | None = None
    for waiver in waivers:
        if not waiver.matches(check_id, target_key, test_id):
            continue
        if waiver.expired(today):
            expired = expired or waiver
        else:
            applied = applied or waiver
    return applied, expired
