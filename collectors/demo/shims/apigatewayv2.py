"""API Gateway v2 (HTTP and WebSocket APIs) in moto: deployments, stages that serve them, exports.

moto 5.2 has no apigatewayv2 deployments, no UpdateStage, no ExportApi, lists authorizers
only one at a time, and gives every AWS_PROXY or HTTP(_PROXY) integration created without a
timeout 30000 ms, WebSocket ones included. This module answers those calls as AWS does, over
the deployments ``apigatewayv2_deployments`` keeps (what each froze, and the lazy
auto-deployment of AutoDeploy stages).

An integration created without ``TimeoutInMillis`` gets AWS's default for its API: 29000 ms
on a WebSocket API (its integration timeout is 50 ms to 29 s), 30000 ms on an HTTP API
(https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
"""

from __future__ import annotations

import inspect
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import yaml
from moto.apigatewayv2.exceptions import BadRequestException
from moto.apigatewayv2.models import Api, ApiGatewayV2Backend, Stage
from moto.apigatewayv2.responses import ApiGatewayV2Response
from moto.core.utils import iso_8601_datetime_without_milliseconds

from collectors.demo.shims._patching import Function, define, querystring_value, route, wrap
from collectors.demo.shims.apigatewayv2_deployments import (
    NotFoundException,
    check_deployment,
    deploy,
    deployments,
    refresh_auto_deployments,
    snapshot_http_api,
)
from collectors.demo.shims.apigatewayv2_export import http_export
from collectors.demo.shims.cloudwatch_role import refuse_websocket_logging_without_role
from collectors.model import WEBSOCKET_INTEGRATION_TIMEOUT_DEFAULT_MS


def _stage_with_deployment(original: Function) -> Function:
    def create_stage(self: Any, config: dict[str, Any]) -> Any:
        check_deployment(self, config.get("deploymentId"))
        stage = original(self, config)
        stage.deployment_id = config.get("deploymentId")
        return stage

    return create_stage


def _stage_json_with_deployment(original: Function) -> Function:
    def to_json(self: Any) -> dict[str, Any]:
        body: dict[str, Any] = original(self)
        deployment_id = getattr(self, "deployment_id", None)
        if deployment_id:
            body["deploymentId"] = deployment_id
        return body

    return to_json


def _refreshing(original: Function) -> Function:
    def read(self: Any, api_id: str, *args: Any) -> Any:
        refresh_auto_deployments(self.get_api(api_id))
        return original(self, api_id, *args)

    return read


def update_stage(api: Any, stage: Any, params: dict[str, Any]) -> None:
    """UpdateStage: the members sent replace the stage's; settings maps merge by key. Logging
    a WebSocket stage to CloudWatch needs the region's role (``cloudwatch_role``)."""
    refuse_websocket_logging_without_role(api, params)
    if "deploymentId" in params:
        check_deployment(api, params["deploymentId"])
        stage.deployment_id = params["deploymentId"]
    if "autoDeploy" in params:
        stage.auto_deploy = bool(params["autoDeploy"])
    for key, attribute in (
        ("description", "description"),
        ("accessLogSettings", "access_log_settings"),
        ("clientCertificateId", "client_certificate_id"),
    ):
        if key in params:
            setattr(stage, attribute, params[key])
    if "defaultRouteSettings" in params:
        stage.default_route_settings = {
            **(stage.default_route_settings or {}),
            **params["defaultRouteSettings"],
        }
    for route_key, settings in (params.get("routeSettings") or {}).items():
        stage.route_settings[route_key] = {**stage.route_settings.get(route_key, {}), **settings}
    stage.stage_variables.update(params.get("stageVariables") or {})
    stage.updated = datetime.now()  # moto's stage dates are naive local times


def _integration_with_default_timeout(original: Function) -> Function:
    signature = inspect.signature(original)

    def create_integration(self: Any, *args: Any, **kwargs: Any) -> Any:
        given = signature.bind(self, *args, **kwargs).arguments.get("timeout_in_millis")
        integration = original(self, *args, **kwargs)
        if self.protocol_type == "WEBSOCKET" and not given:
            integration.timeout_in_millis = WEBSOCKET_INTEGRATION_TIMEOUT_DEFAULT_MS
        return integration

    return create_integration


def _get_authorizers(self: Any) -> tuple[int, dict[str, str], str]:
    api = self.apigatewayv2_backend.get_api(self.path.split("/")[-2])
    items = [authorizer.to_json() for authorizer in api.authorizers.values()]
    return 200, {}, json.dumps({"items": items})


def _update_stage(self: Any) -> tuple[int, dict[str, str], str]:
    parts = self.path.split("/")  # /v2/apis/{api_id}/stages/{stage_name}
    api = self.apigatewayv2_backend.get_api(parts[3])
    stage = api.get_stage(unquote(parts[5]))
    update_stage(api, stage, json.loads(self.body or "{}"))
    return 200, {}, json.dumps(stage.to_json())


