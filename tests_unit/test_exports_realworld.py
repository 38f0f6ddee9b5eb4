"""The export parsers on OpenAPI documents AWS itself published, not on what the emulation writes.

The emulation's exports follow the shapes AWS documents; these documents are AWS's own
(../shared/realworld: the developer guide's export of a Kinesis proxy REST API, its HTTP API
OpenAPI example, its Lambda-authorizer example), so a parser that only understood the
emulation would fail here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from collectors.http_export import parse_deployed_v2_definition
from collectors.model import invokes_lambda
from collectors.rest_export import ANY_METHOD, parse_deployed_definition
from tests_unit.conftest import REPO_ROOT

DEFS = REPO_ROOT.parent / "shared" / "realworld" / "defs"
GUIDE = "awsdocs__amazon-api-gateway-developer-guide__doc_source__"


def document(name: str) -> dict[str, Any]:
    path = DEFS / name
    if not path.exists():
        pytest.skip(f"{path} is not there (the shared real-world definitions sit beside the repo)")
    data: dict[str, Any] = json.loads(Path(path).read_text())
    return data


def summary_of(export: dict[str, Any], authorization: str = "NONE") -> dict[str, Any]:
    """An apiSummary for every exported method, as GetDeployment(embed=apisummary) gives it."""
    return {
        path: {
            ("ANY" if key == ANY_METHOD else key.upper()): {
                "authorizationType": authorization,
                "apiKeyRequired": False,
            }
            for key in operations
            if not key.startswith("x-") or key == ANY_METHOD
        }
        for path, operations in export["paths"].items()
    }


def test_aws_export_of_a_kinesis_proxy_gives_its_integrations_parameters_and_templates() -> None:
    export = document(GUIDE + "api-as-kinesis-proxy-export-swagger-with-extensions.md.json")
    definition = parse_deployed_definition(export, summary_of(export))
    methods = {f"{m.http_method} {r.path}": m for r in definition.resources for m in r.methods}
    records = methods["GET /streams/{stream-name}/records"]
    integration = records.integration
    assert integration is not None
    assert (integration.type, integration.uri) == (
        "AWS",
        "arn:aws:apigateway:us-east-1:kinesis:action/GetRecords",
    )
    assert not invokes_lambda(integration.type, integration.uri)
    assert integration.request_template_content_types == ("application/json",)
    assert "200" in integration.response_parameters  # keyed by status, not selection pattern
    assert records.request_parameters == {
        "method.request.path.stream-name": True,
        "method.request.header.Shard-Iterator": False,
    }
    assert integration.timeout_ms is None  # the export omits it: the 29 s default applies


def test_aws_http_api_example_gives_routes_and_inline_integrations() -> None:
    export = document(GUIDE + "http-api-open-api.md.json")
    definition = parse_deployed_v2_definition(export)
    keys = {route.route_key for route in definition.routes}
    assert {"GET /pets", "POST /pets", "GET /pets/{petId}"} <= keys
    route = next(r for r in definition.routes if r.route_key == "POST /pets")
    integration = definition.integration(route)
    assert integration is not None
    assert (integration.type, integration.payload_format_version) == ("HTTP_PROXY", "1.0")
    assert route.authorization_type == "NONE"


def test_aws_authorizer_example_names_the_method_s_authorizer() -> None:
    export = document(GUIDE + "api-gateway-swagger-extensions-authtype.md.block2.json")
    definition = parse_deployed_definition(export, summary_of(export, "CUSTOM"))
    (resource,) = definition.resources
    (method,) = resource.methods
    authorizer = definition.authorizer(method.authorizer_id)
    assert authorizer is not None
    assert (method.authorization_type, authorizer.name) == ("CUSTOM", "myAuthorizer")
    assert ":lambda:path/" in (authorizer.authorizer_uri or "")
