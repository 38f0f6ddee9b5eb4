"""Concrete request paths as the templates callers use: ``/users/4711/orders`` becomes
``/users/{id}/orders``.

A greedy resource (``{proxy+}``) or an HTTP API's ``$default`` route hides the API surface the
backend really serves; the paths its callers send, with their variable parts made parameters,
show it. A segment becomes a parameter when it is an identifier, never when it is a word:
numbers, UUIDs, hex digests, dates and timestamps, e-mail and IP addresses, JSON Web Tokens,
base64, long tokens that mix letters and digits, and any segment of 20 characters or more.
What stays is what a developer wrote into a route; a template keeps no caller's identifier
that these shapes catch (a user name in a path, ``/users/alice``, stays: it is a word).
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
    ("{ip}", re.compile(r"(\d{1,3}\.){3}\d{1,3}|[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}", re.I)),
    ("{id}", re.compile(r"[+-]?\d+(\.\d+)?")),
    ("{hash}", re.compile(r"(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{16,}", re.I)),
    # a JSON Web Token: three base64url parts
    ("{token}", re.compile(r"[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    # an opaque id: 10+ characters of letters, digits, "_" or "-", with at least two digits
    # and a letter ("ord_8f3k2j9x1", "AKx9-2mQp7"); "v2", "oauth2" and "page-10" stay words
    ("{id}", re.compile(r"(?=(?:[^0-9]*[0-9]){2})(?=.*[A-Za-z])[A-Za-z0-9_-]{10,}")),
    # base64 with its padding, and any segment of 20 or more characters: no route names a
    # word that long, keys and tokens are (AKIAABCDEFGHIJKLMNOP, ZXhhbXBsZXRva2Vu...=)
    ("{token}", re.compile(r"[A-Za-z0-9+_-]{8,}={1,2}|.{20,}")),
)


def greedy_route(route_key: str) -> bool:
    """An HTTP API route that takes any path: ``$default``, or one with a greedy path
    parameter (``ANY /{proxy+}``, ``GET /files/{path+}``)."""
    return route_key == "$default" or "+}" in route_key


def path_template(path: str) -> str:
    """The template of a concrete path (its query string dropped; segments URL-decoded)."""
    segments = path.partition("?")[0].split("/")
    return "/".join(_segment(unquote(segment)) for segment in segments)


def _segment(segment: str) -> str:
    if not segment:
        return segment
    return next((name for name, pattern in _PARAMETERS if pattern.fullmatch(segment)), segment)
