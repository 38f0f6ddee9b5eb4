"""What a benchmark estate is: ``EstateSpec``, how big one is asked to be, and
``EstateManifest``, what ``bench.estate.build_estate`` built.

A spec counts N REST APIs x R resources x M methods x S stages and K HTTP APIs (R routes and S
stages each) over some regions; ``SIZES`` names the ones the benchmark runs. The manifest
counts what was built the way the floor model (``bench.floor``) needs it, independently of
what the collector later finds. Stage names come from ``STAGE_NAMES`` in order, so S=4 gives
two stages in scope (prod, staging) and two out (dev, nonprod).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

STAGE_NAMES = ("prod", "staging", "dev", "nonprod", "prod-eu-1", "stg2", "qa", "test")
VERBS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "ANY")


@dataclass(frozen=True)
class EstateSpec:
    rest_apis: int
    resources: int  # per REST API (leaf paths; parents and "/" come on top)
    methods: int  # per resource, at most len(VERBS)
    stages: int  # per API, at most len(STAGE_NAMES)
    http_apis: int
    regions: tuple[str, ...]
    seed: int = 20261121

    def describe(self) -> str:
        return (
            f"{self.rest_apis} REST x {self.resources} resources x {self.methods} methods x "
            f"{self.stages} stages, {self.http_apis} HTTP, {len(self.regions)} region(s)"
        )


SIZES: dict[str, EstateSpec] = {
    "small": EstateSpec(5, 5, 2, 3, http_apis=1, regions=("us-east-1",)),
    "medium": EstateSpec(20, 10, 3, 4, http_apis=5, regions=("us-east-1", "eu-west-1")),
    "large": EstateSpec(50, 20, 3, 4, http_apis=10, regions=("us-east-1", "eu-west-1")),
    # 215,707 test items with the checks of December 2026 (97,434 in November, before the
    # check issues roughly doubled the catalog): the size issue 15's memory target is set at.
    "xl": EstateSpec(100, 35, 4, 4, http_apis=20, regions=("us-east-1", "eu-west-1")),
}


@dataclass(frozen=True)
class RestApiShape:
    id: str
    excluded: bool
    resources: int  # every resource GetResources returns, "/" and parents included
    stages: int
    authorizers: int
    validators: int
    gateway_responses: int
    # distinct deployments the in-scope stages serve (each costs GetDeployment + GetExport)
    deployments_in_scope: int


@dataclass(frozen=True)
class V2ApiShape:
    id: str
    excluded: bool
    routes: int
    integrations: int
    stages: int
    authorizers: int
    deployments_in_scope: int  # distinct ones served by in-scope HTTP stages


@dataclass
class RegionManifest:
    region: str
    rest_apis: list[RestApiShape] = field(default_factory=list)
    v2_apis: list[V2ApiShape] = field(default_factory=list)
    usage_plans: int = 0
    # plans bound to an in-scope stage of an API in scope whose deployment requires an API key
    # on some method: GetUsagePlanKeys reads each once
    usage_plans_in_scope: int = 0
    # Lambda ARNs the integrations of APIs in scope invoke (authorizer functions are not read).
    lambda_arns: set[str] = field(default_factory=set)
    # What in-scope stages of APIs in scope refer to: access-log groups (ARNs) and client
    # certificates (ids); each is read once however many stages share it.
    log_groups: set[str] = field(default_factory=set)
    client_certificates: set[str] = field(default_factory=set)
    # web ACLs on in-scope stages of APIs in scope (ARNs): GetWebACL reads each once
    web_acls: set[str] = field(default_factory=set)


@dataclass
class EstateManifest:
    spec: EstateSpec
    regions: list[RegionManifest]

    def counts(self) -> dict[str, int]:
        """Headline sizes for the results table."""
        rest = [api for r in self.regions for api in r.rest_apis]
        v2 = [api for r in self.regions for api in r.v2_apis]
        in_scope_rest = [api for api in rest if not api.excluded]
        return {
            "rest_apis": len(rest),
            "rest_apis_excluded": len(rest) - len(in_scope_rest),
            "http_apis": len(v2),
            "http_apis_excluded": sum(api.excluded for api in v2),
            "rest_methods": len(in_scope_rest) * self.spec.resources * self.spec.methods,
            "stages": sum(api.stages for api in rest + v2),
            "lambda_functions": sum(len(r.lambda_arns) for r in self.regions),
        }


def doubled(spec: EstateSpec, dimension: str) -> EstateSpec:
    """``spec`` with twice the ``methods`` or ``stages``: the call count must not change."""
    return dataclasses.replace(spec, **{dimension: 2 * getattr(spec, dimension)})
