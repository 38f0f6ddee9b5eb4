"""Read the deployments an HTTP API's stages serve: two calls per distinct deployment.

GetDeployment (its date) and ExportApi of one stage serving it (parsed by
``collectors.http_export``). AutoDeploy stages too: an automatic deployment can fail, and the
stage then serves the one before. WebSocket APIs cannot be exported: they have none of these.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from collectors.deployments import DeploymentReader, read_served_deployments
from collectors.http_export import parse_deployed_v2_definition
from collectors.model import CollectionError, V2Deployment
from collectors.parsing import iso

if TYPE_CHECKING:
    from mypy_boto3_apigatewayv2 import ApiGatewayV2Client
    from mypy_boto3_apigatewayv2.type_defs import GetDeploymentResponseTypeDef, StageTypeDef

SERVICE = "apigatewayv2"


def _read_export(client: ApiGatewayV2Client, api_id: str, stage: str) -> dict[str, Any]:
    response = client.export_api(
        ApiId=api_id,
        Specification="OAS30",
        OutputType="JSON",
        IncludeExtensions=True,
        StageName=stage,
    )
    document: dict[str, Any] = json.loads(response["body"].read())
    return document


def collect_v2_deployments(
    client: ApiGatewayV2Client,
    api_id: str,
    region: str,
    stages: Sequence[StageTypeDef],
    errors: list[CollectionError],
) -> tuple[V2Deployment, ...]:
    """The deployments ``stages`` serve, each read once. AutoDeploy stages too: an automatic
    deployment can fail, and the stage then serves the one before."""

    def deployment(deployment_id: str) -> GetDeploymentResponseTypeDef:
        return client.get_deployment(ApiId=api_id, DeploymentId=deployment_id)

    reader = DeploymentReader(
        SERVICE, "ExportApi", deployment, functools.partial(_read_export, client, api_id)
    )
    return read_served_deployments(
        reader,
        f"{region}/{api_id}",
        ((stage["StageName"], stage.get("DeploymentId")) for stage in stages),
        lambda deployment_id, raw, export: V2Deployment(
            id=deployment_id,
            created_date=iso(raw.get("CreatedDate")),
            description=raw.get("Description"),
            definition=parse_deployed_v2_definition(export or {}),  # the reader exports
        ),
        errors,
    )
