"""A request path as its API sees it: without the stage or custom-domain base path in front.

An access log's ``$context.path`` is the path the caller sent, whatever endpoint it called:
``/prod/users/1`` on a REST API's default endpoint (and an HTTP API's, for a stage other than
``$default``), ``/v1/users/1`` on a custom domain mapping the stage under the base path
``v1``, ``/v1/prod/users/1`` under a REST base path mapping naming no stage (the caller names
it after the base path); the API's own resources are ``/users/{id}``
($context.path in
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html
is the path with the stage in it; through a custom domain the base path, and the stage a
caller names after it, stay in it too, as proxy events show side by side:
https://gist.github.com/GREsau/444c7d4d0bb9e8c82dd1a585931028bd,
https://github.com/aws/serverless-java-container/issues/112). The
longest prefix a stage's endpoints can put in front is taken off. A path a root mapping
forwards unchanged that happens to start like another endpoint's prefix cannot be told apart
from it; routing rules' base paths are not known (their conditions are not collected).
"""

from __future__ import annotations

from collections.abc import Iterable

from collectors.model import CustomDomain

_DEFAULT_STAGE = "$default"  # an HTTP API stage served at the root of its endpoint


def path_prefixes(
    region: str, api_id: str, api_type: str, stage: str, domains: Iterable[CustomDomain]
) -> tuple[str, ...]:
    """What the stage's endpoints put before the API's own path ("/prod/", "/v1/"), longest
    first: its default endpoint's stage, and the base paths of the region's custom domains
    whose API mappings reach it."""
    prefixes = {f"/{stage}/"} if api_type == "REST" or stage != _DEFAULT_STAGE else set()
    for domain in domains:
        if domain.region != region or domain.mappings is None or not domain.uses_mappings:
            continue
        for mapping in domain.mappings:
            if not mapping.maps(api_id, stage):
                continue
            named = (mapping.key, stage) if not mapping.stage else (mapping.key,)
            path = "/".join(part for part in named if part)
            if path:
                prefixes.add(f"/{path}/")
    return tuple(sorted(prefixes, key=lambda prefix: (-len(prefix), prefix)))


def api_path(path: str, prefixes: tuple[str, ...]) -> str:
    """``path`` without the first of ``prefixes`` it starts with (``/prod`` alone is ``/``)."""
    for prefix in prefixes:
        if path.startswith(prefix):
            return path[len(prefix) - 1 :]
        if path == prefix[:-1]:
            return "/"
    return path
