"""The target index: every in-scope target of an estate under its key, built once.

Each account's targets come from its own inventory, under keys that begin with its id, and a
check's other data comes from its target's account alone (``inventory_for``). A fixture
(``operation``, ``stage``...) names a set of target kinds; the index resolves a key in O(1).
Where collection failed so that the real targets cannot even be listed, a placeholder stands
in for them (``.../prod/(deployed definition not read)``, ``.../(stages not listed)``,
``ACCOUNT/(account not reached)``), so every check that would have run there errors instead
of silently having nothing to check.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

from collectors.contract import TargetDescription
from collectors.errors import DataUnavailable
from collectors.model import (
    CollectionError,
    Estate,
    Inventory,
    LambdaFunction,
    RestApi,
    RestMethod,
    RestStage,
    V2Api,
    V2Definition,
    V2Deployment,
    V2Route,
    V2Stage,
    estate_of,
)
from collectors.scope import StageScope
from collectors.targets.describe import describe
from collectors.targets.fixtures import FIXTURES
from collectors.targets.objects import (
    Kind,
    RestApiTarget,
    RestMethodTarget,
    RestResourceTarget,
    RestStageTarget,
    Target,
    Unlisted,
    V2ApiTarget,
    V2RouteTarget,
    V2StageTarget,
)
from collectors.targets.served import NOT_READ, UNLISTED_ROUTES, deployment_reason, failed_call

S = TypeVar("S", RestStage, V2Stage)
NOT_REACHED = "(account not reached)"


class TargetIndex:
    """Every in-scope target of an estate under its key; placeholders where data is missing."""

    def __init__(self, audited: Estate | Inventory, scope: StageScope) -> None:
        self.estate = estate_of(audited)
        self.scope = scope
        self._by_kind: dict[Kind, dict[str, Target | Unlisted]] = {kind: {} for kind in Kind}
        self._inventories: dict[str, Inventory] = {}
        self._lambdas: dict[tuple[str, str], LambdaFunction] = {}  # by account and ARN
        self._lambda_errors: dict[tuple[str, str], CollectionError] = {}
        # id of a target or placeholder of this index -> its description (they live as long)
        self._descriptions: dict[int, TargetDescription] = {}
        for inventory in self.estate.inventories:
            self._add_account(inventory)
        for unreached in self.estate.unreached:
            self._put_unlisted(
                tuple(Kind), f"{unreached.account_id}/{NOT_REACHED}", unreached.reason
            )

    # --- lookups -------------------------------------------------------------------------

    def keys(self, fixture: str) -> list[str]:
        """Sorted keys of the targets a fixture is parametrized over; a placeholder standing
        in for several of its kinds (an account not reached) once."""
        spec = FIXTURES[fixture]
        keys = {
            key
            for kind in spec.kinds
            for key, target in self._by_kind[kind].items()
            if isinstance(target, Unlisted) or spec.where(target)
        }
        return sorted(keys)

    def lookup(self, fixture: str, key: str) -> Target | Unlisted:
        """The target or placeholder under ``key`` (never raises for missing data)."""
        for kind in FIXTURES[fixture].kinds:
            target = self._by_kind[kind].get(key)
            if target is not None:
                return target
        raise KeyError(f"no {fixture} target {key!r} in this inventory")

    def described(self, target: Target | Unlisted) -> TargetDescription:
        """``describe(target)`` for a target or placeholder of this index, made once: the
        records of the checks on it (under each of its fixtures) and the audited estate's
        operations share it (at the xl estate some 60,000 descriptions fewer)."""
        known = self._descriptions.get(id(target))
        if known is None:
            known = self._descriptions[id(target)] = describe(target)
        return known

    def resolve(self, fixture: str, key: str) -> Target:
        """The target under ``key``; raises ``DataUnavailable`` for a placeholder."""
        target = self.lookup(fixture, key)
        if isinstance(target, Unlisted):
            raise DataUnavailable(target.reason)
        return target

    def targets(self, kind: Kind) -> Iterator[Target]:
        for target in self._by_kind[kind].values():
            if not isinstance(target, Unlisted):
                yield target

    def unlisted(self) -> Iterator[Unlisted]:
        for targets in self._by_kind.values():
            for target in targets.values():
                if isinstance(target, Unlisted):
                    yield target

    def inventory_for(self, target: Target) -> Inventory:
        """The inventory of the target's account: what a check may read beyond its target
        (account settings, custom domains, log groups...), never another account's."""
        return self._inventories[target.account]

    def lambda_function(self, target: Target, arn: str | None, uri: str | None) -> LambdaFunction:
        """The configuration of the function the target's integration invokes, as its
        account's inventory read it, or ``DataUnavailable``."""
        if arn is None:
            raise DataUnavailable(
                f"the Lambda function of integration {uri!r} is not a literal ARN "
                "(chosen by a stage variable?), so its timeout cannot be read"
            )
        function = self._lambdas.get((target.account, arn))
        if function is not None:
            return function
        error = self._lambda_errors.get((target.account, arn))
        raise DataUnavailable(
            error.describe() if error else f"the configuration of {arn} was not collected"
        )

    # --- building ------------------------------------------------------------------------

    def _add_account(self, inventory: Inventory) -> None:
        account = inventory.metadata.account_id
        if account in self._inventories:
            raise ValueError(f"the estate holds two inventories of account {account}")
        self._inventories[account] = inventory
        self._lambdas.update(((account, f.arn), f) for f in inventory.lambda_functions)
        self._lambda_errors.update(
            ((account, e.target), e) for e in inventory.errors if e.service == "lambda"
        )
        for error in inventory.listing_failures():
            self._add_unlisted_region(account, error)
        for rest_api in inventory.rest_apis:
            self._add_rest(account, rest_api)
        for v2_api in inventory.http_apis:
            self._add_v2(account, v2_api)

    def _put(self, kind: Kind, target: Target | Unlisted) -> None:
        targets = self._by_kind[kind]
        if target.key in targets:
            raise ValueError(f"two {kind.value} targets share the key {target.key!r}")
        targets[target.key] = target

    def _put_unlisted(self, kinds: tuple[Kind, ...], key: str, reason: str) -> None:
        placeholder = Unlisted(key=key, reason=reason)  # one, standing in for every kind
        for kind in kinds:
            self._put(kind, placeholder)

    def _add_unlisted_region(self, account: str, error: CollectionError) -> None:
        rest = error.operation == "GetRestApis"
        family = "REST APIs" if rest else "HTTP/WebSocket APIs"
        kinds = (
            (Kind.REST_API, Kind.REST_STAGE, Kind.REST_RESOURCE, Kind.REST_METHOD)
            if rest
            else (Kind.V2_API, Kind.V2_STAGE, Kind.V2_ROUTE)
        )
        key = f"{account}/{error.target}/({family} not listed)"
        self._put_unlisted(kinds, key, error.describe())

    def _unlisted_stages(self, api_key: str, api: RestApi | V2Api, kinds: tuple[Kind, ...]) -> None:
        reason = failed_call(api.errors, "GetStages", "the API's stages were not collected")
        self._put_unlisted(kinds[:1], api_key, reason)
        self._put_unlisted(kinds[1:], f"{api_key}/(stages not listed)", reason)

    def _audited(self, api_key: str, stages: tuple[S, ...]) -> Iterator[tuple[S, str, str]]:
        """The in-scope stages, each with its key and its audit environment."""
        for stage in stages:
            if self.scope.exclusion_reason(stage.name) is None:
                yield stage, f"{api_key}/{stage.name}", self.scope.environment(stage.name)

    def _add_rest(self, account: str, api: RestApi) -> None:
        api_key = f"{account}/{api.region}/{api.id}"
        if api.stages is None:
            kinds = (Kind.REST_API, Kind.REST_STAGE, Kind.REST_RESOURCE, Kind.REST_METHOD)
            self._unlisted_stages(api_key, api, kinds)
            return
        self._put(Kind.REST_API, RestApiTarget(key=api_key, account=account, api=api))
        for stage, stage_key, environment in self._audited(api_key, api.stages):
            deployment = api.deployment(stage.deployment_id)
            self._put(
                Kind.REST_STAGE,
                RestStageTarget(
                    key=stage_key,
                    account=account,
                    api=api,
                    stage=stage,
                    environment=environment,
                    deployment=deployment,
                ),
            )
            if deployment is None:
                reason = deployment_reason(
                    api, f"{api.region}/{api.id}/{stage.name}", stage.deployment_id
                )
                below = (Kind.REST_RESOURCE, Kind.REST_METHOD)
                self._put_unlisted(below, f"{stage_key}/{NOT_READ}", reason)
                continue
            for resource in deployment.definition.resources:
                self._put(
                    Kind.REST_RESOURCE,
                    RestResourceTarget(
                        key=f"{stage_key}{resource.path}",
                        account=account,
                        api=api,
                        stage=stage,
                        resource=resource,
                        environment=environment,
                        deployment=deployment,
                    ),
                )
                for method in resource.methods:
                    if is_mock_preflight(method):
                        continue  # CORS preflights: judged by the CORS check, per resource
                    self._put(
                        Kind.REST_METHOD,
                        RestMethodTarget(
                            key=f"{stage_key}/{method.http_method} {resource.path}",
                            account=account,
                            api=api,
                            stage=stage,
                            resource=resource,
                            method=method,
                            environment=environment,
                            deployment=deployment,
                        ),
                    )

    def _add_v2(self, account: str, api: V2Api) -> None:
        api_key = f"{account}/{api.region}/{api.id}"
        if api.stages is None:
            self._unlisted_stages(api_key, api, (Kind.V2_API, Kind.V2_STAGE, Kind.V2_ROUTE))
            return
        self._put(Kind.V2_API, V2ApiTarget(key=api_key, account=account, api=api))
        for stage, stage_key, environment in self._audited(api_key, api.stages):
            definition, served_from, deployment = _served_v2(api, stage)
            target = V2StageTarget(
                key=stage_key,
                account=account,
                api=api,
                stage=stage,
                environment=environment,
                definition=definition,
                served_from=served_from,
                deployment=deployment,
            )
            self._put(Kind.V2_STAGE, target)
            if definition is None:
                placeholder = NOT_READ if target.reads_deployment else UNLISTED_ROUTES
                key = f"{stage_key}/{placeholder}"
                self._put_unlisted((Kind.V2_ROUTE,), key, target.unread_reason())
                continue
            for route in definition.routes:
                if is_exempt_preflight(route):
                    continue  # CORS preflights API Gateway answers: judged by the CORS check
                self._put(
                    Kind.V2_ROUTE,
                    V2RouteTarget(
                        key=f"{stage_key}/{route.route_key}",
                        account=account,
                        api=api,
                        stage=stage,
                        route=route,
                        route_integration=definition.integration(route),
                        environment=environment,
                        definition=definition,
                        served_from=served_from,
                    ),
                )


