"""What checks need beyond their own target, as fixtures.

Data that may not have been collected is fetched here, in fixtures, never in a check's body,
and from the target's own account only (``audit_index.inventory_for(target)``):
``DataUnavailable`` raised in a fixture makes the check ERROR (fail closed, with the failed
AWS call as the reason), where the same exception in the body would read as a finding.
Each is a function of its arguments alone (``@derived_fixture``): a check item is handed its
value without pytest's fixture setup (``checks.handed``).
"""

from __future__ import annotations

from collections.abc import Mapping

from checks.handed import derived_fixture
from checks.policy import (
    AccessLogging,
    AccountExposure,
    ApiKeyLimits,
    Authorization,
    BackendAuthentication,
    BackendTransport,
    CacheCluster,
    CachedMethods,
    ClientErrors,
    ConfigurationSecrets,
    CorsExposure,
    DefaultEndpoint,
    DefaultEndpointTls,
    DefinitionDrift,
    DetailedMetrics,
    DomainCertificates,
    DomainTls,
    EffectiveThrottle,
    ExecutionLogging,
    HiddenPaths,
    NotApplicable,
    OperationUse,
    Perimeter,
    Pricing,
    ServerErrors,
    SharedCache,
    StageRequests,
    Validation,
    VpcPinning,
    WebAclProtection,
    access_logging,
    account_settings,
    api_key_limits,
    authorization,
    backend_authentication,
    backend_transport,
    cache_cluster,
    client_errors,
    configuration_secrets,
    cors_exposure,
    default_endpoint,
    default_endpoint_tls,
    definition_drift,
    detailed_metrics,
    domain_certificates,
    domain_tls,
    effective_throttle,
    execution_logging,
    full_request_logging,
    hidden_paths,
    iam_method_exposure,
    integration_uri,
    operation_use,
    perimeter,
    private_pinning,
    request_validation,
    rest_only_features,
    server_errors,
    shared_cache,
    stage_requests,
    unencrypted_cache,
    unguarded_cache_control,
    web_acl_protection,
)
from collectors.model import LambdaFunction
from collectors.targets import (
    RestApiTarget,
    RestMethodTarget,
    RestResourceTarget,
    RestStageTarget,
    TargetIndex,
    V2RouteTarget,
    V2StageTarget,
)


@derived_fixture
def operation_authorization(operation: RestMethodTarget | V2RouteTarget) -> Authorization:
    """How the operation authorizes callers, as its stage serves it (a canary included)."""
    return authorization(operation)


@derived_fixture
def throttle(
    operation: RestMethodTarget | V2RouteTarget, audit_index: TargetIndex
) -> EffectiveThrottle:
    """The operation's effective throttle: needs the region's account limits (GetAccount) and,
    when an API key is required, the usage plans."""
    account = account_settings(audit_index.inventory_for(operation), operation.api.region)
    return effective_throttle(operation, account)


@derived_fixture
def stage_perimeter(stage: RestStageTarget | V2StageTarget, audit_index: TargetIndex) -> Perimeter:
    """How every way into the stage is protected (custom domains, CloudFront, VPC)."""
    return perimeter(stage, audit_index.inventory_for(stage))


@derived_fixture
def stage_web_acls(
    stage: RestStageTarget | V2StageTarget, audit_index: TargetIndex
) -> WebAclProtection | NotApplicable:
    """The web ACLs in front of the stage (its own, or those of CloudFront in front of its
    custom domains), each judged on its rules as GetWebACL read them."""
    return web_acl_protection(stage, audit_index.inventory_for(stage))


@derived_fixture
def drift(stage: RestStageTarget | V2StageTarget) -> DefinitionDrift | None:
    """How the definition the stage serves differs from the API's current one; ``None``
    where there is no deployment to compare."""
    return definition_drift(stage)


@derived_fixture
def validation(operation: RestMethodTarget | V2RouteTarget) -> Validation:
    """What the gateway validates of the operation's requests (needs the deployed validators,
    models and parameters)."""
    return request_validation(operation)


@derived_fixture
def cors(resource: RestResourceTarget | V2StageTarget) -> CorsExposure:
    """The CORS headers the stage serves for the resource (its deployed definition)."""
    return cors_exposure(resource)


