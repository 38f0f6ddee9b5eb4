"""Credentials written into an API's configuration: in a stage's variables, or in the static
values of the integrations the stage serves (request parameters, mapping templates, URIs).

The values were scanned at collection (``collectors.secrets``, detect-secrets); the inventory
holds where something looked like a credential and what kind, never the value. Stage
variables take effect without a deployment: the stage's own are judged. Integrations reach a
stage when deployed: those of the definition the stage serves (REST: its deployment's export;
HTTP: its deployment; WebSocket: the current definition, which AWS cannot export). A REST
stage's canary overrides of its variables are judged with them; the integrations of a canary
deployment that takes part of the traffic cannot be (AWS exports a stage's own deployment
only), and the evidence says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from checks.policy.settings import judged_on
from collectors.errors import DataUnavailable
from collectors.model import RestIntegration, RestStage, SecretFinding, V2Integration
from collectors.targets import RestStageTarget, V2StageTarget, require_exported

_RESCAN = "(a snapshot taken before apigw-audit scanned them): collect the inventory again"


@dataclass(frozen=True)
class ConfigurationSecrets:
    """Where the stage's configuration holds something that looks like a credential."""

    # each place, with what it looked like: "stage variable dbPassword (Secret Keyword)"
    found: tuple[str, ...]
    judged_on: str  # the definition whose integrations were scanned
    # what the stage serves whose integrations could not be scanned: "the integrations of the
    # canary deployment abc (10% of traffic), which AWS cannot export"
    not_scanned: tuple[str, ...] = ()


def _places(findings: tuple[SecretFinding, ...], prefix: str = "") -> list[str]:
    """One entry a place, naming every kind of credential found there."""
    kinds: dict[str, list[str]] = {}
    for finding in findings:
        kinds.setdefault(finding.where, []).append(finding.secret_type)
    return [f"{prefix}{where} ({', '.join(types)})" for where, types in kinds.items()]


def _integration_findings(
    operation: str, integration: RestIntegration | V2Integration | None, stage_key: str
) -> list[str]:
    if integration is None:
        return []
    if integration.secrets is None:
        raise DataUnavailable(
            f"the integration of {operation} on {stage_key} was not scanned for credentials "
            f"{_RESCAN}"
        )
    return _places(integration.secrets, f"{operation}: ")


def _variables(secrets: tuple[SecretFinding, ...] | None, stage_key: str) -> list[str]:
    if secrets is None:
        raise DataUnavailable(
            f"the variables of {stage_key} were not scanned for credentials {_RESCAN}"
        )
    return _places(secrets)


def _canary_not_scanned(stage: RestStage) -> tuple[str, ...]:
    """The canary deployment taking part of the stage's traffic, when it is another one than
    the stage's own: AWS exports a stage's deployment only, never its canary's."""
    canary = stage.canary_serves
    if canary is None or canary == stage.deployment_id:
        return ()
    share = f"{stage.canary_percent_traffic:g}% of traffic"
    return (
        f"the integrations of the canary deployment {canary} ({share}), which AWS cannot export",
    )


def configuration_secrets(target: RestStageTarget | V2StageTarget) -> ConfigurationSecrets:
    """What of the stage's variables (a REST canary's overrides included) and of the
    integrations it serves looks like a credential. ``DataUnavailable`` when what it serves
    could not be read (a REST deployment's export included) or was never scanned."""
    found = _variables(target.stage.variable_secrets, target.key)
    not_scanned: tuple[str, ...] = ()
    if isinstance(target, RestStageTarget):
        not_scanned = _canary_not_scanned(target.stage)
        deployment = target.served_deployment()
        require_exported(target.api, target.stage, deployment)  # else no integration is known
        for resource in deployment.definition.resources:
            for method in resource.methods:
                operation = f"{method.http_method} {resource.path}"
                found += _integration_findings(operation, method.integration, target.key)
    else:
        definition = target.served()
        for route in definition.routes:
            integration = definition.integration(route)
            found += _integration_findings(f"route {route.route_key}", integration, target.key)
    return ConfigurationSecrets(
        found=tuple(found), judged_on=judged_on(target), not_scanned=not_scanned
    )
