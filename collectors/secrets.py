"""Scan configuration values for credentials the moment an answer is parsed; keep only where.

What is scanned: stage variables (REST ``variables``, HTTP/WebSocket ``StageVariables``); an
integration's static request parameters (REST and WebSocket: a value in single quotes, the
rest names request data; HTTP APIs: a value that is not a ``$request.``, ``$context.`` or
``$stageVariables.`` mapping), its request mapping templates (REST, WebSocket) and its URI
(``https://user:password@host``). The scanner is detect-secrets with its default plugins and
filters, plus its own secret-exclusion filter for ARNs (a reference to a secret, never one).
A value is scanned as the line ``name: "value"``, so its KeywordDetector sees the name
(``dbPassword: "..."``); a template line by line, as written.

The integrations of one answer (GetResources, GetIntegrations, an export) are scanned in one
run: ``scan_integrations`` takes them by whatever key the parser looks them up with; a stage's
variables with the stage (``stage_variable_secrets``). Only the finding leaves this module
(``SecretFinding``: where, and the secret type); the value, detect-secrets' hash of it and the
line it was on never do. A URI is kept with what was found in it masked. A static value of the
``Authorization`` or ``Proxy-Authorization`` header is a finding whatever the scanner says:
those headers carry credentials by definition (RFC 9110 sections 11.6.2 and 11.7.2).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

# detect-secrets' line scanner, the one its file scans use. Its public ``scan_line`` is for
# ad-hoc strings and searches them eagerly: without quotes and without the entropy plugins'
# limits (its own comment: "we perform the limit filtering outside this function"), so UUIDs
# and resource ids split into "secrets". Lines scanned as a file's are judged by every limit.
from detect_secrets.core.scan import _process_line_based_plugins
from detect_secrets.settings import default_settings

from collectors.model import SecretFinding

AUTHORIZATION_HEADER = "Authorization Header Credentials"
_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization"})
# How a request parameter names the header it sets: REST and WebSocket, HTTP API mappings.
_HEADER_PARAMETERS = ("integration.request.header.", "append:header.", "overwrite:header.")
_HTTP_MAPPINGS = ("$request.", "$context.", "$stageVariables.")
_EXCLUDE_SECRETS = "detect_secrets.filters.regex.should_exclude_secret"
_ARN = r"^arn:aws[a-zA-Z-]*:"
# The name detect-secrets sees for what it scans: without an extension, its keyword patterns
# are the ones requiring quotes, as the lines are written here.
_SOURCE = "api-gateway-configuration"
_MASK = "****"

# detect-secrets' settings are process-global: one scan at a time, each in settings of its
# own (made once per answer, never per value) that are restored when it ends.
_LOCK = threading.Lock()

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class _Value:
    owner: Hashable  # the key of what holds it in the answer (a stage, an integration)
    where: str
    line: str
    uri: bool = False  # the integration's URI, kept masked


def _named(owner: Hashable, where: str, name: str, value: str, *, uri: bool = False) -> _Value:
    return _Value(owner, where, f'{name}: "{value}"', uri)


def _scan(values: list[_Value]) -> list[tuple[_Value, str, str]]:
    """(value, secret type, what was found) for everything the scanner finds in ``values``."""
    if not values:
        return []
    lines = [(number, value.line) for number, value in enumerate(values, start=1)]
    with _LOCK, default_settings() as settings:
        filters = settings.json()["filters_used"]
        settings.configure_filters([*filters, {"path": _EXCLUDE_SECRETS, "pattern": [_ARN]}])
        found = list(_process_line_based_plugins(lines, filename=_SOURCE))
    return [(values[s.line_number - 1], s.type, s.secret_value or "") for s in found]


def stage_variable_secrets(variables: Mapping[str, str] | None) -> tuple[SecretFinding, ...]:
    """A stage's variables whose values look like credentials (a stage's variables come
    with the stage: nothing to scan across an answer)."""
    values = [
        _named(None, f"stage variable {name}", name, value)
        for name, value in sorted((variables or {}).items())
    ]
    found = {SecretFinding(where=value.where, secret_type=kind) for value, kind, _ in _scan(values)}
    return tuple(sorted(found))


def quoted_literal(value: str) -> str | None:
    """REST and WebSocket request parameters: a static value is in single quotes; any other
    names request data (``method.request.header.x``, ``context.requestId``...)."""
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1]
    return None


def unmapped_value(value: str) -> str | None:
    """HTTP API request parameters: a value that maps no request data, context or stage
    variable is static (http-api-parameter-mapping.html)."""
    return None if value.startswith(_HTTP_MAPPINGS) else value


def _header(parameter: str) -> str | None:
    for prefix in _HEADER_PARAMETERS:
        if parameter.startswith(prefix):
            return parameter[len(prefix) :]
    return None


@dataclass(frozen=True)
class IntegrationValues:
    """What of an integration is scanned, as its answer gives it."""

    uri: str | None
    request_parameters: Mapping[str, str] | None
    request_templates: Mapping[str, str | None] | None


@dataclass(frozen=True)
class ScannedIntegration:
    uri: str | None  # with what looks like a credential masked
    secrets: tuple[SecretFinding, ...]


def _integration_values(
    key: Hashable, integration: IntegrationValues, static: Callable[[str], str | None]
) -> tuple[list[_Value], list[SecretFinding]]:
    values: list[_Value] = []
    headers: list[SecretFinding] = []
    for parameter, raw in sorted((integration.request_parameters or {}).items()):
        literal = static(str(raw))
        if literal is None:
            continue
        where = f"integration request parameter {parameter}"
        values.append(_named(key, where, parameter, literal))
        header = _header(parameter)
        if literal.strip() and header is not None and header.lower() in _CREDENTIAL_HEADERS:
            headers.append(SecretFinding(where=where, secret_type=AUTHORIZATION_HEADER))
    for content_type, template in sorted((integration.request_templates or {}).items()):
        where = f"request mapping template {content_type}"
        lines = (template or "").splitlines()
        values += [_Value(key, where, line) for line in lines if line.strip()]
    uri = integration.uri
    if uri and not uri.startswith("arn:"):  # Lambda and AWS service integrations: an ARN
        values.append(_named(key, "integration URI", "uri", uri, uri=True))
    return values, headers


def scan_integrations(
    integrations: Mapping[K, IntegrationValues], static: Callable[[str], str | None]
) -> dict[K, ScannedIntegration]:
    """What of each integration looks like a credential, by the integration's key: its URI,
    the static values of its request parameters (``static`` tells them, in the API type's
    syntax) and its request mapping templates."""
    values: list[_Value] = []
    found: dict[Hashable, set[SecretFinding]] = {}
    for key, integration in integrations.items():
        scanned, headers = _integration_values(key, integration, static)
        values += scanned
        found.setdefault(key, set()).update(headers)
    in_uri: dict[Hashable, set[str]] = {}
    for value, kind, secret in _scan(values):
        found[value.owner].add(SecretFinding(where=value.where, secret_type=kind))
        if value.uri:
            in_uri.setdefault(value.owner, set()).add(secret)
    return {
        key: ScannedIntegration(
            uri=_masked(integration.uri, in_uri.get(key, set())),
            secrets=tuple(sorted(found[key])),
        )
        for key, integration in integrations.items()
    }


def _masked(uri: str | None, secrets: set[str]) -> str | None:
    """``uri`` with each of ``secrets`` masked; all of it if one cannot be told apart."""
    if uri is None or not secrets:
        return uri
    if any(not secret or secret not in uri for secret in secrets):
        return _MASK
    for secret in sorted(secrets, key=len, reverse=True):
        uri = uri.replace(secret, _MASK)
    return uri