@derived_fixture
def backend_function(
    lambda_operation: RestMethodTarget | V2RouteTarget, audit_index: TargetIndex
) -> LambdaFunction:
    """The configuration of the Lambda function the operation invokes."""
    if isinstance(lambda_operation, RestMethodTarget):
        lambda_operation.require_export()  # else its integration is unknown
    return audit_index.lambda_function(
        lambda_operation, lambda_operation.lambda_arn, integration_uri(lambda_operation)
    )


@derived_fixture
def request_count(
    stage: RestStageTarget | V2StageTarget, audit_index: TargetIndex
) -> StageRequests:
    """The stage's requests in the last 30 days, from CloudWatch, else from its access logs
    when they were read for 30 days or more."""
    return stage_requests(stage, audit_index.inventory_for(stage))


@derived_fixture
def rest_features(rest_api: RestApiTarget) -> Mapping[str, bool]:
    """The REST-only features the API uses (needs its resources, gateway responses and
    usage plans)."""
    return rest_only_features(rest_api)


# Stage hardening: what each method or route the stage serves comes to. ``NotApplicable``
# where the API type or the stage cannot have the feature (nothing is read then).


@derived_fixture
def stage_execution_logging(
    stage: RestStageTarget | V2StageTarget, audit_index: TargetIndex
) -> ExecutionLogging | NotApplicable:
    """Each method's or route's logging level and, when any logs, the region's CloudWatch
    role (GetAccount)."""
    return execution_logging(stage, audit_index.inventory_for(stage))


@derived_fixture
def traced_operations(stage: RestStageTarget | V2StageTarget) -> list[str] | NotApplicable:
    """The methods or routes of a production stage logged in full (dataTraceEnabled)."""
    return full_request_logging(stage)


@derived_fixture
def stage_detailed_metrics(
    stage: RestStageTarget | V2StageTarget,
) -> DetailedMetrics | NotApplicable:
    """Which methods or routes of a production stage publish their own metrics."""
    return detailed_metrics(stage)


@derived_fixture
def cache_encryption(rest_stage: RestStageTarget) -> CachedMethods | NotApplicable:
    """The methods the stage caches, and those whose cache is not encrypted."""
    return unencrypted_cache(rest_stage)


@derived_fixture
def cache_control(rest_stage: RestStageTarget) -> CachedMethods | NotApplicable:
    """The methods the stage caches, and those any client can make skip the cache."""
    return unguarded_cache_control(rest_stage)


@derived_fixture
def cache_keys(rest_stage: RestStageTarget) -> SharedCache | NotApplicable:
    """The methods the stage caches behind an authorizer, and those whose cache key leaves
    the caller's identity out (needs the deployment's export: integrations, authorizers)."""
    return shared_cache(rest_stage)


@derived_fixture
def stage_cache_cluster(rest_stage: RestStageTarget, pricing: Pricing) -> CacheCluster:
    """The stage's cache cluster, the methods it caches and its monthly cost."""
    return cache_cluster(rest_stage, pricing)


# What stages refer to beyond API Gateway, read once per distinct resource: their access-log
# groups (DescribeLogGroups) and client certificates (GetClientCertificate).


@derived_fixture
def stage_access_logging(
    stage: RestStageTarget | V2StageTarget, audit_index: TargetIndex
) -> AccessLogging:
    """Where the stage writes access logs, whether its log group exists and keeps them for a
    set time (DescribeLogGroups), and what its format records."""
    return access_logging(stage, audit_index.inventory_for(stage))


@derived_fixture
def backend_auth(
    stage: RestStageTarget | V2StageTarget, audit_index: TargetIndex
) -> BackendAuthentication | NotApplicable:
    """The stage's methods or WebSocket routes behind HTTP integrations (a REST stage's need
    its deployment's export) and the client certificate it presents to them
    (GetClientCertificate)."""
    return backend_authentication(stage, audit_index.inventory_for(stage))


# Backend configuration: credentials written into it (scanned at collection, never kept), and
# how HTTP backends are reached.


@derived_fixture
def stage_secrets(stage: RestStageTarget | V2StageTarget) -> ConfigurationSecrets:
    """What of the stage's variables and of the integrations it serves looks like a
    credential (needs the deployment's export)."""
    return configuration_secrets(stage)


