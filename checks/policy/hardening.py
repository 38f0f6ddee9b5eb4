"""Stage hardening: execution logs, full request logging, detailed metrics and the cache,
judged on every method or route a stage serves (``checks.policy.settings``), never "any".

Each function answers what its check needs, or ``NotApplicable`` with the reason where the
API type or the stage cannot have the feature; what the stage serves being unknown raises
``DataUnavailable``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from checks.policy.cost import Pricing
from checks.policy.settings import OperationSettings, method_caches, served_settings
from checks.policy.traffic import account_settings
from collectors.errors import DataUnavailable
from collectors.model import Inventory, RestDefinition, RestMethod
from collectors.targets import RestStageTarget, V2StageTarget, require_exported

# The levels that write execution logs (MethodSetting.loggingLevel: OFF, ERROR or INFO).
LOGGING_LEVELS = ("ERROR", "INFO")
PRODUCTION = "production"


@dataclass(frozen=True)
class NotApplicable:
    reason: str


def _is_http(target: RestStageTarget | V2StageTarget) -> bool:
    return isinstance(target, V2StageTarget) and target.api.protocol_type == "HTTP"


def _serves_nothing(target: RestStageTarget | V2StageTarget) -> NotApplicable:
    return NotApplicable(f"stage {target.api.name}/{target.stage.name} serves no method or route")


# --- Execution logs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExecutionLogging:
    """What the stage's methods or routes write to CloudWatch Logs, and whether they can."""

    levels: Mapping[str, str]  # operation -> its logging level
    # the region's API Gateway CloudWatch role; read only when some operation logs
    cloudwatch_role_arn: str | None

    @property
    def unlogged(self) -> dict[str, str]:
        return {op: level for op, level in self.levels.items() if level not in LOGGING_LEVELS}

    @property
    def configured(self) -> bool:
        """Some operation is set to log (ERROR or INFO)."""
        return len(self.unlogged) < len(self.levels)

    @property
    def role_missing(self) -> bool:
        """Logging is configured, but API Gateway has no role to write the logs with."""
        return self.configured and self.cloudwatch_role_arn is None


def execution_logging(
    target: RestStageTarget | V2StageTarget, inventory: Inventory
) -> ExecutionLogging | NotApplicable:
    """Each operation's logging level, and, when any logs, the region's CloudWatch role.

    API Gateway writes execution logs with the role the account names in its region
    (GetAccount ``cloudwatchRoleArn``): without one, logging configured on a stage writes
    nothing (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html).
    Raises ``DataUnavailable`` when that role is needed and GetAccount failed.
    """
    if _is_http(target):
        # https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html
        return NotApplicable("HTTP APIs have no execution logs: they log through access logs")
    operations = served_settings(target)
    if not operations:
        return _serves_nothing(target)
    levels = {o.operation: o.logging_level for o in operations}
    role = None
    if any(level in LOGGING_LEVELS for level in levels.values()):
        role = account_settings(inventory, target.api.region).cloudwatch_role_arn
    return ExecutionLogging(levels=levels, cloudwatch_role_arn=role)


def full_request_logging(target: RestStageTarget | V2StageTarget) -> list[str] | NotApplicable:
    """The operations whose requests and responses are logged in full (``dataTraceEnabled``)
    on a production stage."""
    if _is_http(target):
        return NotApplicable("HTTP APIs have no execution logs, so no full request logging")
    if target.environment != PRODUCTION:
        return NotApplicable(
            f"full request logging is judged on production stages only ({target.stage.name} "
            f"is a {target.environment} stage)"
        )
    operations = served_settings(target)
    if not operations:
        return _serves_nothing(target)
    return [o.operation for o in operations if o.data_trace]


# --- Metrics -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DetailedMetrics:
    operations: int
    without: tuple[str, ...]  # the operations without their own CloudWatch metrics


def detailed_metrics(target: RestStageTarget | V2StageTarget) -> DetailedMetrics | NotApplicable:
    """Which operations of a production stage publish per-method or per-route metrics."""
    if target.environment != PRODUCTION:
        return NotApplicable(
            f"detailed metrics are judged on production stages only ({target.stage.name} is "
            f"a {target.environment} stage)"
        )
    operations = served_settings(target)
    if not operations:
        return _serves_nothing(target)
    return DetailedMetrics(
        operations=len(operations),
        without=tuple(o.operation for o in operations if not o.detailed_metrics),
    )


# --- The cache ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CachedMethods:
    """The methods whose responses the stage caches, and those lacking a cache setting."""

    cached: tuple[str, ...]
    lacking: tuple[str, ...]  # the cached methods whose cache is not encrypted, or not guarded


def _lacking(
    target: RestStageTarget, setting: str, value: Callable[[OperationSettings], bool | None]
) -> CachedMethods | NotApplicable:
    """The cached methods, and those whose ``value`` of ``setting`` is off; ``DataUnavailable``
    where no methodSettings entry says (a snapshot written before it was read)."""
    stage = target.stage
    if not stage.cache_cluster_enabled:
        return NotApplicable(f"stage {stage.name} has no cache cluster")
    cached = tuple(o for o in served_settings(target) if o.caching)
    if not cached:
        return NotApplicable(f"no method of stage {stage.name} caches its responses")
    lacking = []
    for operation in cached:
        on = value(operation)
        if on is None:
            raise DataUnavailable(
                f"the methodSettings of {target.key} do not say {setting} for "
                f"{operation.operation} (a snapshot written before apigw-audit read it): "
                "collect the inventory again"
            )
        if not on:
            lacking.append(operation.operation)
    return CachedMethods(tuple(o.operation for o in cached), tuple(lacking))


