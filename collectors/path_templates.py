"""Concrete request paths as the templates callers use: ``/users/4711/orders`` becomes
``/users/{id}/orders``.

A greedy resource (``{proxy+}``) or an HTTP API's ``$default`` route hides the API surface the
backend really serves; the paths its callers send, with their variable parts made parameters,
show it. A segment becomes a parameter when it is an identifier, never when it is a word:
numbers, UUIDs, hex digests, dates and timestamps, e-mail addresses, and long tokens that mix
letters and digits. What stays is what a developer wrote into a route.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

# Most specific first: a UUID is hex, a date has digits.
_PARAMETERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("{uuid}", re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)),
    (
        "{date}",
        re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"),
    ),
    ("{email}", re.compile(r"[^@\s/]+@[^@\s/]+\.[A-Za-z]{2,}")),
    ("{id}", re.compile(r"[+-]?\d+(\.\d+)?")),
    ("{hash}", re.compile(r"(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{16,}", re.I)),
    # an opaque id: 10+ characters of letters, digits, "_" or "-", with at least two digits
    # and a letter ("ord_8f3k2j9x1", "AKx9-2mQp7"); "v2", "oauth2" and "page-10" stay words
    ("{id}", re.compile(r"(?=(?:[^0-9]*[0-9]){2})(?=.*[A-Za-z])[A-Za-z0-9_-]{10,}")),
)


def path_template(path: str) -> str:
    """The template of a concrete path (its query string dropped; segments URL-decoded)."""
    segments = path.partition("?")[0].split("/")
    return "/".join(_segment(unquote(segment)) for segment in segments)


def _segment(segment: str) -> str:
    if not segment:
        return segment
    return next((name for name, pattern in _PARAMETERS if pattern.fullmatch(segment)), segment)
