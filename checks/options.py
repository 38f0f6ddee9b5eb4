"""The checks' command-line options and their validators."""

from __future__ import annotations

import argparse

import pytest

from checks.policy import (
    CACHE_PRICE_PER_HOUR,
    DEFAULT_MIN_REQUESTS,
    DEFAULT_TLS_POLICIES,
    Pricing,
)
from collectors.contract import deferred_refusal, severity_option


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


def _policy_names(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    if not names:
        raise argparse.ArgumentTypeError(
            f"expected a comma-separated list of policies, got {text!r}"
        )
    return names


def _min_requests(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {text}")
    return value


def traffic_min_requests(config: pytest.Config) -> int:
    """--traffic-min-requests, else the ini audit_traffic_min_requests (validated alike)."""
    chosen = config.option.traffic_min_requests
    if chosen is not None:
        return int(chosen)
    try:
        return _min_requests(str(config.getini("audit_traffic_min_requests")))
    except argparse.ArgumentTypeError as exc:
        raise pytest.UsageError(f"ini audit_traffic_min_requests: {exc}") from None


def add_options(parser: pytest.Parser) -> None:
    """The checks' options: the severity floor, prices and the usage threshold."""
    group = parser.getgroup("apigw-audit-checks", "API Gateway audit checks")
    group.addoption(
        "--list-checks",
        action="store_true",
        default=False,
        help="print the catalogue of checks (the suite's and those collected: id, severity, "
        "issue type, title, Security Hub mapping) and exit; makes no AWS call.",
    )
    group.addoption(
        "--min-severity",
        type=deferred_refusal(severity_option),
        default=None,
        metavar="LEVEL",
        help="run only checks of this severity or higher: critical, high, medium, low, finops "
        "(the others are reported as deselected).",
    )
    group.addoption(
        "--rest-price-per-million",
        type=deferred_refusal(_non_negative),
        default=Pricing.rest_per_million,
        metavar="USD",
        help="REST API price per million requests, for the cost check (default: %(default)s).",
    )
    group.addoption(
        "--http-price-per-million",
        type=deferred_refusal(_non_negative),
        default=Pricing.http_per_million,
        metavar="USD",
        help="HTTP API price per million requests, for the cost check (default: %(default)s).",
    )
    group.addoption(
        "--cache-price-per-hour",
        type=deferred_refusal(_cache_price),
        action="append",
        default=[],
        metavar="SIZE=USD",
        help="hourly price of a SIZE GB cache cluster, for the idle cache check; repeat for "
        "several sizes (default: us-east-1's, e.g. 0.5=0.02).",
    )
    group.addoption(
        "--unused-threshold",
        type=deferred_refusal(_non_negative),
        default=100,
        metavar="REQUESTS",
        help="a stage with fewer requests in the last 30 days is unused (default: %(default)s).",
    )
    group.addoption(
        "--tls-policies",
        type=deferred_refusal(_policy_names),
        default=None,
        metavar="POLICY,...",
        help="the TLS security policies the custom domains and REST default endpoints may "
        "have (overrides the ini audit_tls_policies; default: TLS_1_2 and every "
        "SecurityPolicy_* that refuses TLS 1.0 and 1.1).",
    )
    group.addoption(
        "--traffic-min-requests",
        type=deferred_refusal(_min_requests),
        default=None,
        metavar="N",
        help="the fewest requests in the traffic window for the attack or abuse check to judge "
        "a stage or one of its methods, and the failing backend check a method or route "
        "(overrides the ini audit_traffic_min_requests; default: "
        f"{DEFAULT_MIN_REQUESTS}).",
    )
    parser.addini(
        "audit_traffic_min_requests",
        type="string",
        default=str(DEFAULT_MIN_REQUESTS),
        help="the fewest requests in the traffic window for the attack or abuse check to judge "
        "a stage or one of its methods (overridden by --traffic-min-requests).",
    )
    parser.addini(
        "audit_tls_policies",
        type="args",
        default=list(DEFAULT_TLS_POLICIES),
        help="the TLS security policies the custom domains and REST default endpoints may "
        "have (overridden by --tls-policies).",
    )
