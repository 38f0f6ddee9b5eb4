"""Audit targets: what a check runs on, each under a stable, readable key.

Keys are built from region, API id, stage and method + path, never from names or positions,
so the same target has the same key tomorrow (waivers and CI history refer to it):

    us-east-1/a1b2c3d4e5                      an API
    us-east-1/a1b2c3d4e5/prod                 a stage
    us-east-1/a1b2c3d4e5/prod/pets/{id}       a REST resource on a stage
    us-east-1/a1b2c3d4e5/prod/GET /pets/{id}  a REST method on a stage
    us-east-1/h1i2j3/prod/POST /cart          an HTTP route on a stage

Method, resource and route targets are what each stage serves: its deployment's definition
(WebSocket APIs: the current one). Where collection failed, so that the real targets cannot
even be listed, a placeholder target stands in for them
(``us-east-1/a1b2c3d4e5/prod/(deployed definition not read)``, ``.../(stages not listed)``);
resolving it raises ``DataUnavailable`` with the recorded error, so every check that would
have run there errors instead of silently having nothing to check.

A fixture (``operation``, ``stage``...) names a set of target kinds; the index holds every
in-scope target of every kind, built once, and resolves a key in O(1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from collectors.errors import DataUnavailable
from collectors.model import (
    CollectionError,
    Inventory,
    LambdaFunction,
    RestApi,
    RestDefinition,
    RestDeployment,
    RestMethod,
    RestResource,
    RestStage,
    V2Api,
    V2Definition,
    V2Deployment,
    V2Integration,
    V2Route,
    V2Stage,
    invokes_lambda,
    lambda_arn_from_uri,
)
from collectors.scope import StageScope

T = TypeVar("T")


class Kind(Enum):
    REST_API = "REST API"
    V2_API = "HTTP/WebSocket API"
    REST_STAGE = "REST stage"
    V2_STAGE = "HTTP/WebSocket stage"
    REST_RESOURCE = "REST resource"
    REST_METHOD = "REST method"
    V2_ROUTE = "HTTP/WebSocket route"


@dataclass(frozen=True)
class RestApiTarget:
    key: str
    api: RestApi
    stages: tuple[RestStage, ...]  # the in-scope stages


@dataclass(frozen=True)
class V2ApiTarget:
    key: str
    api: V2Api
    stages: tuple[V2Stage, ...]  # the in-scope stages


@dataclass(frozen=True)
class RestStageTarget:
    key: str
    api: RestApi
    stage: RestStage
    environment: str  # "production" or "staging"
    deployment: RestDeployment | None  # what the stage serves; None: it could not be read

    def served_deployment(self) -> RestDeployment:
        """The deployment the stage serves; ``DataUnavailable`` naming the failed call."""
        if self.deployment is None:
            raise DataUnavailable(deployment_reason(self.api, self.key, self.stage.deployment_id))
        return self.deployment


@dataclass(frozen=True)
class V2StageTarget:
    key: str
    api: V2Api
    stage: V2Stage
    environment: str
    # what the stage serves (None: it could not be read) and where that was read from
    definition: V2Definition | None
    served_from: str
    deployment: V2Deployment | None  # None for WebSocket APIs and stages never deployed

    @property
    def reads_deployment(self) -> bool:
        """Whether what the stage serves is read from its deployment (an HTTP stage that has
        one), not from the current definition."""
        return self.api.protocol_type == "HTTP" and self.stage.deployment_id is not None

    def served(self) -> V2Definition:
        """The definition the stage serves; ``DataUnavailable`` naming the failed call."""
        if self.definition is None:
            raise DataUnavailable(self.unread_reason())
        return self.definition

    def unread_reason(self) -> str:
        """Why the definition the stage serves is unknown: the failed call."""
        if self.reads_deployment:
            return deployment_reason(self.api, self.key, self.stage.deployment_id)
        missing = next(
            (
                operation
                for operation, part in (
                    ("GetRoutes", self.api.routes),
                    ("GetIntegrations", self.api.integrations),
                    ("GetAuthorizers", self.api.authorizers),
                )
                if part is None
            ),
            "GetRoutes",
        )
        return _reason(self.api.errors, missing, "the API's routes were not collected")


def require_exported(api: RestApi, stage: RestStage, deployment: RestDeployment) -> None:
    """``DataUnavailable`` with the failed export when only the API summary was read."""
    if not deployment.exported:
        stage_key = f"{api.region}/{api.id}/{stage.name}"
        raise DataUnavailable(
            "only the authorization of the deployed methods is known: "
            + deployment_reason(api, stage_key, deployment.id)
        )


class _ServedByDeployment:
    """What a REST resource and method target share: the deployment their stage serves."""

    api: RestApi
    stage: RestStage
    deployment: RestDeployment

    @property
    def definition(self) -> RestDefinition:
        return self.deployment.definition

    def require_export(self) -> None:
        """Raise ``DataUnavailable`` unless the deployment's export was read (integrations,
        validators, models, gateway responses are known)."""
        require_exported(self.api, self.stage, self.deployment)


@dataclass(frozen=True)
class RestResourceTarget(_ServedByDeployment):
    """A resource as the stage's deployment defines it."""

    key: str
    api: RestApi
    stage: RestStage
    resource: RestResource
    environment: str
    deployment: RestDeployment


