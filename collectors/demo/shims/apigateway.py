"""API Gateway (REST APIs) in moto, answering as AWS does for deployments, exports, the account.

moto 5.2 keeps no copy of what a deployment deployed: GetExport answers a swagger stub of the
*current* API whatever the stage, and GetDeployment ignores ``embed``. On AWS a deployment is
a frozen snapshot of the API, and a stage serves the deployment its ``deploymentId`` names
(https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-deployments.html).
Here every deployment, however it is made (CreateDeployment, CloudFormation, or CreateStage
after one), keeps a JSON copy of the API taken by moto's own ``RestAPI.create_deployment``,
hung on moto's ``Deployment`` object: keyed by account, region, API and deployment id as the
backends are, and reset with them. A stage's canary settings are ``apigateway_canary``'s.
A methodSettings entry starts with AWS's defaults, not moto's (``_method_setting_defaults``),
and PutIntegration keeps ``cacheKeyParameters``. The account uses usage plans in every region,
as every account since 11 August 2016 does (``set_before_usage_plans`` makes one as older
accounts are until they migrate), and an API key's stageKeys are AWS's
``"{restApiId}/{stageName}"`` strings, not the StageKey objects moto echoes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import yaml
from moto.apigateway.exceptions import BadRequestException, DeploymentNotFoundException
from moto.apigateway.models import Account, ApiKey, RestAPI, Stage, apigateway_backends
from moto.apigateway.responses import APIGatewayResponse

from collectors.demo.shims import apigateway_canary
from collectors.demo.shims._patching import Function, define, json_copy, querystring_value, wrap
from collectors.demo.shims.apigateway_export import EXPORT_TYPES, api_summary, rest_export
from collectors.demo.shims.apigateway_export_extensions import Extensions

_SNAPSHOT = "_apigw_audit_snapshot"
DEFAULT_ACCOUNT_ID = "123456789012"  # moto's account for any dummy credentials


def snapshot_rest_api(api: Any) -> dict[str, Any]:
    """What a deployment of moto's ``RestAPI`` freezes, as JSON-shaped data."""
    resources = [
        {
            "path": resource.get_path(),
            "methods": {
                verb: method.to_json() for verb, method in resource.resource_methods.items()
            },
        }
        for resource in api.resources.values()
    ]
    return dict(
        json_copy(
            {
                "id": api.id,
                "name": api.name,
                "description": api.description,
                "region": api.region_name,
                "resources": sorted(resources, key=lambda resource: str(resource["path"])),
                "authorizers": [a.to_json() for a in api.authorizers.values()],
                "requestValidators": [v.to_dict() for v in api.request_validators.values()],
                "gatewayResponses": [g.to_json() for g in api.gateway_responses.values()],
                "models": [m.to_json() for m in api.models.values()],
            }
        )
    )


def deployment_snapshot(api: Any, deployment: Any) -> dict[str, Any]:
    """The definition ``deployment`` froze (the current one for a deployment made before the
    shims were installed, which kept none)."""
    snapshot = getattr(deployment, _SNAPSHOT, None)
    return dict(snapshot) if snapshot is not None else snapshot_rest_api(api)


