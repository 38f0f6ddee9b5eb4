"""Read what audited stages served from their own access logs, with CloudWatch Logs Insights.

One query per distinct CloudWatch Logs group and access-log format (``traffic_queries``): AWS
aggregates server-side and answers at most 10,000 rows, so no raw event is ever transferred,
whatever the traffic. Queries run concurrently, within the account's Logs Insights limit of
concurrent queries (30 for standard queries, per account and region:
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html), and are
polled with a backoff until they end; an interrupted audit stops the queries it started
(StopQuery), so they are not billed for nothing. Logs Insights bills per byte scanned: the
scan is estimated first from the groups' stored bytes, and queries that would pass the cap are
not run (their stages are left unanswered, with the reason).

StartQuery, GetQueryResults and StopQuery are the only Logs calls here; the read-only guard
allows exactly these three beyond Get/List/Describe.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from collectors.access_log_fields import LogFields, UnreadableFormat, log_fields
from collectors.api_paths import api_path, path_prefixes
from collectors.clients import AwsClients, call_recording_errors
from collectors.model import (
    CollectionError,
    CustomDomain,
    LogGroup,
    ObservedOperation,
    ObservedPath,
    RestApi,
    StageTraffic,
    TrafficEvidence,
    V2Api,
    log_group_ref,
)
from collectors.path_templates import greedy_route, path_template
from collectors.scope import StageFilter
from collectors.traffic_queries import (
    ROW_LIMIT,
    Discriminators,
    Unanswerable,
    operations_query,
    paths_query,
)

if TYPE_CHECKING:
    from mypy_boto3_logs.type_defs import ResultFieldTypeDef

SERVICE = "logs"
CONCURRENT_QUERIES = 10  # well within the account's 30, leaving room for its own users
FIRST_POLL_SECONDS = 0.5
LONGEST_POLL_SECONDS = 5.0
_ENDED = frozenset({"Complete", "Failed", "Cancelled", "Timeout", "Unknown"})

INTERRUPTED = "the audit was interrupted"
OPERATIONS = "operations"
PATHS = "paths"


@dataclass(frozen=True)
class _Writer:
    """An audited stage writing access logs to a CloudWatch Logs group."""

    region: str
    api_id: str
    api_type: str
    stage: str
    greedy: bool  # it serves a {proxy+} resource or the $default route
    # what its endpoints put before the API's own path, longest first (collectors.api_paths)
    prefixes: tuple[str, ...] = ()


@dataclass
class _Plan:
    """One query: a question about the stages writing one format to one log group."""

    region: str
    group_arn: str
    group_name: str
    question: str  # OPERATIONS or PATHS
    query: str
    writers: list[_Writer]
    shared: Discriminators
    estimated_bytes: int


@dataclass
class _Answer:
    rows: list[dict[str, str]] = field(default_factory=list)
    bytes_scanned: float = 0.0
    failure: str | None = None


def _serves_greedy(api: RestApi | V2Api, stage_deployment: str | None) -> bool:
    if isinstance(api, RestApi):
        deployment = api.deployment(stage_deployment)
        resources = deployment.definition.resources if deployment else api.resources or ()
        return any("+}" in resource.path for resource in resources)
    return any(greedy_route(route.route_key) for route in api.routes or ())


def _stages(
    apis: Iterable[RestApi | V2Api],
) -> Iterator[tuple[RestApi | V2Api, str, str | None, str | None, str | None]]:
    """(api, stage, its deployment, access-log destination, format) for every stage read."""
    for api in apis:
        for stage in api.stages or ():
            yield (
                api,
                stage.name,
                stage.deployment_id,
                stage.access_log_destination,
                stage.access_log_format,
            )


def plan_queries(
    apis: Iterable[RestApi | V2Api],
    groups: Mapping[str, LogGroup],
    audited: StageFilter,
    domains: Iterable[CustomDomain] = (),
) -> tuple[list[_Plan], dict[tuple[str, str, str], StageTraffic]]:
    """The queries to run, and the audited stages no query can answer (with the reason);
    ``domains``' base paths are taken off the paths callers sent through them."""
    every = list(_stages(apis))
    domains = tuple(domains)
    writers_of: dict[str, set[tuple[str, str]]] = defaultdict(set)  # group -> (api, stage)
    for api, stage, _, destination, _ in every:
        ref = log_group_ref(destination)
        if ref is not None:
            writers_of[ref.arn].add((api.id, stage))
    by_query: dict[tuple[str, str, str], list[_Writer]] = defaultdict(list)
    fields_of: dict[tuple[str, str, str], LogFields] = {}
    unanswered: dict[tuple[str, str, str], StageTraffic] = {}
    for api, stage, deployment_id, destination, log_format in every:
        if not audited(stage):
            continue
        key = (api.region, api.id, stage)
        ref = log_group_ref(destination)
        # not_readable: nothing the suite could ever read (not a gap in the evidence);
        # reason: a question it cannot answer this time (UNKNOWN)
        not_readable = reason = None
        group = groups.get(ref.arn) if ref is not None else None
        if destination is None:
            not_readable = "the stage writes no access logs"
        elif ref is None:
            not_readable = (
                f"the stage writes its access logs to {destination}, which is not readable by "
                "this suite (only CloudWatch Logs groups can be queried)"
            )
        elif group is None:
            reason = f"its access-log group {ref.name} could not be read (DescribeLogGroups)"
        elif not group.exists:
            not_readable = (
                f"its access-log group {ref.name} does not exist: the stage's access logs go "
                "nowhere (APIGW-LOG-003)"
            )
        elif not log_format:
            reason = "the stage has no access-log format"
        elif group.stored_bytes is None:
            # without it the scan cannot be bounded (--traffic-max-gb)
            reason = f"the stored size of its access-log group {ref.name} is unknown"
        if reason is None and not_readable is None and ref is not None and log_format:
            try:
                fields_of[(ref.arn, log_format, api.api_type)] = log_fields(log_format)
            except UnreadableFormat as exc:
                reason = str(exc)
        if reason is not None or not_readable is not None or ref is None or not log_format:
            reasons = {} if not_readable else {OPERATIONS: reason or "", PATHS: reason or ""}
            unanswered[key] = _unanswered(
                key, ref.arn if ref else None, reasons, not_readable=not_readable
            )
            continue
        greedy = _serves_greedy(api, deployment_id)
        prefixes = path_prefixes(api.region, api.id, api.api_type, stage, domains)
        by_query[(ref.arn, log_format, api.api_type)].append(
            _Writer(api.region, api.id, api.api_type, stage, greedy, prefixes)
        )
    plans: list[_Plan] = []
    for (arn, _, api_type), writers in sorted(by_query.items()):
        fields = fields_of[(arn, _, api_type)]
        sharing = writers_of[arn]
        # Told apart whenever the format records them: the inventory need not know every
        # writer of a group (an API excluded by tag, a stage out of scope, another service);
        # required only where it knows the group is shared
        shared = Discriminators(
            by_api=len({api for api, _ in sharing}) > 1 or fields.field("apiId") is not None,
            by_stage=any(len({s for a, s in sharing if a == api}) > 1 for api, _ in sharing)
            or fields.field("stage") is not None,
        )
        group = groups[arn]
        questions = [(OPERATIONS, operations_query)]
        if any(writer.greedy for writer in writers):
            questions.append((PATHS, paths_query))
        for question, build in questions:
            try:
                query = build(fields, api_type, shared)
            except Unanswerable as exc:
                for writer in writers:
                    key = (writer.region, writer.api_id, writer.stage)
                    previous = unanswered.get(key)
                    reasons = dict(previous.unanswered) if previous else {}
                    reasons[question] = str(exc)
                    unanswered[key] = _unanswered(key, arn, reasons)
                continue
            plans.append(
                _Plan(
                    writers[0].region,
                    arn,
                    group.name,
                    question,
                    query,
                    writers,
                    shared,
                    group.stored_bytes or 0,  # known: checked when planned
                )
            )
    return plans, unanswered


