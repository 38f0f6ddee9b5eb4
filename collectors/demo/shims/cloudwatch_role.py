"""REST and WebSocket logging to CloudWatch Logs needs the region's CloudWatch role, as on AWS.

API Gateway writes a REST or WebSocket API's execution and access logs to CloudWatch Logs
with the role the region's account settings name (``cloudwatchRoleArn``,
https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html,
"Permissions for CloudWatch logging"), and refuses to turn either on without one:
"BadRequestException: CloudWatch Logs role ARN must be set in account settings to enable
logging" (for REST method settings and access log settings, and WebSocket stages alike). HTTP
APIs need no role, nor does a Firehose destination. moto accepts any logging setting; here a
REST UpdateStage, or a WebSocket CreateStage or UpdateStage, that turns CloudWatch logging on
in a region without the role is refused with AWS's message. The role can still be removed
afterwards (UpdateAccount), leaving the settings in place, as on AWS.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from moto.apigateway.exceptions import BadRequestException as RestBadRequest
from moto.apigateway.models import APIGatewayBackend, apigateway_backends
from moto.apigatewayv2.exceptions import BadRequestException as V2BadRequest
from moto.apigatewayv2.models import Api

from collectors.demo.shims._patching import Function, wrap

REFUSAL = "CloudWatch Logs role ARN must be set in account settings to enable logging"
_OFF = ("", "OFF")


def set_cloudwatch_role(
    region: str, role_arn: str | None, account_id: str = "123456789012"
) -> None:
    """Name ``role_arn`` as the region's CloudWatch role, or remove it (``None``), as
    UpdateAccount would, written to moto's backend: no call, so the emulator's seeded ids
    are not drawn on (the demo keeps the ids of what it built before)."""
    apigateway_backends[account_id][region].account.cloudwatch_role_arn = role_arn


def _has_role(account_id: str, region: str) -> bool:
    return bool(apigateway_backends[account_id][region].account.cloudwatch_role_arn)


def _to_cloudwatch(destination: object) -> bool:
    return ":logs:" in str(destination or "")


def _rest_turns_logging_on(patch_operations: Iterable[Mapping[str, Any]]) -> bool:
    """A REST UpdateStage's operations set an access-log group or an execution log level."""
    for operation in patch_operations:
        path, value = str(operation.get("path", "")), operation.get("value")
        if operation.get("op") != "replace":
            continue
        if path == "/accessLogSettings/destinationArn" and _to_cloudwatch(value):
            return True
        if path.endswith("/logging/loglevel") and str(value or "").upper() not in _OFF:
            return True
    return False


def _level_on(settings: object) -> bool:
    level = settings.get("loggingLevel") if isinstance(settings, Mapping) else None
    return str(level or "").upper() not in _OFF


def websocket_turns_logging_on(api: Any, params: Mapping[str, Any]) -> bool:
    """A WebSocket CreateStage's or UpdateStage's members set an access-log group or a log
    level (HTTP APIs' never need the role)."""
    if str(api.protocol_type).upper() != "WEBSOCKET":
        return False
    access = params.get("accessLogSettings")
    if isinstance(access, Mapping) and _to_cloudwatch(access.get("destinationArn")):
        return True
    routes = params.get("routeSettings") or {}
    return _level_on(params.get("defaultRouteSettings")) or any(
        _level_on(settings) for settings in routes.values()
    )


def refuse_websocket_logging_without_role(api: Any, params: Mapping[str, Any]) -> None:
    """AWS's refusal of a WebSocket stage's logging in a region without the role."""
    backend = api.backend
    if websocket_turns_logging_on(api, params) and not _has_role(
        backend.account_id, backend.region_name
    ):
        raise V2BadRequest(REFUSAL)


def _rest_update_refused_without_role(original: Function) -> Function:
    def update_stage(self: Any, function_id: str, stage_name: str, patch_operations: Any) -> Any:
        if _rest_turns_logging_on(patch_operations or ()) and not _has_role(
            self.account_id, self.region_name
        ):
            raise RestBadRequest(REFUSAL)
        return original(self, function_id, stage_name, patch_operations)

    return update_stage


def _websocket_create_refused_without_role(original: Function) -> Function:
    def create_stage(self: Any, config: dict[str, Any]) -> Any:
        refuse_websocket_logging_without_role(self, config)
        return original(self, config)

    return create_stage


def install() -> None:
    wrap(APIGatewayBackend, "update_stage", _rest_update_refused_without_role)
    wrap(Api, "create_stage", _websocket_create_refused_without_role)
