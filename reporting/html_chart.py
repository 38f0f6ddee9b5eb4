"""Horizontal bar charts as inline SVG for the HTML report: no script, no library, nothing
fetched, so they render the same in a self-contained report, offline, and printed. Pure.

A bar's colour is a CSS class (``reporting/assets/report.css``); every label is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

ROW_HEIGHT = 22
LABEL_WIDTH = 160  # the labels' column, right-aligned against the bars
BAR_WIDTH = 300  # the longest bar
VALUE_WIDTH = 40  # room for the count after the longest bar


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    css_class: str  # its colour, e.g. "sev-critical"


def _row(index: int, bar: Bar, largest: int) -> str:
    top = index * ROW_HEIGHT
    baseline = top + ROW_HEIGHT - 7
    width = round(BAR_WIDTH * bar.value / largest) if largest else 0
    label = escape(bar.label)
    return (
        f'<g class="apigw-chart-row"><title>{label}: {bar.value}</title>'
        f'<text class="apigw-chart-label" x="{LABEL_WIDTH - 6}" y="{baseline}" '
        f'text-anchor="end">{label}</text>'
        f'<rect class="{escape(bar.css_class)}" x="{LABEL_WIDTH}" y="{top + 3}" '
        f'width="{width}" height="{ROW_HEIGHT - 6}"/>'
        f'<text class="apigw-chart-value" x="{LABEL_WIDTH + width + 4}" y="{baseline}">'
        f"{bar.value}</text></g>"
    )


def bar_chart(title: str, bars: Sequence[Bar]) -> str:
    """A figure with one bar per entry, in order; the largest value draws the longest bar."""
    largest = max((bar.value for bar in bars), default=0)
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = ROW_HEIGHT * len(bars)
    rows = "".join(_row(index, bar, largest) for index, bar in enumerate(bars))
    caption = escape(title)
    return (
        f'<figure class="apigw-chart"><figcaption>{caption}</figcaption>'
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{caption}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">{rows}</svg></figure>'
    )
