"""A target in the words reports use: its names, path and ARN (``TargetDescription``)."""

from __future__ import annotations

import functools

import botocore.session

from collectors.contract import TargetDescription
from collectors.targets.objects import (
    RestApiTarget,
    RestMethodTarget,
    RestResourceTarget,
    RestStageTarget,
    Target,
    Unlisted,
    V2ApiTarget,
    V2RouteTarget,
    V2StageTarget,
)


@functools.cache
def _partition(region: str) -> str:
    return str(botocore.session.get_session().get_partition_for_region(region))


def control_plane_arn(region: str, api_type: str, api_id: str, stage: str | None = None) -> str:
    """An API's or stage's own ARN: ``/restapis/ID`` for a REST API, ``/apis/ID`` for an HTTP
    or WebSocket API, then ``/stages/NAME``
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/arn-format-reference.html)."""
    family = "restapis" if api_type == "REST" else "apis"
    arn = f"arn:{_partition(region)}:apigateway:{region}::/{family}/{api_id}"
    return f"{arn}/stages/{stage}" if stage is not None else arn


def _control_plane_arn(target: Target) -> str:
    api = target.api
    api_type = "REST" if isinstance(target, (RestApiTarget, RestStageTarget)) else "HTTP"
    stage = target.stage.name if isinstance(target, (RestStageTarget, V2StageTarget)) else None
    return control_plane_arn(api.region, api_type, api.id, stage)


def _invoke_arn(target: RestResourceTarget | RestMethodTarget | V2RouteTarget, account: str) -> str:
    """What callers invoke, as IAM policies name it: ``api-id/stage/METHOD/path`` (an ``ANY``
    method and a whole resource are ``*``) or, for a route without a method (``$default``,
    WebSocket routes), ``api-id/stage/route-key``."""
    api = target.api
    prefix = f"arn:{_partition(api.region)}:execute-api:{api.region}:{account}:{api.id}"
    if isinstance(target, V2RouteTarget):
        verb, _, path = target.route.route_key.partition(" ")
        operation = f"{'*' if verb == 'ANY' else verb}{path}" if path else verb
    else:
        verb = target.method.http_method if isinstance(target, RestMethodTarget) else "*"
        operation = f"{'*' if verb == 'ANY' else verb}{target.resource.path}"
    return f"{prefix}/{target.stage.name}/{operation}"


def _described_placeholder(key: str) -> TargetDescription:
    """A placeholder's account, region, API and stage, as far as its key names them
    (``ACCOUNT/(account not reached)`` names no region: "")."""
    account, *parts = key.split("/")
    named = [part if not part.startswith("(") else None for part in parts[:3]]
    region, api_id, stage = [*named, None, None, None][:3]
    return TargetDescription(
        key=key, region=region or "", api_id=api_id, stage=stage, account=account or None
    )


def describe(target: Target | Unlisted) -> TargetDescription:
    """The target in the reports' words."""
    if isinstance(target, Unlisted):
        return _described_placeholder(target.key)
    account = target.account
    api = target.api
    path: str | None = None
    method: str | None = None
    if isinstance(target, (RestResourceTarget, RestMethodTarget)):
        path = target.resource.path
    if isinstance(target, RestMethodTarget):
        method = target.method.http_method
    if isinstance(target, V2RouteTarget):
        verb, _, route_path = target.route.route_key.partition(" ")
        method, path = (verb, route_path) if route_path else (None, target.route.route_key)
    if isinstance(target, (RestResourceTarget, RestMethodTarget, V2RouteTarget)):
        arn = _invoke_arn(target, account)
    else:
        arn = _control_plane_arn(target)
    stage: str | None = None
    environment: str | None = None
    if not isinstance(target, (RestApiTarget, V2ApiTarget)):
        stage, environment = target.stage.name, target.environment
    return TargetDescription(
        key=target.key,
        region=api.region,
        api_id=api.id,
        api_name=api.name,
        api_type=api.api_type,
        stage=stage,
        environment=environment,
        resource_path=path,
        http_method=method,
        arn=arn,
        account=account or None,
    )
