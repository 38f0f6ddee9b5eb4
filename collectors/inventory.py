"""Build the inventory of every region: list, then collect each API, then what they share.

The number of calls depends on the number of regions, APIs, distinct deployments and distinct
referenced resources, never on methods or resources:

    2 (STS GetCallerIdentity, CloudFront ListDistributions)
    + per region:     GetRestApis + GetApis + GetUsagePlans + GetAccount
                      + GetDomainNames (apigatewayv2: regional) + GetDomainNames (v1: edge)
                      + ceil(metric queries / 500) GetMetricData
                      (a query per stage; WebSocket stages two: ConnectCount, MessageCount)
    + per custom domain: GetApiMappings (regional) or GetBasePathMappings (edge)
    + per REST API:   GetResources + GetStages + GetAuthorizers + GetRequestValidators
                      + GetGatewayResponses                                        (5)
                      + 2 per distinct deployment of its in-scope stages
                        (GetDeployment with embed=apisummary, GetExport)
                      + 1 per distinct canary deployment they send traffic to (GetDeployment)
    + per v2 API:     GetRoutes + GetIntegrations + GetStages + GetAuthorizers     (4)
                      + 2 per distinct deployment of its in-scope HTTP stages
                        (GetDeployment, ExportApi)
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

from collectors import account, cloudfront, domains, http, lambdas, metrics, rest
from collectors.clients import AwsClients, call_recording_errors
from collectors.errors import AuditSetupError
from collectors.model import (
    AccountSettings,
    CollectionError,
    CollectionMetadata,
    CustomDomain,
    Inventory,
    RestApi,
    RestStage,
    SkippedApi,
    UsagePlanBinding,
    V2Api,
    V2Stage,
    invokes_lambda,
    lambda_arn_from_uri,
)
from collectors.scope import StageFilter, StageScope, api_exclusion_reason

DEFAULT_WORKERS = 8
DEFAULT_SCOPE = StageScope()
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
    account: AccountSettings | None
    custom_domains: tuple[CustomDomain, ...] | None
    errors: list[CollectionError]


def _list_region(clients: AwsClients, region: str) -> _RegionListing:
    errors: list[CollectionError] = []
    apigw = clients.get(rest.SERVICE, region)
    v2 = clients.get(http.SERVICE, region)
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
            lambda: http.list_v2_apis(v2),
        ),
        usage_plans=call_recording_errors(
            errors, rest.SERVICE, "GetUsagePlans", region, lambda: rest.list_usage_plans(apigw)
        ),
        account=account.collect_account(apigw, region, errors),
        custom_domains=_both(
            domains.collect_custom_domains(v2, region, errors),
            domains.collect_edge_domains(apigw, region, errors),
        ),
        errors=errors,
    )


def _both(
    regional: tuple[CustomDomain, ...] | None, edge: tuple[CustomDomain, ...] | None
) -> tuple[CustomDomain, ...] | None:
    """Every custom domain of the region; ``None`` when either listing failed."""
    if regional is None or edge is None:
        return None
    return (*regional, *edge)


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
    clients: AwsClients, listings: list[_RegionListing], audited: StageFilter
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
                jobs.append(
                    functools.partial(rest.collect_rest_api, client, summary, region, audited)
                )
        for summary in listing.v2 or ():
            reason = api_exclusion_reason(summary.get("Tags") or {})
            if reason:
                api_type = summary.get("ProtocolType", "HTTP")
                skipped.append(_skipped(summary["ApiId"], summary, api_type, region, reason))
            else:
                client = clients.get(http.SERVICE, region)
                jobs.append(
                    functools.partial(http.collect_v2_api, client, summary, region, audited)
                )
    return jobs, skipped


def collect_inventory(
    clients: AwsClients,
    regions: tuple[str, ...],
    *,
    workers: int = DEFAULT_WORKERS,
    progress: ProgressCallback | None = None,
    demo: bool = False,
    audited: StageFilter = DEFAULT_SCOPE.audits,
) -> Inventory:
    """The inventory of ``regions``; deployments are read for the stages ``audited`` accepts
    (by default the default scope rule's production and staging stages)."""
    started = _now()
    account_number = account_id(clients, regions[0])
    tracker = _ProgressTracker(progress, len(regions))
    count_errors: list[CollectionError] = []
    lambda_errors: list[CollectionError] = []
    global_errors: list[CollectionError] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="apigw-audit") as pool:
        distributions_job = pool.submit(
            cloudfront.collect_distributions,
            clients.get(cloudfront.SERVICE, cloudfront.REGION),
            global_errors,
        )
        listings = _map(
            pool, functools.partial(_list_region, clients), regions, tracker.region_listed
        )
        jobs, skipped = _plan_api_collection(clients, listings, audited)
        tracker.apis_planned(len(jobs))
        apis = _map(pool, lambda job: job(), jobs, tracker.api_collected)
        end = _now()
        counts_by_region = _map(
            pool,
            functools.partial(
                _region_request_counts,
                clients,
                apis=apis,
                listings={listing.region: listing for listing in listings},
                end=end,
                errors=count_errors,
            ),
            regions,
        )
        functions = _map(
            pool,
            functools.partial(lambdas.collect_lambda_function, clients, errors=lambda_errors),
            sorted(_lambda_arns(apis)),
        )
        distributions = distributions_job.result()

    counts = metrics.StageCounts({}, {})
    for by_region in counts_by_region:
        counts.counts.update(by_region.counts)
        counts.unknown.update(by_region.unknown)
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
            account_id=account_number,
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
        accounts=tuple(listing.account for listing in listings if listing.account is not None),
        custom_domains=tuple(
            domain for listing in listings for domain in listing.custom_domains or ()
        ),
        distributions=distributions,
        skipped_apis=tuple(sorted(skipped, key=lambda s: (s.region, s.id))),
        errors=(
            *global_errors,
            *(e for listing in listings for e in listing.errors),
            *(e for api in apis for e in api.errors),
            *count_errors,
            *_unknown_count_errors(counts),
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


def _shared_rest_names(listing: _RegionListing) -> set[str]:
    """REST API names used by more than one REST API of the region (excluded ones too)."""
    names = [str(summary.get("name", "")) for summary in listing.rest or ()]
    return {name for name in names if names.count(name) > 1}


def _region_request_counts(
    clients: AwsClients,
    region: str,
    *,
    apis: list[RestApi | V2Api],
    listings: dict[str, _RegionListing],
    end: datetime,
    errors: list[CollectionError],
) -> metrics.StageCounts:
    # CloudWatch keys REST API metrics by ApiName, so REST APIs sharing a name share their
    # counts: no query can tell them apart, and each would read the others' traffic.
    shared = _shared_rest_names(listings[region])
    counts = metrics.StageCounts({}, {})
    queries = []
    for api in apis:
        if api.region != region:
            continue
        for stage in api.stages or ():
            key = _stage_key(api, stage.name)
            if isinstance(api, RestApi) and api.name in shared:
                counts.unknown[key] = (
                    f"another REST API in {region} is also named {api.name!r}, and CloudWatch "
                    "counts REST API requests by name (ApiName), so this stage's requests "
                    "cannot be told apart from the other API's"
                )
            elif isinstance(api, RestApi):
                queries.append(metrics.rest_stage_query(key, api.name, stage.name))
            else:
                queries.append(metrics.v2_stage_query(key, api.id, stage.name, api.protocol_type))
    if queries:
        region_errors: list[CollectionError] = []
        measured = metrics.request_counts(
            clients.get(metrics.SERVICE, region), queries, end, region, region_errors
        )
        errors.extend(region_errors)  # list.extend is atomic under the GIL
        counts.counts.update(measured.counts)
        counts.unknown.update(measured.unknown)
    return counts


def _incomplete(key: str, reason: str) -> CollectionError:
    return CollectionError(metrics.SERVICE, "GetMetricData", key, "IncompleteData", reason)


def _unknown_count_errors(counts: metrics.StageCounts) -> list[CollectionError]:
    return [_incomplete(key, reason) for key, reason in sorted(counts.unknown.items())]


def _lambda_arns(apis: list[RestApi | V2Api]) -> set[str]:
    """Every Lambda function an integration invokes, current or deployed."""
    arns: set[str] = set()
    for api in apis:
        integrations: list[tuple[str, str | None]]
        if isinstance(api, RestApi):
            resources = [
                *(api.resources or ()),
                *(r for d in api.deployments for r in d.definition.resources),
            ]
            integrations = [
                (m.integration.type, m.integration.uri)
                for resource in resources
                for m in resource.methods
                if m.integration is not None
            ]
        else:
            integrations = [
                (i.type, i.uri)
                for i in (
                    *(api.integrations or ()),
                    *(i for d in api.deployments for i in d.definition.integrations),
                )
            ]
        for integration_type, uri in integrations:
            arn = lambda_arn_from_uri(uri) if invokes_lambda(integration_type, uri) else None
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


def _count_errors(api: RestApi | V2Api, counts: metrics.StageCounts) -> list[CollectionError]:
    """Why the API's stages whose counts are unknown are unknown (a dict lookup a stage)."""
    keys = sorted(_stage_key(api, stage.name) for stage in api.stages or ())
    return [_incomplete(key, counts.unknown[key]) for key in keys if key in counts.unknown]


def _bind_rest(
    api: RestApi,
    usage_plans: dict[tuple[str, str], tuple[UsagePlanBinding, ...]] | None,
    counts: metrics.StageCounts,
    region_errors: list[CollectionError],
) -> RestApi:
    """Attach what was collected per region: usage plans and request counts."""

    def bind(stage: RestStage) -> RestStage:
        plans = usage_plans.get((api.id, stage.name), ()) if usage_plans is not None else None
        count = counts.counts.get(_stage_key(api, stage.name))
        return dataclasses.replace(stage, usage_plans=plans, request_count_30d=count)

    errors = _with_region_errors(api.errors, region_errors, ("GetUsagePlans", "GetMetricData"))
    return dataclasses.replace(
        api,
        stages=tuple(map(bind, api.stages)) if api.stages is not None else None,
        errors=(*_count_errors(api, counts), *errors),
    )


def _bind_v2(
    api: V2Api, counts: metrics.StageCounts, region_errors: list[CollectionError]
) -> V2Api:
    """Attach what was collected per region: request counts."""

    def bind(stage: V2Stage) -> V2Stage:
        count = counts.counts.get(_stage_key(api, stage.name))
        return dataclasses.replace(stage, request_count_30d=count)

    errors = _with_region_errors(api.errors, region_errors, ("GetMetricData",))
    return dataclasses.replace(
        api,
        stages=tuple(map(bind, api.stages)) if api.stages is not None else None,
        errors=(*_count_errors(api, counts), *errors),
    )