def _unanswered(
    key: tuple[str, str, str],
    group: str | None,
    reasons: Mapping[str, str],
    *,
    not_readable: str | None = None,
) -> StageTraffic:
    """A stage no query answers: why, per question, or why nothing could ever be read."""
    region, api_id, stage = key
    return StageTraffic(
        region=region,
        api_id=api_id,
        stage=stage,
        log_group=group,
        operations=None,
        paths=None,
        unanswered=dict(reasons),
        truncated=False,
        not_readable=not_readable,
    )


def _cell_rows(results: Iterable[Iterable[ResultFieldTypeDef]]) -> list[dict[str, str]]:
    """GetQueryResults rows (lists of ``{"field": ..., "value": ...}``) as dicts."""
    return [
        {cell["field"]: cell.get("value", "") for cell in row if "field" in cell} for row in results
    ]


def _run(
    clients: AwsClients,
    plan: _Plan,
    window: tuple[datetime, datetime],
    errors: list[CollectionError],
    stopping: threading.Event,
) -> _Answer:
    """Start the plan's query, poll it with a growing delay until it ends, and answer its
    rows. Once ``stopping`` is set, nothing more is started and a query still running is
    stopped (StopQuery) by the thread that started it, so no interruption leaves one behind."""
    if stopping.is_set():
        return _Answer(failure=INTERRUPTED)
    mine: list[CollectionError] = []  # this query's failures (threads share ``errors``)
    try:
        return _started_and_polled(clients, plan, window, mine, stopping)
    finally:
        errors.extend(mine)


