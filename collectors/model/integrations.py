"""What integrations hand requests to: integration types, default timeouts, Lambda functions.

Shared by REST and HTTP/WebSocket APIs: how to tell an integration that invokes a Lambda
function, which function it is, and what the audit reads of that function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# API Gateway's default integration timeouts, by API type, when the integration sets none:
# 29 s for REST and WebSocket APIs, 30 s for HTTP APIs
# (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html and
# .../http-api-quotas.html).
REST_INTEGRATION_TIMEOUT_DEFAULT_MS = 29_000
HTTP_INTEGRATION_TIMEOUT_DEFAULT_MS = 30_000
WEBSOCKET_INTEGRATION_TIMEOUT_DEFAULT_MS = 29_000

LAMBDA_INTEGRATION_TYPES = frozenset({"AWS", "AWS_PROXY"})
# Integrations that hand the request to the backend as is, and its answer back: what HTTP APIs
# also have; the backend, not the configuration, then sets the response headers.
PROXY_INTEGRATION_TYPES = frozenset({"AWS_PROXY", "HTTP_PROXY"})

# A Lambda function ARN inside an integration URI: REST wraps it
# ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/<ARN>/invocations"),
# HTTP APIs may give it bare. An optional alias or version qualifier is kept.
_LAMBDA_ARN = re.compile(
    r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9_$-]+)?"
    r"(?=/invocations|$)"
)


def invokes_lambda(integration_type: str, uri: str | None) -> bool:
    """Whether an integration invokes a Lambda function: an AWS/AWS_PROXY integration whose URI
    is a Lambda invocation (REST ``...:lambda:path/...``, HTTP a bare function ARN, or one
    chosen by a stage variable). Other AWS service integrations (SQS, Step Functions, HTTP
    APIs' ``IntegrationSubtype`` integrations, which have no URI) do not."""
    if integration_type.upper() not in LAMBDA_INTEGRATION_TYPES or not uri:
        return False
    return ":lambda:path/" in uri or ":lambda:" in uri.partition("/")[0]


def lambda_arn_from_uri(uri: str | None) -> str | None:
    """The function ARN an integration invokes; ``None`` when it is not a literal Lambda ARN
    (for example when it is chosen by a stage variable)."""
    if not uri or "${" in uri:
        return None
    match = _LAMBDA_ARN.search(uri)
    return match.group(0) if match else None


@dataclass(frozen=True, kw_only=True, slots=True)
class LambdaFunction:
    arn: str  # as the integration names it (qualified if the integration is)
    timeout_seconds: int
    runtime: str | None
    memory_mb: int | None
