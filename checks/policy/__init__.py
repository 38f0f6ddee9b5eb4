"""The audit's policy as pure functions of one target: no pytest, no boto3.

The checks (``checks/test_*.py``) decide with these and record what they found as
evidence; the reports read only that record, never these functions. A function that needs
an inventory section that was not collected raises ``collectors.errors.DataUnavailable``
naming the failed call (the check then errors).

Method- and route-level policy reads what the stage serves: the target's deployed
definition (``target.definition``, ``target.method``); stage-level policy reads the stage.

Access (``checks.policy.access``, ``checks.policy.resource_policy``, ``checks.policy.perimeter``):
    authorization(target: RestMethodTarget | V2RouteTarget) -> Authorization
        .authorization_type, .authorizer_id, .api_key_required, .network_restriction,
        .decided_by ("$connect" for WebSocket routes, or a REST stage's canary deployment),
        .authorized
    network_restriction(api, stage, http_method, path, deployed_policy=None) -> str | None
        PRIVATE API whose resource policy admits only aws:SourceVpce / aws:SourceVpc callers
    invoke_access(policy, api_id=, stage=, http_method=, resource_path=) -> InvokeAccess
    perimeter(target: RestStageTarget | V2StageTarget, inventory) -> Perimeter
        .protected, .protected_by, .open_ways_in (default endpoint, custom domains, VPC)
    in_front(target: RestStageTarget | V2StageTarget, inventory) -> InFront
        .stage_web_acl, .private, .domains (DomainFront: the distributions in front),
        .web_acls (WebAclInFront: .id, .on, .resource_type): the one notion of what stands
        in front of a stage, for APIGW-WAF-001 and APIGW-WAF-002
    web_acl_protection(target: stage, inventory) -> WebAclProtection | NotApplicable
        (``checks.policy.web_acl``) .web_acls (JudgedWebAcl: .gaps, .blocking,
        .allowed_first, .not_judged, .rules), .complete; gaps_by_web_acl(protection) -> the
        check's posture
    cors_exposure(target: RestResourceTarget | V2StageTarget) -> CorsExposure
        .wildcard_sources, .reflected_sources, .allow_credentials, .decided_by_backend
    served_policy(api, deployed_policy) -> the resource policy a stage serves
    vpc_pinning(target: RestStageTarget) -> VpcPinning   .pins, .unpinned (PRIVATE APIs)
    mapping_domains(target: RestStageTarget | V2StageTarget, inventory) -> list[CustomDomain]

Exposure (``checks.policy.exposure``, over ``checks.policy.resource_policy``):
    default_endpoint(target: stage, inventory) -> DefaultEndpoint | NotApplicable
        .domains, .enabled
    domain_tls(target: stage, inventory, allowed) -> DomainTls | NotApplicable
        .policies, .weak   (DEFAULT_TLS_POLICIES: the policies refusing TLS 1.0/1.1)
    default_endpoint_tls(target: RestStageTarget, allowed) -> DefaultEndpointTls | NotApplicable
        .security_policy, .endpoint_access_mode, .allowed   (the REST API's own policy)
    private_pinning(target: RestStageTarget) -> VpcPinning | NotApplicable
    iam_method_exposure(target: RestMethodTarget) -> AccountExposure | NotApplicable
        .open_statements, .has_policy
    open_to_every_account(policy, api_id=, stage=, http_method=, resource_path=) -> tuple[str]
    domain_certificates(target: stage, inventory) -> DomainCertificates | NotApplicable
        .domains (status, certificates with expiry, mutual TLS), .problems
        (``checks.policy.domain_certificates``: expired, expiring within EXPIRY_WARNING, not
        ISSUED, uploaded outside ACM; truststore warnings; status awaiting the owner)

Traffic (``checks.policy.traffic``):
    effective_throttle(target, account: AccountSettings) -> EffectiveThrottle
        .rate_limit, .burst_limit, .rate_source, .burst_source, .below_account_defaults
    request_validation(target: RestMethodTarget | V2RouteTarget) -> Validation
        .validator, .accepts, .unvalidated (each with its reason)
    plan_throttle(plan: UsagePlanBinding, target: RestMethodTarget) -> Throttle | None
        the per-key throttle a usage plan applies to a method (its per-method one first)

API keys (``checks.policy.api_keys``, over the usage plans' throttles of ``traffic``):
    api_key_limits(target: RestMethodTarget, inventory) -> ApiKeyLimits | NotApplicable
        .key_source, .plans (PlanLimits), .callers (enabled key -> its plan's PlanLimits),
        .disabled, .unlimited   (PlanLimits: .throttle_from, .quota_limit, .limited)

Drift (``checks.policy.drift``):
    definition_drift(target: RestStageTarget | V2StageTarget) -> DefinitionDrift | None

Backend (``checks.policy.backend``):
    integration_uri(target: RestMethodTarget | V2RouteTarget) -> str | None
    integration_timeout_ms(target: RestMethodTarget | V2RouteTarget) -> int
    caching_status(target: RestMethodTarget) -> "ENABLED" | "DISABLED" | "CLUSTER_OFF"
    xray_tracing(target: RestStageTarget | V2StageTarget) -> "ENABLED" | "DISABLED" | "UNSUPPORTED"

Hardening (``checks.policy.hardening``, over ``checks.policy.settings``: what each method or
route a stage serves comes to, its own setting else the stage default else AWS's):
    served_settings(target: RestStageTarget | V2StageTarget) -> tuple[OperationSettings, ...]
    judged_on(target) -> str   which definition's methods or routes those are
    execution_logging(target, inventory) -> ExecutionLogging | NotApplicable
        .levels, .unlogged, .configured, .cloudwatch_role_arn, .role_missing
    full_request_logging(target) -> list[str] | NotApplicable   (dataTraceEnabled)
    detailed_metrics(target) -> DetailedMetrics | NotApplicable   .operations, .without
    unencrypted_cache(target: RestStageTarget) -> CachedMethods | NotApplicable
    unguarded_cache_control(target: RestStageTarget) -> CachedMethods | NotApplicable
        .cached, .lacking
    shared_cache(target: RestStageTarget) -> SharedCache | NotApplicable
        .cached (behind an authorizer), .shared (method -> identity sources not in its key)
    cache_cluster(target: RestStageTarget, pricing) -> CacheCluster
        .provisioned, .size, .cached, .monthly_cost, .idle

What stages refer to (``checks.policy.access_logs``, ``checks.policy.backend_auth``):
    access_logging(target: RestStageTarget | V2StageTarget, inventory) -> AccessLogging
        .destination, .destination_type, .log_group, .kept_forever, .missing, .worth_recording
    context_variables(log_format) -> frozenset[str]   the $context variables a format names
    unrecorded(api_type, log_format) -> tuple[Needed, ...]   what it leaves out (NEEDED)
    backend_authentication(target: RestStageTarget, inventory)
        -> BackendAuthentication | NotApplicable
        .http_methods, .certificate, .expires_in, .expired, .expiring (EXPIRY_WARNING: 30 days)

Backend configuration (``checks.policy.secrets``, ``checks.policy.transport``):
    configuration_secrets(target: RestStageTarget | V2StageTarget) -> ConfigurationSecrets
        .found (stage variables and served integrations scanned at collection: where and the
        secret type, never the value), .judged_on
    backend_transport(target: RestMethodTarget | V2RouteTarget)
        -> BackendTransport | NotApplicable   (HTTP and HTTP_PROXY integrations only)
        .integration_type, .connection_type, .uri, .protocol ("HTTPS" or "HTTP"),
        .tls_server_name, .plaintext, .private

Cost (``checks.policy.cost``):
    rest_only_features(target: RestApiTarget) -> Mapping[str, bool]
    api_request_count_30d(target: RestApiTarget) -> float | None
    stage_requests(target: stage, inventory) -> StageRequests   .requests, .source, .days
        (CloudWatch's 30 days, else the access logs read, when their window covers 30 days)
    monthly_saving(requests_30d: float | None, pricing: Pricing) -> float | None
    Pricing.cache_monthly_cost(size) -> float | None   (CACHE_PRICE_PER_HOUR by default)

Observed traffic (``checks.policy.observed_traffic``: ``Inventory.traffic``, the stages'
access logs read with Logs Insights; ``NotApplicable`` when it was not collected):
    operation_use(target: RestMethodTarget | V2RouteTarget, inventory)
        -> OperationUse | NotApplicable   .requests, .requests_by_class, .stage_requests,
        .last_seen (REST rows: the method of their verb, else the resource's ANY method)
    hidden_paths(target: greedy method or $default route, inventory)
        -> HiddenPaths | NotApplicable   .served (templates with a non-4XX answer), .refused
    client_errors(target: stage, inventory, min_requests) -> ClientErrors | NotApplicable
        .requests, .share (4XX), .stage_over, .operations_over, .abused (ATTACK_SHARE: 0.5)
    server_errors(target: RestMethodTarget | V2RouteTarget, inventory, min_requests)
        -> ServerErrors | NotApplicable   .requests, .requests_by_class, .server_errors,
        .share (5XX), .failing (FAILING_SHARE: 0.05)

Wording (``checks.policy.labels``):
    label(target) -> str     "GET /pets on petstore-public/prod"
    some(items) -> str       "GET /a, GET /b and 3 more"
"""

