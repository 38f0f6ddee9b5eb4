"""Why what a stage serves is unknown: the failed call that left it unread, as a reason.

Every placeholder and every ``DataUnavailable`` a target raises names the AWS call that failed
for that target, or for what contains it (its API, its region), never a sibling's.
"""

from __future__ import annotations

from typing import TypeVar

from collectors.errors import DataUnavailable
from collectors.model import CollectionError, RestApi, RestDeployment, RestStage, V2Api

T = TypeVar("T")

NOT_READ = "(deployed definition not read)"
UNLISTED_ROUTES = "(routes not listed)"
DEPLOYMENT_OPERATIONS = ("GetDeployment", "GetExport", "ExportApi")


def failed_call(
    errors: tuple[CollectionError, ...], operation: str, fallback: str, target: str | None = None
) -> str:
    """The failed call that explains a gap: the one about ``target``, else one about what
    contains it (its API, its region); never one about a sibling. Without ``target``, any."""
    matching = [error for error in errors if error.operation == operation]
    if target is not None:
        matching = [e for e in matching if e.target == target or target.startswith(f"{e.target}/")]
    for error in sorted(matching, key=lambda e: e.target != target):
        return error.describe()
    return fallback


def deployment_reason(api: RestApi | V2Api, stage_key: str, deployment_id: str | None) -> str:
    """Why a deployment a stage serves is unknown: the failed call about this stage, else
    about another stage serving the same deployment (each is read through one of them)."""
    api_key = f"{api.region}/{api.id}"
    serving = {
        f"{api_key}/{stage.name}"
        for stage in api.stages or ()
        if deployment_id
        and (
            stage.deployment_id == deployment_id
            or (isinstance(stage, RestStage) and stage.canary_deployment_id == deployment_id)
        )
    }
    failed = [
        e
        for e in api.errors
        if e.operation in DEPLOYMENT_OPERATIONS
        and (e.target in (stage_key, api_key) or e.target in serving)
    ]
    for error in sorted(failed, key=lambda e: e.target != stage_key):
        return error.describe()
    return (
        f"the definition of deployment {deployment_id} that {stage_key} serves was not "
        "collected (the stage was out of scope when the inventory was taken)"
    )


def require_exported(api: RestApi, stage: RestStage, deployment: RestDeployment) -> None:
    """``DataUnavailable`` with the failed export when only the API summary was read."""
    if not deployment.exported:
        stage_key = f"{api.region}/{api.id}/{stage.name}"
        raise DataUnavailable(
            "only the authorization of the deployed methods is known: "
            + deployment_reason(api, stage_key, deployment.id)
        )


def require(
    value: T | None,
    errors: tuple[CollectionError, ...],
    operation: str,
    what: str,
    target: str | None = None,
) -> T:
    """``value``, or ``DataUnavailable`` naming the failed call that left it unknown (the one
    about ``target`` when there is one)."""
    if value is None:
        raise DataUnavailable(failed_call(errors, operation, f"{what} was not collected", target))
    return value
