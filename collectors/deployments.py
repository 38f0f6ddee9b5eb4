"""Read the deployments stages serve: two calls per distinct deployment, whatever the stages.

Shared by ``collectors.rest`` and ``collectors.http``: each says how to read a deployment
(its date, and for REST its API summary) and how to export a stage serving it; this module
reads each distinct deployment once, through the first stage that serves it, and records a
failed call instead of raising.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from collectors.clients import call_recording_errors
from collectors.model import CollectionError

T = TypeVar("T")
Deployment = TypeVar("Deployment")  # GetDeployment's answer


@dataclass(frozen=True)
class DeploymentReader(Generic[Deployment]):
    service: str
    export_operation: str  # GetExport (REST) or ExportApi (HTTP)
    read_deployment: Callable[[str], Deployment]  # deployment id -> GetDeployment's answer
    # stage name -> the stage's export; None: the deployments cannot be exported (a canary's)
    read_export: Callable[[str], dict[str, Any]] | None
    # whether GetDeployment alone says something worth keeping when the export fails (REST:
    # every method's authorization, in the API summary)
    summary_suffices: bool = False


def read_served_deployments(
    reader: DeploymentReader[Deployment],
    api_key: str,  # "region/apiId"
    stages: Iterable[tuple[str, str | None]],  # (stage name, deployment id)
    build: Callable[[str, Deployment, dict[str, Any] | None], T],  # (id, answer, export) -> model
    errors: list[CollectionError],
) -> tuple[T, ...]:
    serving: dict[str, str] = {}  # deployment id -> the first stage serving it
    for stage_name, deployment_id in stages:
        if deployment_id and deployment_id not in serving:
            serving[deployment_id] = stage_name
    deployments: list[T] = []
    for deployment_id, stage_name in sorted(serving.items()):
        target = f"{api_key}/{stage_name}"
        raw = call_recording_errors(
            errors,
            reader.service,
            "GetDeployment",
            target,
            functools.partial(reader.read_deployment, deployment_id),
        )
        if raw is None:
            continue
        if reader.read_export is None:
            deployments.append(build(deployment_id, raw, None))
            continue
        export = call_recording_errors(
            errors,
            reader.service,
            reader.export_operation,
            target,
            functools.partial(reader.read_export, stage_name),
        )
        if export is not None or reader.summary_suffices:
            deployments.append(build(deployment_id, raw, export))
    return tuple(deployments)