@dataclass(frozen=True)
class RestMethodTarget(_ServedByDeployment):
    """A method as the stage's deployment defines it."""

    key: str
    api: RestApi
    stage: RestStage
    resource: RestResource
    method: RestMethod
    environment: str
    deployment: RestDeployment

    @property
    def served_from(self) -> str:
        """Which definition the method's verdicts are judged on, in the words of evidence."""
        return f"deployment {self.deployment.id} ({self.deployment.created_date or 'date unknown'})"

    @property
    def lambda_arn(self) -> str | None:
        integration = self.method.integration
        if integration is None or not invokes_lambda(integration.type, integration.uri):
            return None
        return lambda_arn_from_uri(integration.uri)


@dataclass(frozen=True)
class V2RouteTarget:
    """A route as the stage serves it (its deployment, or the current definition)."""

    key: str
    api: V2Api
    stage: V2Stage
    route: V2Route
    integration: V2Integration | None
    environment: str
    definition: V2Definition
    served_from: str

    @property
    def lambda_arn(self) -> str | None:
        integration = self.integration
        if integration is None or not invokes_lambda(integration.type, integration.uri):
            return None
        return lambda_arn_from_uri(integration.uri)


@dataclass(frozen=True)
class Unlisted:
    """Stands in for targets that could not be listed; resolving it fails closed."""

    key: str
    kind: Kind
    reason: str


Target = (
    RestApiTarget
    | V2ApiTarget
    | RestStageTarget
    | V2StageTarget
    | RestResourceTarget
    | RestMethodTarget
    | V2RouteTarget
)


_KIND_OF: dict[Kind, type] = {
    Kind.REST_API: RestApiTarget,
    Kind.V2_API: V2ApiTarget,
    Kind.REST_STAGE: RestStageTarget,
    Kind.V2_STAGE: V2StageTarget,
    Kind.REST_RESOURCE: RestResourceTarget,
    Kind.REST_METHOD: RestMethodTarget,
    Kind.V2_ROUTE: V2RouteTarget,
}


def _is_lambda_operation(target: Target) -> bool:
    if isinstance(target, RestMethodTarget) and not target.deployment.exported:
        return True  # its integration is unknown: a target, so that the check says so
    return isinstance(target, (RestMethodTarget, V2RouteTarget)) and _invokes_lambda(target)


def _invokes_lambda(target: RestMethodTarget | V2RouteTarget) -> bool:
    integration = (
        target.method.integration if isinstance(target, RestMethodTarget) else target.integration
    )
    return integration is not None and invokes_lambda(integration.type, integration.uri)


def _is_read_operation(target: Target) -> bool:
    if isinstance(target, RestMethodTarget):
        return target.method.http_method == "GET"
    return isinstance(target, V2RouteTarget) and target.route.route_key.startswith("GET ")


def _has_cors(target: Target) -> bool:
    """REST resources and HTTP API stages; a WebSocket handshake involves no CORS."""
    return not (isinstance(target, V2StageTarget) and target.api.protocol_type == "WEBSOCKET")


def _always(_: Target) -> bool:
    return True


