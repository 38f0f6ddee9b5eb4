"""Fill gaps in moto so the emulated estate answers the calls real AWS answers.

moto 5.2 implements apigatewayv2 ``GetAuthorizer`` (one authorizer) but not the list call
``GetAuthorizers`` that the collector uses. This adds it to moto's response class, built from
moto's own backend, so the collector never needs an emulator-only code path.
"""

from __future__ import annotations

import json
from typing import Any

from moto.apigatewayv2.responses import ApiGatewayV2Response


def _get_authorizers(self: Any) -> tuple[int, dict[str, str], str]:
    api_id = self.path.split("/")[-2]
    api = self.apigatewayv2_backend.get_api(api_id)
    items = [authorizer.to_json() for authorizer in api.authorizers.values()]
    return 200, {}, json.dumps({"items": items})


def install() -> None:
    """Idempotent; safe to call from every process that emulates AWS with moto."""
    if not hasattr(ApiGatewayV2Response, "get_authorizers"):
        setattr(ApiGatewayV2Response, "get_authorizers", _get_authorizers)  # noqa: B010
