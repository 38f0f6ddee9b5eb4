"""A seeded, parametric API Gateway estate for the benchmark, built with the demo builders.

``build_estate`` creates an ``EstateSpec`` (``bench.estate_model``) in the emulated account,
its APIs spread round-robin over the spec's regions (call it inside
``collectors.demo.estate.emulated_aws``, whose seeded ids make the same spec give the same API
ids, so the same test ids, on every run) and returns an ``EstateManifest``: what was built.

The mix, chosen per API and method from a ``random.Random(seed)``: authorizers (Lambda TOKEN
for REST, JWT for HTTP), request validators, gateway responses, NONE/IAM/CUSTOM/API-key-only
methods, Lambda-proxy, HTTP-proxy and MOCK integrations over a per-region pool of Lambda
functions, OPTIONS mocks on some resources, usage plans, WAF web ACLs on a few prod stages,
CloudWatch request counts, access logs and client certificates on some prod stages (shared by
the region's APIs or their own), and every tenth API excluded by tag (``Internal`` or
``ExcludeFromAudit``). What is chosen by API position, not drawn, stays out of the random
sequence, so adding it changed no other choice.
"""

from __future__ import annotations

import random

from bench.estate_model import (
    SIZES,
    STAGE_NAMES,
    VERBS,
    EstateManifest,
    EstateSpec,
    RegionManifest,
    RestApiShape,
    V2ApiShape,
    doubled,
)
from collectors.demo.builders import (
    ACCOUNT_ID,
    AccountBuilder,
    HttpApiBuilder,
    MethodCache,
    RestApiBuilder,
    log_formats,
)
from collectors.scope import StageScope

# The spec and manifest types are re-exported: the runner, the scaling run and the floor
# model import them from here.
__all__ = ["SIZES", "EstateManifest", "EstateSpec", "build_estate", "doubled"]

_in_scope = StageScope().audits

_LAMBDA_TIMEOUTS = (3, 10, 30, 60)


def _exclusion_tags(index: int) -> dict[str, str]:
    return {3: {"Internal": "true"}, 7: {"ExcludeFromAudit": "TRUE"}}.get(index % 10, {})


def _all_paths(leaves: list[str]) -> set[str]:
    """Every resource a REST API has for these leaves: "/", the leaves and their parents."""
    paths = {"/"}
    for leaf in leaves:
        parts = leaf.strip("/").split("/")
        paths.update("/" + "/".join(parts[: n + 1]) for n in range(len(parts)))
    return paths


def _leaf_paths(resources: int) -> list[str]:
    """Flat collections and nested items: /svc00, /svc00/{id}, /svc02, /svc02/{id}, ..."""
    return [f"/svc{j - 1:02d}/{{id}}" if j % 2 else f"/svc{j:02d}" for j in range(resources)]


