"""An account's API Gateway calls are held to the control plane's quota: 10 a second with a
burst of 40, GetResources 5 every 2 seconds; other services are not paced."""

from __future__ import annotations

import itertools

import boto3
import pytest

from collectors.clients import AwsClients
from collectors.pacing import AccountPacer, Quota, TokenBucket
from tests_unit.conftest import REGION


class FakeClock:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def send_times(pacer: AccountPacer, clock: FakeClock, operations: list[str]) -> list[float]:
    times = []
    for operation in operations:
        pacer.wait(operation)
        times.append(clock.now)
    return times


def test_a_full_bucket_lets_its_burst_through_then_one_call_per_refill() -> None:
    clock = FakeClock()
    bucket = TokenBucket(Quota(rate=10.0, burst=40.0), clock, clock.sleep)
    for _ in range(40):
        bucket.take()
    assert clock.now == 0.0
    bucket.take()
    assert clock.now == pytest.approx(0.1)


def test_the_account_sends_at_most_40_at_once_then_10_a_second() -> None:
    clock = FakeClock()
    times = send_times(AccountPacer(clock, clock.sleep), clock, ["GetStages"] * 140)
    assert times[39] == 0.0
    assert times[-1] == pytest.approx(10.0)  # 100 after the burst, at 10 a second
    assert all(later - earlier <= 0.1 + 1e-9 for earlier, later in itertools.pairwise(times[40:]))


def test_get_resources_is_held_to_5_every_2_seconds_and_counts_in_the_total() -> None:
    clock = FakeClock()
    pacer = AccountPacer(clock, clock.sleep)
    times = send_times(pacer, clock, ["GetResources"] * 15)
    assert times[4] == 0.0
    assert times[-1] == pytest.approx(4.0)  # 10 after the 5 of the burst, at 2.5 a second


def test_idle_time_refills_the_bucket_up_to_its_burst_only() -> None:
    clock = FakeClock()
    pacer = AccountPacer(clock, clock.sleep)
    send_times(pacer, clock, ["GetStages"] * 40)
    clock.now += 3600.0
    times = send_times(pacer, clock, ["GetStages"] * 41)
    assert times[39] == 3600.0
    assert times[40] == pytest.approx(3600.1)


def test_only_api_gateway_clients_are_paced(aws: None) -> None:
    operations: list[str] = []

    class RecordingPacer(AccountPacer):
        def wait(self, operation: str) -> None:
            operations.append(operation)

    clients = AwsClients(boto3.Session(region_name=REGION), pacer=RecordingPacer())
    clients.apigateway(REGION).get_rest_apis()
    clients.apigatewayv2(REGION).get_apis()
    clients.sts(REGION).get_caller_identity()
    clients.cloudfront(REGION).list_distributions()
    assert operations == ["GetRestApis", "GetApis"]
