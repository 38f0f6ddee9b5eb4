"""The API keys of the usage plans in-scope REST stages are bound to: one paginated
GetUsagePlanKeys per distinct plan, in its region, once the stages are known.

A plan bound to several stages (or several APIs) is read once; plans bound only to stages out
of scope, or to APIs excluded by tag, are not read, nor those bound only to stages whose
deployment requires an API key on no method: a plan's keys matter only to the methods that
require one (APIGW-KEY-001), and the deployments are read, with each method's
``apiKeyRequired``, before the plans. A stage whose deployment could not be read keeps its
plans: what it serves is unknown. AWS answers every key's value with it
(botocore's UsagePlanKey: id, type, value, name) whatever the caller asks: only the ids are
kept, the value is dropped here, before anything is built.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from collectors.clients import AwsClients, call_recording_errors
from collectors.model import CollectionError, usage_plan_ref
from collectors.parsing import PAGE, items_of
from collectors.regions import RegionListing
from collectors.rest import RestApiReading
from collectors.scope import StageFilter

SERVICE = "apigateway"

PlanRef = tuple[str, str]  # (region, usage plan id)
PlanKeys = Mapping[PlanRef, tuple[str, ...] | None]  # -> its API key ids; None: not read


def _requires_api_key(reading: RestApiReading, deployment_id: str | None) -> bool:
    """Whether a method of the deployment requires an API key; True when it was not read."""
    deployment = next((d for d in reading.deployments if d.id == deployment_id), None)
    return deployment is None or any(
        method.api_key_required
        for resource in deployment.definition.resources
        for method in resource.methods
    )


def bound_plans(
    readings: Iterable[RestApiReading], listings: Iterable[RegionListing], audited: StageFilter
) -> set[PlanRef]:
    """Every usage plan bound to an in-scope stage of a REST API read whose deployment
    requires an API key (APIGW-KEY-001 judges the stage's own deployment, not its canary's)."""
    plans = {listing.region: listing.usage_plans or {} for listing in listings}
    return {
        (reading.listed.region, binding.plan_id)
        for reading in readings
        for stage in reading.stages or ()
        if audited(stage["stageName"]) and _requires_api_key(reading, stage.get("deploymentId"))
        for binding in plans[reading.listed.region].get((reading.listed.id, stage["stageName"]), ())
    }


def collect_plan_keys(
    clients: AwsClients, ref: PlanRef, *, errors: list[CollectionError]
) -> tuple[str, ...] | None:
    """The ids of the plan's API keys; ``None`` (and an error) when the call failed."""
    region, plan_id = ref
    client = clients.apigateway(region)

    def read() -> tuple[str, ...]:
        pages = client.get_paginator("get_usage_plan_keys").paginate(
            usagePlanId=plan_id, PaginationConfig=PAGE
        )
        # AWS's only key type (API_KEY); each answer's "value" is never looked at
        return tuple(sorted(raw["id"] for raw in items_of(pages)))

    return call_recording_errors(
        errors, SERVICE, "GetUsagePlanKeys", usage_plan_ref(region, plan_id), read
    )


def with_plan_keys(listing: RegionListing, plan_keys: PlanKeys) -> RegionListing:
    """``listing`` whose usage plans carry their API keys, where they were read."""
    if listing.usage_plans is None:
        return listing
    region = listing.region
    return dataclasses.replace(
        listing,
        usage_plans={
            api_stage: tuple(
                dataclasses.replace(binding, api_key_ids=plan_keys.get((region, binding.plan_id)))
                for binding in bindings
            )
            for api_stage, bindings in listing.usage_plans.items()
        },
    )
