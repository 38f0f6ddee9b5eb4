"""``api_gateway_resources.json``: every audited operation, with or without findings. Pure.

Output contract (JSON Schema: ``reporting/schemas/api_gateway_resources.schema.json``): the
envelope (``reporting.run.envelope``), then

- ``resources``: each in-scope REST method x stage and HTTP/WebSocket route x stage, most
  severe first, then API name, with its security posture as the checks' policy functions
  (``checks.policy``) see it, its open ``issues`` (issue types of the findings on it, its
  resource, its stage or its API) and their highest ``severity``. A value whose inventory
  section was not collected is ``null``, with the reason under ``unavailable``;
- ``not_listed``: targets that could not even be listed, with the failed call;
- ``out_of_scope``: APIs excluded by tag and stages outside the scope rule, with the reason;
- ``collection_errors``: every AWS call that failed while collecting.

Integration URIs are left out on purpose: HTTP backends' query strings can carry secrets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from checks.policy import (
    Perimeter,
    account_settings,
    authorization,
    caching_status,
    cors_exposure,
    effective_throttle,
    integration_timeout_ms,
    perimeter,
    request_validation,
    stage_request_count,
    xray_tracing,
)
from collectors.errors import DataUnavailable
from collectors.model import Inventory, RestApi, V2Api, invokes_lambda
from collectors.scope import StageScope
from collectors.serialization import to_jsonable
from collectors.targets import (
    Kind,
    RestMethodTarget,
    RestResourceTarget,
    RestStageTarget,
    TargetDescription,
    TargetIndex,
    V2RouteTarget,
    V2StageTarget,
    describe,
)
from reporting.findings import CheckResult, Status, report_order
from reporting.run import RunInfo, envelope

FILE_NAME = "api_gateway_resources.json"
UNSUPPORTED = "UNSUPPORTED"  # the API type has no such feature (HTTP APIs: no validation...)

T = TypeVar("T")
Operation = RestMethodTarget | V2RouteTarget


_Scope = tuple[str, str | None, str | None, str | None, str | None]


def _scope(target: TargetDescription) -> _Scope:
    return (
        target.region,
        target.api_id,
        target.stage,
        target.resource_path,
        target.http_method,
    )


class ResultsByScope:
    """The results whose target contains a given target: a finding on an API covers its
    operations on every stage, one on a stage its operations, one on a resource its methods.

    Looked up by the (at most eight) scopes that can contain the target, never by scanning
    every result of the API for every operation."""

    def __init__(self, results: Iterable[CheckResult]) -> None:
        self._by_scope: dict[_Scope, list[CheckResult]] = {}
        for result in results:
            if result.target.api_id is not None:
                self._by_scope.setdefault(_scope(result.target), []).append(result)

    def covering(self, target: TargetDescription) -> list[CheckResult]:
        return [
            result
            for stage in dict.fromkeys((None, target.stage))
            for path in dict.fromkeys((None, target.resource_path))
            for method in dict.fromkeys((None, target.http_method))
            for result in self._by_scope.get(
                (target.region, target.api_id, stage, path, method), ()
            )
        ]


class _Posture:
    """Fills one resource's fields, noting why a value is unknown instead of guessing it."""

    def __init__(self) -> None:
        self.unavailable: dict[str, str] = {}

    def known(self, field: str, compute: Callable[[], T]) -> T | None:
        try:
            return compute()
        except DataUnavailable as exc:
            self.unavailable[field] = str(exc)
            return None


def _issue_types(results: Iterable[CheckResult], status: Status) -> list[str]:
    chosen = sorted((r for r in results if r.status is status), key=report_order)
    return list(dict.fromkeys(r.check.issue_type for r in chosen))


