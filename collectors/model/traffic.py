"""Traffic evidence: what audited stages served in a window, from their own access logs.

Logs Insights aggregated every number here server-side (collectors.traffic); no raw event and
no concrete path reaches the inventory: paths are kept as templates (``/users/{id}``), which
hold no caller's identifiers.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True, slots=True)
class ObservedOperation:
    """The requests one method (REST: the concrete HTTP method callers used, on a resource)
    or route (HTTP, WebSocket: its route key) of a stage served in the window."""

    method: str | None  # REST: GET, POST... as called (under an ANY method too); routes: None
    resource: str  # REST: the resource path; HTTP/WebSocket: the route key
    requests_by_class: Mapping[str, int]  # "2XX" -> requests
    # distinct source IPs among the requests of each class; None: the format records no IP
    source_ips_by_class: Mapping[str, int] | None
    first_seen: str  # ISO 8601, UTC: "2026-12-01T10:00:00.000+00:00"
    last_seen: str

    @property
    def requests(self) -> int:
        return sum(self.requests_by_class.values())


@dataclass(frozen=True, kw_only=True, slots=True)
class ObservedPath:
    """A path template callers used behind a greedy resource or the ``$default`` route."""

    method: str | None
    resource: str  # the greedy resource ("/{proxy+}") or route key ("$default")
    template: str  # "/users/{id}/orders"
    requests_by_class: Mapping[str, int]
    distinct_paths: int  # the concrete paths the template stands for

    @property
    def requests(self) -> int:
        return sum(self.requests_by_class.values())


@dataclass(frozen=True, kw_only=True, slots=True)
class StageTraffic:
    """One audited stage's traffic evidence. A question left unanswered (the format lacks a
    variable, the log group is not CloudWatch Logs, the query failed or was not run under the
    cost cap) is ``None`` with its reason in ``unanswered``."""

    region: str
    api_id: str
    stage: str
    log_group: str | None  # the CloudWatch Logs group's ARN; None: none to read
    operations: tuple[ObservedOperation, ...] | None
    paths: tuple[ObservedPath, ...] | None  # None also where the stage serves nothing greedy
    unanswered: Mapping[str, str]  # "operations" / "paths" -> why not
    truncated: bool  # a query hit the 10,000-row limit: counts are complete, rows are not
    # Why the suite can never read this stage's access logs (none written, a Firehose
    # destination, a group that does not exist): not a gap in the evidence, so its checks do
    # not apply; None when they are read
    not_readable: str | None = None


@dataclass(frozen=True, kw_only=True)
class TrafficEvidence:
    """The window read and what reading it cost."""

    days: int
    window_start: str  # ISO 8601, UTC
    window_end: str
    stages: tuple[StageTraffic, ...]
    queries: int  # Logs Insights queries run
    bytes_scanned: float  # as Logs Insights reported them: what the account is billed for

    def stage(self, region: str, api_id: str, stage: str) -> StageTraffic | None:
        return self._stages.get((region, api_id, stage))

    # Built once (kept out of the JSON: not a field): checks look a stage up per operation.
    @functools.cached_property
    def _stages(self) -> dict[tuple[str, str, str], StageTraffic]:
        return {(s.region, s.api_id, s.stage): s for s in self.stages}
