"""How a finding names its target, in the words an engineer reading the report would use."""

from __future__ import annotations

from collections.abc import Sequence

from collectors.targets import (
    RestApiTarget,
    RestMethodTarget,
    RestResourceTarget,
    RestStageTarget,
    Target,
    V2ApiTarget,
    V2RouteTarget,
    V2StageTarget,
)


def label(target: Target) -> str:
    """``GET /pets on petstore/prod``, ``route POST /cart on checkout/prod``, ``petstore/prod``.

    API names are not unique; the target key (with the API id) stays beside the finding.
    """
    if isinstance(target, (RestApiTarget, V2ApiTarget)):
        return f"{target.api.api_type} API {target.api.name} ({target.api.id})"
    where = f"{target.api.name}/{target.stage.name}"
    if isinstance(target, RestMethodTarget):
        return f"{target.method.http_method} {target.resource.path} on {where}"
    if isinstance(target, V2RouteTarget):
        return f"route {target.route.route_key} on {where}"
    if isinstance(target, RestResourceTarget):
        return f"{target.resource.path} on {where}"
    return where


def some(items: Sequence[str], shown: int = 5) -> str:
    """The first ``shown`` items and how many more: ``GET /a, GET /b and 3 more``."""
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


def operations(count: int, stage: RestStageTarget | V2StageTarget) -> str:
    """``1 method``, ``3 routes``: what the stage serves, counted."""
    noun = "method" if isinstance(stage, RestStageTarget) else "route"
    return f"{count} {noun}{'' if count == 1 else 's'}"