class _EstateBuilder:
    def __init__(self, spec: EstateSpec) -> None:
        if spec.methods > len(VERBS) or spec.stages > len(STAGE_NAMES):
            raise ValueError(f"at most {len(VERBS)} methods and {len(STAGE_NAMES)} stages per API")
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.regions = {region: RegionManifest(region) for region in spec.regions}
        self.accounts = {region: AccountBuilder(region) for region in spec.regions}
        for region, account in self.accounts.items():
            # REST stages write access logs to CloudWatch only with the region's role
            account.cloudwatch_role(f"arn:aws:iam::{ACCOUNT_ID}:role/bench-{region}-logs")
        self.functions: dict[str, list[str]] = {region: [] for region in spec.regions}
        self.web_acls: dict[str, str] = {}
        self.shared_log_groups: dict[str, str] = {}
        self.shared_certificates: dict[str, str] = {}

    def region_of(self, index: int) -> str:
        return self.spec.regions[index % len(self.spec.regions)]

    def function(self, region: str) -> str:
        """A function from the region's pool (grown to ~one per two APIs, then reused)."""
        pool = self.functions[region]
        wanted = max(2, (self.spec.rest_apis + self.spec.http_apis) // 2 // len(self.regions))
        if not pool or (len(pool) < wanted and self.rng.random() < 0.5):
            name = f"bench-{region}-fn{len(pool):03d}"
            timeout = self.rng.choice(_LAMBDA_TIMEOUTS)
            pool.append(self.accounts[region].lambda_function(name, timeout, region))
            return pool[-1]
        return self.rng.choice(pool)

    def web_acl(self, region: str) -> str:
        if region not in self.web_acls:
            self.web_acls[region] = AccountBuilder(region).web_acl(f"bench-{region}-acl")
        return self.web_acls[region]

    def shared_log_group(self, region: str) -> str:
        if region not in self.shared_log_groups:
            name = f"/bench/{region}/access"
            self.shared_log_groups[region] = self.accounts[region].log_group(name, 30)
        return self.shared_log_groups[region]

    def shared_certificate(self, region: str) -> str:
        if region not in self.shared_certificates:
            self.shared_certificates[region] = self.accounts[region].client_certificate()
        return self.shared_certificates[region]

    def _prod_references(self, api: RestApiBuilder, index: int) -> tuple[set[str], set[str]]:
        """Access logs and a client certificate on some prod stages: the region's shared ones
        or the API's own; the log groups and certificates the stage refers to."""
        accounts, region = self.accounts[api.region], api.region
        groups: set[str] = set()
        if index % 3 < 2:
            name = f"/bench/{api.name}/access"
            group = self.shared_log_group(region) if index % 3 == 0 else accounts.log_group(name)
            api.access_logs("prod", group, log_formats.REST_JSON)
            groups.add(group)
        certificates: set[str] = set()
        if index % 4 < 2:
            certificate = (
                accounts.client_certificate() if index % 4 else self.shared_certificate(region)
            )
            api.client_certificate("prod", certificate)
            certificates.add(certificate)
        return groups, certificates

    def rest_api(self, index: int) -> None:
        spec, rng = self.spec, self.rng
        region = self.region_of(index)
        tags = {"team": f"team{index % 7}", **_exclusion_tags(index)}
        excluded = bool(_exclusion_tags(index))
        endpoint = {5: "PRIVATE", 9: "EDGE"}.get(index % 10, "REGIONAL")
        api = RestApiBuilder(f"bench-rest-{index:04d}", region, tags, endpoint)
        authorizer = api.authorizer("token-auth", self.function(region))
        validators = [
            api.validator("body-and-params", body=True, parameters=True),
            api.validator("params-only", body=False, parameters=True),
        ]
        gateway_responses = 0
        if index % 3 == 0:
            api.gateway_response(
                "DEFAULT_4XX",
                {"gatewayresponse.header.Access-Control-Allow-Origin": "'https://example.com'"},
            )
            gateway_responses = 1
        arns: set[str] = set()
        keyed = False  # a method requires an API key: the stages' plans' keys are read
        paths = _leaf_paths(spec.resources)
        for j, path in enumerate(paths):
            for verb in VERBS[: spec.methods]:
                method_arns, key_required = self._rest_method(
                    api, verb, path, authorizer, validators
                )
                arns.update(method_arns)
                keyed = keyed or key_required
            if j % 4 == 0:
                api.cors_preflight(path, allow_origin=rng.choice(("'*'", "'https://example.com'")))
        web_acls: set[str] = set()
        for s, name in enumerate(STAGE_NAMES[: spec.stages]):
            web_acl = self._rest_stage(api, index, s, name, paths[0], keyed)
            if web_acl and _in_scope(name):
                web_acls.add(web_acl)
        groups, certificates = self._prod_references(api, index) if spec.stages else (set(), set())
        manifest = self.regions[region]
        manifest.rest_apis.append(
            RestApiShape(
                id=api.id,
                excluded=excluded,
                resources=len(_all_paths(paths)),
                stages=spec.stages,
                authorizers=1,
                validators=len(validators),
                # the builder deploys once: every stage serves the same deployment
                deployments_in_scope=int(any(_in_scope(n) for n in STAGE_NAMES[: spec.stages])),
                gateway_responses=gateway_responses,
            )
        )
        if not excluded:
            manifest.lambda_arns |= arns
            manifest.log_groups |= groups
            manifest.client_certificates |= certificates
            manifest.web_acls |= web_acls

    def _rest_method(
        self, api: RestApiBuilder, verb: str, path: str, authorizer: str, validators: list[str]
    ) -> tuple[set[str], bool]:
        """The method; the Lambda function it invokes, if any, and whether it requires an API
        key."""
        rng = self.rng
        auth = rng.choices(("NONE", "AWS_IAM", "CUSTOM", "KEY"), weights=(2, 3, 4, 1))[0]
        integration = rng.choices(("lambda", "http", "mock"), weights=(6, 3, 1))[0]
        lambda_arn = self.function(api.region) if integration == "lambda" else None
        api.method(
            verb,
            path,
            authorization="NONE" if auth == "KEY" else auth,
            authorizer_id=authorizer if auth == "CUSTOM" else None,
            api_key_required=auth == "KEY",
            validator_id=rng.choice([*validators, None]),
            request_parameters=(
                {"method.request.path.id": True} if path.endswith("{id}") else None
            ),
            lambda_arn=lambda_arn,
            http_url=f"https://backend.example.com{path}" if integration == "http" else None,
            timeout_ms=rng.choice((None, 10_000, 29_000)),
        )
        return ({lambda_arn} if lambda_arn else set()), auth == "KEY"

    def _rest_stage(
        self,
        api: RestApiBuilder,
        index: int,
        position: int,
        name: str,
        first_path: str,
        keyed: bool,
    ) -> str | None:
        """The stage, and the web ACL associated with it, if any; ``keyed``: a method of the
        API (every stage serves the one deployment) requires an API key."""
        region = api.region
        production = position == 0
        web_acl = self.web_acl(region) if production and index % 25 < 2 else None
        api.stage(
            name,
            tracing=production and index % 2 == 0,
            cache_cluster=production and index % 5 == 0,
            rate=self.rng.choice((None, 100, 5_000, 20_000)),
            burst=self.rng.choice((None, 50, 2_000)),
            caching=False if production else None,
            methods={f"GET {first_path}": MethodCache(caching=index % 4 == 0, rate=50, burst=20)}
            if production
            else None,
            web_acl_arn=web_acl,
        )
        if position < 2 and (index + position) % 2 == 0:
            api.usage_plan(name, rate=100, burst=50)
            self.regions[region].usage_plans += 1
            if keyed and _in_scope(name) and not _exclusion_tags(index):
                self.regions[region].usage_plans_in_scope += 1
        if position < 2 and index % 4 == 0:
            self.accounts[region].request_count(
                {"ApiName": api.name, "Stage": name}, float(10 ** (index % 7))
            )
        return web_acl

    def http_api(self, index: int) -> None:
        spec, rng = self.spec, self.rng
        region = self.region_of(index)
        excluded = index % 5 == 4
        api = HttpApiBuilder(
            f"bench-http-{index:04d}",
            region,
            tags={"ExcludeFromAudit": "true"} if excluded else {},
            cors_origins=rng.choice((("*",), ("https://example.com",), None)),
            cors_credentials=index % 3 == 0,
        )
        authorizers = 0
        jwt = None
        if index % 2 == 0:
            jwt = api.jwt_authorizer("jwt")
            authorizers = 1
        arns = [self.function(region), self.function(region)]
        integrations = [api.lambda_integration(arn, rng.choice((None, 15_000))) for arn in arns]
        for j, path in enumerate(_leaf_paths(spec.resources)):
            verb = VERBS[j % 4]
            authorized = jwt is not None and rng.random() < 0.7
            api.route(
                f"{verb} {path}",
                integrations[j % 2],
                authorization="JWT" if authorized else "NONE",
                authorizer_id=jwt if authorized else None,
            )
        for s, name in enumerate(STAGE_NAMES[: spec.stages]):
            api.stage(name, rate=rng.choice((None, 200.0)), burst=rng.choice((None, 100)))
            if s < 2 and index % 3 == 0:
                self.accounts[region].request_count({"ApiId": api.id, "Stage": name}, 1_000.0)
        groups = set()
        if spec.stages and index % 2 == 0:  # prod logs to the region's shared group
            group = self.shared_log_group(region)
            api.access_logs("prod", group, log_formats.HTTP_JSON)
            groups.add(group)
        manifest = self.regions[region]
        manifest.v2_apis.append(
            V2ApiShape(
                id=api.id,
                excluded=excluded,
                routes=spec.resources,
                integrations=len(integrations),
                stages=spec.stages,
                authorizers=authorizers,
                # each stage gets a deployment of its own
                deployments_in_scope=sum(_in_scope(n) for n in STAGE_NAMES[: spec.stages]),
            )
        )
        if not excluded:
            manifest.lambda_arns |= set(arns)
            manifest.log_groups |= groups


def build_estate(spec: EstateSpec) -> EstateManifest:
    """Create ``spec`` in the emulated account; returns what was built."""
    builder = _EstateBuilder(spec)
    for index in range(spec.rest_apis):
        builder.rest_api(index)
    for index in range(spec.http_apis):
        builder.http_api(index)
    return EstateManifest(spec, [builder.regions[region] for region in spec.regions])
