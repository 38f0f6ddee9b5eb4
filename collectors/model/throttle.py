"""A request rate and burst limit: what stages, methods, routes, usage plans and the account set."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True, slots=True)
class Throttle:
    """A rate (requests per second) and burst limit; ``None`` or negative means "not set"."""

    rate_limit: float | None
    burst_limit: int | None
