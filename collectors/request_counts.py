"""Request counts of a region's stages, for the APIs collected there.

One CloudWatch query per stage that can be counted (``collectors.metrics``): REST APIs by
name, HTTP and WebSocket APIs by id. A stage that cannot be counted, or whose count came back
incomplete, has a reason instead, recorded as an ``IncompleteData`` error of its API.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from collectors import metrics
from collectors.clients import AwsClients
from collectors.http import V2ApiReading
from collectors.model import CollectionError
from collectors.regions import RegionListing
from collectors.rest import RestApiReading

ApiReading = RestApiReading | V2ApiReading


def _stage_key(reading: ApiReading, stage_name: str) -> str:
    return f"{reading.listed.region}/{reading.listed.id}/{stage_name}"


def region_request_counts(
    clients: AwsClients,
    listing: RegionListing,
    *,
    readings: Sequence[ApiReading],
    end: datetime,
    errors: list[CollectionError],
) -> metrics.StageCounts:
    """The 30-day request counts of the stages of the APIs read in ``listing``'s region."""
    region = listing.region
    # CloudWatch keys REST API metrics by ApiName, so REST APIs sharing a name share their
    # counts: no query can tell them apart, and each would read the others' traffic.
    shared = listing.shared_rest_names()
    counts = metrics.StageCounts({}, {})
    queries = []
    for reading in readings:
        if reading.listed.region != region:
            continue
        name = reading.listed.name
        for stage in reading.stage_names:
            key = _stage_key(reading, stage)
            if isinstance(reading, RestApiReading) and name in shared:
                counts.unknown[key] = (
                    f"another REST API in {region} is also named {name!r}, and CloudWatch "
                    "counts REST API requests by name (ApiName), so this stage's requests "
                    "cannot be told apart from the other API's"
                )
            elif isinstance(reading, RestApiReading):
                queries.append(metrics.rest_stage_query(key, name, stage))
            else:
                queries.append(
                    metrics.v2_stage_query(key, reading.listed.id, stage, reading.protocol_type)
                )
    if queries:
        region_errors: list[CollectionError] = []
        measured = metrics.request_counts(
            clients.cloudwatch(region), queries, end, region, region_errors
        )
        errors.extend(region_errors)  # list.extend is atomic under the GIL
        counts.counts.update(measured.counts)
        counts.unknown.update(measured.unknown)
    return counts


def stage_counts(reading: ApiReading, counts: metrics.StageCounts) -> dict[str, float]:
    """The API's counted stages: stage name -> requests."""
    return {
        stage: counts.counts[key]
        for stage in reading.stage_names
        if (key := _stage_key(reading, stage)) in counts.counts
    }


def _incomplete(key: str, reason: str) -> CollectionError:
    return CollectionError(
        service=metrics.SERVICE,
        operation="GetMetricData",
        target=key,
        code="IncompleteData",
        message=reason,
    )


def count_errors(reading: ApiReading, counts: metrics.StageCounts) -> list[CollectionError]:
    """Why the API's stages whose counts are unknown are unknown (a dict lookup a stage)."""
    keys = sorted(_stage_key(reading, stage) for stage in reading.stage_names)
    return [_incomplete(key, counts.unknown[key]) for key in keys if key in counts.unknown]


def unknown_count_errors(counts: metrics.StageCounts) -> list[CollectionError]:
    """Why every stage whose count is unknown is unknown."""
    return [_incomplete(key, reason) for key, reason in sorted(counts.unknown.items())]
