"""The inventory: a frozen, typed, JSON-serialisable picture of an account's API Gateway estate.

Everything a check or a report needs is here, and nothing here knows boto3 or pytest.

A section that could not be collected is ``None`` (never an empty tuple, which means "there
are none"); the ``CollectionError`` that explains why is in the owning API's ``errors`` (and in
``Inventory.errors``), so a check can fail closed with the reason instead of passing on
missing data.

One module a part: ``rest`` (REST APIs), ``http`` (HTTP and WebSocket APIs), ``account``
(account limits, custom domains and their ACM certificates, CloudFront, access-log groups,
client certificates),
``api_keys`` (each region's API keys, never their values),
``web_acl`` (the AWS WAF web ACLs in front of stages, rule by rule),
``integrations`` (what integrations invoke), ``secrets`` (where a value looks like a
credential, never the value), ``throttle`` and ``errors`` (shared by all),
``inventory`` (an account's root), ``estate`` (every account one audit read). Import from
here.
"""

from __future__ import annotations

from collectors.model.account import (
    AccountSettings,
    AcmCertificate,
    ApiMapping,
    ClientCertificate,
    CloudFrontDistribution,
    CustomDomain,
    DomainCertificate,
    LogGroup,
    LogGroupRef,
    MutualTls,
    RoutingRule,
    client_certificate_key,
    log_group_ref,
)
from collectors.model.api_keys import ApiKey, RegionApiKeys, name_with_id, usage_plan_ref
from collectors.model.errors import CollectionError
from collectors.model.estate import (
    SCHEMA_VERSION,
    AccountRegions,
    Estate,
    Shard,
    UnreachedAccount,
    estate_of,
)
from collectors.model.http import (
    CorsConfiguration,
    IntegrationTls,
    RouteSettings,
    V2Api,
    V2Authorizer,
    V2Definition,
    V2Deployment,
    V2Integration,
    V2Route,
    V2Stage,
)
from collectors.model.integrations import (
    HTTP_INTEGRATION_TIMEOUT_DEFAULT_MS,
    LAMBDA_INTEGRATION_TYPES,
    PROXY_INTEGRATION_TYPES,
    REST_INTEGRATION_TIMEOUT_DEFAULT_MS,
    WEBSOCKET_INTEGRATION_TIMEOUT_DEFAULT_MS,
    LambdaFunction,
    invokes_lambda,
    lambda_arn_from_uri,
)
from collectors.model.inventory import (
    LISTING_OPERATIONS,
    CollectionMetadata,
    Inventory,
    SkippedApi,
)
from collectors.model.rest import (
    GatewayResponse,
    MethodSetting,
    RequestValidator,
    RestApi,
    RestAuthorizer,
    RestDefinition,
    RestDeployment,
    RestIntegration,
    RestMethod,
    RestResource,
    RestStage,
    UsagePlanBinding,
    default_security_policy,
    method_settings_key,
    served_by_canary,
)
from collectors.model.secrets import SecretFinding
from collectors.model.throttle import Throttle
from collectors.model.traffic import (
    ObservedOperation,
    ObservedPath,
    StageTraffic,
    TrafficEvidence,
)
from collectors.model.web_acl import (
    WafStatement,
    WebAcl,
    WebAclRef,
    WebAclRule,
    is_waf_classic,
    web_acl_ref,
)

__all__ = [
    "HTTP_INTEGRATION_TIMEOUT_DEFAULT_MS",
    "LAMBDA_INTEGRATION_TYPES",
    "LISTING_OPERATIONS",
    "PROXY_INTEGRATION_TYPES",
    "REST_INTEGRATION_TIMEOUT_DEFAULT_MS",
    "SCHEMA_VERSION",
    "WEBSOCKET_INTEGRATION_TIMEOUT_DEFAULT_MS",
    "AccountRegions",
    "AccountSettings",
    "AcmCertificate",
    "ApiKey",
    "ApiMapping",
    "ClientCertificate",
    "CloudFrontDistribution",
    "CollectionError",
    "CollectionMetadata",
    "CorsConfiguration",
    "CustomDomain",
    "DomainCertificate",
    "Estate",
    "GatewayResponse",
    "IntegrationTls",
    "Inventory",
    "LambdaFunction",
    "LogGroup",
    "LogGroupRef",
    "MethodSetting",
    "MutualTls",
    "ObservedOperation",
    "ObservedPath",
    "RegionApiKeys",
    "RequestValidator",
    "RestApi",
    "RestAuthorizer",
    "RestDefinition",
    "RestDeployment",
    "RestIntegration",
    "RestMethod",
    "RestResource",
    "RestStage",
    "RouteSettings",
    "RoutingRule",
    "SecretFinding",
    "Shard",
    "SkippedApi",
    "StageTraffic",
    "Throttle",
    "TrafficEvidence",
    "UnreachedAccount",
    "UsagePlanBinding",
    "V2Api",
    "V2Authorizer",
    "V2Definition",
    "V2Deployment",
    "V2Integration",
    "V2Route",
    "V2Stage",
    "WafStatement",
    "WebAcl",
    "WebAclRef",
    "WebAclRule",
    "client_certificate_key",
    "default_security_policy",
    "estate_of",
    "invokes_lambda",
    "is_waf_classic",
    "lambda_arn_from_uri",
    "log_group_ref",
    "method_settings_key",
    "name_with_id",
    "served_by_canary",
    "usage_plan_ref",
    "web_acl_ref",
]
