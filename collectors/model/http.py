"""HTTP and WebSocket APIs (apigatewayv2): routes, integrations, stages and deployments."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from collectors.model.errors import CollectionError
from collectors.model.secrets import SecretFinding
from collectors.model.throttle import Throttle


@dataclass(frozen=True, kw_only=True, slots=True)
class CorsConfiguration:
    allow_origins: tuple[str, ...]
    allow_credentials: bool
    allow_methods: tuple[str, ...]
    allow_headers: tuple[str, ...]
    expose_headers: tuple[str, ...]
    max_age: int | None


@dataclass(frozen=True, kw_only=True, slots=True)
class IntegrationTls:
    """An integration's TlsConfig, as GetIntegrations or the export's ``tlsConfig`` gives it:
    ``configured`` False when it has none."""

    configured: bool
    server_name_to_verify: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class V2Integration:
    id: str
    type: str  # AWS_PROXY, HTTP_PROXY, MOCK, AWS, HTTP
    # an ARN as is; any other URI with its user information and query values masked, no
    # fragment (collectors.secrets)
    uri: str | None
    timeout_ms: int | None  # None: the default (30 s HTTP, 29 s WebSocket) applies
    connection_type: str | None
    payload_format_version: str | None
    subtype: str | None  # IntegrationSubtype: an AWS service action (SQS-SendMessage...)
    # what of its URI, static request parameters and (WebSocket) request templates looks
    # like a credential (collectors.secrets): never the value; None: not scanned
    secrets: tuple[SecretFinding, ...] | None = None
    # its TlsConfig (HTTP API private integrations: present, their traffic uses HTTPS);
    # None: not read (snapshots written before it was)
    tls: IntegrationTls | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class V2Route:
    id: str
    route_key: str  # "GET /pets", "$default", "$connect"
    authorization_type: str  # NONE, AWS_IAM, CUSTOM, JWT
    authorizer_id: str | None
    api_key_required: bool
    target: str | None  # "integrations/abc123"
    # WebSocket request validation: the models a message is validated against
    model_selection_expression: str | None
    request_models: Mapping[str, str]
    request_parameters: Mapping[str, bool]  # "route.request.querystring.q" -> required

    @property
    def integration_id(self) -> str | None:
        if self.target and self.target.startswith("integrations/"):
            return self.target.removeprefix("integrations/")
        return None


@dataclass(frozen=True, kw_only=True, slots=True)
class V2Authorizer:
    id: str
    name: str
    type: str  # JWT, REQUEST


@dataclass(frozen=True, kw_only=True)
class V2Definition:
    """An HTTP/WebSocket API's routes, integrations, authorizers and CORS: now, or as a stage's
    deployment froze them (ExportApi of the stage). In a deployed definition AWS's export
    carries no ids: a route's integration is inline (its id is the route key) and authorizers
    are named (their id is their name)."""

    routes: tuple[V2Route, ...]
    integrations: tuple[V2Integration, ...]
    authorizers: tuple[V2Authorizer, ...]
    cors: CorsConfiguration | None

    def integration(self, route: V2Route) -> V2Integration | None:
        return self._integrations.get(route.integration_id or "")

    def authorizer(self, authorizer_id: str | None) -> V2Authorizer | None:
        return self._authorizers.get(authorizer_id or "")

    @functools.cached_property
    def _integrations(self) -> dict[str, V2Integration]:
        return {i.id: i for i in self.integrations}

    @functools.cached_property
    def _authorizers(self) -> dict[str, V2Authorizer]:
        return {a.id: a for a in self.authorizers}


@dataclass(frozen=True, kw_only=True, slots=True)
class V2Deployment:
    """A deployment that an in-scope HTTP API stage serves (AutoDeploy stages included)."""

    id: str
    created_date: str | None
    description: str | None
    definition: V2Definition


@dataclass(frozen=True, kw_only=True, slots=True)
class RouteSettings:
    throttle: Throttle
    logging_level: str | None
    data_trace_enabled: bool | None
    detailed_metrics_enabled: bool | None


@dataclass(frozen=True, kw_only=True, slots=True)
class V2Stage:
    name: str
    deployment_id: str | None
    created_date: str | None
    last_updated_date: str | None
    auto_deploy: bool
    default_route_settings: RouteSettings | None
    route_settings: Mapping[str, RouteSettings]  # route key -> settings
    access_log_destination: str | None
    access_log_format: str | None
    tags: Mapping[str, str]
    request_count_30d: float | None  # None: CloudWatch could not be read
    # the stage variables whose values look like credentials (collectors.secrets): never the
    # value; None: not scanned (snapshots written before they were)
    variable_secrets: tuple[SecretFinding, ...] | None = None
    # each stage variable's URL scheme ("http", "https"; None: not an http(s) URL), for
    # integration URIs that start with one; nothing else of the value. None: not read (older
    # snapshots)
    variable_schemes: Mapping[str, str | None] | None = None
    # the client certificate (apigateway's GenerateClientCertificate) a WebSocket stage
    # presents to its HTTP backends: "Supported only for WebSocket APIs" (botocore's
    # Stage.ClientCertificateId); None: none
    client_certificate_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class V2Api:
    id: str
    name: str
    region: str
    protocol_type: str  # HTTP, WEBSOCKET
    tags: Mapping[str, str]
    cors: CorsConfiguration | None
    disable_execute_api_endpoint: bool
    api_endpoint: str | None
    routes: tuple[V2Route, ...] | None
    integrations: tuple[V2Integration, ...] | None
    authorizers: tuple[V2Authorizer, ...] | None
    stages: tuple[V2Stage, ...] | None
    deployments: tuple[V2Deployment, ...]  # those in-scope HTTP stages serve
    errors: tuple[CollectionError, ...]

    @property
    def api_type(self) -> str:
        return self.protocol_type

    def current_definition(self) -> V2Definition | None:
        if self.routes is None or self.integrations is None or self.authorizers is None:
            return None
        return V2Definition(
            routes=self.routes,
            integrations=self.integrations,
            authorizers=self.authorizers,
            cors=self.cors,
        )

    def deployment(self, deployment_id: str | None) -> V2Deployment | None:
        return next((d for d in self.deployments if d.id == deployment_id), None)