from checks.policy.access import (
    Authorization,
    CorsExposure,
    VpcPinning,
    authorization,
    cors_exposure,
    network_restriction,
    served_policy,
    vpc_pinning,
)
from checks.policy.access_logs import (
    NEEDED,
    AccessLogging,
    Needed,
    access_logging,
    context_variables,
    unrecorded,
)
from checks.policy.api_keys import ApiKeyLimits, PlanLimits, api_key_limits
from checks.policy.backend import (
    caching_status,
    integration_timeout_ms,
    integration_uri,
    xray_tracing,
)
from checks.policy.backend_auth import (
    EXPIRY_WARNING,
    BackendAuthentication,
    backend_authentication,
)
from checks.policy.cost import (
    CACHE_PRICE_PER_HOUR,
    METRICS_SOURCE,
    Pricing,
    StageRequests,
    api_request_count_30d,
    monthly_saving,
    rest_only_features,
    stage_request_count,
    stage_requests,
)
from checks.policy.domain_certificates import DomainCertificates, domain_certificates
from checks.policy.drift import DefinitionDrift, definition_drift
from checks.policy.exposure import (
    DEFAULT_TLS_POLICIES,
    AccountExposure,
    DefaultEndpoint,
    DefaultEndpointTls,
    DomainTls,
    default_endpoint,
    default_endpoint_tls,
    domain_tls,
    iam_method_exposure,
    private_pinning,
)
from checks.policy.hardening import (
    CacheCluster,
    CachedMethods,
    DetailedMetrics,
    ExecutionLogging,
    NotApplicable,
    SharedCache,
    cache_cluster,
    detailed_metrics,
    execution_logging,
    full_request_logging,
    shared_cache,
    unencrypted_cache,
    unguarded_cache_control,
)
from checks.policy.labels import label, operations, some
from checks.policy.observed_traffic import (
    ATTACK_SHARE,
    DEFAULT_MIN_REQUESTS,
    FAILING_SHARE,
    ClientErrors,
    HiddenPaths,
    OperationUse,
    ServerErrors,
    client_errors,
    hidden_paths,
    operation_use,
    server_errors,
)
from checks.policy.open_principals import open_to_every_account
from checks.policy.perimeter import (
    InFront,
    Perimeter,
    WebAclInFront,
    in_front,
    mapping_domains,
    perimeter,
)
from checks.policy.secrets import ConfigurationSecrets, configuration_secrets
from checks.policy.settings import OperationSettings, judged_on, served_settings
from checks.policy.traffic import (
    EffectiveThrottle,
    Validation,
    account_settings,
    effective_throttle,
    plan_throttle,
    request_validation,
)
from checks.policy.transport import BackendTransport, backend_transport
from checks.policy.web_acl import (
    JudgedWebAcl,
    WebAclProtection,
    gaps_by_web_acl,
    web_acl_protection,
)