@dataclass(frozen=True)
class FixtureTargets:
    """What a public fixture is parametrized over: kinds, optionally narrowed."""

    kinds: tuple[Kind, ...]
    description: str
    where: Callable[[Target], bool] = _always


# Public fixtures a check can ask for. A check's targets are chosen by its fixture's name.
FIXTURES: dict[str, FixtureTargets] = {
    "rest_api": FixtureTargets((Kind.REST_API,), "each in-scope REST API"),
    "http_api": FixtureTargets((Kind.V2_API,), "each in-scope HTTP/WebSocket API"),
    "api": FixtureTargets((Kind.REST_API, Kind.V2_API), "each in-scope API"),
    "rest_stage": FixtureTargets((Kind.REST_STAGE,), "each in-scope REST stage"),
    "http_stage": FixtureTargets((Kind.V2_STAGE,), "each in-scope HTTP/WebSocket stage"),
    "stage": FixtureTargets((Kind.REST_STAGE, Kind.V2_STAGE), "each in-scope stage"),
    "rest_method": FixtureTargets((Kind.REST_METHOD,), "each REST method x in-scope stage"),
    "http_route": FixtureTargets((Kind.V2_ROUTE,), "each HTTP/WebSocket route x in-scope stage"),
    "operation": FixtureTargets(
        (Kind.REST_METHOD, Kind.V2_ROUTE), "each REST method or HTTP route x in-scope stage"
    ),
    "lambda_operation": FixtureTargets(
        (Kind.REST_METHOD, Kind.V2_ROUTE),
        "each method or route x in-scope stage whose integration invokes Lambda",
        _is_lambda_operation,
    ),
    "read_operation": FixtureTargets(
        (Kind.REST_METHOD, Kind.V2_ROUTE),
        "each GET method or route x in-scope stage",
        _is_read_operation,
    ),
    "resource": FixtureTargets(
        (Kind.REST_RESOURCE, Kind.V2_STAGE),
        "each REST resource x in-scope stage; for HTTP APIs (one CORS configuration for all "
        "routes) each API x in-scope stage",
        _has_cors,
    ),
}


@dataclass(frozen=True)
class TargetDescription:
    """Where a target is, in the words reports use; known even for a placeholder."""

    key: str
    kind: Kind
    region: str
    api_id: str | None
    api_name: str | None
    api_type: str | None  # REST, HTTP, WEBSOCKET
    stage: str | None
    resource_path: str | None
    http_method: str | None  # REST method, or the route key's method ("$default" routes: None)


def describe(target: Target | Unlisted) -> TargetDescription:
    if isinstance(target, Unlisted):
        parts = target.key.split("/")
        api_id = parts[1] if len(parts) > 1 and not parts[1].startswith("(") else None
        stage = parts[2] if len(parts) > 2 and not parts[2].startswith("(") else None
        return TargetDescription(
            target.key, target.kind, parts[0], api_id, None, None, stage, None, None
        )
    api = target.api
    stage = getattr(target, "stage", None)
    path: str | None = None
    method: str | None = None
    if isinstance(target, (RestResourceTarget, RestMethodTarget)):
        path = target.resource.path
    if isinstance(target, RestMethodTarget):
        method = target.method.http_method
    if isinstance(target, V2RouteTarget):
        verb, _, route_path = target.route.route_key.partition(" ")
        method, path = (verb, route_path) if route_path else (None, target.route.route_key)
    kind = next(k for k, targets in _KIND_OF.items() if isinstance(target, targets))
    return TargetDescription(
        key=target.key,
        kind=kind,
        region=api.region,
        api_id=api.id,
        api_name=api.name,
        api_type=api.api_type,
        stage=stage.name if stage is not None else None,
        resource_path=path,
        http_method=method,
    )


def _reason(
    errors: tuple[CollectionError, ...], operation: str, fallback: str, target: str | None = None
) -> str:
    """The failed call that explains a gap: the one about ``target``, else one about what
    contains it (its API, its region); never one about a sibling. Without ``target``, any."""
    matching = [error for error in errors if error.operation == operation]
    if target is not None:
        matching = [e for e in matching if e.target == target or target.startswith(f"{e.target}/")]
    for error in sorted(matching, key=lambda e: e.target != target):
        return error.describe()
    return fallback


