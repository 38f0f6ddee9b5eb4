"""Pace one account's API Gateway calls below the control plane's per-account quota.

API Gateway's management API allows, per account, "Total operations: 10 requests per second
with a burst quota of 40 requests per second", and GetResources "5 requests every 2 seconds"
(https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html, "API Gateway quotas
for creating, deploying and managing an API"; fixed, they cannot be raised). An organisation's
audit reads many accounts at once: each account gets its own ``AccountPacer``, shared by every
thread and region collecting it, so the audit stays inside every account's quota instead of
relying on throttling errors and retries (botocore's adaptive retries remain, for calls that
other tools of the account make at the same time).

Each HTTP attempt takes a token (``before-send``), retries included: AWS counts them all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# botocore's names of API Gateway's control plane: the services whose calls are paced
PACED_SERVICES = frozenset({"apigateway", "apigatewayv2"})


@dataclass(frozen=True)
class Quota:
    """A token bucket's shape: ``rate`` tokens a second, at most ``burst`` saved up."""

    rate: float
    burst: float


TOTAL_OPERATIONS = Quota(rate=10.0, burst=40.0)
# Per operation, on top of the total. GetResources: 5 requests every 2 seconds.
OPERATION_QUOTAS = {"GetResources": Quota(rate=2.5, burst=5.0)}


# A refill computed to reach exactly one token may fall short by a rounding error; waiting for
# it could then add nothing to a large clock value, and never end.
_ROUNDING = 1e-9


class TokenBucket:
    """A thread-safe token bucket: ``take`` waits until a token is there, then takes it."""

    def __init__(
        self,
        quota: Quota,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._quota = quota
        self._clock = clock
        self._sleep = sleep
        self._tokens = quota.burst
        self._updated = clock()
        self._lock = threading.Lock()

    def take(self) -> None:
        while True:
            with self._lock:
                now = self._clock()
                elapsed = max(0.0, now - self._updated)
                self._tokens = min(self._quota.burst, self._tokens + elapsed * self._quota.rate)
                self._updated = now
                if self._tokens >= 1.0 - _ROUNDING:
                    self._tokens = max(0.0, self._tokens - 1.0)
                    return
                wait = (1.0 - self._tokens) / self._quota.rate
            self._sleep(wait)  # outside the lock: other threads may refill and take meanwhile


class AccountPacer:
    """The token buckets of one account's API Gateway control plane, for all its regions."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._total = TokenBucket(TOTAL_OPERATIONS, clock, sleep)
        self._by_operation = {
            name: TokenBucket(quota, clock, sleep) for name, quota in OPERATION_QUOTAS.items()
        }

    def wait(self, operation: str) -> None:
        """Block until ``operation`` may be sent without exceeding the account's quotas."""
        bucket = self._by_operation.get(operation)
        if bucket is not None:
            bucket.take()
        self._total.take()

    def before_send(self, event_name: str, **_: Any) -> None:
        """botocore ``before-send`` handler (``before-send.SERVICE_ID.OPERATION``)."""
        self.wait(event_name.rsplit(".", 1)[-1])
