"""The inventory: a frozen, typed, JSON-serialisable picture of an account's API Gateway estate.

Everything a check or a report needs is here, and nothing here knows boto3 or pytest.

A section that could not be collected is ``None`` (never an empty tuple, which means "there
are none"); the ``CollectionError`` that explains why is in the owning API's ``errors`` (and in
``Inventory.errors``), so a check can fail closed with the reason instead of passing on
missing data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = 1

# API Gateway defaults that apply when the API does not say otherwise.
REST_INTEGRATION_TIMEOUT_DEFAULT_MS = 29_000
HTTP_INTEGRATION_TIMEOUT_DEFAULT_MS = 30_000

LAMBDA_INTEGRATION_TYPES = frozenset({"AWS", "AWS_PROXY"})
LISTING_OPERATIONS = frozenset({"GetRestApis", "GetApis"})

# A Lambda function ARN inside an integration URI: REST wraps it
# ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/<ARN>/invocations"),
# HTTP APIs may give it bare. An optional alias or version qualifier is kept.
_LAMBDA_ARN = re.compile(
    r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9_$-]+)?"
    r"(?=/invocations|$)"
)


def lambda_arn_from_uri(uri: str | None) -> str | None:
    """The function ARN an integration invokes; ``None`` when it is not a literal Lambda ARN
    (for example when it is chosen by a stage variable)."""
    if not uri or "${" in uri:
        return None
    match = _LAMBDA_ARN.search(uri)
    return match.group(0) if match else None


@dataclass(frozen=True)
class CollectionError:
    """One AWS call that failed while collecting; the affected targets cannot be audited."""

    service: str
    operation: str
    target: str  # what the call was about: a region, "region/apiId" or a Lambda ARN
    code: str
    message: str

    def describe(self) -> str:
        return f"{self.operation} on {self.target} failed ({self.code}): {self.message}"


@dataclass(frozen=True)
class Throttle:
    """A rate (requests per second) and burst limit; ``None`` or negative means "not set"."""

    rate_limit: float | None
    burst_limit: int | None


# --- REST APIs (apigateway) -----------------------------------------------------------------


@dataclass(frozen=True)
class RestIntegration:
    type: str  # AWS, AWS_PROXY, HTTP, HTTP_PROXY, MOCK
    uri: str | None
    timeout_ms: int | None  # None: the API Gateway default (29 s) applies
    connection_type: str | None
    request_template_content_types: tuple[str, ...]  # non-empty: mapping templates are used
    # status code -> response parameters of the integration response (CORS headers live here)
    response_parameters: Mapping[str, Mapping[str, str]]


@dataclass(frozen=True)
class RestMethod:
    http_method: str
    authorization_type: str  # NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS
    authorizer_id: str | None
    api_key_required: bool
    request_validator_id: str | None
    request_parameters: Mapping[str, bool]  # "method.request.querystring.q" -> required
    request_models: Mapping[str, str]  # content type -> model name
    integration: RestIntegration | None


@dataclass(frozen=True)
class RestResource:
    id: str
    path: str
    methods: tuple[RestMethod, ...]


@dataclass(frozen=True)
class RestAuthorizer:
    id: str
    name: str
    type: str  # TOKEN, REQUEST, COGNITO_USER_POOLS
    provider_arns: tuple[str, ...]
    authorizer_uri: str | None


@dataclass(frozen=True)
class RequestValidator:
    id: str
    name: str
    validate_request_body: bool
    validate_request_parameters: bool


@dataclass(frozen=True)
class GatewayResponse:
    response_type: str
    status_code: str | None
    response_parameters: Mapping[str, str]
    default_response: bool


def method_settings_key(path: str, http_method: str) -> str:
    """A method's key in a stage's methodSettings: the resource path with ``~`` escaped as
    ``~0`` and ``/`` as ``~1`` (JSON Pointer), then the method: ``/pets/{id}`` GET ->
    ``~1pets~1{id}/GET``. Not the resource id, which some tools use and which never matches."""
    return f"{path.replace('~', '~0').replace('/', '~1')}/{http_method}"


@dataclass(frozen=True)
class MethodSetting:
    """One entry of a stage's methodSettings, under its raw key (``~1pets~1{id}/GET``, ``*/*``)."""

    key: str
    throttle: Throttle
    caching_enabled: bool | None
    cache_ttl_seconds: int | None
    metrics_enabled: bool | None
    logging_level: str | None
    data_trace_enabled: bool | None


