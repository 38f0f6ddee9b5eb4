"""The checks' command-line options and their validators."""

from __future__ import annotations

import argparse

import pytest

from checks.policy import CACHE_PRICE_PER_HOUR, Pricing
from collectors.contract import severity_option


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text}")
    return value


def _cache_price(text: str) -> tuple[str, float]:
    size, separator, price = text.partition("=")
    if not separator or size not in CACHE_PRICE_PER_HOUR:
        sizes = ", ".join(CACHE_PRICE_PER_HOUR)
        raise argparse.ArgumentTypeError(
            f"expected SIZE=USD with SIZE one of {sizes} (GB), got {text!r}"
        )
    return size, _non_negative(price)


def add_options(parser: pytest.Parser) -> None:
    """The checks' options: the severity floor, prices and the usage threshold."""
    group = parser.getgroup("apigw-audit-checks", "API Gateway audit checks")
    group.addoption(
        "--min-severity",
        type=severity_option,
        default=None,
        metavar="LEVEL",
        help="run only checks of this severity or higher: critical, high, medium, low, finops "
        "(the others are reported as deselected).",
    )
    group.addoption(
        "--rest-price-per-million",
        type=_non_negative,
        default=Pricing.rest_per_million,
        metavar="USD",
        help="REST API price per million requests, for the cost check (default: %(default)s).",
    )
    group.addoption(
        "--http-price-per-million",
        type=_non_negative,
        default=Pricing.http_per_million,
        metavar="USD",
        help="HTTP API price per million requests, for the cost check (default: %(default)s).",
    )
    group.addoption(
        "--cache-price-per-hour",
        type=_cache_price,
        action="append",
        default=[],
        metavar="SIZE=USD",
        help="hourly price of a SIZE GB cache cluster, for the idle cache check; repeat for "
        "several sizes (default: us-east-1's, e.g. 0.5=0.02).",
    )
    group.addoption(
        "--unused-threshold",
        type=_non_negative,
        default=100,
        metavar="REQUESTS",
        help="a stage with fewer requests in the last 30 days is unused (default: %(default)s).",
    )
