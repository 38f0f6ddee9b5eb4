"""API Gateway v2 deployments in moto: what each froze, and the lazy auto-deployment of stages.

On AWS a deployment freezes the API's routes, integrations, authorizers and CORS
configuration; a stage serves the deployment its ``DeploymentId`` names, or, with
``AutoDeploy``, a deployment API Gateway makes after every change
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.html).

Deployments are kept on moto's ``Api`` object, each with a JSON copy of the API taken when it
was made; a stage's ``DeploymentId`` is kept on moto's ``Stage``. Auto-deployment is lazy:
whenever a stage, deployment or export is read, an AutoDeploy stage whose deployment no
longer matches the API gets a new one (``AutoDeployed: true``), so it always serves the
current definition, as on AWS, without hooking every call that changes an API.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from moto.apigatewayv2.exceptions import APIGatewayV2Error
from moto.core.utils import iso_8601_datetime_without_milliseconds

from collectors.demo.shims._patching import json_copy

_DEPLOYMENTS = "_apigw_audit_deployments"
# The description AWS gives the deployments it makes for AutoDeploy stages.
_AUTO_DEPLOY_DESCRIPTION = "Automatic deployment triggered by changes to the Api configuration"
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


def check_deployment(api: Any, deployment_id: str | None) -> None:
    if deployment_id is not None and deployment_id not in deployments(api):
        raise NotFoundException(f"Invalid deployment identifier specified {deployment_id}")