class _Estate:
    """The index's stages and resources by location, to find an operation's containers."""

    def __init__(self, index: TargetIndex) -> None:
        self.index = index
        self.rest_stages = {
            (t.api.region, t.api.id, t.stage.name): t
            for t in index.targets(Kind.REST_STAGE)
            if isinstance(t, RestStageTarget)
        }
        self.v2_stages = {
            (t.api.region, t.api.id, t.stage.name): t
            for t in index.targets(Kind.V2_STAGE)
            if isinstance(t, V2StageTarget)
        }
        self._perimeters: dict[str, Perimeter | DataUnavailable] = {}
        self.rest_resources = {
            (t.api.region, t.api.id, t.stage.name, t.resource.path): t
            for t in index.targets(Kind.REST_RESOURCE)
            if isinstance(t, RestResourceTarget)
        }

    def perimeter(self, stage: RestStageTarget | V2StageTarget) -> Perimeter:
        """The stage's perimeter, decided once per stage, not once per operation."""
        known = self._perimeters.get(stage.key)
        if known is None:
            try:
                known = perimeter(stage, self.index.inventory)
            except DataUnavailable as exc:
                known = exc
            self._perimeters[stage.key] = known
        if isinstance(known, DataUnavailable):
            raise known
        return known

    def resource(self, operation: Operation, results: ResultsByScope) -> tuple[int, dict[str, Any]]:
        description = describe(operation)
        where = (operation.api.region, operation.api.id, operation.stage.name)
        stage: RestStageTarget | V2StageTarget
        cors_target: RestResourceTarget | V2StageTarget
        if isinstance(operation, RestMethodTarget):
            stage = self.rest_stages[where]
            cors_target = self.rest_resources[(*where, operation.resource.path)]
        else:
            stage = cors_target = self.v2_stages[where]
        posture = _Posture()
        auth = posture.known("authorization", lambda: authorization(operation))
        inventory = self.index.inventory
        throttle = posture.known(
            "throttling",
            lambda: effective_throttle(
                operation, account_settings(inventory, operation.api.region)
            ),
        )
        edge = posture.known("waf_status", lambda: self.perimeter(stage))
        cors = posture.known("cors", lambda: cors_exposure(cors_target))
        mine = results.covering(description)
        open_findings = [r for r in mine if r.status is Status.FAIL]
        severity = max((r.check.severity for r in open_findings), default=None)
        document: dict[str, Any] = {
            "target": operation.key,
            "api_id": description.api_id,
            "api_name": description.api_name,
            "api_type": description.api_type,
            "region": description.region,
            "stage": description.stage,
            "environment": operation.environment,
            "resource_path": description.resource_path,
            "http_method": description.http_method,
            "authorization_type": auth.authorization_type if auth else None,
            "api_key_required": auth.api_key_required if auth else None,
            "network_restriction": auth.network_restriction if auth else None,
            "request_validator": (
                posture.known("request_validator", lambda: request_validation(operation).validator)
                if isinstance(operation, RestMethodTarget) or operation.api.api_type != "HTTP"
                else UNSUPPORTED
            ),
            "throttling": (
                {
                    "rate_limit": throttle.rate_limit,
                    "burst_limit": throttle.burst_limit,
                    "source": throttle.source,
                }
                if throttle is not None
                else None
            ),
            "waf_status": (None if edge is None else ("ENABLED" if edge.protected else "NONE")),
            "cors": (
                {
                    "any_origin": cors.any_origin,
                    "wildcard_sources": list(cors.wildcard_sources),
                    "reflected_origin_sources": list(cors.reflected_sources),
                    "allow_credentials": cors.allow_credentials,
                    "decided_by_backend": cors.decided_by_backend,
                }
                if cors is not None
                else None
            ),
            "caching_status": (
                caching_status(operation)
                if isinstance(operation, RestMethodTarget)
                else UNSUPPORTED
            ),
            "xray_tracing": xray_tracing(stage),
            "integration": self._integration(operation, posture),
            "cloudwatch_metrics": {
                "request_count_30d": posture.known(
                    "cloudwatch_metrics", lambda: stage_request_count(stage)
                )
            },
            "issues": _issue_types(mine, Status.FAIL),
            "severity": severity.name if severity is not None else None,
            "waived_issues": _issue_types(mine, Status.WAIVED),
            "not_evaluated": _issue_types(mine, Status.UNKNOWN),
        }
        if posture.unavailable:
            document["unavailable"] = posture.unavailable
        return (severity or 0), document

    def _integration(self, operation: Operation, posture: _Posture) -> dict[str, Any] | None:
        integration = (
            operation.method.integration
            if isinstance(operation, RestMethodTarget)
            else operation.integration
        )
        if integration is None:
            return None
        lambda_timeout = None
        if invokes_lambda(integration.type, integration.uri):
            lambda_timeout = posture.known(
                "lambda_timeout_seconds",
                lambda: (
                    self.index.lambda_function(
                        operation.lambda_arn, integration.uri
                    ).timeout_seconds
                ),
            )
        return {
            "type": integration.type,
            "timeout_ms": integration_timeout_ms(operation),
            "lambda_function_arn": operation.lambda_arn,
            "lambda_timeout_seconds": lambda_timeout,
        }


def _out_of_scope(inventory: Inventory, scope: StageScope) -> dict[str, Any]:
    apis = [
        {
            "api_id": api.id,
            "api_name": api.name,
            "api_type": api.api_type,
            "region": api.region,
            "reason": api.reason,
        }
        for api in inventory.skipped_apis
    ]
    stages = []
    all_apis: list[RestApi | V2Api] = [*inventory.rest_apis, *inventory.http_apis]
    for api in all_apis:
        for stage in api.stages or ():
            reason = scope.exclusion_reason(stage.name)
            if reason is not None:
                stages.append(
                    {
                        "api_id": api.id,
                        "api_name": api.name,
                        "api_type": api.api_type,
                        "region": api.region,
                        "stage": stage.name,
                        "reason": reason,
                    }
                )
    order = ("region", "api_name", "api_id", "stage")
    return {
        "apis": sorted(apis, key=lambda a: tuple(str(a.get(k, "")) for k in order)),
        "stages": sorted(stages, key=lambda s: tuple(str(s.get(k, "")) for k in order)),
    }


def resources_document(
    run: RunInfo, index: TargetIndex | None, results: Sequence[CheckResult]
) -> dict[str, Any]:
    """The document; without an index (the inventory was never built) only the envelope and
    empty lists."""
    document: dict[str, Any] = {
        **envelope(run),
        "resources": [],
        "not_listed": [],
        "out_of_scope": {"apis": [], "stages": []},
        "collection_errors": [],
    }
    if index is None:
        return document
    estate = _Estate(index)
    by_scope = ResultsByScope(results)
    entries = []
    for kind in (Kind.REST_METHOD, Kind.V2_ROUTE):
        for target in index.targets(kind):
            assert isinstance(target, (RestMethodTarget, V2RouteTarget))
            entries.append(estate.resource(target, by_scope))
    entries.sort(
        key=lambda entry: (
            -entry[0],
            (entry[1]["api_name"] or "").lower(),
            entry[1]["api_id"],
            entry[1]["stage"],
            entry[1]["resource_path"] or "",
            entry[1]["http_method"] or "",
        )
    )
    document["resources"] = [entry for _, entry in entries]
    # A placeholder stands in for several kinds under one key: list it once.
    unlisted = {t.key: {"target": t.key, "reason": t.reason} for t in index.unlisted()}
    document["not_listed"] = [unlisted[key] for key in sorted(unlisted)]
    document["out_of_scope"] = _out_of_scope(index.inventory, index.scope)
    errors = sorted(index.inventory.errors, key=lambda e: (e.target, e.service, e.operation))
    document["collection_errors"] = to_jsonable(errors)
    return document
