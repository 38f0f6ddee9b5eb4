"""API Gateway v2 (HTTP and WebSocket APIs) in moto: deployments, stages that serve them, exports.

moto 5.2 has no apigatewayv2 deployments, no UpdateStage, no ExportApi, lists authorizers
only one at a time, and gives every AWS_PROXY or HTTP(_PROXY) integration created without a
timeout 30000 ms, WebSocket ones included. On AWS a deployment freezes the API's routes,
integrations, authorizers and CORS configuration; a stage serves the deployment its
``DeploymentId`` names, or, with ``AutoDeploy``, a deployment API Gateway makes after every
change (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.html).

Deployments are kept on moto's ``Api`` object, each with a JSON copy of the API taken when it
was made; a stage's ``DeploymentId`` is kept on moto's ``Stage``. Auto-deployment is lazy:
whenever a stage, deployment or export is read, an AutoDeploy stage whose deployment no
longer matches the API gets a new one (``AutoDeployed: true``), so it always serves the
current definition, as on AWS, without hooking every call that changes an API.

An integration created without ``TimeoutInMillis`` gets AWS's default for its API: 29000 ms
on a WebSocket API (its integration timeout is 50 ms to 29 s), 30000 ms on an HTTP API
(https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import yaml
from moto.apigatewayv2.exceptions import APIGatewayV2Error, BadRequestException
from moto.apigatewayv2.models import Api, ApiGatewayV2Backend, Stage
from moto.apigatewayv2.responses import ApiGatewayV2Response
from moto.core.utils import iso_8601_datetime_without_milliseconds

from collectors.demo.shims._patching import (
    Function,
    define,
    json_copy,
    querystring_value,
    route,
    wrap,
)
from collectors.demo.shims.apigatewayv2_export import http_export
from collectors.model import WEBSOCKET_INTEGRATION_TIMEOUT_DEFAULT_MS

_DEPLOYMENTS = "_apigw_audit_deployments"
# The description AWS gives the deployments it makes for AutoDeploy stages.
_AUTO_DEPLOY_DESCRIPTION = "Automatic deployment triggered by changes to the Api configuration"
# AWS's default integration timeout of a WebSocket API (quotas: "Integration timeout 50
# milliseconds - 29 seconds"); moto's 30000 is the HTTP API one.
# moto's server answers each request on its own thread: deployments are numbered under a lock.
_DEPLOYING = threading.RLock()


class NotFoundException(APIGatewayV2Error):
    code = 404

    def __init__(self, message: str) -> None:
        super().__init__("NotFoundException", message)


@dataclass
class HttpDeployment:
    """One apigatewayv2 deployment: botocore's ``Deployment`` shape plus what it froze."""

    id: str
    created: datetime
    description: str | None
    auto_deployed: bool
    snapshot: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "deploymentId": self.id,
            "createdDate": iso_8601_datetime_without_milliseconds(self.created),
            "deploymentStatus": "DEPLOYED",
            "autoDeployed": self.auto_deployed,
        }
        if self.description is not None:
            body["description"] = self.description
        return body


def snapshot_http_api(api: Any) -> dict[str, Any]:
    """What a deployment of moto's ``Api`` freezes, as JSON-shaped data."""
    return dict(
        json_copy(
            {
                "apiId": api.api_id,
                "name": api.name,
                "description": api.description,
                "protocolType": api.protocol_type,
                "region": api.backend.region_name,
                "cors": api.cors_configuration,
                "routes": sorted(
                    (r.to_json() for r in api.routes.values()), key=lambda r: str(r["routeKey"])
                ),
                "integrations": {i.id: i.to_json() for i in api.integrations.values()},
                "authorizers": {a.id: a.to_json() for a in api.authorizers.values()},
            }
        )
    )


def deployments(api: Any) -> dict[str, HttpDeployment]:
    existing: dict[str, HttpDeployment] | None = getattr(api, _DEPLOYMENTS, None)
    if existing is None:
        existing = {}
        setattr(api, _DEPLOYMENTS, existing)
    return existing


def deploy(api: Any, description: str | None, *, auto_deployed: bool) -> HttpDeployment:
    with _DEPLOYING:
        made = deployments(api)
        # Derived, not drawn from moto's seeded generator: a lazy auto-deployment happening on
        # a read must not shift the ids of everything created after it.
        deployment_id = hashlib.sha256(f"{api.api_id}/{len(made)}".encode()).hexdigest()[:6]
        deployment = HttpDeployment(
            id=deployment_id,
            created=datetime.now(UTC),
            description=description,
            auto_deployed=auto_deployed,
            snapshot=snapshot_http_api(api),
        )
        made[deployment_id] = deployment
        return deployment


def refresh_auto_deployments(api: Any) -> None:
    """Give every AutoDeploy stage a deployment of the current definition, if it lacks one."""
    current: dict[str, Any] | None = None
    with _DEPLOYING:
        for stage in list(api.stages.values()):
            if not stage.auto_deploy:
                continue
            current = current or snapshot_http_api(api)
            if not current["routes"]:
                continue  # AWS cannot deploy an API without routes: the stage stays as it was
            deployed = deployments(api).get(getattr(stage, "deployment_id", None) or "")
            if deployed is None or deployed.snapshot != current:
                made = deploy(api, _AUTO_DEPLOY_DESCRIPTION, auto_deployed=True)
                stage.deployment_id = made.id


def _check_deployment(api: Any, deployment_id: str | None) -> None:
    if deployment_id is not None and deployment_id not in deployments(api):
        raise NotFoundException(f"Invalid deployment identifier specified {deployment_id}")


def _stage_with_deployment(original: Function) -> Function:
    def create_stage(self: Any, config: dict[str, Any]) -> Any:
        _check_deployment(self, config.get("deploymentId"))
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
    """UpdateStage: the members sent replace the stage's; settings maps merge by key."""
    if "deploymentId" in params:
        _check_deployment(api, params["deploymentId"])
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
