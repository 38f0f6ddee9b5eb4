"""Build the inventory of every region: list, then collect each API, then what they share.

The number of calls depends on the number of regions, APIs and distinct Lambda functions,
never on methods, resources or stages:

    1 (STS GetCallerIdentity)
    + per region:     GetRestApis + GetApis + GetUsagePlans + ceil(stages / 500) GetMetricData
    + per REST API:   GetResources + GetStages + GetAuthorizers + GetRequestValidators
                      + GetGatewayResponses                                        (5)
    + per v2 API:     GetRoutes + GetIntegrations + GetStages + GetAuthorizers     (4)
    + per distinct Lambda function: GetFunctionConfiguration
    + one more call for every extra page of a paginated answer.

APIs excluded by tag cost nothing beyond their listing. Work runs on a bounded thread pool
across regions and APIs; each client is shared by all threads.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from collectors import http, lambdas, metrics, rest
from collectors.clients import AwsClients, call_recording_errors
from collectors.errors import AuditSetupError
from collectors.model import (
    LAMBDA_INTEGRATION_TYPES,
    CollectionError,
    CollectionMetadata,
    Inventory,
    RestApi,
    RestStage,
    SkippedApi,
    UsagePlanBinding,
    V2Api,
    V2Stage,
    lambda_arn_from_uri,
)
from collectors.scope import api_exclusion_reason

DEFAULT_WORKERS = 8
T = TypeVar("T")
A = TypeVar("A")


@dataclass(frozen=True)
class Progress:
    regions_listed: int
    regions_total: int
    apis_done: int
    apis_total: int  # known once every region is listed (``planned``)
    planned: bool = False

    @property
    def finished(self) -> bool:
        return self.planned and self.apis_done == self.apis_total


ProgressCallback = Callable[[Progress], None]


def tool_version() -> str:
    try:
        return metadata.version("apigw-audit")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def account_id(clients: AwsClients, region: str) -> str:
    """The audited account; a rejected identity stops the run with one actionable line."""
    try:
        identity = clients.get("sts", region).get_caller_identity()
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise AuditSetupError(
            f"AWS rejected the credentials ({error.get('Code')}: {error.get('Message')}): "
            "refresh them (aws sso login, new keys) or pass another --aws-profile."
        ) from None
    except BotoCoreError as exc:
        raise AuditSetupError(
            f"Cannot reach AWS STS in {region}: {exc}. Check the network, AWS_ENDPOINT_URL "
            "and the region."
        ) from None
    return str(identity["Account"])


@dataclass
class _RegionListing:
    region: str
    rest: list[dict[str, Any]] | None
    v2: list[dict[str, Any]] | None
    usage_plans: dict[tuple[str, str], tuple[UsagePlanBinding, ...]] | None
    errors: list[CollectionError]


def _list_region(clients: AwsClients, region: str) -> _RegionListing:
    errors: list[CollectionError] = []
    apigw = clients.get(rest.SERVICE, region)
    return _RegionListing(
        region=region,
        rest=call_recording_errors(
            errors, rest.SERVICE, "GetRestApis", region, lambda: rest.list_rest_apis(apigw)
        ),
        v2=call_recording_errors(
            errors,
            http.SERVICE,
            "GetApis",
            region,
            lambda: http.list_v2_apis(clients.get(http.SERVICE, region)),
        ),
        usage_plans=call_recording_errors(
            errors, rest.SERVICE, "GetUsagePlans", region, lambda: rest.list_usage_plans(apigw)
        ),
        errors=errors,
    )


def _map(
    pool: ThreadPoolExecutor,
    function: Callable[[A], T],
    items: Iterable[A],
    on_done: Callable[[], None] = lambda: None,
) -> list[T]:
    """``function`` over ``items`` on the pool, results in input order."""
    futures: list[Future[T]] = [pool.submit(function, item) for item in items]
    for _ in as_completed(futures):
        on_done()
    return [future.result() for future in futures]


class _ProgressTracker:
    def __init__(self, callback: ProgressCallback | None, regions: int) -> None:
        self._callback = callback
        self._lock = threading.Lock()
        self._progress = Progress(0, regions, 0, 0)

    def _advance(self, **changes: Any) -> None:
        if self._callback is None:
            return
        with self._lock:
            self._progress = dataclasses.replace(self._progress, **changes)
            self._callback(self._progress)

    def region_listed(self) -> None:
        self._advance(regions_listed=self._progress.regions_listed + 1)

    def apis_planned(self, total: int) -> None:
        self._advance(apis_total=total, planned=True)

    def api_collected(self) -> None:
        self._advance(apis_done=self._progress.apis_done + 1)


ApiJob = Callable[[], RestApi | V2Api]


def _plan_api_collection(
    clients: AwsClients, listings: list[_RegionListing]
) -> tuple[list[ApiJob], list[SkippedApi]]:
    """One collection job per in-scope API; APIs excluded by tag are only recorded."""
    jobs: list[ApiJob] = []
    skipped: list[SkippedApi] = []
    for listing in listings:
        region = listing.region
        for summary in listing.rest or ():
            reason = api_exclusion_reason(summary.get("tags") or {})
            if reason:
                skipped.append(_skipped(summary["id"], summary, "REST", region, reason))
            else:
                client = clients.get(rest.SERVICE, region)
                jobs.append(functools.partial(rest.collect_rest_api, client, summary, region))
        for summary in listing.v2 or ():
            reason = api_exclusion_reason(summary.get("Tags") or {})
            if reason:
                api_type = summary.get("ProtocolType", "HTTP")
                skipped.append(_skipped(summary["ApiId"], summary, api_type, region, reason))
            else:
                client = clients.get(http.SERVICE, region)
                jobs.append(functools.partial(http.collect_v2_api, client, summary, region))
    return jobs, skipped


def collect_inventory(
    clients: AwsClients,
    regions: tuple[str, ...],
    *,
    workers: int = DEFAULT_WORKERS,
    progress: ProgressCallback | None = None,
    demo: bool = False,
) -> Inventory:
    started = _now()
    account = account_id(clients, regions[0])
    tracker = _ProgressTracker(progress, len(regions))
    count_errors: list[CollectionError] = []
    lambda_errors: list[CollectionError] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="apigw-audit") as pool:
        listings = _map(
            pool, functools.partial(_list_region, clients), regions, tracker.region_listed
        )
        jobs, skipped = _plan_api_collection(clients, listings)
        tracker.apis_planned(len(jobs))
        apis = _map(pool, lambda job: job(), jobs, tracker.api_collected)
        end = _now()
        counts_by_region = _map(
            pool,
            functools.partial(
                _region_request_counts, clients, apis=apis, end=end, errors=count_errors
            ),
            regions,
        )
        functions = _map(
            pool,
            functools.partial(lambdas.collect_lambda_function, clients, errors=lambda_errors),
            sorted(_lambda_arns(apis)),
        )

    counts = {key: value for by_stage in counts_by_region for key, value in by_stage.items()}
    region_errors = {
        listing.region: [*listing.errors, *(e for e in count_errors if e.target == listing.region)]
        for listing in listings
    }
    usage_plans = {listing.region: listing.usage_plans for listing in listings}
    rest_apis = [
        _bind_rest(api, usage_plans[api.region], counts, region_errors[api.region])
        for api in apis
        if isinstance(api, RestApi)
    ]
    v2_apis = [
        _bind_v2(api, counts, region_errors[api.region]) for api in apis if isinstance(api, V2Api)
    ]
    return Inventory(
        metadata=CollectionMetadata(
            account_id=account,
            regions=regions,
            started_at=started.isoformat(),
            finished_at=_now().isoformat(),
            tool_version=tool_version(),
            demo=demo,
        ),
        rest_apis=tuple(sorted(rest_apis, key=lambda a: (a.region, a.id))),
        http_apis=tuple(sorted(v2_apis, key=lambda a: (a.region, a.id))),
        lambda_functions=tuple(
            sorted((f for f in functions if f is not None), key=lambda f: f.arn)
        ),
        skipped_apis=tuple(sorted(skipped, key=lambda s: (s.region, s.id))),
        errors=(
            *(e for listing in listings for e in listing.errors),
            *(e for api in apis for e in api.errors),
            *count_errors,
            *lambda_errors,
        ),
    )


def _skipped(
    api_id: str, summary: dict[str, Any], api_type: str, region: str, reason: str
) -> SkippedApi:
    return SkippedApi(
        id=api_id,
        name=summary.get("name") or summary.get("Name") or "",
        region=region,
        api_type=api_type,
        tags=dict(summary.get("tags") or summary.get("Tags") or {}),
        reason=reason,
    )


def _stage_key(api: RestApi | V2Api, stage_name: str) -> str:
    return f"{api.region}/{api.id}/{stage_name}"


def _region_request_counts(
    clients: AwsClients,
    region: str,
    *,
    apis: list[RestApi | V2Api],
    end: datetime,
    errors: list[CollectionError],
) -> dict[str, float]:
    queries = [
        (
            metrics.rest_stage_query(_stage_key(api, stage.name), api.name, stage.name)
            if isinstance(api, RestApi)
            else metrics.v2_stage_query(_stage_key(api, stage.name), api.id, stage.name)
        )
        for api in apis
        if api.region == region
        for stage in api.stages or ()
    ]
    if not queries:
        return {}
    region_errors: list[CollectionError] = []
    counts = metrics.request_counts(
        clients.get(metrics.SERVICE, region), queries, end, region, region_errors
    )
    errors.extend(region_errors)  # list.extend is atomic under the GIL
    return counts


def _lambda_arns(apis: list[RestApi | V2Api]) -> set[str]:
    arns: set[str] = set()
    for api in apis:
        if isinstance(api, RestApi):
            integrations = [
                (m.integration.type, m.integration.uri)
                for resource in api.resources or ()
                for m in resource.methods
                if m.integration is not None
            ]
        else:
            integrations = [(i.type, i.uri) for i in api.integrations or ()]
        for integration_type, uri in integrations:
            arn = lambda_arn_from_uri(uri) if integration_type in LAMBDA_INTEGRATION_TYPES else None
            if arn:
                arns.add(arn)
    return arns


def _with_region_errors(
    api_errors: tuple[CollectionError, ...],
    region_errors: list[CollectionError],
    operations: tuple[str, ...],
) -> tuple[CollectionError, ...]:
    """The API's own errors plus the region-wide ones that leave a section of it unknown."""
    return (*api_errors, *(e for e in region_errors if e.operation in operations))


