"""Small helpers shared by the parsers of boto3 answers (collectors/rest.py, http.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")


def iso(value: Any) -> str | None:
    """A boto3 datetime as ISO 8601 text (the inventory is JSON), or ``None``."""
    return value.isoformat() if value is not None else None


def parse_all(
    raw_items: list[dict[str, Any]] | None,
    parse: Callable[[Mapping[str, Any]], T],
    sort_key: Callable[[T], str] | None = None,
) -> tuple[T, ...] | None:
    """Parse a collected list; ``None`` (the call failed) stays ``None``, never ``()``."""
    if raw_items is None:
        return None
    items = [parse(raw) for raw in raw_items]
    return tuple(sorted(items, key=sort_key) if sort_key else items)