__all__ = [
    "ATTACK_SHARE",
    "CACHE_PRICE_PER_HOUR",
    "DEFAULT_MIN_REQUESTS",
    "DEFAULT_TLS_POLICIES",
    "EXPIRY_WARNING",
    "FAILING_SHARE",
    "METRICS_SOURCE",
    "NEEDED",
    "AccessLogging",
    "AccountExposure",
    "ApiKeyLimits",
    "Authorization",
    "BackendAuthentication",
    "BackendTransport",
    "CacheCluster",
    "CachedMethods",
    "ClientErrors",
    "ConfigurationSecrets",
    "CorsExposure",
    "DefaultEndpoint",
    "DefaultEndpointTls",
    "DefinitionDrift",
    "DetailedMetrics",
    "DomainCertificates",
    "DomainTls",
    "EffectiveThrottle",
    "ExecutionLogging",
    "HiddenPaths",
    "InFront",
    "JudgedWebAcl",
    "Needed",
    "NotApplicable",
    "OperationSettings",
    "OperationUse",
    "Perimeter",
    "PlanLimits",
    "Pricing",
    "ServerErrors",
    "SharedCache",
    "StageRequests",
    "Validation",
    "VpcPinning",
    "WebAclInFront",
    "WebAclProtection",
    "access_logging",
    "account_settings",
    "api_key_limits",
    "api_request_count_30d",
    "authorization",
    "backend_authentication",
    "backend_transport",
    "cache_cluster",
    "caching_status",
    "client_errors",
    "configuration_secrets",
    "context_variables",
    "cors_exposure",
    "default_endpoint",
    "default_endpoint_tls",
    "definition_drift",
    "detailed_metrics",
    "domain_certificates",
    "domain_tls",
    "effective_throttle",
    "execution_logging",
    "full_request_logging",
    "gaps_by_web_acl",
    "hidden_paths",
    "iam_method_exposure",
    "in_front",
    "integration_timeout_ms",
    "integration_uri",
    "judged_on",
    "label",
    "mapping_domains",
    "monthly_saving",
    "network_restriction",
    "open_to_every_account",
    "operation_use",
    "operations",
    "perimeter",
    "plan_throttle",
    "private_pinning",
    "request_validation",
    "rest_only_features",
    "served_policy",
    "served_settings",
    "server_errors",
    "shared_cache",
    "some",
    "stage_request_count",
    "stage_requests",
    "unencrypted_cache",
    "unguarded_cache_control",
    "unrecorded",
    "vpc_pinning",
    "web_acl_protection",
    "xray_tracing",
]
