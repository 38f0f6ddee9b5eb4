"""A REST API stage's canary settings in moto, kept and changed as AWS keeps and changes them.

moto drops a stage's ``canarySettings`` (botocore ``CanarySettings``): CreateStage ignores
them, UpdateStage ignores the ``/canarySettings/...`` patch operations (worse, it reads
``/canarySettings/deploymentId`` as ``/deploymentId`` and moves the stage itself), and
GetStage(s) never answer them. Here they are kept on moto's ``Stage`` object, as AWS keeps
them (https://docs.aws.amazon.com/apigateway/latest/developerguide/canary-release.html).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from typing import Any

from moto.apigateway.exceptions import BadRequestException
from moto.apigateway.models import APIGatewayBackend, Stage
from moto.apigateway.responses import APIGatewayResponse

from collectors.demo.shims._patching import Function, json_copy, wrap

_CANARY = "_apigw_audit_canary_settings"
_CANARY_PATH = "/canarySettings"

# botocore ``CanarySettings``: deploymentId, percentTraffic, stageVariableOverrides,
# useStageCache. AWS fills what is not given: the canary serves the stage's own deployment,
# takes 0.0 % of the traffic and does not use the stage cache; overrides are answered only
# when there are some. UpdateStage changes them with ``replace`` on
# ``/canarySettings/{percentTraffic,deploymentId,useStageCache}`` and on
# ``/canarySettings/stageVariableOverrides/{name}`` (``remove`` takes one override away), turns
# the canary off with ``remove /canarySettings``, and promotes it with ``copy`` from
# ``/canarySettings/deploymentId`` to ``/deploymentId`` and from
# ``/canarySettings/stageVariableOverrides`` to ``/variables``
# (update-canary-deployment.html, promote-canary-deployment.html, delete-canary-deployment.html).
# A ``replace`` on a stage without a canary creates one with the defaults.
_OVERRIDES = "stageVariableOverrides"
_SCALARS = ("deploymentId", "percentTraffic", "useStageCache")
_PROMOTIONS = {  # copy: path -> from
    "/deploymentId": f"{_CANARY_PATH}/deploymentId",
    "/variables": f"{_CANARY_PATH}/{_OVERRIDES}",
}


def _canary(stage: Any) -> dict[str, Any] | None:
    settings: dict[str, Any] | None = getattr(stage, _CANARY, None)
    return settings


def _check_deployment_exists(api: Any, deployment_id: Any) -> str:
    # A canary must name a deployment of the API; the wording is localstack's AWS-parity one.
    if not isinstance(deployment_id, str) or deployment_id not in api.deployments:
        raise BadRequestException("Deployment id does not exist")
    return deployment_id


def _percent(value: Any) -> float:
    try:
        percent = float(value)
    except (TypeError, ValueError):
        percent = -1.0
    if not 0.0 <= percent <= 100.0:  # "The percent (0-100) of traffic"; the wording is ours
        raise BadRequestException(
            f"Invalid percentTraffic {value!r}: must be between 0.0 and 100.0, inclusive"
        )
    return percent


def _boolean(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).lower() == "true"


def _new_canary(api: Any, stage_deployment_id: Any, given: Mapping[str, Any]) -> dict[str, Any]:
    """The canary AWS keeps for ``given`` (CreateStage's ``canarySettings``) on a stage serving
    ``stage_deployment_id``."""
    settings: dict[str, Any] = {
        "deploymentId": stage_deployment_id,
        "percentTraffic": 0.0,
        "useStageCache": False,
    }
    if given.get("deploymentId") is not None:
        settings["deploymentId"] = _check_deployment_exists(api, given["deploymentId"])
    if given.get("percentTraffic") is not None:
        settings["percentTraffic"] = _percent(given["percentTraffic"])
    if given.get("useStageCache") is not None:
        settings["useStageCache"] = _boolean(given["useStageCache"])
    if given.get(_OVERRIDES):
        settings[_OVERRIDES] = {str(k): str(v) for k, v in dict(given[_OVERRIDES]).items()}
    return settings


def _is_canary_operation(operation: Mapping[str, Any]) -> bool:
    path = str(operation.get("path") or "")
    return (
        path == _CANARY_PATH
        or path.startswith(f"{_CANARY_PATH}/")
        or operation.get("op") == "copy"  # moto has no copy at all (it reads a missing value)
    )


def _apply_canary_operation(api: Any, stage: Any, operation: Mapping[str, Any]) -> None:
    op, path = operation.get("op"), str(operation.get("path") or "")
    settings = _canary(stage)
    if op == "copy":
        source = operation.get("from")
        if _PROMOTIONS.get(path) != source:
            raise BadRequestException(
                f"Invalid copy operation with path: {path} and from {source}. Valid copy:path "
                "are [/deploymentId, /variables] and valid copy:from are "
                "[/canarySettings/deploymentId, /canarySettings/stageVariableOverrides]"
            )
        if settings is None:
            raise BadRequestException("Promotion not available. Canary does not exist.")
        if path == "/deploymentId":
            stage.deployment_id = settings["deploymentId"]
        else:
            stage.variables.update(settings.get(_OVERRIDES) or {})
        return
    if path == _CANARY_PATH and op == "remove":
        setattr(stage, _CANARY, None)  # turns the canary off (delete-canary-deployment.html)
        return
    field, _, variable = path[len(_CANARY_PATH) + 1 :].partition("/")
    known = (field == _OVERRIDES and bool(variable)) or (field in _SCALARS and not variable)
    if op == "remove" and known and field == _OVERRIDES:
        if settings is not None:
            overrides = settings.get(_OVERRIDES) or {}
            overrides.pop(variable, None)
            if overrides:
                settings[_OVERRIDES] = overrides
            else:
                settings.pop(_OVERRIDES, None)
        return
    # AWS's answers, as recorded against AWS by localstack's canary snapshot tests
    # (tests/aws/services/apigateway/test_apigateway_canary.snapshot.json); AWS goes on to
    # list every valid path after "Invalid method setting path".
    if op != "replace":
        if known:
            raise BadRequestException(f"Invalid {op} operation with path: {path}")
        raise BadRequestException(
            f"Cannot {op} method setting {path.lstrip('/')} because there is no method setting "
            "for this method "
        )
    if not known:
        raise BadRequestException(f"Invalid method setting path: {path}")
    value = operation.get("value")
    if field == "deploymentId":
        value = _check_deployment_exists(api, value)
    updated = dict(settings) if settings is not None else _new_canary(api, stage.deployment_id, {})
    if field == _OVERRIDES:
        updated[_OVERRIDES] = {**(updated.get(_OVERRIDES) or {}), variable: str(value)}
    elif field == "percentTraffic":
        updated["percentTraffic"] = _percent(value)
    elif field == "useStageCache":
        updated["useStageCache"] = _boolean(value)
    else:
        updated["deploymentId"] = value
    setattr(stage, _CANARY, updated)


def _create_stage_with_canary(original: Function) -> Function:
    def create_stage(self: Any) -> Any:
        given = self._get_param("canarySettings")
        if not given:
            return original(self)
        api = self.backend.get_rest_api(self.path.split("/")[2])
        # Checked before moto makes the stage: AWS makes none from a request it refuses.
        settings = _new_canary(api, self._get_param("deploymentId"), given)
        status, headers, _ = original(self)
        stage = api.stages[self._get_param("stageName")]
        setattr(stage, _CANARY, settings)
        return status, headers, json.dumps(stage.to_json())

    return create_stage


def _update_stage_with_canary(original: Function) -> Function:
    def update_stage(self: Any, function_id: str, stage_name: str, patch_operations: Any) -> Any:
        api = self.get_rest_api(function_id)
        stage = self.get_stage(function_id, stage_name)
        kept = copy.deepcopy(stage.__dict__)
        try:
            for operation in patch_operations or ():
                if _is_canary_operation(operation):
                    _apply_canary_operation(api, stage, operation)
                else:
                    original(self, function_id, stage_name, [operation])
        except Exception:
            # All or nothing: a refused operation leaves the stage as it was (localstack's
            # AWS-validated emulation also applies the operations to a copy first).
            stage.__dict__.clear()
            stage.__dict__.update(kept)
            raise
        return stage

    return update_stage


def _stage_json_with_canary(original: Function) -> Callable[[Any], dict[str, Any]]:
    def to_json(self: Any) -> dict[str, Any]:
        body: dict[str, Any] = original(self)
        settings = _canary(self)
        if settings is not None:
            body["canarySettings"] = json_copy(settings)
        return body

    return to_json


def install() -> None:
    wrap(Stage, "to_json", _stage_json_with_canary)
    wrap(APIGatewayBackend, "update_stage", _update_stage_with_canary)
    wrap(APIGatewayResponse, "create_stage", _create_stage_with_canary)
