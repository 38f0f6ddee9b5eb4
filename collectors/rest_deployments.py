"""Read the deployments a REST API's stages serve: two calls per distinct deployment.

GetDeployment (``embed=apisummary``: every deployed method's authorization) and GetExport of
one stage serving it (parsed by ``collectors.rest_export``); and, with one GetDeployment each,
the canary deployments no stage serves as its own (AWS cannot export those).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from collectors.deployments import DeploymentReader, read_served_deployments
from collectors.model import CollectionError, RestDeployment, served_by_canary
from collectors.parsing import iso
from collectors.rest_export import parse_deployed_definition

if TYPE_CHECKING:
    from mypy_boto3_apigateway import APIGatewayClient
    from mypy_boto3_apigateway.type_defs import DeploymentResponseTypeDef, StageTypeDef

SERVICE = "apigateway"


def _read_export(client: APIGatewayClient, api_id: str, stage: str) -> dict[str, Any]:
    response = client.get_export(
        restApiId=api_id,
        stageName=stage,
        exportType="oas30",
        parameters={"extensions": "apigateway"},
        accepts="application/json",
    )
    document: dict[str, Any] = json.loads(response["body"].read())
    return document


def _deployment(raw: DeploymentResponseTypeDef, export: dict[str, Any] | None) -> RestDeployment:
    return RestDeployment(
        id=str(raw["id"]),
        created_date=iso(raw.get("createdDate")),
        description=raw.get("description"),
        definition=parse_deployed_definition(export or {}, raw.get("apiSummary") or {}),
        exported=export is not None,
    )


def _canary_serves(stage: StageTypeDef) -> str | None:
    canary = stage.get("canarySettings") or {}
    return served_by_canary(canary.get("deploymentId"), canary.get("percentTraffic"))


def collect_deployments(
    client: APIGatewayClient,
    api_id: str,
    region: str,
    stages: Sequence[StageTypeDef],
    errors: list[CollectionError],
) -> tuple[RestDeployment, ...]:
    """The deployments ``stages`` serve, each read once whatever the number of its stages;
    and, with one GetDeployment each, the canary deployments no stage serves as its own."""

    def summary(deployment_id: str) -> DeploymentResponseTypeDef:
        return client.get_deployment(
            restApiId=api_id, deploymentId=deployment_id, embed=["apisummary"]
        )

    # AWS refuses to export some APIs (e.g. with non-JSON models): their deployments keep the
    # API summary, so authorization is still judged, and only what needs the export is unknown.
    reader = DeploymentReader(
        SERVICE,
        "GetExport",
        summary,
        functools.partial(_read_export, client, api_id),
        summary_suffices=True,
    )
    served = read_served_deployments(
        reader,
        f"{region}/{api_id}",
        ((stage["stageName"], stage.get("deploymentId")) for stage in stages),
        lambda _, raw, export: _deployment(raw, export),
        errors,
    )
    own = {stage.get("deploymentId") for stage in stages}
    canaries = read_served_deployments(
        DeploymentReader(SERVICE, "GetExport", summary, None),
        f"{region}/{api_id}",
        (
            (stage["stageName"], canary)
            for stage in stages
            if (canary := _canary_serves(stage)) not in own
        ),
        lambda _, raw, export: _deployment(raw, export),
        errors,
    )
    return (*served, *canaries)
