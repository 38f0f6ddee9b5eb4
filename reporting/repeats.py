"""Repeated results counted together, for the console: one check on many targets of one stage.

A check that fails on every method of a stage says one thing about that stage; 10,000 such lines
bury the rest of the run. ``repeats`` puts together the results of one check on one stage of one
API (in the UNKNOWN and Waived tables, also with the same reason or waiver): ``GROUP_FROM`` or
more of them are one ``Repeat``, shown as one row with their number and the first few, where the
first of them stands in the tables' order; fewer stay one ``Repeat`` each, since one row each is
as short as a row and its examples. Every result is still in the JSON reports and the HTML
report, one by one. Pure.

Grouping comes before ordering: only the rows are sorted, and inside a group only its first few
are picked, so 10,000 findings of a few checks cost one pass and a short sort.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from typing import NamedTuple

from reporting.findings import CheckResult, report_order

GROUP_FROM = 4
_EXAMPLES = 3  # shown by name in a group; the rest counted ("and 40 more")

# Results that are counted together: account, region, API (id and name), stage, check and, when
# the table shows one, the detail under each row (an UNKNOWN's reason, a waiver's terms).
_Key = tuple[str | None, str, str | None, str | None, str | None, str, str | None]


class Repeat(NamedTuple):
    """One row of a console table: one result, or ``number`` results of one check on one stage
    (``GROUP_FROM`` or more), of which ``leading`` are the first few in the tables' order.
    (Immutable; a named tuple rather than a frozen dataclass: one is made per row, 10,000 at
    a time, and a frozen dataclass's ``__init__`` costs twice as much.)"""

    leading: tuple[CheckResult, ...]
    number: int
    noun: str  # what the results are on: methods (REST), routes (HTTP, WebSocket), targets

    @property
    def first(self) -> CheckResult:
        return self.leading[0]

    @property
    def grouped(self) -> bool:
        return self.number > 1

    def tally(self) -> str:
        """How many and of what: ``43 methods``."""
        return f"{self.number} {self.noun}"

    def examples(self, label: Callable[[CheckResult], str]) -> str:
        """The first few targets by ``label`` and the number of the others
        (``GET /pets, POST /pets, GET /pets/{id} and 40 more``)."""
        named = ", ".join(label(result) for result in self.leading)
        others = self.number - len(self.leading)
        return f"{named} and {others} more" if others else named


def _key(result: CheckResult, detail: Callable[[CheckResult], str] | None) -> _Key:
    target = result.target
    return (
        target.account,
        target.region,
        target.api_id,
        target.api_name,
        target.stage,
        result.check.id,
        detail(result) if detail is not None else None,
    )


def _noun(group: list[CheckResult]) -> str:
    """What a group's results are on (one API: one type)."""
    if not all(result.target.http_method for result in group):
        return "targets"
    return "methods" if group[0].target.api_type == "REST" else "routes"


def repeats(
    results: Iterable[CheckResult], detail: Callable[[CheckResult], str] | None = None
) -> list[Repeat]:
    """``results`` as rows in report order: each group of ``GROUP_FROM`` or more results of
    one check on one stage (and of one ``detail``) where its first result stands, every other
    result alone."""
    members: dict[_Key, list[CheckResult]] = {}
    for result in results:
        members.setdefault(_key(result, detail), []).append(result)
    rows: list[Repeat] = []
    for group in members.values():
        if len(group) < GROUP_FROM:
            rows += [Repeat((result,), 1, "") for result in group]
        else:
            leading = heapq.nsmallest(_EXAMPLES, group, key=report_order)
            rows.append(Repeat(tuple(leading), len(group), _noun(group)))
    rows.sort(key=lambda row: report_order(row.first))
    return rows