def _started_and_polled(
    clients: AwsClients,
    plan: _Plan,
    window: tuple[datetime, datetime],
    errors: list[CollectionError],
    stopping: threading.Event,
) -> _Answer:
    client = clients.logs(plan.region)
    start, end = window
    started = call_recording_errors(
        errors,
        SERVICE,
        "StartQuery",
        plan.group_arn,
        lambda: client.start_query(
            logGroupName=plan.group_name,
            startTime=int(start.timestamp()),
            endTime=int(end.timestamp()),
            queryString=plan.query,
            limit=ROW_LIMIT,
        ),
    )
    if started is None:
        return _Answer(failure=errors[-1].describe())
    query_id = started["queryId"]
    delay = FIRST_POLL_SECONDS
    while True:
        answer = call_recording_errors(
            errors,
            SERVICE,
            "GetQueryResults",
            plan.group_arn,
            lambda: client.get_query_results(queryId=query_id),
        )
        if answer is None:
            return _Answer(failure=errors[-1].describe())
        status = answer.get("status", "Unknown")
        if status in _ENDED:
            break
        if stopping.wait(delay):
            call_recording_errors(
                errors,
                SERVICE,
                "StopQuery",
                plan.group_arn,
                lambda: client.stop_query(queryId=query_id),
            )
            return _Answer(failure=INTERRUPTED)
        delay = min(delay * 2, LONGEST_POLL_SECONDS)
    scanned = float((answer.get("statistics") or {}).get("bytesScanned", 0.0))
    if status != "Complete":
        return _Answer(bytes_scanned=scanned, failure=f"the Logs Insights query ended {status}")
    return _Answer(_cell_rows(answer.get("results", [])), scanned)


def _moment(value: str) -> str:
    """A timestamp as GetQueryResults gives it (``2026-12-01 10:00:00.000``, UTC; milliseconds
    since the epoch are taken too) in ISO 8601, so that min and max compare as times."""
    if value.replace(".", "", 1).isdigit():
        return datetime.fromtimestamp(float(value) / 1000, UTC).isoformat(timespec="milliseconds")
    try:
        moment = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        return value
    return moment.replace(tzinfo=moment.tzinfo or UTC).isoformat(timespec="milliseconds")


def _class(value: str) -> str | None:
    try:
        return f"{int(float(value))}XX"
    except ValueError:
        return None


def _mine(row: Mapping[str, str], writer: _Writer, shared: Discriminators) -> bool:
    return (not shared.by_api or row.get("api") == writer.api_id) and (
        not shared.by_stage or row.get("stage") == writer.stage
    )


def _resource(row: Mapping[str, str], api_type: str) -> tuple[str | None, str]:
    if api_type == "REST":
        return row.get("method"), row.get("resource", "")
    return None, row.get("route", "")


def _unusable(rows: list[dict[str, str]], writer: _Writer, shared: Discriminators) -> bool:
    """The stage's rows came back but none has a status class: reading them would take
    requests for no requests."""
    mine = [row for row in rows if _mine(row, writer, shared)]
    return bool(mine) and all(_class(row.get("statusClass", "")) is None for row in mine)


