"""Each check item's location, worked out once per check function.

pytest reports where each test is (``item.location``: the file relative to the root
directory, the line, the test's name in its module) with every report it logs; for each item
it asks the item's function where it was defined (``inspect``, through ``reportinfo``) and
makes the path relative again, though the items of one check differ only in their names: at
the large estate about a twentieth of a check item's cost (bench/README.md, issue 15). The
items of one function share its file and line, worked out by pytest for the first of them;
each item's name is its own (``getmodpath``, as pytest's ``reportinfo`` takes it). The value
is pytest's own: ``location`` is a cached property, filled here as pytest would fill it, for
items of pytest's own ``Function`` class (not a subclass, which may report otherwise).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest

_LOCATION = "location"  # pytest's cached property on Item


def share_locations(items: Iterable[pytest.Item], is_check: Callable[[pytest.Item], bool]) -> None:
    """Fill ``location`` of each check item among ``items``, pytest's own worked out for the
    first item of each function."""
    known: dict[tuple[object, object], tuple[str, int | None]] = {}
    for item in items:
        if type(item) is not pytest.Function or not is_check(item):
            continue  # a subclass of pytest's may say where its items are in its own way
        key = (item.parent, item.function)
        shared = known.get(key)
        if shared is None:
            path, line, _ = item.location
            known[key] = (path, line)
        else:
            item.__dict__[_LOCATION] = (shared[0], shared[1], item.getmodpath())