def _create_deployment(self: Any) -> tuple[int, dict[str, str], str]:
    api = self.apigatewayv2_backend.get_api(self.path.split("/")[3])
    params = json.loads(self.body or "{}")
    stage = api.get_stage(params["stageName"]) if params.get("stageName") else None
    if not api.routes:
        # AWS's own words (quoted in github.com/mach-composer/mach-composer-cli/issues/42 and
        # github.com/aws/serverless-application-model/issues/2512).
        raise BadRequestException(
            "At least one route is required before deploying the Api"
            if api.protocol_type == "WEBSOCKET"
            else "Unable to deploy API because no routes exist in this API"
        )
    deployment = deploy(api, params.get("description"), auto_deployed=False)
    if stage is not None:
        stage.deployment_id = deployment.id
        stage.updated = datetime.now()
    return 201, {"status": "201"}, json.dumps(deployment.to_json())


def _get_deployments(self: Any) -> tuple[int, dict[str, str], str]:
    api = self.apigatewayv2_backend.get_api(self.path.split("/")[3])
    refresh_auto_deployments(api)
    items = [deployment.to_json() for deployment in deployments(api).values()]
    return 200, {}, json.dumps({"items": items})


def _get_deployment(self: Any) -> tuple[int, dict[str, str], str]:
    parts = self.path.split("/")  # /v2/apis/{api_id}/deployments/{deployment_id}
    api = self.apigatewayv2_backend.get_api(parts[3])
    refresh_auto_deployments(api)
    deployment = deployments(api).get(parts[5])
    if deployment is None:
        raise NotFoundException(f"Invalid deployment identifier specified {parts[5]}")
    return 200, {}, json.dumps(deployment.to_json())


def _export_api(self: Any) -> tuple[int, dict[str, str], bytes]:
    parts = self.path.split("/")  # /v2/apis/{api_id}/exports/{specification}
    api = self.apigatewayv2_backend.get_api(parts[3])
    if api.protocol_type == "WEBSOCKET":
        # "You can export HTTP APIs": ExportApi has no WebSocket form (http-api-export.html).
        raise BadRequestException("Export is supported for HTTP APIs only")
    if parts[5] != "OAS30":
        raise BadRequestException(f"Unsupported specification {parts[5]}: use OAS30")
    output_type = (querystring_value(self.querystring, "outputType") or "").upper()
    if output_type not in ("JSON", "YAML"):
        raise BadRequestException("OutputType must be JSON or YAML")
    include = (querystring_value(self.querystring, "includeExtensions") or "true").lower()
    stage_name = querystring_value(self.querystring, "stageName")
    snapshot, created = snapshot_http_api(api), datetime.now(UTC)
    if stage_name is not None:
        stage = api.get_stage(stage_name)  # NotFoundException
        refresh_auto_deployments(api)
        deployment = deployments(api).get(getattr(stage, "deployment_id", None) or "")
        if stage.auto_deploy:  # serves the current definition (its deployment, if any, is it)
            created = deployment.created if deployment is not None else created
        elif deployment is not None:
            snapshot, created = deployment.snapshot, deployment.created
        else:
            raise NotFoundException(f"Stage {stage_name} has no deployment to export")
    document = http_export(
        snapshot,
        stage=stage_name,
        version=iso_8601_datetime_without_milliseconds(created),
        extensions=include != "false",
    )
    if output_type == "YAML":
        return (
            200,
            {"Content-Type": "application/yaml"},
            yaml.safe_dump(document, sort_keys=False).encode(),
        )
    return 200, {"Content-Type": "application/json"}, json.dumps(document).encode()


def install() -> None:
    wrap(Api, "create_stage", _stage_with_deployment)
    wrap(Api, "create_integration", _integration_with_default_timeout)
    wrap(Stage, "to_json", _stage_json_with_deployment)
    wrap(ApiGatewayV2Backend, "get_stage", _refreshing)
    wrap(ApiGatewayV2Backend, "get_stages", _refreshing)
    for name, handler in (
        ("get_authorizers", _get_authorizers),
        ("update_stage", _update_stage),
        ("create_deployment", _create_deployment),
        ("get_deployments", _get_deployments),
        ("get_deployment", _get_deployment),
        ("export_api", _export_api),
    ):
        define(ApiGatewayV2Response, name, handler)
    dispatch = ApiGatewayV2Response.dispatch
    route("{0}/v2/apis/(?P<api_id>[^/]+)/deployments$", dispatch)
    route("{0}/v2/apis/(?P<api_id>[^/]+)/deployments/(?P<deployment_id>[^/]+)$", dispatch)
    route("{0}/v2/apis/(?P<api_id>[^/]+)/exports/(?P<specification>[^/]+)$", dispatch)
