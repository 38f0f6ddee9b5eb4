"""What a stage serves against what the API defines now: changes that were never deployed."""

from __future__ import annotations

import pytest

from checks import Severity, check
from checks.policy import DefinitionDrift, label
from collectors.targets import RestStageTarget, V2StageTarget


@check(
    id="APIGW-DRIFT-001",
    issue_type="Undeployed Change",
    severity=Severity.LOW,
    security_impact="A fix made in the console or in code but never deployed protects "
    "nothing: the stage keeps serving the old definition, and audits that read the current "
    "one report it fixed.",
    remediation=(
        "Deploy the API to the stage (CreateDeployment, or update the stage's deploymentId), "
        "or revert the undeployed change if it was not meant for this stage.",
        "Deploy from a pipeline so the definition in source control is what stages serve.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-deployments.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-publish.html",
    ),
    posture=("deployment_id", "deployment_date"),
)
def test_stage_serves_current_definition(
    stage: RestStageTarget | V2StageTarget,
    drift: DefinitionDrift | None,
    evidence: dict[str, object],
) -> None:
    """Stages serve the API's current definition

    Methods, integrations, authorizers, validators and gateway responses of a REST API (routes,
    integrations, authorizers and CORS of an HTTP API) take effect on a stage only when
    deployed to it. The checks judge what each stage serves; this one reports every
    difference from the current definition, with the deployment served and its date.
    """
    if drift is None:
        served_from = stage.served_from if isinstance(stage, V2StageTarget) else ""
        pytest.skip(f"nothing to compare: the stage serves its {served_from}")
    evidence.update(
        deployment_id=drift.deployment_id,
        deployment_date=drift.deployment_date,
        differences=list(drift.differences),
    )
    shown = "; ".join(drift.differences[:3])
    more = f" (and {len(drift.differences) - 3} more)" if len(drift.differences) > 3 else ""
    assert not drift.differences, (
        f"stage {label(stage)} serves deployment {drift.deployment_id} of "
        f"{drift.deployment_date or 'unknown date'}, which differs from the current definition "
        f"in {len(drift.differences)} place(s): {shown}{more}"
    )