def _operations(
    rows: list[dict[str, str]], writer: _Writer, shared: Discriminators
) -> tuple[ObservedOperation, ...]:
    counts: dict[tuple[str | None, str], dict[str, int]] = defaultdict(dict)
    ips: dict[tuple[str | None, str], dict[str, int]] = defaultdict(dict)
    seen: dict[tuple[str | None, str], list[str]] = defaultdict(list)
    has_ips = False
    for row in rows:
        status_class = _class(row.get("statusClass", ""))
        if not _mine(row, writer, shared) or status_class is None:
            continue
        key = _resource(row, writer.api_type)
        counts[key][status_class] = counts[key].get(status_class, 0) + int(float(row["requests"]))
        if "sourceIps" in row:
            has_ips = True
            ips[key][status_class] = int(float(row["sourceIps"]))
        seen[key] += [_moment(row[name]) for name in ("firstSeen", "lastSeen") if name in row]
    return tuple(
        ObservedOperation(
            method=method,
            resource=resource,
            requests_by_class=dict(sorted(counts[(method, resource)].items())),
            source_ips_by_class=dict(sorted(ips[(method, resource)].items())) if has_ips else None,
            first_seen=min(seen[(method, resource)], default=""),
            last_seen=max(seen[(method, resource)], default=""),
        )
        for method, resource in sorted(counts, key=lambda k: (k[1], k[0] or ""))
    )


def _paths(
    rows: list[dict[str, str]], writer: _Writer, shared: Discriminators
) -> tuple[ObservedPath, ...]:
    counts: dict[tuple[str | None, str, str], dict[str, int]] = defaultdict(dict)
    concrete: dict[tuple[str | None, str, str], set[str]] = defaultdict(set)
    for row in rows:
        status_class = _class(row.get("statusClass", ""))
        if not _mine(row, writer, shared) or status_class is None:
            continue
        method, resource = _resource(row, writer.api_type)
        # $context.path as the caller sent it ("/prod/users/1", "/v1/users/1"), as the API
        # sees it ("/users/1")
        path = api_path(row.get("path", ""), writer.prefixes)
        key = (method, resource, path_template(path))
        counts[key][status_class] = counts[key].get(status_class, 0) + int(float(row["requests"]))
        concrete[key].add(path)
    return tuple(
        ObservedPath(
            method=method,
            resource=resource,
            template=template,
            requests_by_class=dict(sorted(counts[key].items())),
            distinct_paths=len(concrete[key]),
        )
        for key in sorted(counts, key=lambda k: (k[1], k[2], k[0] or ""))
        for method, resource, template in (key,)
    )


def _within_cap(plans: list[_Plan], max_bytes: float) -> tuple[list[_Plan], list[_Plan]]:
    """The plans to run, in order, while the estimated scan stays under the cap; the rest."""
    run: list[_Plan] = []
    capped: list[_Plan] = []
    total = 0
    for plan in plans:
        if total + plan.estimated_bytes > max_bytes:
            capped.append(plan)
        else:
            run.append(plan)
            total += plan.estimated_bytes
    return run, capped


@dataclass(frozen=True)
class TrafficPlan:
    """What the traffic evidence will cost, known before any query starts."""

    queries: int  # the queries to run
    groups: int  # the distinct log groups they read
    estimated_bytes: int  # at most, from the groups' stored bytes
    capped: int  # queries not run: they would pass the cap
    max_bytes: float  # the cap

    def describe(self) -> str:
        """In one line, e.g. "3 Logs Insights queries over 2 log groups, at most 0.4 GB
        scanned (cap 10 GB; 1 query over the cap not run)"."""
        over = f"; {_count(self.capped, 'query', 'queries')} over the cap not run"
        return (
            f"{_count(self.queries, 'Logs Insights query', 'Logs Insights queries')} over "
            f"{_count(self.groups, 'log group', 'log groups')}, at most "
            f"{_size(self.estimated_bytes)} scanned (cap {self.max_bytes / 1e9:g} GB"
            f"{over if self.capped else ''})"
        )


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _size(size: float) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6)):
        if size >= scale / 10:
            return f"{size / scale:.1f} {unit}"
    return f"{size / 1e3:.1f} kB"


def estimated_scan_bytes(plans: Iterable[_Plan]) -> int:
    """What the queries would scan at most: each query reads its group's stored bytes."""
    return sum(plan.estimated_bytes for plan in plans)


