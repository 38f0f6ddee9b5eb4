"""The demo's traffic: a week of access-log events for the traffic evidence checks.

petstore-public's prod is healthy, but nobody calls DELETE /pets/{id} (a zombie method) and
POST /pets, a 60 s function behind a 29 s integration timeout, answers some 504s; its staging
is under a 4XX storm (credential stuffing and scanning, most requests refused). Two new REST
APIs hide their surface behind ``ANY /{proxy+}``: storefront-edge serves undeclared paths
(``/admin/users/{id}``, ``/internal/health``...), while legacy-proxy is hit only by scanners
its backend answers with 404s.

Events are drawn from a seeded generator, at times within the last week (the window
``--demo`` reads), so the counts are the same on every run.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from collectors.demo.builders import AccountBuilder, RestApiBuilder, log_formats
from collectors.demo.builders.access_logs import Request, put_events

REGION = "us-east-1"
_SEED = 20261202
_WINDOW = timedelta(days=6, hours=20)  # inside the last 7 days, whenever the audit runs
_CLIENTS = tuple(f"198.51.100.{n}" for n in range(10, 60))
_SCANNERS = ("203.0.113.7", "203.0.113.66", "203.0.113.201")


@dataclass(frozen=True)
class _Call:
    """``count`` requests to ``method resource`` at ``paths``, with statuses drawn from
    ``statuses`` (status -> weight) and callers from ``callers``."""

    method: str
    resource: str
    paths: Sequence[str]
    count: int
    statuses: dict[int, int]
    callers: Sequence[str] = _CLIENTS


def _requests(
    generator: random.Random, api_id: str, stage: str, calls: Sequence[_Call]
) -> list[Request]:
    now = datetime.now(UTC)
    requests = []
    for call in calls:
        statuses, weights = zip(*call.statuses.items(), strict=True)
        for _ in range(call.count):
            path = generator.choice(call.paths)
            requests.append(
                Request(
                    at=now - timedelta(minutes=5) - generator.random() * _WINDOW,
                    method=call.method,
                    resource=call.resource,
                    path=f"/{stage}{path}",
                    status=generator.choices(statuses, weights)[0],
                    source_ip=generator.choice(call.callers),
                    stage=stage,
                    api_id=api_id,
                    request_id=f"{generator.getrandbits(64):016x}",
                    response_length=generator.randrange(80, 4_000),
                )
            )
    return requests


def _write(
    generator: random.Random, api: RestApiBuilder, stage: str, group: str, log_format: str,
    calls: Sequence[_Call],
) -> None:  # fmt: skip
    events = [r.event(log_format) for r in _requests(generator, api.id, stage, calls)]
    put_events(REGION, group, events)


def _pets(count: int, statuses: dict[int, int], callers: Sequence[str] = _CLIENTS) -> list[_Call]:
    """Calls to every petstore method but DELETE /pets/{id}, ``count`` to the busiest."""
    ids = [f"/pets/{n}" for n in (7, 42, 311, 4711, 90210)]
    return [
        _Call("GET", "/pets", ["/pets"], count, statuses, callers),
        _Call("GET", "/pets/{id}", ids, count // 2, statuses, callers),
        _Call("PUT", "/pets/{id}", ids, count // 10, statuses, callers),
        _Call("OPTIONS", "/pets", ["/pets"], count // 5, {204: 1}, callers),
        _Call("OPTIONS", "/pets/{id}", ids, count // 10, {200: 1}, callers),
    ]


def petstore_traffic(petstore: RestApiBuilder) -> None:
    """prod: healthy, DELETE /pets/{id} never called, POST /pets 8% 504s; staging: a 4XX
    storm (logged in CLF to its own group)."""
    generator = random.Random(_SEED)
    prod_calls = [
        *_pets(600, {200: 95, 400: 3, 404: 2}),
        _Call("POST", "/pets", ["/pets"], 150, {201: 90, 400: 2, 504: 8}),
    ]
    _write(
        generator, petstore, "prod", "/aws/apigateway/petstore-public/prod",
        log_formats.REST_JSON, prod_calls,
    )  # fmt: skip
    storm = {401: 55, 403: 25, 200: 20}
    staging_calls = [
        *_pets(200, storm, _SCANNERS + _CLIENTS[:3]),
        _Call("POST", "/pets", ["/pets"], 40, storm, _SCANNERS),
        _Call("DELETE", "/pets/{id}", ["/pets/1", "/pets/2"], 30, {403: 1}, _SCANNERS),
    ]
    _write(
        generator, petstore, "staging", "/aws/apigateway/petstore-public/staging",
        log_formats.REST_CLF, staging_calls,
    )  # fmt: skip


def _greedy_api(account: AccountBuilder, name: str, backend: str) -> tuple[RestApiBuilder, str]:
    """A REST API passing everything under ``/{proxy+}`` to ``backend``, its prod stage
    logging to its own group; returns the API and the group's name."""
    api = RestApiBuilder(name, tags={"team": "web"})
    api.method("GET", "/health", http_url=f"{backend}/health")
    api.method("ANY", "/{proxy+}", http_url=f"{backend}/{{proxy}}")
    api.stage("prod", tracing=True, rate=200, burst=100)
    group = f"/aws/apigateway/{name}/prod"
    api.access_logs(
        "prod", account.log_group(group, retention_days=90), log_formats.REST_JSON_TRAFFIC
    )
    account.request_count({"ApiName": name, "Stage": "prod"}, 40_000)
    return api, group


def greedy_proxies() -> None:
    """storefront-edge serves undeclared paths behind ``/{proxy+}``; legacy-proxy's greedy
    resource is reached only by scanners, and its backend answers them 404."""
    generator = random.Random(_SEED + 1)
    account = AccountBuilder(REGION)
    storefront, group = _greedy_api(account, "storefront-edge", "https://shop.example.com")
    ok = {200: 97, 404: 3}
    _write(
        generator, storefront, "prod", group, log_formats.REST_JSON_TRAFFIC,
        [
            _Call("GET", "/health", ["/health"], 80, {200: 1}),
            _Call("GET", "/{proxy+}", ["/products/1001", "/products/2002", "/products/31"],
                  300, ok),
            _Call("GET", "/{proxy+}", [f"/admin/users/{n}" for n in (4, 18, 23, 977)], 60, ok),
            _Call("DELETE", "/{proxy+}", ["/admin/users/18"], 3, {204: 1}),
            _Call("GET", "/{proxy+}", ["/internal/health"], 40, {200: 1}),
        ],
    )  # fmt: skip
    legacy, group = _greedy_api(account, "legacy-proxy", "https://legacy.example.com")
    probes = ["/wp-login.php", "/.env", "/phpmyadmin/index.php", "/.git/config", "/actuator"]
    _write(
        generator, legacy, "prod", group, log_formats.REST_JSON_TRAFFIC,
        [
            _Call("GET", "/health", ["/health"], 60, {200: 1}),
            _Call("GET", "/{proxy+}", probes, 40, {404: 1}, _SCANNERS),
            _Call("POST", "/{proxy+}", ["/wp-login.php"], 8, {404: 1}, _SCANNERS),
        ],
    )  # fmt: skip
