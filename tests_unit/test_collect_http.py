"""Every HTTP/WebSocket API field of the inventory is collected as moto reports it."""

from __future__ import annotations

from collectors.demo.builders import AccountBuilder, HttpApiBuilder
from collectors.model import CorsConfiguration, Throttle
from tests_unit.conftest import collect


def test_http_api_routes_integrations_authorizers_and_stages(aws: None) -> None:
    account = AccountBuilder()
    pay = account.lambda_function("pay", timeout_seconds=45)
    builder = HttpApiBuilder(
        "checkout", tags={"team": "checkout"}, cors_origins=("*",), cors_credentials=True
    )
    jwt = builder.jwt_authorizer("jwt")
    integration = builder.lambda_integration(pay, timeout_ms=20_000)
    builder.route("POST /pay", integration, authorization="JWT", authorizer_id=jwt)
    builder.route("$default", integration)
    builder.stage(
        "prod",
        rate=200,
        burst=100,
        routes={"POST /pay": (20, 10)},
        access_log_arn="arn:aws:logs:us-east-1:123456789012:log-group:http",
    )
    builder.stage("dev")
    account.request_count({"ApiId": builder.id, "Stage": "prod"}, 77)

    inventory = collect()

    (api,) = inventory.http_apis
    assert (api.id, api.name, api.protocol_type, api.tags) == (
        builder.id,
        "checkout",
        "HTTP",
        {"team": "checkout"},
    )
    assert api.cors == CorsConfiguration(
        allow_origins=("*",),
        allow_credentials=True,
        allow_methods=(),
        allow_headers=(),
        expose_headers=(),
        max_age=None,
    )
    assert [(a.id, a.type) for a in api.authorizers or ()] == [(jwt, "JWT")]
    assert [(i.id, i.type, i.uri, i.timeout_ms) for i in api.integrations or ()] == [
        (integration, "AWS_PROXY", pay, 20_000)
    ]
    routes = {r.route_key: r for r in api.routes or ()}
    assert routes["POST /pay"].authorization_type == "JWT"
    assert routes["POST /pay"].authorizer_id == jwt
    assert routes["POST /pay"].integration_id == integration
    assert routes["$default"].authorization_type == "NONE"
    stages = {s.name: s for s in api.stages or ()}
    prod = stages["prod"]
    assert prod.default_route_settings is not None
    assert prod.default_route_settings.throttle == Throttle(rate_limit=200.0, burst_limit=100)
    assert prod.route_settings["POST /pay"].throttle == Throttle(rate_limit=20.0, burst_limit=10)
    assert prod.request_count_30d == 77
    assert prod.access_log_destination == "arn:aws:logs:us-east-1:123456789012:log-group:http"
    dev_defaults = stages["dev"].default_route_settings
    assert dev_defaults is None or dev_defaults.throttle == Throttle(
        rate_limit=None, burst_limit=None
    )
    assert [f.timeout_seconds for f in inventory.lambda_functions] == [45]
    assert api.errors == ()


def test_websocket_api_is_collected_with_its_protocol(aws: None) -> None:
    chat = HttpApiBuilder("chat", protocol="WEBSOCKET")
    chat.stage("production")
    (api,) = collect().http_apis
    assert api.protocol_type == "WEBSOCKET"
    assert api.api_type == "WEBSOCKET"


def test_excluded_http_api_is_listed_as_skipped(aws: None) -> None:
    HttpApiBuilder("sandbox", tags={"ExcludeFromAudit": "TRUE"}).stage("prod")
    inventory = collect()
    assert inventory.http_apis == ()
    assert [(s.name, s.api_type, s.reason) for s in inventory.skipped_apis] == [
        ("sandbox", "HTTP", "tagged ExcludeFromAudit=TRUE")
    ]


def test_a_real_exports_default_route_is_the_default_route_not_any_on_a_path() -> None:
    """AWS exports the $default route as ANY on /$default with isDefaultRoute
    (api-gateway-swagger-extensions-any-method.html): it is the route $default."""
    from collectors.http_export import parse_deployed_v2_definition
    from collectors.rest_export import ANY_METHOD

    integration = {"type": "AWS_PROXY", "httpMethod": "POST", "payloadFormatVersion": "2.0",
                   "uri": "arn:aws:lambda:us-east-1:123456789012:function:hello"}  # fmt: skip
    export = {
        "openapi": "3.0.1",
        "paths": {
            "/$default": {
                ANY_METHOD: {
                    "isDefaultRoute": True,
                    "x-amazon-apigateway-integration": integration,
                }
            },
            "/pets": {"get": {"x-amazon-apigateway-integration": integration}},
        },
    }
    definition = parse_deployed_v2_definition(export)
    assert sorted(route.route_key for route in definition.routes) == ["$default", "GET /pets"]