def unencrypted_cache(target: RestStageTarget) -> CachedMethods | NotApplicable:
    """The cached methods whose cache entries are not encrypted (``cacheDataEncrypted``)."""
    return _lacking(target, "cacheDataEncrypted", lambda o: o.cache_encrypted)


def unguarded_cache_control(target: RestStageTarget) -> CachedMethods | NotApplicable:
    """The cached methods any client can make skip or refresh the cache
    (``requireAuthorizationForCacheControl`` off)."""
    return _lacking(
        target, "requireAuthorizationForCacheControl", lambda o: o.cache_control_authorized
    )


# Authorization types whose authorizer reads the caller's identity from the request: Lambda,
# Cognito and (since 2025) native JWT authorizers, whose identity source is one request
# header (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-jwt-authorizer.html)
AUTHORIZER_TYPES = ("CUSTOM", "COGNITO_USER_POOLS", "JWT")
_HEADER = "method.request.header."


@dataclass(frozen=True)
class SharedCache:
    """The cached methods behind an authorizer, and those whose cache key leaves the caller
    out: method -> the identity sources its cache key lacks."""

    cached: tuple[str, ...]
    shared: Mapping[str, tuple[str, ...]]


def _comparable(parameter: str) -> str:
    # Header names are case-insensitive; query string names are not.
    if parameter.startswith(_HEADER):
        return _HEADER + parameter.removeprefix(_HEADER).lower()
    return parameter


def _missing_identity(
    target: RestStageTarget, definition: RestDefinition, operation: str, method: RestMethod
) -> tuple[str, ...]:
    authorizer = definition.authorizer(method.authorizer_id)
    if authorizer is None:
        raise DataUnavailable(
            f"the deployment {target.key} serves names no authorizer for {operation}"
        )
    integration = method.integration
    key = integration.cache_key_parameters if integration is not None else ()
    if authorizer.identity_sources is None or key is None:
        raise DataUnavailable(
            f"the identity sources and cache keys of {target.key} were not read (a snapshot "
            "written before apigw-audit read them): collect the inventory again"
        )
    # Only request parameters can key the cache (cacheKeyParameters); an identity read from
    # the context or stage variables never can.
    keyed = {_comparable(parameter) for parameter in key}
    sources = authorizer.identity_sources or ("(no identity source)",)
    return tuple(source for source in sources if _comparable(source) not in keyed)


def shared_cache(target: RestStageTarget) -> SharedCache | NotApplicable:
    """The methods that cache responses behind an authorizer (CUSTOM, COGNITO_USER_POOLS, JWT) and
    whose cache key (the integration's cacheKeyParameters) lacks any of the authorizer's
    identity sources: the authorizer admits each caller, then the cache answers them with
    the response cached for another
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html).
    """
    stage = target.stage
    if not stage.cache_cluster_enabled:
        return NotApplicable(f"stage {stage.name} has no cache cluster")
    deployment = target.served_deployment()
    definition = deployment.definition
    guarded = [
        (f"{method.http_method} {resource.path}", method)
        for resource in definition.resources
        for method in resource.methods
        if method.authorization_type in AUTHORIZER_TYPES
        and method_caches(stage, resource.path, method.http_method)
    ]
    if not guarded:
        return NotApplicable(
            f"no method of stage {stage.name} both caches its responses and has an authorizer"
        )
    require_exported(target.api, stage, deployment)  # else integrations are unknown
    shared = {
        operation: missing
        for operation, method in guarded
        if (missing := _missing_identity(target, definition, operation, method))
    }
    return SharedCache(cached=tuple(operation for operation, _ in guarded), shared=shared)


@dataclass(frozen=True)
class CacheCluster:
    """A stage's cache cluster, what it caches, and what it costs."""

    provisioned: bool
    size: str | None  # GB, as AWS writes it ("0.5")
    cached: tuple[str, ...]  # the methods whose responses it caches
    monthly_cost: float | None  # USD; None: the size has no price (--cache-price-per-hour)

    @property
    def idle(self) -> bool:
        return self.provisioned and not self.cached


def cache_cluster(target: RestStageTarget, pricing: Pricing) -> CacheCluster:
    """The stage's cache cluster (billed by the hour while provisioned, used or not) and the
    methods it caches; what the stage serves is read only when there is a cluster."""
    stage = target.stage
    if not stage.cache_cluster_enabled:
        return CacheCluster(provisioned=False, size=None, cached=(), monthly_cost=0.0)
    return CacheCluster(
        provisioned=True,
        size=stage.cache_cluster_size,
        cached=tuple(o.operation for o in served_settings(target) if o.caching),
        monthly_cost=pricing.cache_monthly_cost(stage.cache_cluster_size),
    )
