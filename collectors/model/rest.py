"""REST APIs (apigateway): resources and methods, stages, and the deployments stages serve."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from collectors.model.errors import CollectionError
from collectors.model.secrets import SecretFinding
from collectors.model.throttle import Throttle


@dataclass(frozen=True, kw_only=True, slots=True)
class RestIntegration:
    type: str  # AWS, AWS_PROXY, HTTP, HTTP_PROXY, MOCK
    # an ARN as is; any other URI with its user information and query values masked, no
    # fragment (collectors.secrets)
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
    # the request parameters a cached response is keyed by ("method.request.header.Authorization");
    # None in snapshots written before they were read
    cache_key_parameters: tuple[str, ...] | None = None
    # what of its URI, static request parameters and request mapping templates looks like a
    # credential (collectors.secrets): never the value; None: not scanned (older snapshots)
    secrets: tuple[SecretFinding, ...] | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class RestMethod:
    http_method: str
    authorization_type: str  # NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS, JWT
    authorizer_id: str | None
    api_key_required: bool
    request_validator_id: str | None
    request_parameters: Mapping[str, bool]  # "method.request.querystring.q" -> required
    request_models: Mapping[str, str]  # content type -> model name
    integration: RestIntegration | None


@dataclass(frozen=True, kw_only=True, slots=True)
class RestResource:
    id: str
    path: str
    methods: tuple[RestMethod, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class RestAuthorizer:
    id: str
    name: str
    type: str  # TOKEN, REQUEST, COGNITO_USER_POOLS, JWT
    provider_arns: tuple[str, ...]
    authorizer_uri: str | None
    # where it reads the caller's identity ("method.request.header.Authorization",
    # "context.sourceIp"...); None in snapshots written before they were read
    identity_sources: tuple[str, ...] | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class RequestValidator:
    id: str
    name: str
    validate_request_body: bool
    validate_request_parameters: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class GatewayResponse:
    response_type: str
    status_code: str | None
    response_parameters: Mapping[str, str]
    default_response: bool


@dataclass(frozen=True, kw_only=True)
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
    # None when the export carries none, so the API's current policy is all that is known
    # (as in snapshots written before the export's policy was read).
    policy: Any = None

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


@dataclass(frozen=True, kw_only=True, slots=True)
class RestDeployment:
    """A deployment that an in-scope stage serves: its date and the definition it froze.

    Without its export (a canary's deployment, which GetExport cannot reach; or an API AWS
    refuses to export) only its API summary is known: its definition holds each method's
    authorization and nothing else (``exported`` False)."""

    id: str
    created_date: str | None
    description: str | None
    definition: RestDefinition
    # True in snapshots written before unexported deployments were kept: all were exported
    exported: bool = True


def method_settings_key(path: str, http_method: str) -> str:
    """A method's key in a stage's methodSettings: the resource path with ``~`` escaped as
    ``~0`` and ``/`` as ``~1`` (JSON Pointer), then the method: ``/pets/{id}`` GET ->
    ``~1pets~1{id}/GET``. Not the resource id, which some tools use and which never matches."""
    return f"{path.replace('~', '~0').replace('/', '~1')}/{http_method}"


@dataclass(frozen=True, kw_only=True, slots=True)
class MethodSetting:
    """One entry of a stage's methodSettings, under its raw key (``~1pets~1{id}/GET``, ``*/*``)."""

    key: str
    throttle: Throttle
    caching_enabled: bool | None
    cache_ttl_seconds: int | None
    metrics_enabled: bool | None
    logging_level: str | None
    data_trace_enabled: bool | None
    # AWS answers both in every entry; None in snapshots written before they were read
    cache_data_encrypted: bool | None = None
    require_authorization_for_cache_control: bool | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class UsagePlanBinding:
    """A usage plan as it applies to one API stage."""

    plan_id: str
    plan_name: str
    throttle: Throttle | None
    quota_limit: int | None
    quota_period: str | None
    # per-method overrides, keyed as AWS keys them: "/pets/{id}/GET"
    method_throttles: Mapping[str, Throttle]
    # the ids of the plan's API keys (GetUsagePlanKeys, read for plans bound to an in-scope
    # stage); None: not read (the call failed, or a snapshot written before they were read)
    api_key_ids: tuple[str, ...] | None = None


def served_by_canary(deployment_id: str | None, percent_traffic: float | None) -> str | None:
    """The deployment a stage's canary sends part of the traffic to, if any traffic at all."""
    if deployment_id and (percent_traffic or 0) > 0:
        return deployment_id
    return None


@dataclass(frozen=True, kw_only=True)
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

    variable_names: tuple[str, ...]  # names only: values can hold secrets
    tags: Mapping[str, str]
    usage_plans: tuple[UsagePlanBinding, ...] | None  # None: GetUsagePlans failed
    request_count_30d: float | None  # None: CloudWatch could not be read
    # the variables (and the canary's overrides of them) whose values look like credentials
    # (collectors.secrets): never the value; None: not scanned (snapshots written before they
    # were)
    variable_secrets: tuple[SecretFinding, ...] | None = None
    # each variable's URL scheme ("http", "https"; None: not an http(s) URL), for integration
    # URIs that start with one; nothing else of the value. None: not read (older snapshots)
    variable_schemes: Mapping[str, str | None] | None = None

    @property
    def canary_serves(self) -> str | None:
        return served_by_canary(self.canary_deployment_id, self.canary_percent_traffic)

    def settings_for(
        self, path: str, http_method: str
    ) -> tuple[MethodSetting | None, MethodSetting | None]:
        """The methodSettings entries that apply to a method, most specific first: its own
        and the stage default (``*/*``), each ``None`` where the stage has none."""
        own = self._settings.get(method_settings_key(path, http_method))
        return own, self._settings.get("*/*")

    # Built once per stage (kept out of the JSON: not a field).
    @functools.cached_property
    def _settings(self) -> dict[str, MethodSetting]:
        return {setting.key: setting for setting in self.method_settings}


def default_security_policy(endpoint_types: tuple[str, ...]) -> str:
    """The security policy AWS gives a REST API made without one: TLS_1_2 for a PRIVATE API,
    TLS_1_0 (TLS 1.0 to 1.3) for a REGIONAL or EDGE one
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies-list.html,
    "Default security policies")."""
    return "TLS_1_2" if "PRIVATE" in (t.upper() for t in endpoint_types) else "TLS_1_0"


@dataclass(frozen=True, kw_only=True, slots=True)
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
    # The TLS security policy its default execute-api endpoint accepts callers with
    # (GetRestApis' securityPolicy, else AWS's default for its endpoint type:
    # ``default_security_policy``); None: not read (a snapshot from before it was collected).
    security_policy: str | None = None
    # BASIC or STRICT, set with an enhanced (SecurityPolicy_*) policy; None: none answered
    endpoint_access_mode: str | None = None

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
            resources=self.resources,
            authorizers=self.authorizers,
            request_validators=self.request_validators,
            gateway_responses=tuple(r for r in self.gateway_responses if not r.default_response),
            policy=self.policy,
        )

    def deployment(self, deployment_id: str | None) -> RestDeployment | None:
        return next((d for d in self.deployments if d.id == deployment_id), None)
