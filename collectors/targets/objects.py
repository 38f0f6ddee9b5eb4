"""The audit targets: what a check runs on, each with what its stage serves.

Every target is in one account (``account``), and its key begins with the account's id.
Method, resource and route targets are what each stage serves: its deployment's definition
(WebSocket APIs: the current one). ``Unlisted`` stands in for targets that could not even be
listed; resolving it fails closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from collectors.errors import DataUnavailable
from collectors.model import (
    MethodSetting,
    RestApi,
    RestDefinition,
    RestDeployment,
    RestIntegration,
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
    method_settings_key,
)
from collectors.targets.served import deployment_reason, failed_call, require_exported


class Kind(Enum):
    REST_API = "REST API"
    V2_API = "HTTP/WebSocket API"
    REST_STAGE = "REST stage"
    V2_STAGE = "HTTP/WebSocket stage"
    REST_RESOURCE = "REST resource"
    REST_METHOD = "REST method"
    V2_ROUTE = "HTTP/WebSocket route"


class _InAccount:
    """What every target has: its key, which begins with its account's id, and the account."""

    key: str
    account: str

    @property
    def inventory_key(self) -> str:
        """The key without its account (``region/api-id/stage...``): how the collection
        errors of the account's inventory name the target."""
        return self.key.removeprefix(f"{self.account}/")


@dataclass(frozen=True, kw_only=True, slots=True)
class RestApiTarget(_InAccount):
    key: str
    account: str
    api: RestApi


@dataclass(frozen=True, kw_only=True, slots=True)
class V2ApiTarget(_InAccount):
    key: str
    account: str
    api: V2Api


@dataclass(frozen=True, kw_only=True, slots=True)
class RestStageTarget(_InAccount):
    key: str
    account: str
    api: RestApi
    stage: RestStage
    environment: str  # "production" or "staging"
    deployment: RestDeployment | None  # what the stage serves; None: it could not be read

    def served_deployment(self) -> RestDeployment:
        """The deployment the stage serves; ``DataUnavailable`` naming the failed call."""
        if self.deployment is None:
            raise DataUnavailable(
                deployment_reason(self.api, self.inventory_key, self.stage.deployment_id)
            )
        return self.deployment


@dataclass(frozen=True, kw_only=True, slots=True)
class V2StageTarget(_InAccount):
    key: str
    account: str
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
            return deployment_reason(self.api, self.inventory_key, self.stage.deployment_id)
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
        return failed_call(self.api.errors, missing, "the API's routes were not collected")


class _OnStage(_InAccount):
    """What every target below a stage has: the stage, and the stage's key in its inventory."""

    key: str
    api: RestApi | V2Api
    stage: RestStage | V2Stage

    @property
    def stage_key(self) -> str:
        return f"{self.api.region}/{self.api.id}/{self.stage.name}"


class _ServedByDeployment(_OnStage):
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


class _Operation:
    """What a REST method and a route target share: the integration behind them."""

    @property
    def integration(self) -> RestIntegration | V2Integration | None:
        raise NotImplementedError

    @property
    def invokes_lambda(self) -> bool:
        integration = self.integration
        return integration is not None and invokes_lambda(integration.type, integration.uri)

    @property
    def lambda_arn(self) -> str | None:
        """The Lambda function the integration invokes, when it names one literally."""
        integration = self.integration
        if integration is None or not self.invokes_lambda:
            return None
        return lambda_arn_from_uri(integration.uri)


@dataclass(frozen=True, kw_only=True, slots=True)
class RestResourceTarget(_ServedByDeployment):
    """A resource as the stage's deployment defines it."""

    key: str
    account: str
    api: RestApi
    stage: RestStage
    resource: RestResource
    environment: str
    deployment: RestDeployment


@dataclass(frozen=True, kw_only=True, slots=True)
class RestMethodTarget(_Operation, _ServedByDeployment):
    """A method as the stage's deployment defines it."""

    key: str
    account: str
    api: RestApi
    stage: RestStage
    resource: RestResource
    method: RestMethod
    environment: str
    deployment: RestDeployment

    @property
    def integration(self) -> RestIntegration | None:
        return self.method.integration

    @property
    def served_from(self) -> str:
        """Which definition the method's verdicts are judged on, in the words of evidence."""
        return f"deployment {self.deployment.id} ({self.deployment.created_date or 'date unknown'})"

    @property
    def settings_key(self) -> str:
        """The method's key in the stage's methodSettings (``~1pets~1{id}/GET``)."""
        return method_settings_key(self.resource.path, self.method.http_method)

    def method_settings(self) -> tuple[MethodSetting | None, MethodSetting | None]:
        """The stage's methodSettings that apply to the method, most specific first: its own
        entry and the stage default (``*/*``), each ``None`` where the stage has none."""
        return self.stage.settings_for(self.resource.path, self.method.http_method)


@dataclass(frozen=True, kw_only=True, slots=True)
class V2RouteTarget(_Operation, _OnStage):
    """A route as the stage serves it (its deployment, or the current definition)."""

    key: str
    account: str
    api: V2Api
    stage: V2Stage
    route: V2Route
    route_integration: V2Integration | None
    environment: str
    definition: V2Definition
    served_from: str

    @property
    def integration(self) -> V2Integration | None:
        return self.route_integration


@dataclass(frozen=True, kw_only=True, slots=True)
class Unlisted:
    """Stands in for targets that could not be listed (its key: ``ACCOUNT/...``, ``ACCOUNT/
    REGION/(REST APIs not listed)``); resolving it fails closed."""

    key: str
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
