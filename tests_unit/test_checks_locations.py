"""Each check item's location (``checks.locations``) is the one pytest works out for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests_unit.conftest import CHECKS_DIR
from tests_unit.test_reporting_plugin import snapshot

__all__ = ["snapshot"]  # the estate fixture, shared with the reporting plugin's tests


class _Locations:
    def __init__(self) -> None:
        self.shared: list[tuple[object, object]] = []

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:
            shared = item.__dict__.get("location")
            if shared is not None:
                computed = pytest.Item.location.func(item)  # type: ignore[attr-defined]
                self.shared.append((shared, computed))


def test_check_items_have_the_locations_pytest_works_out(
    pytester: pytest.Pytester, snapshot: Path
) -> None:
    locations = _Locations()
    pytester.inline_run(
        str(CHECKS_DIR), "--snapshot-in", str(snapshot), "--collect-only", plugins=[locations]
    )
    assert len(locations.shared) > 50
    assert all(shared == computed for shared, computed in locations.shared)
    assert len({shared[2] for shared, _ in locations.shared}) == len(locations.shared)  # type: ignore[index]