def collect_traffic(
    clients: AwsClients,
    apis: Iterable[RestApi | V2Api],
    groups: Mapping[str, LogGroup],
    audited: StageFilter,
    *,
    days: int,
    max_bytes: float,
    now: datetime,
    errors: list[CollectionError],
    domains: Iterable[CustomDomain] = (),
    on_plan: Callable[[TrafficPlan], None] = lambda plan: None,
    on_query_done: Callable[[int, int], None] = lambda done, total: None,
) -> TrafficEvidence:
    """The traffic evidence of every audited stage over the last ``days`` days; ``on_plan``
    hears what it will cost before the first query starts. The paths callers sent through
    ``domains`` lose the base paths those put in front (``collectors.api_paths``)."""
    apis = list(apis)
    plans, unanswered = plan_queries(apis, groups, audited, domains)
    window = (now - timedelta(days=days), now)
    run, capped = _within_cap(plans, max_bytes)
    on_plan(
        TrafficPlan(
            queries=len(run),
            groups=len({(plan.region, plan.group_arn) for plan in run}),
            estimated_bytes=estimated_scan_bytes(run),
            capped=len(capped),
            max_bytes=max_bytes,
        )
    )
    stopping = threading.Event()
    answers: dict[int, _Answer] = {}
    with ThreadPoolExecutor(CONCURRENT_QUERIES, thread_name_prefix="apigw-audit-traffic") as pool:
        futures = [
            (index, pool.submit(_run, clients, plan, window, errors, stopping))
            for index, plan in enumerate(run)
        ]
        by_future = {future: index for index, future in futures}
        try:
            for done, future in enumerate(as_completed(by_future), start=1):
                answers[by_future[future]] = future.result()
                on_query_done(done, len(run))
        except BaseException:
            # Ctrl-C (or a failing callback): each running query's thread stops it and returns
            stopping.set()
            raise
    stages = _stage_traffic(run, answers, capped, unanswered, max_bytes)
    return TrafficEvidence(
        days=days,
        window_start=window[0].isoformat(),
        window_end=window[1].isoformat(),
        stages=stages,
        queries=len(run),
        bytes_scanned=sum(answer.bytes_scanned for answer in answers.values()),
    )


def _stage_traffic(
    run: list[_Plan],
    answers: Mapping[int, _Answer],
    capped: list[_Plan],
    unanswered: Mapping[tuple[str, str, str], StageTraffic],
    max_bytes: float,
) -> tuple[StageTraffic, ...]:
    operations: dict[tuple[str, str, str], tuple[ObservedOperation, ...]] = {}
    paths: dict[tuple[str, str, str], tuple[ObservedPath, ...]] = {}
    reasons: dict[tuple[str, str, str], dict[str, str]] = defaultdict(dict)
    groups: dict[tuple[str, str, str], str] = {}
    truncated: set[tuple[str, str, str]] = set()
    not_readable = {key: t.not_readable for key, t in unanswered.items() if t.not_readable}
    for key, traffic in unanswered.items():
        reasons[key].update(traffic.unanswered)
        if traffic.log_group:
            groups[key] = traffic.log_group
    cap = f"not read: the Logs Insights scan would pass --traffic-max-gb ({max_bytes / 1e9:g} GB)"
    for plan in capped:
        for writer in plan.writers:
            key = (writer.region, writer.api_id, writer.stage)
            reasons[key][plan.question] = cap
            groups[key] = plan.group_arn
    for index, plan in enumerate(run):
        answer = answers[index]
        for writer in plan.writers:
            key = (writer.region, writer.api_id, writer.stage)
            groups[key] = plan.group_arn
            if answer.failure is not None:
                reasons[key][plan.question] = answer.failure
                continue
            if len(answer.rows) >= ROW_LIMIT:
                truncated.add(key)
            if _unusable(answer.rows, writer, plan.shared):
                reasons[key][plan.question] = (
                    "the access logs' $context.status values are not numbers, so no request "
                    "could be classed"
                )
            elif plan.question == OPERATIONS:
                operations[key] = _operations(answer.rows, writer, plan.shared)
            elif writer.greedy:
                paths[key] = _paths(answer.rows, writer, plan.shared)
    keys = sorted({*reasons, *operations, *paths, *groups, *not_readable})
    return tuple(
        StageTraffic(
            region=key[0],
            api_id=key[1],
            stage=key[2],
            log_group=groups.get(key),
            operations=operations.get(key),
            paths=paths.get(key),
            unanswered=dict(sorted(reasons[key].items())),
            truncated=key in truncated,
            not_readable=not_readable.get(key),
        )
        for key in keys
    )
