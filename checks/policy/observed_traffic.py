"""What audited stages served in the traffic window (``Inventory.traffic``), held against
what they declare: unused operations, paths behind greedy resources, 4XX storms and failing
backends.

Each function answers what its check needs, or ``NotApplicable`` with the reason (traffic
evidence was not collected, the stage writes no access logs or writes them where this suite
cannot read them — a Firehose stream, a log group that does not exist —, nothing to compare);
a question the stage's evidence leaves unanswered (the format lacks a variable, a log group
that could not be read, a failed query, the cost cap), or rows cut at Logs Insights'
10,000-row limit where a missing row could change the verdict, raise ``DataUnavailable``
naming why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from checks.policy.hardening import NotApplicable
from checks.policy.labels import label
from checks.policy.logged_window import logged_days
from collectors.errors import DataUnavailable
from collectors.model import Inventory, ObservedOperation, ObservedPath, StageTraffic
from collectors.targets import RestMethodTarget, RestStageTarget, V2RouteTarget, V2StageTarget

NOT_COLLECTED = "traffic evidence was not collected (--traffic-days)"
CLIENT_ERROR = "4XX"
SERVER_ERROR = "5XX"
ATTACK_SHARE = 0.5  # 4XX responses at or above this share of requests look like abuse
FAILING_SHARE = 0.05  # 5XX responses at or above this share of requests: a failing backend
DEFAULT_MIN_REQUESTS = 100

Target = RestStageTarget | V2StageTarget | RestMethodTarget | V2RouteTarget


def _where(target: Target) -> str:
    return f"{target.api.name}/{target.stage.name}"


def _stage_traffic(target: Target, inventory: Inventory) -> StageTraffic | NotApplicable:
    if inventory.traffic is None:
        return NotApplicable(NOT_COLLECTED)
    if target.stage.access_log_destination is None:
        # Nothing to read, and no gap in the evidence: APIGW-LOG-003 judges the missing logs.
        return NotApplicable(f"stage {_where(target)} writes no access logs")
    found = inventory.traffic.stage(target.api.region, target.api.id, target.stage.name)
    if found is None:
        raise DataUnavailable(
            f"no traffic evidence for stage {_where(target)}: it was not audited when the "
            "access logs were read"
        )
    if found.not_readable is not None:
        return NotApplicable(f"stage {_where(target)}: {found.not_readable}")
    return found


def _unanswered(traffic: StageTraffic, question: str, target: Target) -> DataUnavailable:
    reason = traffic.unanswered.get(question, "its access logs were not read")
    return DataUnavailable(f"the {question} stage {_where(target)} served are unknown: {reason}")


def _operations(traffic: StageTraffic, target: Target) -> tuple[ObservedOperation, ...]:
    if traffic.operations is None:
        raise _unanswered(traffic, "operations", target)
    return traffic.operations


def _paths(traffic: StageTraffic, target: Target) -> tuple[ObservedPath, ...]:
    if traffic.paths is None:
        raise _unanswered(traffic, "paths", target)
    return traffic.paths


def _truncated(target: Target, question: str) -> DataUnavailable:
    return DataUnavailable(
        f"the {question} query of stage {_where(target)} hit Logs Insights' 10,000-row limit: "
        "what this check looks for may be among the rows left out"
    )


def _belongs(method: str | None, resource: str, target: RestMethodTarget | V2RouteTarget) -> bool:
    """Whether an observed (method, resource) row is the target's traffic. REST: a request
    is served by the method of its verb on its resource, else by the resource's ANY method;
    HTTP and WebSocket: by its route key."""
    if isinstance(target, V2RouteTarget):
        return resource == target.route.route_key
    if resource != target.resource.path:
        return False
    declared = target.method.http_method
    if method == declared:
        return True
    verbs = {m.http_method for m in target.resource.methods}
    return declared == "ANY" and method not in verbs


def _by_class(rows: Iterable[ObservedOperation | ObservedPath]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        for status_class, requests in row.requests_by_class.items():
            counts[status_class] = counts.get(status_class, 0) + requests
    return dict(sorted(counts.items()))


# --- APIGW-TRAFFIC-001: zombie endpoints ----------------------------------------------------


@dataclass(frozen=True)
class OperationUse:
    """An operation's requests in the window, beside its stage's."""

    days: int
    stage_requests: int
    requests_by_class: Mapping[str, int]
    last_seen: str | None

    @property
    def requests(self) -> int:
        return sum(self.requests_by_class.values())


def operation_use(
    target: RestMethodTarget | V2RouteTarget, inventory: Inventory
) -> OperationUse | NotApplicable:
    """The requests the operation received in the window; ``NotApplicable`` when its stage
    received none at all (nothing to compare: the unused-stage check judges it)."""
    traffic = _stage_traffic(target, inventory)
    if isinstance(traffic, NotApplicable):
        return traffic
    assert inventory.traffic is not None
    observed = _operations(traffic, target)
    stage_requests = sum(row.requests for row in observed)
    if not stage_requests:
        return NotApplicable(
            f"stage {_where(target)} received no request in the last "
            f"{logged_days(traffic, inventory)} "
            "days: nothing to compare"
        )
    mine = [row for row in observed if _belongs(row.method, row.resource, target)]
    if not mine and traffic.truncated:
        raise _truncated(target, "operations")
    return OperationUse(
        days=logged_days(traffic, inventory),
        stage_requests=stage_requests,
        requests_by_class=_by_class(mine),
        last_seen=max((row.last_seen for row in mine), default=None),
    )


# --- APIGW-TRAFFIC-002: hidden endpoints behind a greedy path --------------------------------


@dataclass(frozen=True)
class HiddenPaths:
    """The path templates callers used behind a greedy resource or ``$default`` route.

    Only templates that got some answer other than 4XX are ``served``: a backend answering
    404 to a scanner's random paths (or the gateway refusing them) exposes no endpoint, so
    templates answered only with 4XX are ``refused`` and reported beside, never as findings.
    """

    served: tuple[ObservedPath, ...]
    refused: tuple[ObservedPath, ...]


def hidden_paths(
    target: RestMethodTarget | V2RouteTarget, inventory: Inventory
) -> HiddenPaths | NotApplicable:
    traffic = _stage_traffic(target, inventory)
    if isinstance(traffic, NotApplicable):
        return traffic
    paths = _paths(traffic, target)
    mine = [row for row in paths if _belongs(row.method, row.resource, target)]
    served = tuple(row for row in mine if set(row.requests_by_class) - {CLIENT_ERROR})
    if not served and traffic.truncated:
        raise _truncated(target, "paths")
    return HiddenPaths(served, tuple(row for row in mine if row not in served))


# --- APIGW-TRAFFIC-003: attack or abuse pattern ----------------------------------------------


def _share(requests_by_class: Mapping[str, int]) -> float:
    total = sum(requests_by_class.values())
    return requests_by_class.get(CLIENT_ERROR, 0) / total if total else 0.0


def _operation_name(row: ObservedOperation) -> str:
    return f"{row.method} {row.resource}" if row.method else row.resource


@dataclass(frozen=True)
class ClientErrors:
    """The stage's requests and 4XX share, and its operations (as callers called them: a REST
    ANY method counts once per verb) with enough requests and a 4XX share at the threshold."""

    requests: int
    share: float  # of 4XX responses, 0..1
    min_requests: int
    operations_over: Mapping[str, float]  # "GET /login" -> its 4XX share

    @property
    def stage_over(self) -> bool:
        return self.requests >= self.min_requests and self.share >= ATTACK_SHARE

    @property
    def abused(self) -> bool:
        return self.stage_over or bool(self.operations_over)


def client_errors(
    target: RestStageTarget | V2StageTarget, inventory: Inventory, min_requests: int
) -> ClientErrors | NotApplicable:
    """``NotApplicable`` when the stage received fewer than ``min_requests`` requests (then
    none of its operations can reach them either)."""
    traffic = _stage_traffic(target, inventory)
    if isinstance(traffic, NotApplicable):
        return traffic
    assert inventory.traffic is not None
    observed = _operations(traffic, target)
    totals = _by_class(observed)
    requests = sum(totals.values())
    if requests < min_requests and not traffic.truncated:
        return NotApplicable(
            f"stage {_where(target)} received {requests:,} requests in the last "
            f"{logged_days(traffic, inventory)} days, fewer than --traffic-min-requests "
            f"{min_requests}"
        )
    over = {
        _operation_name(row): round(_share(row.requests_by_class), 3)
        for row in observed
        if row.requests >= min_requests and _share(row.requests_by_class) >= ATTACK_SHARE
    }
    judged = ClientErrors(requests, round(_share(totals), 3), min_requests, over)
    if not judged.abused and traffic.truncated:
        raise _truncated(target, "operations")
    return judged


# --- APIGW-TRAFFIC-004: backend failing --------------------------------------------------------


@dataclass(frozen=True)
class ServerErrors:
    """An operation's requests in the window by status class, and its 5XX share."""

    days: int
    min_requests: int
    requests_by_class: Mapping[str, int]

    @property
    def requests(self) -> int:
        return sum(self.requests_by_class.values())

    @property
    def server_errors(self) -> int:
        return self.requests_by_class.get(SERVER_ERROR, 0)

    @property
    def share(self) -> float:
        return round(self.server_errors / self.requests, 3) if self.requests else 0.0

    @property
    def failing(self) -> bool:
        return self.server_errors >= FAILING_SHARE * self.requests > 0


def server_errors(
    target: RestMethodTarget | V2RouteTarget, inventory: Inventory, min_requests: int
) -> ServerErrors | NotApplicable:
    """The operation's requests (attributed as for APIGW-TRAFFIC-001) and 5XX responses;
    ``NotApplicable`` when it received fewer than ``min_requests``."""
    traffic = _stage_traffic(target, inventory)
    if isinstance(traffic, NotApplicable):
        return traffic
    assert inventory.traffic is not None
    mine = [
        row for row in _operations(traffic, target) if _belongs(row.method, row.resource, target)
    ]
    judged = ServerErrors(logged_days(traffic, inventory), min_requests, _by_class(mine))
    # Rows cut at the row limit can add requests only to a REST ANY method (one row per verb):
    # elsewhere the operation's row, when present, is complete.
    complete = not traffic.truncated or (
        bool(mine)
        and not (isinstance(target, RestMethodTarget) and target.method.http_method == "ANY")
    )
    if not complete:
        raise _truncated(target, "operations")
    if judged.requests < min_requests:
        return NotApplicable(
            f"{label(target)} received {judged.requests:,} requests in the last {judged.days} "
            f"days, fewer than --traffic-min-requests {min_requests}"
        )
    return judged
