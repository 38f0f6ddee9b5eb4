"""The inventory: a frozen, typed, JSON-serialisable picture of an account's API Gateway estate.

Everything a check or a report needs is here, and nothing here knows boto3 or pytest.

A section that could not be collected is ``None`` (never an empty tuple, which means "there
are none"); the ``CollectionError`` that explains why is in the owning API's ``errors`` (and in
``Inventory.errors``), so a check can fail closed with the reason instead of passing on
missing data.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = 2

# API Gateway's default integration timeouts, by API type, when the integration sets none:
# 29 s for REST and WebSocket APIs, 30 s for HTTP APIs
# (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html and
# .../http-api-quotas.html).
REST_INTEGRATION_TIMEOUT_DEFAULT_MS = 29_000
HTTP_INTEGRATION_TIMEOUT_DEFAULT_MS = 30_000
WEBSOCKET_INTEGRATION_TIMEOUT_DEFAULT_MS = 29_000

LAMBDA_INTEGRATION_TYPES = frozenset({"AWS", "AWS_PROXY"})
# Integrations that hand the request to the backend as is, and its answer back: what HTTP APIs
# also have; the backend, not the configuration, then sets the response headers.
PROXY_INTEGRATION_TYPES = frozenset({"AWS_PROXY", "HTTP_PROXY"})
LISTING_OPERATIONS = frozenset({"GetRestApis", "GetApis"})

# A Lambda function ARN inside an integration URI: REST wraps it
# ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/<ARN>/invocations"),
# HTTP APIs may give it bare. An optional alias or version qualifier is kept.
_LAMBDA_ARN = re.compile(
    r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9_$-]+)?"
    r"(?=/invocations|$)"
)


def invokes_lambda(integration_type: str, uri: str | None) -> bool:
    """Whether an integration invokes a Lambda function: an AWS/AWS_PROXY integration whose URI
    is a Lambda invocation (REST ``...:lambda:path/...``, HTTP a bare function ARN, or one
    chosen by a stage variable). Other AWS service integrations (SQS, Step Functions, HTTP
    APIs' ``IntegrationSubtype`` integrations, which have no URI) do not."""
    if integration_type.upper() not in LAMBDA_INTEGRATION_TYPES or not uri:
        return False
    return ":lambda:path/" in uri or ":lambda:" in uri.partition("/")[0]


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
    # status code -> CORS header -> the expression a response mapping template sets it to
    # (``#set($context.responseOverride.header.Access-Control-Allow-Origin = ...)``); only
    # Access-Control-* headers are kept: templates can hold anything else, secrets included
    response_cors_overrides: Mapping[str, Mapping[str, str]]


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


@dataclass(frozen=True)
class RestDefinition:
    """What a REST API defines: as it stands now (GetResources & co.) or as a deployment froze
    it (GetExport of a stage). References inside it (a method's ``authorizer_id`` and
    ``request_validator_id``) name entries of the same definition by ``id``: AWS ids in the
    current definition; in a deployed one the authorizer's and validator's names, the only
    handles AWS's export carries."""

    resources: tuple[RestResource, ...]
    authorizers: tuple[RestAuthorizer, ...]
    request_validators: tuple[RequestValidator, ...]
    gateway_responses: tuple[GatewayResponse, ...]  # customised ones only
    # The resource policy: a change reaches stages only when deployed (updating-api.html).
    # In a deployed definition, the policy its export carries (x-amazon-apigateway-policy);
    # None when the export carries none, so the API's current policy is all that is known.
    policy: Any

    def authorizer(self, authorizer_id: str | None) -> RestAuthorizer | None:
        return self._authorizers.get(authorizer_id or "")

    def validator(self, validator_id: str | None) -> RequestValidator | None:
        return self._validators.get(validator_id or "")

    def method(self, path: str, http_method: str) -> RestMethod | None:
        return self._methods.get((path, http_method))

    # Lookups built once per definition (kept out of the JSON: not fields).
    @functools.cached_property
    def _authorizers(self) -> dict[str, RestAuthorizer]:
        return {a.id: a for a in self.authorizers}

    @functools.cached_property
    def _validators(self) -> dict[str, RequestValidator]:
        return {v.id: v for v in self.request_validators}

    @functools.cached_property
    def _methods(self) -> dict[tuple[str, str], RestMethod]:
        return {(r.path, m.http_method): m for r in self.resources for m in r.methods}


@dataclass(frozen=True)
class RestDeployment:
    """A deployment that an in-scope stage serves: its date and the definition it froze.

    Without its export (a canary's deployment, which GetExport cannot reach; or an API AWS
    refuses to export) only its API summary is known: its definition holds each method's
    authorization and nothing else (``exported`` False)."""

    id: str
    created_date: str | None
    description: str | None
    definition: RestDefinition
    exported: bool


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
    # canarySettings: this share of the stage's traffic (percent) goes to another deployment
    canary_deployment_id: str | None
    canary_percent_traffic: float | None

    @property
    def canary_serves(self) -> str | None:
        """The deployment a canary sends part of the traffic to, if any traffic at all."""
        if self.canary_deployment_id and (self.canary_percent_traffic or 0) > 0:
            return self.canary_deployment_id
        return None

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
    # the deployments in-scope stages serve (GetDeployment + GetExport); one that could not be
    # read is absent, with its error in ``errors``
    deployments: tuple[RestDeployment, ...]
    errors: tuple[CollectionError, ...]

    @property
    def api_type(self) -> str:
        return "REST"

    def current_definition(self) -> RestDefinition | None:
        """The definition as it stands now; ``None`` if any part of it was not collected."""
        if (
            self.resources is None
            or self.authorizers is None
            or self.request_validators is None
            or self.gateway_responses is None
        ):
            return None
        return RestDefinition(
            self.resources,
            self.authorizers,
            self.request_validators,
            tuple(r for r in self.gateway_responses if not r.default_response),
            self.policy,
        )

    def deployment(self, deployment_id: str | None) -> RestDeployment | None:
        return next((d for d in self.deployments if d.id == deployment_id), None)


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
    timeout_ms: int | None  # None: the default (30 s HTTP, 29 s WebSocket) applies
    connection_type: str | None
    payload_format_version: str | None
    subtype: str | None  # IntegrationSubtype: an AWS service action (SQS-SendMessage...)


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class V2Authorizer:
    id: str
    name: str
    type: str  # JWT, REQUEST


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class V2Deployment:
    """A deployment that an in-scope HTTP API stage serves (AutoDeploy stages included)."""

    id: str
    created_date: str | None
    description: str | None
    definition: V2Definition


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
    deployments: tuple[V2Deployment, ...]  # those in-scope HTTP stages serve
    errors: tuple[CollectionError, ...]

    @property
    def api_type(self) -> str:
        return self.protocol_type

    def current_definition(self) -> V2Definition | None:
        if self.routes is None or self.integrations is None or self.authorizers is None:
            return None
        return V2Definition(self.routes, self.integrations, self.authorizers, self.cors)

    def deployment(self, deployment_id: str | None) -> V2Deployment | None:
        return next((d for d in self.deployments if d.id == deployment_id), None)


# --- Everything else ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LambdaFunction:
    arn: str  # as the integration names it (qualified if the integration is)
    timeout_seconds: int
    runtime: str | None
    memory_mb: int | None


@dataclass(frozen=True)
class AccountSettings:
    """API Gateway's account-level settings in one region (GetAccount)."""

    region: str
    throttle: Throttle  # the account's limit for every API in the region together
    cloudwatch_role_arn: str | None


@dataclass(frozen=True)
class ApiMapping:
    api_id: str
    stage: str  # "" (v1 "(none)"): every stage, named by callers after the base path
    key: str  # the base path ("" for the root)

    def maps(self, api_id: str, stage: str) -> bool:
        return self.api_id == api_id and self.stage in ("", stage)


@dataclass(frozen=True)
class CustomDomain:
    """A custom domain name and the API stages it maps."""

    name: str
    region: str
    endpoint_type: str  # REGIONAL (apigatewayv2) or EDGE (apigateway v1)
    # the host names API Gateway serves it at: d-abc.execute-api.region.amazonaws.com
    # (REGIONAL), or the AWS-managed CloudFront's d111.cloudfront.net (EDGE)
    regional_domain_names: tuple[str, ...]
    mappings: tuple[ApiMapping, ...] | None  # None: GetApiMappings/GetBasePathMappings failed


@dataclass(frozen=True)
class CloudFrontDistribution:
    id: str
    domain_name: str  # d111111abcdef8.cloudfront.net
    aliases: tuple[str, ...]
    origin_domain_names: tuple[str, ...]
    web_acl_id: str | None  # a WAFv2 web ACL ARN (or a WAF Classic id)
    enabled: bool


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
    accounts: tuple[AccountSettings, ...]  # per region; a region whose GetAccount failed: absent
    custom_domains: tuple[CustomDomain, ...]  # a region whose GetDomainNames failed: errors
    distributions: tuple[CloudFrontDistribution, ...] | None  # None: ListDistributions failed
    skipped_apis: tuple[SkippedApi, ...]
    # every failed call; a failed GetRestApis/GetApis leaves a whole region's APIs unknown
    errors: tuple[CollectionError, ...]

    def listing_failures(self) -> tuple[CollectionError, ...]:
        return tuple(e for e in self.errors if e.operation in LISTING_OPERATIONS)

    def account(self, region: str) -> AccountSettings | None:
        return next((a for a in self.accounts if a.region == region), None)
