"""What is in scope: APIs not excluded by tag, and production or staging stages.

Pure functions of names and tags, shared by collection (excluded APIs are not collected
beyond their listing), by the pytest glue (which stages become targets) and by the reports
(which list what was skipped, and why).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Mapping, Sequence

EXCLUDING_TAGS = ("ExcludeFromAudit", "Internal")

StageFilter = Callable[[str], bool]  # whether a stage (by name) is audited

PRODUCTION_TOKENS = frozenset({"prod", "production", "prd", "live"})
STAGING_TOKENS = frozenset({"staging", "stage", "stg", "preprod"})
NEGATING_TOKENS = frozenset({"non", "nonprod"})

# Tokens split on -, _, . and spaces, on lower→upper case changes and on letter↔digit changes:
# "prod-eu-1" -> prod/eu/1, "ProdEU" -> prod/eu, "staging2" -> staging/2.
_TOKEN = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
# "pre" before "prod" is one word however it is written: "pre-prod", "PreProd" -> preprod.
_JOINED_TO_PRE = frozenset({"prod", "production"})


def api_exclusion_reason(tags: Mapping[str, str]) -> str | None:
    """Why an API is out of scope by its tags (value ``true``, any case), or ``None``."""
    for name in EXCLUDING_TAGS:
        value = tags.get(name)
        if value is not None and value.strip().lower() == "true":
            return f"tagged {name}={value}"
    return None


def stage_name_tokens(name: str) -> list[str]:
    tokens: list[str] = []
    for token in (t.lower() for t in _TOKEN.findall(name)):
        if tokens and tokens[-1] == "pre" and token in _JOINED_TO_PRE:
            tokens[-1] = "preprod"
        else:
            tokens.append(token)
    return tokens


def stage_environment(name: str) -> str | None:
    """``"production"``, ``"staging"`` or ``None`` by the default naming rule."""
    tokens = set(stage_name_tokens(name))
    if tokens & NEGATING_TOKENS:
        return None
    if tokens & PRODUCTION_TOKENS:
        return "production"
    if tokens & STAGING_TOKENS:
        return "staging"
    return None


class StageScope:
    """Decides which stages are audited: the default rule, or the user's glob patterns."""

    def __init__(self, patterns: Sequence[str] = ()) -> None:
        self.patterns = tuple(p.strip() for p in patterns if p.strip())

    def describe(self) -> str:
        if self.patterns:
            return "stages matching " + ", ".join(self.patterns)
        return (
            "production and staging stages (by name: prod, production, prd, live, "
            "staging, stage, stg, preprod; not non-prod)"
        )

    def exclusion_reason(self, stage_name: str) -> str | None:
        if self.patterns:
            if any(fnmatch.fnmatchcase(stage_name, p) for p in self.patterns):
                return None
            return f"stage '{stage_name}' matches none of --stages {','.join(self.patterns)}"
        if stage_environment(stage_name) is None:
            return f"stage '{stage_name}' is not a production or staging stage"
        return None

    def audits(self, stage_name: str) -> bool:
        return self.exclusion_reason(stage_name) is None

    def environment(self, stage_name: str) -> str:
        """``production`` or ``staging`` for an in-scope stage (patterns: by name, else prod)."""
        return "staging" if stage_environment(stage_name) == "staging" else "production"
