"""Small, named builders that create API Gateway estates in an AWS emulator (moto).

Shared by the ``--demo`` estate, the unit tests and the benchmark, so every estate is built the
same way and reads in a few lines. One module per kind of thing built: ``account``
(account-wide things), ``rest`` (REST APIs), ``http`` (HTTP and WebSocket APIs), over
``clients`` (the writing clients they share; never point them at a real account) and
``certificates`` (self-signed ones, for ACM); and ``log_formats``, AWS's example access-log
formats, ``access_logs``, access-log events written in them, and ``waf_rules``, AWS WAF rules
for web ACLs.
"""

from __future__ import annotations

from collectors.demo.builders.account import AccountBuilder
from collectors.demo.builders.clients import ACCOUNT_ID, in_account, lambda_invocation_uri
from collectors.demo.builders.http import HttpApiBuilder
from collectors.demo.builders.rest import MethodCache, RestApiBuilder, invoke_policy

__all__ = [
    "ACCOUNT_ID",
    "AccountBuilder",
    "HttpApiBuilder",
    "MethodCache",
    "RestApiBuilder",
    "in_account",
    "invoke_policy",
    "lambda_invocation_uri",
]
