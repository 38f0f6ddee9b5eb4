"""Stage hardening, the response cache: encryption, cache keys, cache control, idle clusters.

Each judges every method the stage serves, as its own setting, else the stage's default,
else AWS's resolves it: one finding per stage, listing the methods.
"""

from __future__ import annotations

import pytest

from checks import SECURITY_HUB, Severity, check
from checks.policy import (
    CacheCluster,
    CachedMethods,
    NotApplicable,
    SharedCache,
    judged_on,
    label,
    operations,
    some,
)
from collectors.targets import RestStageTarget


@check(
    id="APIGW-CACHE-002",
    issue_type="Cache Not Encrypted",
    severity=Severity.MEDIUM,
    security_impact="Cached responses, personal data included, are kept unencrypted at rest "
    "in the stage's cache cluster.",
    remediation=(
        "Enable cacheDataEncrypted for the stage (methodSettings */*, the console's 'Encrypt "
        "cache data') and for every caching method that has settings of its own.",
    ),
    references=(
        "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html#apigateway-5",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html",
    ),
    posture=("cache_encrypted",),
    compliance={
        SECURITY_HUB: ("APIGateway.5",),
        "NIST.800-53.r5": (
            "CA-9(1)",
            "CM-3(6)",
            "SC-13",
            "SC-28",
            "SC-28(1)",
            "SC-7(10)",
            "SI-7(6)",
        ),
    },
)
def test_stage_cache_is_encrypted(
    rest_stage: RestStageTarget,
    cache_encryption: CachedMethods | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """Cached responses are encrypted at rest

    A REST stage's cache cluster holds the responses of every method that caches; each such
    method's cache must be encrypted (cacheDataEncrypted), not just one of them.
    """
    if isinstance(cache_encryption, NotApplicable):
        pytest.skip(cache_encryption.reason)
    unencrypted = list(cache_encryption.lacking)
    evidence.update(
        cache_encrypted=not unencrypted,
        cached_methods=list(cache_encryption.cached),
        unencrypted=unencrypted,
        judged_on=judged_on(rest_stage),
    )
    assert not unencrypted, (
        f"stage {label(rest_stage)} caches the responses of "
        f"{operations(len(unencrypted), rest_stage)} unencrypted (cacheDataEncrypted false): "
        f"{some(unencrypted)}"
    )


@check(
    id="APIGW-CACHE-003",
    issue_type="Cached Response Shared Across Callers",
    severity=Severity.HIGH,
    security_impact="An authorized caller receives the response cached for another caller: "
    "one customer's data served to the next.",
    remediation=(
        "Add each of the authorizer's identity sources (e.g. method.request.header."
        "Authorization) to the method's cache key: declare it as a method request parameter "
        "and list it in the integration's cacheKeyParameters; then redeploy.",
        "Or turn caching off for methods whose responses depend on the caller.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html",
    ),
    posture=("cache_keyed_by_caller",),
)
def test_cached_responses_are_keyed_by_caller(
    rest_stage: RestStageTarget,
    cache_keys: SharedCache | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """Cached responses of authorized methods are keyed by the caller

    API Gateway looks a cached response up by the method's cache key only. On a method behind
    a Lambda or Cognito authorizer, each caller is authorized and then, unless the cache key
    includes the authorizer's identity source (the token header), answered with whatever was
    cached for the previous caller. Judged on the deployment the stage serves.
    """
    if isinstance(cache_keys, NotApplicable):
        pytest.skip(cache_keys.reason)
    shared = {operation: list(missing) for operation, missing in cache_keys.shared.items()}
    evidence.update(
        cache_keyed_by_caller=not shared,
        cached_authorized_methods=list(cache_keys.cached),
        shared=shared,
        judged_on=judged_on(rest_stage),
    )
    assert not shared, (
        f"stage {label(rest_stage)} caches the responses of "
        f"{operations(len(shared), rest_stage)} behind an authorizer without the caller in "
        "the cache key: "
        + some([f"{op} (lacks {', '.join(missing)})" for op, missing in shared.items()])
    )


@check(
    id="APIGW-CACHE-004",
    issue_type="Cache Flush Without Authorization",
    severity=Severity.MEDIUM,
    security_impact="Any client can bypass or refresh the cache with Cache-Control: max-age=0 "
    "and put the full load on the backend, defeating the cache as a shield.",
    remediation=(
        "Enable requireAuthorizationForCacheControl for the stage (methodSettings */*) and for "
        "every caching method that has settings of its own, and grant "
        "execute-api:InvalidateCache only to the callers that need it.",
        "Choose how unauthorized requests are answered "
        "(unauthorizedCacheControlHeaderStrategy, e.g. FAIL_WITH_403).",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html",
    ),
    posture=("cache_control_requires_authorization",),
)
def test_cache_control_requires_authorization(
    rest_stage: RestStageTarget,
    cache_control: CachedMethods | NotApplicable,
    evidence: dict[str, object],
) -> None:
    """Only authorized callers can flush or bypass the cache

    A request with Cache-Control: max-age=0 makes API Gateway skip the cache entry and fetch a
    fresh response. Unless the method requires authorization for it, any client can do so on
    every request, and the cache no longer protects the backend.
    """
    if isinstance(cache_control, NotApplicable):
        pytest.skip(cache_control.reason)
    unguarded = list(cache_control.lacking)
    evidence.update(
        cache_control_requires_authorization=not unguarded,
        cached_methods=list(cache_control.cached),
        unguarded=unguarded,
        judged_on=judged_on(rest_stage),
    )
    assert not unguarded, (
        f"stage {label(rest_stage)} lets any client flush or bypass the cache of "
        f"{operations(len(unguarded), rest_stage)} (requireAuthorizationForCacheControl "
        f"false): {some(unguarded)}"
    )


@check(
    id="APIGW-CACHE-005",
    issue_type="Idle Cache Cluster",
    severity=Severity.FINOPS,
    security_impact="The stage pays for a cache cluster by the hour while no method caches "
    "anything in it.",
    remediation=(
        "Turn off the stage's cache cluster (cacheClusterEnabled false), or enable caching "
        "for the methods it was provisioned for.",
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html",
        "https://aws.amazon.com/api-gateway/pricing/",
    ),
    posture=("cache_cluster_size", "cache_monthly_cost_usd"),
)
def test_cache_cluster_is_used(
    rest_stage: RestStageTarget,
    stage_cache_cluster: CacheCluster,
    evidence: dict[str, object],
) -> None:
    """Provisioned cache clusters cache something

    A stage's cache cluster is billed by the hour for as long as it is provisioned, whether
    or not any method caches. A cluster whose stage serves no caching method (for the stage
    default caches GET methods only, other methods by their own setting) is money for
    nothing. The estimate uses us-east-1 prices unless --cache-price-per-hour says otherwise.
    """
    cluster = stage_cache_cluster
    cost = cluster.monthly_cost
    evidence.update(
        cache_cluster_size=cluster.size,
        cache_monthly_cost_usd=cost if cost is not None else "unknown",
        cached_methods=list(cluster.cached),
    )
    estimate = f"about ${cost:,.2f} a month" if cost is not None else "an unknown amount"
    assert not cluster.idle, (
        f"stage {label(rest_stage)} pays {estimate} for a {cluster.size or '?'} GB cache "
        "cluster that no method uses"
    )