@derived_fixture
def operation_transport(
    operation: RestMethodTarget | V2RouteTarget,
) -> BackendTransport | NotApplicable:
    """Whether the operation's HTTP integration reaches its backend over TLS (needs the
    deployment's export; HTTP API private integrations: their TlsConfig)."""
    return backend_transport(operation)


# Exposure: custom domains (GetDomainNames, their mappings) and the resource policy served.


@derived_fixture
def stage_default_endpoint(
    stage: RestStageTarget | V2StageTarget, audit_index: TargetIndex
) -> DefaultEndpoint | NotApplicable:
    """The custom domains that map the stage, and whether its default endpoint still answers."""
    return default_endpoint(stage, audit_index.inventory_for(stage))


@derived_fixture
def stage_domain_tls(
    stage: RestStageTarget | V2StageTarget,
    audit_index: TargetIndex,
    tls_policies: tuple[str, ...],
) -> DomainTls | NotApplicable:
    """The TLS security policies of the custom domains that map the stage, judged against the
    allowed ones (--tls-policies)."""
    return domain_tls(stage, audit_index.inventory_for(stage), tls_policies)


@derived_fixture
def stage_default_endpoint_tls(
    rest_stage: RestStageTarget, tls_policies: tuple[str, ...]
) -> DefaultEndpointTls | NotApplicable:
    """The TLS security policy of the REST stage's default endpoint (its API's own), judged
    against the allowed ones (--tls-policies)."""
    return default_endpoint_tls(rest_stage, tls_policies)


@derived_fixture
def stage_domain_certificates(
    stage: RestStageTarget | V2StageTarget, audit_index: TargetIndex
) -> DomainCertificates | NotApplicable:
    """The certificates of the custom domains that map the stage (their ACM certificates:
    DescribeCertificate), the domains' status and their mutual TLS truststore warnings."""
    return domain_certificates(stage, audit_index.inventory_for(stage))


@derived_fixture
def stage_vpc_pinning(rest_stage: RestStageTarget) -> VpcPinning | NotApplicable:
    """Which methods a PRIVATE stage serves are limited to named VPC endpoints or VPCs (needs
    its deployment)."""
    return private_pinning(rest_stage)


@derived_fixture
def account_exposure(rest_method: RestMethodTarget) -> AccountExposure | NotApplicable:
    """The resource-policy statements that open an AWS_IAM method to every AWS account."""
    return iam_method_exposure(rest_method)


# API keys: the usage plans bound to the stage, their keys (GetUsagePlanKeys) and the region's
# (GetApiKeys).


@derived_fixture
def method_api_keys(
    rest_method: RestMethodTarget, audit_index: TargetIndex
) -> ApiKeyLimits | NotApplicable:
    """The enabled API keys that can call a method requiring one, each with its usage plan's
    throttle and quota for the method."""
    return api_key_limits(rest_method, audit_index.inventory_for(rest_method))


# Observed traffic: what the stages' access logs say they served in the window (Logs Insights,
# --traffic-days); a question their evidence leaves unanswered raises DataUnavailable here.


@derived_fixture
def operation_traffic(
    operation: RestMethodTarget | V2RouteTarget, audit_index: TargetIndex
) -> OperationUse | NotApplicable:
    """The requests the operation received in the window, beside its stage's."""
    return operation_use(operation, audit_index.inventory_for(operation))


@derived_fixture
def greedy_paths(
    greedy_operation: RestMethodTarget | V2RouteTarget, audit_index: TargetIndex
) -> HiddenPaths | NotApplicable:
    """The path templates callers used behind the greedy resource or $default route."""
    return hidden_paths(greedy_operation, audit_index.inventory_for(greedy_operation))


@derived_fixture
def operation_server_errors(
    operation: RestMethodTarget | V2RouteTarget, audit_index: TargetIndex, min_requests: int
) -> ServerErrors | NotApplicable:
    """The operation's requests by status class and its share of 5XX, judged from
    --traffic-min-requests requests up."""
    return server_errors(operation, audit_index.inventory_for(operation), min_requests)


@derived_fixture
def stage_client_errors(
    stage: RestStageTarget | V2StageTarget, audit_index: TargetIndex, min_requests: int
) -> ClientErrors | NotApplicable:
    """The share of 4XX responses among the stage's requests and each operation's, judged
    from --traffic-min-requests requests up."""
    return client_errors(stage, audit_index.inventory_for(stage), min_requests)
