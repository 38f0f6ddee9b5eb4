"""Reading a stage's access-log format as Logs Insights sees its events."""

from __future__ import annotations

import pytest

from collectors.access_log_fields import UnreadableFormat, log_fields
from collectors.path_templates import greedy_route, path_template

# The formats API Gateway's console offers
# (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-access-logging.html).
CLF = (
    "$context.identity.sourceIp $context.identity.caller $context.identity.user "
    '[$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" '
    "$context.status $context.responseLength $context.requestId"
)
JSON = (
    '{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", '
    '"caller":"$context.identity.caller", "user":"$context.identity.user", '
    '"requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod", '
    '"resourcePath":"$context.resourcePath", "status":"$context.status", '
    '"protocol":"$context.protocol", "responseLength":"$context.responseLength" }'
)
XML = (
    '<request id="$context.requestId"> <ip>$context.identity.sourceIp</ip> '
    "<caller>$context.identity.caller</caller> <user>$context.identity.user</user> "
    "<requestTime>$context.requestTime</requestTime> <httpMethod>$context.httpMethod"
    "</httpMethod> <resourcePath>$context.resourcePath</resourcePath> <status>$context.status"
    "</status> <protocol>$context.protocol</protocol> <responseLength>"
    "$context.responseLength</responseLength> </request>"
)
CSV = (
    "$context.identity.sourceIp,$context.identity.caller,$context.identity.user,"
    "$context.requestTime,$context.httpMethod,$context.resourcePath,$context.protocol,"
    "$context.status,$context.responseLength,$context.requestId"
)


def test_json_fields_are_the_keys_logs_insights_discovers() -> None:
    fields = log_fields(JSON)
    assert (fields.layout, fields.parse_command) == ("JSON", None)
    assert fields.field("identity.sourceIp") == "ip"
    assert fields.field("resourcePath") == "resourcePath"


def test_nested_json_keys_are_joined_by_dots_and_odd_names_quoted() -> None:
    fields = log_fields(
        '{"identity": {"source-ip": "$context.identity.sourceIp"}, "s": $context.status}'
    )
    assert fields.field("identity.sourceIp") == "`identity.source-ip`"
    assert fields.field("status") == "s"  # written bare: AWS writes a number


def test_a_json_value_mixing_variables_records_neither_on_its_own() -> None:
    fields = log_fields('{"line": "$context.httpMethod $context.path", "id": "$context.requestId"}')
    assert fields.field("httpMethod") is None
    assert fields.field("requestId") == "id"


def test_clf_is_read_with_one_parse_glob_keeping_its_punctuation() -> None:
    fields = log_fields(CLF)
    assert fields.layout == "TEXT"
    assert fields.parse_command is not None
    assert fields.parse_command.startswith("parse @message '* * * [*] \"* * *\" * * *' as ")
    assert fields.field("httpMethod") == "f4_httpMethod"
    assert fields.field("requestId") == "f9_requestId"


@pytest.mark.parametrize(("log_format", "layout"), [(XML, "XML"), (CSV, "CSV")])
def test_xml_and_csv_are_read_with_a_parse_glob(log_format: str, layout: str) -> None:
    fields = log_fields(log_format)
    assert fields.layout == layout
    assert fields.parse_command is not None
    assert fields.parse_command.count("*") == 10
    assert fields.field("status") is not None


def test_a_format_without_a_variable_is_not_recorded() -> None:
    fields = log_fields("$context.requestId $context.status")
    assert fields.field("identity.sourceIp") is None


@pytest.mark.parametrize(
    ("log_format", "reason"),
    [
        ("$context.httpMethod$context.path", "nothing between them"),
        ('{"id": "$context.requestId"', "does not parse"),
        ("request $context.requestId", None),
        ("no variables at all", "names no $context variable"),
        ("$context.requestId '\" $context.status", "both quote characters"),
        ("$context.requestId * $context.status", "literal '*'"),
    ],
)
def test_formats_no_query_can_take_apart_say_why(log_format: str, reason: str | None) -> None:
    if reason is None:
        assert log_fields(log_format).field("requestId") == "f0_requestId"
        return
    with pytest.raises(UnreadableFormat, match=reason.replace("$", r"\$").replace("*", r"\*")):
        log_fields(log_format)


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/users/4711", "/users/{id}"),
        ("/users/4711/orders/9f1c2a3b-1234-4bcd-9abc-0123456789ab", "/users/{id}/orders/{uuid}"),
        ("/files/d41d8cd98f00b204e9800998ecf8427e", "/files/{hash}"),
        ("/reports/2026-12-01", "/reports/{date}"),
        ("/reports/2026-12-01T10:15:00Z", "/reports/{date}"),
        ("/people/jane.doe@example.com", "/people/{email}"),
        ("/people/jane.doe%40example.com", "/people/{email}"),
        ("/orders/ord_8f3k2j9x1", "/orders/{id}"),
        ("/search?q=4711", "/search"),
        ("/v2/health", "/v2/health"),
        ("/oauth2/token", "/oauth2/token"),
        ("/page-10", "/page-10"),
        ("/deadbeefcafebabe", "/deadbeefcafebabe"),
        ("/clients/10.1.2.3", "/clients/{ip}"),
        ("/clients/fe80::1", "/clients/{ip}"),
        ("/s/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.SflKxwRJSMeKKF2QT4fw", "/s/{token}"),
        ("/k/AKIAABCDEFGHIJKLMNOP", "/k/{token}"),
        ("/b/ZXhhbXBsZXRva2Vu==", "/b/{token}"),
        ("/internal/health", "/internal/health"),
        ("/", "/"),
    ],
)
def test_identifiers_become_parameters_and_words_stay(path: str, template: str) -> None:
    assert path_template(path) == template


@pytest.mark.parametrize(
    ("route_key", "greedy"),
    [("$default", True), ("ANY /{proxy+}", True), ("GET /files/{path+}", True),
     ("GET /pets/{id}", False), ("$connect", False)],
)  # fmt: skip
def test_greedy_routes_take_any_path(route_key: str, greedy: bool) -> None:
    assert greedy_route(route_key) is greedy