class TargetIndex:
    """Every in-scope target of an inventory under its key; placeholders where data is missing."""

    def __init__(self, inventory: Inventory, scope: StageScope) -> None:
        self.inventory = inventory
        self.scope = scope
        self._by_kind: dict[Kind, dict[str, Target | Unlisted]] = {kind: {} for kind in Kind}
        self._lambdas = {function.arn: function for function in inventory.lambda_functions}
        self._lambda_errors = {e.target: e for e in inventory.errors if e.service == "lambda"}
        for error in inventory.listing_failures():
            self._add_unlisted_region(error)
        for rest_api in inventory.rest_apis:
            self._add_rest(rest_api)
        for v2_api in inventory.http_apis:
            self._add_v2(v2_api)

    # --- lookups -------------------------------------------------------------------------

    def keys(self, fixture: str) -> list[str]:
        """Sorted keys of the targets a fixture is parametrized over."""
        spec = FIXTURES[fixture]
        keys = [
            key
            for kind in spec.kinds
            for key, target in self._by_kind[kind].items()
            if isinstance(target, Unlisted) or spec.where(target)
        ]
        return sorted(keys)

    def lookup(self, fixture: str, key: str) -> Target | Unlisted:
        """The target or placeholder under ``key``, for reports (never raises for missing data)."""
        for kind in FIXTURES[fixture].kinds:
            target = self._by_kind[kind].get(key)
            if target is not None:
                return target
        raise KeyError(f"no {fixture} target {key!r} in this inventory")

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

    def lambda_function(self, arn: str | None, uri: str | None) -> LambdaFunction:
        """The configuration of the function an integration invokes, or ``DataUnavailable``."""
        if arn is None:
            raise DataUnavailable(
                f"the Lambda function of integration {uri!r} is not a literal ARN "
                "(chosen by a stage variable?), so its timeout cannot be read"
            )
        function = self._lambdas.get(arn)
        if function is not None:
            return function
        error = self._lambda_errors.get(arn)
        raise DataUnavailable(
            error.describe() if error else f"the configuration of {arn} was not collected"
        )

    # --- building ------------------------------------------------------------------------

    def _put(self, kind: Kind, target: Target | Unlisted) -> None:
        targets = self._by_kind[kind]
        if target.key in targets:
            raise ValueError(f"two {kind.value} targets share the key {target.key!r}")
        targets[target.key] = target

    def _add_unlisted_region(self, error: CollectionError) -> None:
        rest = error.operation == "GetRestApis"
        family = "REST APIs" if rest else "HTTP/WebSocket APIs"
        key = f"{error.target}/({family} not listed)"
        kinds = (
            (Kind.REST_API, Kind.REST_STAGE, Kind.REST_RESOURCE, Kind.REST_METHOD)
            if rest
            else (Kind.V2_API, Kind.V2_STAGE, Kind.V2_ROUTE)
        )
        for kind in kinds:
            self._put(kind, Unlisted(key, kind, error.describe()))

    def _in_scope(self, stages: tuple[T, ...], name: Callable[[T], str]) -> list[T]:
        return [s for s in stages if self.scope.exclusion_reason(name(s)) is None]

    def _add_rest(self, api: RestApi) -> None:
        api_key = f"{api.region}/{api.id}"
        if api.stages is None:
            reason = _reason(api.errors, "GetStages", "the API's stages were not collected")
            self._put(Kind.REST_API, Unlisted(api_key, Kind.REST_API, reason))
            for kind in (Kind.REST_STAGE, Kind.REST_RESOURCE, Kind.REST_METHOD):
                self._put(kind, Unlisted(f"{api_key}/(stages not listed)", kind, reason))
            return
        stages = self._in_scope(api.stages, lambda s: s.name)
        self._put(Kind.REST_API, RestApiTarget(api_key, api, tuple(stages)))
        for stage in stages:
            stage_key = f"{api_key}/{stage.name}"
            environment = self.scope.environment(stage.name)
            deployment = api.deployment(stage.deployment_id)
            self._put(
                Kind.REST_STAGE, RestStageTarget(stage_key, api, stage, environment, deployment)
            )
            if deployment is None:
                reason = deployment_reason(api, stage_key, stage.deployment_id)
                for kind in (Kind.REST_RESOURCE, Kind.REST_METHOD):
                    self._put(kind, Unlisted(f"{stage_key}/{NOT_READ}", kind, reason))
                continue
            for resource in deployment.definition.resources:
                self._put(
                    Kind.REST_RESOURCE,
                    RestResourceTarget(
                        f"{stage_key}{resource.path}", api, stage, resource, environment, deployment
                    ),
                )
                for method in resource.methods:
                    if is_mock_preflight(method):
                        continue  # CORS preflights: judged by the CORS check, per resource
                    self._put(
                        Kind.REST_METHOD,
                        RestMethodTarget(
                            f"{stage_key}/{method.http_method} {resource.path}",
                            api,
                            stage,
                            resource,
                            method,
                            environment,
                            deployment,
                        ),
                    )

    def _add_v2(self, api: V2Api) -> None:
        api_key = f"{api.region}/{api.id}"
        if api.stages is None:
            reason = _reason(api.errors, "GetStages", "the API's stages were not collected")
            self._put(Kind.V2_API, Unlisted(api_key, Kind.V2_API, reason))
            for kind in (Kind.V2_STAGE, Kind.V2_ROUTE):
                self._put(kind, Unlisted(f"{api_key}/(stages not listed)", kind, reason))
            return
        stages = self._in_scope(api.stages, lambda s: s.name)
        self._put(Kind.V2_API, V2ApiTarget(api_key, api, tuple(stages)))
        for stage in stages:
            stage_key = f"{api_key}/{stage.name}"
            environment = self.scope.environment(stage.name)
            definition, served_from, deployment = _served_v2(api, stage)
            target = V2StageTarget(
                stage_key, api, stage, environment, definition, served_from, deployment
            )
            self._put(Kind.V2_STAGE, target)
            if definition is None:
                placeholder = NOT_READ if target.reads_deployment else UNLISTED_ROUTES
                self._put(
                    Kind.V2_ROUTE,
                    Unlisted(f"{stage_key}/{placeholder}", Kind.V2_ROUTE, target.unread_reason()),
                )
                continue
            for route in definition.routes:
                if is_exempt_preflight(route):
                    continue  # CORS preflights API Gateway answers: judged by the CORS check
                self._put(
                    Kind.V2_ROUTE,
                    V2RouteTarget(
                        f"{stage_key}/{route.route_key}",
                        api,
                        stage,
                        route,
                        definition.integration(route),
                        environment,
                        definition,
                        served_from,
                    ),
                )