@dataclass(frozen=True)
class UsagePlanBinding:
    """A usage plan as it applies to one API stage."""

    plan_id: str
    plan_name: str
    throttle: Throttle | None
    quota_limit: int | None
    quota_period: str | None
    # per-method overrides, keyed as AWS keys them: "/pets/{id}/GET"
    method_throttles: Mapping[str, Throttle]


@dataclass(frozen=True)
class RestStage:
    name: str
    deployment_id: str | None
    created_date: str | None
    last_updated_date: str | None
    tracing_enabled: bool
    cache_cluster_enabled: bool
    cache_cluster_size: str | None
    method_settings: tuple[MethodSetting, ...]
    access_log_destination: str | None
    access_log_format: str | None
    client_certificate_id: str | None
    web_acl_arn: str | None
    variable_names: tuple[str, ...]  # names only: values can hold secrets
    tags: Mapping[str, str]
    usage_plans: tuple[UsagePlanBinding, ...] | None  # None: GetUsagePlans failed
    request_count_30d: float | None  # None: CloudWatch could not be read


@dataclass(frozen=True)
class RestApi:
    id: str
    name: str
    region: str
    endpoint_types: tuple[str, ...]  # EDGE, REGIONAL, PRIVATE
    tags: Mapping[str, str]
    policy: Any  # the parsed resource policy document, or None when there is none
    disable_execute_api_endpoint: bool
    api_key_source: str | None
    created_date: str | None
    resources: tuple[RestResource, ...] | None
    authorizers: tuple[RestAuthorizer, ...] | None
    request_validators: tuple[RequestValidator, ...] | None
    gateway_responses: tuple[GatewayResponse, ...] | None
    stages: tuple[RestStage, ...] | None
    errors: tuple[CollectionError, ...]

    @property
    def api_type(self) -> str:
        return "REST"


# --- HTTP and WebSocket APIs (apigatewayv2) --------------------------------------------------


@dataclass(frozen=True)
class CorsConfiguration:
    allow_origins: tuple[str, ...]
    allow_credentials: bool
    allow_methods: tuple[str, ...]
    allow_headers: tuple[str, ...]
    expose_headers: tuple[str, ...]
    max_age: int | None


@dataclass(frozen=True)
class V2Integration:
    id: str
    type: str  # AWS_PROXY, HTTP_PROXY, MOCK, AWS, HTTP
    uri: str | None
    timeout_ms: int | None  # None: the default (30 s for HTTP APIs) applies
    connection_type: str | None
    payload_format_version: str | None


@dataclass(frozen=True)
class V2Route:
    id: str
    route_key: str  # "GET /pets", "$default", "$connect"
    authorization_type: str  # NONE, AWS_IAM, CUSTOM, JWT
    authorizer_id: str | None
    api_key_required: bool
    target: str | None  # "integrations/abc123"

    @property
    def integration_id(self) -> str | None:
        if self.target and self.target.startswith("integrations/"):
            return self.target.removeprefix("integrations/")
        return None


@dataclass(frozen=True)
class V2Authorizer:
    id: str
    name: str
    type: str  # JWT, REQUEST


@dataclass(frozen=True)
class RouteSettings:
    throttle: Throttle
    logging_level: str | None
    data_trace_enabled: bool | None
    detailed_metrics_enabled: bool | None


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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
    errors: tuple[CollectionError, ...]

    @property
    def api_type(self) -> str:
        return self.protocol_type


# --- Everything else ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LambdaFunction:
    arn: str  # as the integration names it (qualified if the integration is)
    timeout_seconds: int
    runtime: str | None
    memory_mb: int | None


@dataclass(frozen=True)
class SkippedApi:
    """An API left out of the audit by its tags; collected no further than its listing."""

    id: str
    name: str
    region: str
    api_type: str
    tags: Mapping[str, str]
    reason: str


@dataclass(frozen=True)
class CollectionMetadata:
    account_id: str
    regions: tuple[str, ...]
    started_at: str
    finished_at: str
    tool_version: str
    demo: bool


@dataclass(frozen=True)
class Inventory:
    metadata: CollectionMetadata
    rest_apis: tuple[RestApi, ...]
    http_apis: tuple[V2Api, ...]
    lambda_functions: tuple[LambdaFunction, ...]
    skipped_apis: tuple[SkippedApi, ...]
    # every failed call; a failed GetRestApis/GetApis leaves a whole region's APIs unknown
    errors: tuple[CollectionError, ...]

    def listing_failures(self) -> tuple[CollectionError, ...]:
        return tuple(e for e in self.errors if e.operation in LISTING_OPERATIONS)