def is_mock_preflight(method: RestMethod) -> bool:
    """An OPTIONS method answered by a MOCK integration: a CORS preflight that reaches no
    backend. An OPTIONS method backed by Lambda or HTTP is a way into the backend and is
    audited like any other method."""
    integration = method.integration
    return (
        method.http_method == "OPTIONS" and integration is not None and integration.type == "MOCK"
    )


def is_exempt_preflight(route: V2Route) -> bool:
    """An ``OPTIONS`` route with no integration: nothing behind it. With a CORS configuration
    API Gateway answers preflights itself, but only requests carrying ``Origin`` and
    ``Access-Control-Request-Method``
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html); any
    other OPTIONS request reaches the route's integration, so such a route is audited."""
    return route.route_key.startswith("OPTIONS ") and route.integration_id is None


def _served_v2(api: V2Api, stage: V2Stage) -> tuple[V2Definition | None, str, V2Deployment | None]:
    """What an HTTP/WebSocket stage serves, where that was read from, and its deployment. A
    stage with no deployment and no AutoDeploy serves nothing, WebSocket or HTTP ("a
    deployment ... is not callable until it is associated with a stage",
    https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-set-up-websocket-deployment.html)."""
    never_deployed = stage.deployment_id is None and not stage.auto_deploy
    if api.protocol_type == "WEBSOCKET" and not never_deployed:
        return (
            api.current_definition(),
            "current definition (AWS cannot export a WebSocket API, so the deployed "
            "definition cannot be read)",
            None,
        )
    if stage.deployment_id is None:
        if stage.auto_deploy:  # the first automatic deployment is yet to come
            return api.current_definition(), "current definition (AutoDeploy stage)", None
        return (
            V2Definition(routes=(), integrations=(), authorizers=(), cors=None),
            "empty definition (never deployed, no AutoDeploy)",
            None,
        )
    # An AutoDeploy stage too serves its last deployment: when an automatic deployment
    # fails (LastDeploymentStatusMessage), the stage keeps the one before.
    deployment = api.deployment(stage.deployment_id)
    if deployment is None:
        return None, f"deployment {stage.deployment_id}", None
    date = deployment.created_date or "date unknown"
    automatic = ", AutoDeploy" if stage.auto_deploy else ""
    return deployment.definition, f"deployment {deployment.id} ({date}{automatic})", deployment