def set_account_limits(
    region: str,
    rate_limit: float,
    burst_limit: int,
    cloudwatch_role_arn: str | None = None,
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> None:
    """Set the emulated account's API Gateway throttle (and CloudWatch role) in ``region``.

    Real accounts get their account-level limits raised or lowered through AWS Support, not an
    API (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html), so this
    writes moto's backend directly. ``cloudwatch_role_arn=None`` leaves the account without
    one, and GetAccount then omits the key as AWS does. Call inside ``emulated_aws``.
    """
    account = apigateway_backends[account_id][region].account
    account.throttle_settings = {"burstLimit": int(burst_limit), "rateLimit": float(rate_limit)}
    account.cloudwatch_role_arn = cloudwatch_role_arn


def set_before_usage_plans(region: str, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
    """Make ``region`` of the emulated account one an account that started before usage plans
    (11 August 2016) has until it migrates: GetAccount lists no "UsagePlans" feature, and
    UpdateAccount adding it migrates, as on AWS
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-create-usage-plans.html).
    No API undoes a migration, so this writes moto's backend. Call inside ``emulated_aws``."""
    apigateway_backends[account_id][region].account.features = None


def _account_using_usage_plans(original: Function) -> Function:
    def __init__(self: Any) -> None:
        original(self)
        self.features = ["UsagePlans"]  # moto: none, as for an account not yet migrated

    return __init__


def _stage_keys_as_aws_names(original: Function) -> Callable[[Any], dict[str, Any]]:
    def to_json(self: Any) -> dict[str, Any]:
        answer: dict[str, Any] = original(self)
        # AWS answers "a1b2c3d4e5/dev" (aws-cli's get-api-keys example); moto echoes what
        # CreateApiKey was sent: StageKey objects
        answer["stageKeys"] = [
            f"{key['restApiId']}/{key['stageName']}" if isinstance(key, dict) else key
            for key in answer.get("stageKeys") or ()
        ]
        return answer

    return to_json


def _iso(epoch_seconds: Any) -> str:
    return datetime.fromtimestamp(int(epoch_seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _snapshotting_create_deployment(original: Function) -> Function:
    def create_deployment(
        self: Any, name: str, description: str, stage_variables: Any = None
    ) -> Any:
        kept = self.stages.get(name) if name else None
        deployment = original(self, name, description, stage_variables)
        if kept is not None:
            # CreateDeployment naming an existing stage points that stage at the new
            # deployment and keeps its settings (botocore CreateDeploymentRequest.stageName);
            # moto replaces the stage by a blank one.
            kept.deployment_id = deployment.id
            kept.variables.update(stage_variables or {})
            self.stages[name] = kept
        setattr(deployment, _SNAPSHOT, snapshot_rest_api(self))
        return deployment

    return create_deployment


def _get_deployment(self: Any) -> tuple[int, dict[str, str], str]:
    parts = self.path.rstrip("/").split("/")  # /restapis/{id}/deployments/{deployment_id}
    api = self.backend.get_rest_api(parts[2])
    deployment = api.deployments.get(parts[4])
    if deployment is None:
        raise DeploymentNotFoundException()
    body = deployment.to_json()
    embed = {
        part.strip().lower()
        for value in self.querystring.get("embed") or ()
        for part in str(value).split(",")
    }
    if "apisummary" in embed:  # only when asked (botocore GetDeploymentRequest.embed)
        body["apiSummary"] = api_summary(deployment_snapshot(api, deployment))
    return 200, {}, json.dumps(body)


def _get_export(self: Any) -> tuple[int, dict[str, str], bytes]:
    parts = self.path.rstrip("/").split("/")  # /restapis/{id}/stages/{stage}/exports/{type}
    api_id, stage_name, export_type = parts[2], unquote(parts[4]), parts[6]
    api = self.backend.get_rest_api(api_id)
    stage = self.backend.get_stage(api_id, stage_name)  # NotFoundException, as on AWS
    if export_type not in EXPORT_TYPES:
        raise BadRequestException(f"No API exporter for type '{export_type}'")
    deployment = api.deployments.get(stage.deployment_id)
    if deployment is None:
        raise DeploymentNotFoundException()
    version = _iso(deployment.created_date)
    document = rest_export(
        deployment_snapshot(api, deployment),
        export_type=export_type,
        stage=stage_name,
        version=version,
        extensions=Extensions.parse(querystring_value(self.querystring, "extensions")),
    )
    # GetExport's ``accepts`` (the Accept header): application/json (default) or application/yaml.
    if "yaml" in str(self.headers.get("Accept") or ""):
        content_type, suffix = "application/yaml", "yaml"
        body = yaml.safe_dump(document, sort_keys=False)
    else:
        content_type, suffix = "application/json", "json"
        body = json.dumps(document, indent=2)
    headers = {
        "Content-Type": content_type,
        "Content-Disposition": f'attachment; filename="{export_type}_{version}.{suffix}"',
    }
    return 200, headers, body.encode("utf-8")


def _account_without_nulls(original: Function) -> Callable[[Any], dict[str, Any]]:
    def to_json(self: Any) -> dict[str, Any]:
        # AWS leaves out what is not set (no cloudwatchRoleArn until one is configured).
        return {key: value for key, value in original(self).items() if value is not None}

    return to_json


def _method_setting_defaults(original: Function) -> Function:
    def defaults(self: Any) -> dict[str, Any]:
        # The entry AWS creates for a method (or */*) carries every MethodSetting field, with
        # cacheDataEncrypted false and loggingLevel OFF until set (the get-stage example,
        # https://docs.aws.amazon.com/cli/latest/reference/apigateway/get-stage.html); moto
        # leaves loggingLevel out and says true for cacheDataEncrypted.
        return {**original(self), "cacheDataEncrypted": False, "loggingLevel": "OFF"}

    return defaults


def _integration_keeping_cache_keys(original: Function) -> Function:
    def put_integration(self: Any) -> tuple[int, dict[str, Any], str]:
        status, headers, body = original(self)
        keys = self._get_param("cacheKeyParameters")
        if keys:
            # moto reads every PutIntegration member but cacheKeyParameters, which AWS keeps
            # and answers (botocore PutIntegrationRequest.cacheKeyParameters)
            parts = self.path.split("/")  # /restapis/{id}/resources/{id}/methods/{verb}/...
            integration = self.backend.get_integration(parts[2], parts[4], parts[6])
            integration.cache_key_parameters = list(keys)
            body = json.dumps(integration.to_json())
        return status, headers, body

    return put_integration


def install() -> None:
    wrap(RestAPI, "create_deployment", _snapshotting_create_deployment)
    wrap(Stage, "_get_default_method_settings", _method_setting_defaults)
    wrap(APIGatewayResponse, "put_integration", _integration_keeping_cache_keys)
    wrap(Account, "to_json", _account_without_nulls)
    wrap(Account, "__init__", _account_using_usage_plans)
    wrap(ApiKey, "to_json", _stage_keys_as_aws_names)
    define(APIGatewayResponse, "get_deployment", _get_deployment)
    define(APIGatewayResponse, "get_export", _get_export)
    apigateway_canary.install()