NOT_READ = "(deployed definition not read)"
UNLISTED_ROUTES = "(routes not listed)"
DEPLOYMENT_OPERATIONS = ("GetDeployment", "GetExport", "ExportApi")


def deployment_reason(api: RestApi | V2Api, stage_key: str, deployment_id: str | None) -> str:
    """Why a deployment a stage serves is unknown: the failed call about this stage, else
    about another stage serving the same deployment (each is read through one of them)."""
    api_key = f"{api.region}/{api.id}"
    serving = {
        f"{api_key}/{stage.name}"
        for stage in api.stages or ()
        if deployment_id
        and (
            stage.deployment_id == deployment_id
            or (isinstance(stage, RestStage) and stage.canary_deployment_id == deployment_id)
        )
    }
    failed = [
        e
        for e in api.errors
        if e.operation in DEPLOYMENT_OPERATIONS
        and (e.target in (stage_key, api_key) or e.target in serving)
    ]
    for error in sorted(failed, key=lambda e: e.target != stage_key):
        return error.describe()
    return (
        f"the definition of deployment {deployment_id} that {stage_key} serves was not "
        "collected (the stage was out of scope when the inventory was taken)"
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
    """What an HTTP/WebSocket stage serves, where that was read from, and its deployment."""
    if api.protocol_type == "WEBSOCKET":
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
            V2Definition((), (), (), None),
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


def require(
    value: T | None,
    errors: tuple[CollectionError, ...],
    operation: str,
    what: str,
    target: str | None = None,
) -> T:
    """``value``, or ``DataUnavailable`` naming the failed call that left it unknown (the one
    about ``target`` when there is one)."""
    if value is None:
        raise DataUnavailable(_reason(errors, operation, f"{what} was not collected", target))
    return value
