"""Build the inventory of every region: list, then collect each API, then what they share.

The number of calls depends on the number of regions, APIs, distinct deployments and distinct
referenced resources, never on methods or resources:

    2 (STS GetCallerIdentity, made by the caller when it passes ``account``;
       CloudFront ListDistributions)
    + per region:     GetRestApis + GetApis + GetUsagePlans + GetApiKeys + GetAccount
                      + GetDomainNames (apigatewayv2: regional) + GetDomainNames (v1: edge)
                      + ceil(metric queries / 500) GetMetricData
                      (a query per stage; WebSocket stages two: ConnectCount, MessageCount)
    + per custom domain: GetApiMappings (regional) or GetBasePathMappings (edge)
                      (+ ListRoutingRules where its routing mode uses routing rules)
    + per REST API:   GetResources + GetStages + GetAuthorizers + GetRequestValidators
                      + GetGatewayResponses                                        (5)
                      + 2 per distinct deployment of its in-scope stages
                        (GetDeployment with embed=apisummary, GetExport)
                      + 1 per distinct canary deployment they send traffic to (GetDeployment)
    + per v2 API:     GetRoutes + GetIntegrations + GetStages + GetAuthorizers     (4)
                      + 2 per distinct deployment of its in-scope HTTP stages
                        (GetDeployment, ExportApi)
    + per distinct Lambda function: GetFunctionConfiguration
    + per distinct CloudWatch Logs group in-scope stages write access logs to: DescribeLogGroups
    + per distinct client certificate in-scope REST stages present: GetClientCertificate
    + per distinct ACM certificate of the custom domains mapping in-scope stages (served, or
      proving a mutual-TLS domain's ownership; in the ARN's region): DescribeCertificate
    + per distinct WAFv2 web ACL in front of in-scope stages (on a REST stage, or on an enabled
      CloudFront distribution in front of a regional custom domain mapping one that is an HTTP
      or WebSocket stage, or a REST stage of a non-PRIVATE API without a web ACL of its own):
      GetWebACL
    + per distinct usage plan in-scope REST stages are bound to, where the deployment a stage
      serves requires an API key on some method (or could not be read): GetUsagePlanKeys
    + with --traffic-days, per distinct CloudWatch Logs group and access-log format of
      in-scope stages: 1 StartQuery (+1 where a stage serves a greedy resource or $default,
      for its paths) + GetQueryResults polls (with backoff, until the query ends)
    + one more call for every extra page of a paginated answer.

APIs excluded by tag cost nothing beyond their listing. Work runs on a bounded thread pool
across regions and APIs; each client is shared by all threads. An API is built once, when
what its region tells about it (usage plans, request counts) is known.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import TypeVar

from collectors import (
    acm_certificates,
    client_certificates,
    cloudfront,
    http,
    lambdas,
    log_groups,
    metrics,
    rest,
    traffic,
    usage_plan_keys,
    web_acls,
)
from collectors.clients import AwsClients
from collectors.metadata import account_id, collection_metadata, now
from collectors.model import CollectionError, Inventory, RestApi, SkippedApi, V2Api
from collectors.progress import Progress, ProgressCallback, ProgressTracker
from collectors.regions import RegionListing, list_region
from collectors.request_counts import (
    ApiReading,
    count_errors,
    region_request_counts,
    stage_counts,
    unknown_count_errors,
)
from collectors.rest import RestApiReading
from collectors.scope import StageFilter, StageScope, api_exclusion_reason

__all__ = ["DEFAULT_WORKERS", "Progress", "ProgressCallback", "collect_inventory"]

DEFAULT_WORKERS = 8
DEFAULT_SCOPE = StageScope()
T = TypeVar("T")
A = TypeVar("A")


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


ApiJob = Callable[[], ApiReading]


def _plan_api_collection(
    clients: AwsClients, listings: list[RegionListing], audited: StageFilter
) -> tuple[list[ApiJob], list[SkippedApi]]:
    """One collection job per in-scope API; APIs excluded by tag are only recorded."""
    jobs: list[ApiJob] = []
    skipped: list[SkippedApi] = []
    for listing in listings:
        region = listing.region
        for listed_rest in listing.rest or ():
            if reason := api_exclusion_reason(listed_rest.tags):
                skipped.append(listed_rest.skipped(reason))
            else:
                jobs.append(
                    functools.partial(
                        rest.read_rest_api, clients.apigateway(region), listed_rest, audited
                    )
                )
        for listed_v2 in listing.v2 or ():
            if reason := api_exclusion_reason(listed_v2.tags):
                skipped.append(listed_v2.skipped(reason))
            else:
                jobs.append(
                    functools.partial(
                        http.read_v2_api, clients.apigatewayv2(region), listed_v2, audited
                    )
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
    traffic_days: int = 0,
    traffic_max_bytes: float = 0.0,
    on_traffic_plan: Callable[[traffic.TrafficPlan], None] = lambda plan: None,
    on_traffic_query_done: Callable[[int, int], None] = lambda done, total: None,
    account: str | None = None,
) -> Inventory:
    """The inventory of ``regions``; deployments are read for the stages ``audited`` accepts
    (by default the default scope rule's production and staging stages), and with
    ``traffic_days`` their access logs of the last that many days, scanning no more than
    ``traffic_max_bytes`` (``on_traffic_plan`` hears the cost before the first query,
    ``on_traffic_query_done`` each query that ends). ``account``: the audited account's id,
    when the caller has asked STS already (``AuditSession.check_setup``, before collection);
    else asked here."""
    started = now()
    account_number = account if account is not None else account_id(clients, regions[0])
    tracker = ProgressTracker(progress, len(regions))
    metric_call_errors: list[CollectionError] = []
    lambda_errors: list[CollectionError] = []
    # what in-scope stages refer to: log groups, client certificates, usage plans' API keys,
    # web ACLs, their custom domains' ACM certificates
    reference_errors: list[CollectionError] = []
    global_errors: list[CollectionError] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="apigw-audit") as pool:
        distributions_job = pool.submit(
            cloudfront.collect_distributions,
            clients.cloudfront(cloudfront.REGION),
            global_errors,
        )
        listings = _map(
            pool, functools.partial(list_region, clients), regions, tracker.region_listed
        )
        jobs, skipped = _plan_api_collection(clients, listings, audited)
        tracker.apis_planned(len(jobs))
        readings = _map(pool, lambda job: job(), jobs, tracker.api_collected)
        plans = sorted(
            usage_plan_keys.bound_plans(
                (r for r in readings if isinstance(r, RestApiReading)), listings, audited
            )
        )
        plan_key_jobs = [  # read while the request counts are
            pool.submit(usage_plan_keys.collect_plan_keys, clients, plan, errors=reference_errors)
            for plan in plans
        ]
        counts_by_region = _map(
            pool,
            functools.partial(
                region_request_counts,
                clients,
                readings=readings,
                end=now(),
                errors=metric_call_errors,
            ),
            listings,
        )
        counts = metrics.StageCounts({}, {})
        for by_region in counts_by_region:
            counts.counts.update(by_region.counts)
            counts.unknown.update(by_region.unknown)
        plan_keys = {plan: job.result() for plan, job in zip(plans, plan_key_jobs, strict=True)}
        listings = [usage_plan_keys.with_plan_keys(listing, plan_keys) for listing in listings]
        rest_apis, v2_apis = _build_apis(readings, listings, counts, metric_call_errors)
        functions = _map(
            pool,
            functools.partial(lambdas.collect_lambda_function, clients, errors=lambda_errors),
            sorted(lambdas.invoked_function_arns((*rest_apis, *v2_apis))),
        )
        groups = _map(
            pool,
            functools.partial(log_groups.collect_log_group, clients, errors=reference_errors),
            sorted(log_groups.access_log_groups((*rest_apis, *v2_apis), audited)),
        )
        certificates = _map(
            pool,
            functools.partial(
                client_certificates.collect_client_certificate, clients, errors=reference_errors
            ),
            sorted(client_certificates.stage_certificates((*rest_apis, *v2_apis), audited)),
        )
        domain_certificates = _map(
            pool,
            functools.partial(
                acm_certificates.collect_acm_certificate, clients, errors=reference_errors
            ),
            sorted(
                acm_certificates.certificates_to_describe(
                    (domain for listing in listings for domain in listing.custom_domains or ()),
                    (*rest_apis, *v2_apis),
                    audited,
                )
            ),
        )
        distributions = distributions_job.result()
        acls = _map(
            pool,
            functools.partial(web_acls.collect_web_acl, clients, errors=reference_errors),
            sorted(
                web_acls.web_acls_in_front(
                    rest_apis,
                    v2_apis,
                    (domain for listing in listings for domain in listing.custom_domains or ()),
                    distributions,
                    audited,
                )
            ),
        )
    evidence = None
    if traffic_days > 0:
        evidence = traffic.collect_traffic(
            clients,
            (*rest_apis, *v2_apis),
            {group.arn: group for group in groups if group is not None},
            audited,
            days=traffic_days,
            max_bytes=traffic_max_bytes,
            now=now(),
            errors=reference_errors,
            domains=(d for listing in listings for d in listing.custom_domains or ()),
            on_plan=on_traffic_plan,
            on_query_done=on_traffic_query_done,
        )

    return Inventory(
        metadata=collection_metadata(account_number, regions, started, demo=demo),
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
            *(e for reading in readings for e in reading.errors),
            *metric_call_errors,
            *unknown_count_errors(counts),
            *lambda_errors,
            *reference_errors,
        ),
        log_groups=tuple(group for group in groups if group is not None),
        client_certificates=tuple(c for c in certificates if c is not None),
        acm_certificates=tuple(c for c in domain_certificates if c is not None),
        web_acls=tuple(acl for acl in acls if acl is not None),
        api_keys=tuple(listing.api_keys for listing in listings if listing.api_keys is not None),
        traffic=evidence,
    )


def _build_apis(
    readings: list[ApiReading],
    listings: list[RegionListing],
    counts: metrics.StageCounts,
    metric_call_errors: list[CollectionError],
) -> tuple[list[RestApi], list[V2Api]]:
    """Each API, complete with what its region tells about it: usage plans, request counts,
    and the region's failed calls that leave part of it unknown."""
    by_region = {listing.region: listing for listing in listings}
    region_errors = {
        listing.region: [
            *listing.errors,
            *(e for e in metric_call_errors if e.target == listing.region),
        ]
        for listing in listings
    }

    def errors_of(reading: ApiReading, *region_operations: str) -> tuple[CollectionError, ...]:
        return (
            *count_errors(reading, counts),
            *reading.errors,
            *(e for e in region_errors[reading.listed.region] if e.operation in region_operations),
        )

    rest_apis: list[RestApi] = []
    v2_apis: list[V2Api] = []
    for reading in readings:
        request_counts = stage_counts(reading, counts)
        if isinstance(reading, RestApiReading):
            rest_apis.append(
                reading.build(
                    usage_plans=by_region[reading.listed.region].usage_plans,
                    request_counts=request_counts,
                    errors=errors_of(reading, "GetUsagePlans", "GetMetricData"),
                )
            )
        else:
            v2_apis.append(
                reading.build(
                    request_counts=request_counts, errors=errors_of(reading, "GetMetricData")
                )
            )
    return rest_apis, v2_apis
