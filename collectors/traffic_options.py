"""The traffic evidence's options: how many days of access logs to read, and the scan cap.

``--traffic-days N`` (ini ``audit_traffic_days``) is off on a real account unless asked for,
because Logs Insights bills per GB scanned; ``--demo`` reads 7 days unless told otherwise; 0
turns it off everywhere. ``--traffic-max-gb G`` (ini ``audit_traffic_max_gb``) caps the scan.
The command line wins over the ini file; a bad value is a usage error either way.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import pytest

T = TypeVar("T")

DEMO_TRAFFIC_DAYS = 7
DEFAULT_TRAFFIC_MAX_GB = 10.0


def traffic_days(text: str) -> int:
    """argparse type of --traffic-days (and the ini audit_traffic_days): a whole number >= 0."""
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of days >= 0, got {text!r}"
        ) from None
    if days < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of days >= 0, got {text}")
    return days


def traffic_max_gb(text: str) -> float:
    """argparse type of --traffic-max-gb (and the ini audit_traffic_max_gb): a number > 0."""
    try:
        gigabytes = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of GB > 0, got {text!r}") from None
    if not (gigabytes > 0 and math.isfinite(gigabytes)):
        raise argparse.ArgumentTypeError(f"expected a number of GB > 0, got {text}")
    return gigabytes


@dataclass(frozen=True)
class TrafficOptions:
    days: int  # 0: no traffic evidence is read
    max_bytes: float


def _from_ini(config: pytest.Config, name: str, parse: Callable[[str], T]) -> T | None:
    text = str(config.getini(name)).strip()
    if not text:
        return None
    try:
        return parse(text)
    except argparse.ArgumentTypeError as exc:
        raise pytest.UsageError(f"ini option {name}: {exc}") from None


def traffic_options(config: pytest.Config, *, demo: bool, snapshot_in: bool) -> TrafficOptions:
    """The run's traffic options; a usage error for a bad ini value, or for the command-line
    options with ``--snapshot-in`` (a snapshot holds its own evidence)."""
    option = config.option
    if snapshot_in and (option.traffic_days is not None or option.traffic_max_gb is not None):
        raise pytest.UsageError(
            "--snapshot-in audits a saved inventory with the traffic evidence it holds: "
            "--traffic-days and --traffic-max-gb do not apply."
        )
    days = option.traffic_days
    if days is None:
        days = _from_ini(config, "audit_traffic_days", traffic_days)
    max_gb = option.traffic_max_gb
    if max_gb is None:
        max_gb = _from_ini(config, "audit_traffic_max_gb", traffic_max_gb)
    if days is None:
        days = DEMO_TRAFFIC_DAYS if demo else 0
    return TrafficOptions(
        days=0 if snapshot_in else days,
        max_bytes=(max_gb if max_gb is not None else DEFAULT_TRAFFIC_MAX_GB) * 1e9,
    )