def _bind_rest(
    api: RestApi,
    usage_plans: dict[tuple[str, str], tuple[UsagePlanBinding, ...]] | None,
    counts: dict[str, float],
    region_errors: list[CollectionError],
) -> RestApi:
    """Attach what was collected per region: usage plans and request counts."""

    def bind(stage: RestStage) -> RestStage:
        plans = usage_plans.get((api.id, stage.name), ()) if usage_plans is not None else None
        count = counts.get(_stage_key(api, stage.name))
        return dataclasses.replace(stage, usage_plans=plans, request_count_30d=count)

    return dataclasses.replace(
        api,
        stages=tuple(map(bind, api.stages)) if api.stages is not None else None,
        errors=_with_region_errors(api.errors, region_errors, ("GetUsagePlans", "GetMetricData")),
    )


def _bind_v2(api: V2Api, counts: dict[str, float], region_errors: list[CollectionError]) -> V2Api:
    """Attach what was collected per region: request counts."""

    def bind(stage: V2Stage) -> V2Stage:
        count = counts.get(_stage_key(api, stage.name))
        return dataclasses.replace(stage, request_count_30d=count)

    return dataclasses.replace(
        api,
        stages=tuple(map(bind, api.stages)) if api.stages is not None else None,
        errors=_with_region_errors(api.errors, region_errors, ("GetMetricData",)),
    )
