"""The benchmark table's verdicts on issue 15's check-phase bound, by estate size."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bench.run import REPO
from bench.table import render

RESULTS = REPO / "bench" / "results"
SMALL = RESULTS / "20261204T045456Z-small.json"
LARGE = RESULTS / "20261204T040618Z-large.json"


def _check_phase_line(results: dict[str, Any], ratio: float) -> str:
    results["check_phase"]["wall_ratio"] = ratio
    table = render(results)
    return next(line for line in table.splitlines() if "check phase vs bare pytest (wall)" in line)


@pytest.mark.parametrize(
    ("ratio", "verdict"), [(1.19, "<= 1.2 at small: met"), (1.21, "<= 1.2 at small: MISSED")]
)
def test_the_small_size_is_held_to_1_2x_bare_pytest(ratio: float, verdict: str) -> None:
    assert _check_phase_line(json.loads(SMALL.read_text()), ratio).endswith(verdict)


@pytest.mark.parametrize(
    ("ratio", "verdict"),
    [(0.99, "<= 1.0 at large and xl: met"), (1.01, "<= 1.0 at large and xl: MISSED")],
)
def test_the_large_size_is_held_to_bare_pytest(ratio: float, verdict: str) -> None:
    assert _check_phase_line(json.loads(LARGE.read_text()), ratio).endswith(verdict)
