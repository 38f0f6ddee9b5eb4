"""Scan configuration values for credentials the moment an answer is parsed; keep only where.

What is scanned: stage variables (REST ``variables`` and a canary's
``stageVariableOverrides``, HTTP/WebSocket ``StageVariables``); an integration's static
request parameters (REST and WebSocket: a value in single quotes, the rest names request
data; HTTP APIs: a value that is not a ``$request.``, ``$context.`` or ``$stageVariables.``
mapping), its request mapping templates (REST, WebSocket) and its URI (whole, and each query
parameter by name). The scanner is detect-secrets with its default plugins and filters, plus
its own secret-exclusion filter for ARNs (a reference to a secret, never one). A value is
scanned as the line ``name: "value"``, so its KeywordDetector sees the name
(``dbPassword: "..."``); a template line by line, as written.

The integrations of one answer (GetResources, GetIntegrations, an export) are scanned in one
run: ``scan_integrations`` takes them by whatever key the parser looks them up with; a stage's
variables with the stage (``stage_variable_secrets``). Only the finding leaves this module
(``SecretFinding``: where, and the secret type); the value, detect-secrets' hash of it and the
line it was on never do. Of a URI, what locates the backend is kept (scheme, host, port,
path), never what may authenticate to it: its user information and every query parameter's
value are masked, its fragment dropped, and whatever the scanner found elsewhere in it masked
too. Of a stage variable, only the scheme of the URL it holds (``variable_schemes``). A static
value of a header or URI query parameter that carries a credential by definition is a finding
whatever the scanner says (``_CREDENTIAL_HEADERS``, ``_CREDENTIAL_PARAMETERS``).
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable, Hashable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TypeVar

# detect-secrets' line scanner, the one its file scans use. Its public ``scan_line`` is for
# ad-hoc strings and searches them eagerly: without quotes and without the entropy plugins'
# limits (its own comment: "we perform the limit filtering outside this function"), so UUIDs
# and resource ids split into "secrets". Lines scanned as a file's are judged by every limit.
# It is private: tests_unit/test_checks_secrets.py pins it and the version range.
from detect_secrets.core.scan import _process_line_based_plugins
from detect_secrets.settings import default_settings

from collectors.model import SecretFinding

AUTHORIZATION_HEADER = "Authorization Header Credentials"
CREDENTIAL_HEADER = "Credential Header"
# Headers whose value is a credential by definition, whatever it looks like. Not Cookie: it
# carries state, which may or may not authenticate (RFC 6265 section 4.2), nor ad-hoc names
# with no defining specification (X-Access-Token): their values are scanned as any other.
_CREDENTIAL_HEADERS = {
    # RFC 9110 sections 11.6.2 and 11.7.2
    "authorization": AUTHORIZATION_HEADER,
    "proxy-authorization": AUTHORIZATION_HEADER,
    # API Gateway's own API key header (api-gateway-api-key-source.html), and the name most
    # APIs took from it
    "x-api-key": CREDENTIAL_HEADER,
    # an AWS session token (https://docs.aws.amazon.com/STS/latest/APIReference/CommonParameters.html)
    "x-amz-security-token": CREDENTIAL_HEADER,
    # OpenStack's token (https://docs.openstack.org/api-ref/identity/v3/)
    "x-auth-token": CREDENTIAL_HEADER,
    # Azure OpenAI's key (https://learn.microsoft.com/azure/ai-services/openai/reference) and
    # Azure API Management's (https://learn.microsoft.com/azure/ai-services/authentication)
    "api-key": CREDENTIAL_HEADER,
    "ocp-apim-subscription-key": CREDENTIAL_HEADER,
    # Google Cloud's API key (https://cloud.google.com/docs/authentication/api-keys-use)
    "x-goog-api-key": CREDENTIAL_HEADER,
}
CREDENTIAL_PARAMETER = "Credential Query Parameter"
# Query parameters whose value is a credential by definition: an OAuth bearer token (RFC 6750
# section 2.3) and an AWS session token (STS CommonParameters.html, above).
_CREDENTIAL_PARAMETERS = frozenset({"access_token", "x-amz-security-token"})
# How a request parameter names the header it sets: REST and WebSocket, HTTP API mappings.
_HEADER_PARAMETERS = ("integration.request.header.", "append:header.", "overwrite:header.")
_HTTP_MAPPINGS = ("$request.", "$context.", "$stageVariables.")
_EXCLUDE_SECRETS = "detect_secrets.filters.regex.should_exclude_secret"
_ARN = r"^arn:aws[a-zA-Z-]*:"
# The name detect-secrets sees for what it scans: without an extension, its keyword patterns
# are the ones requiring quotes, as the lines are written here.
_SOURCE = "api-gateway-configuration"
_MASK = "****"
_URL_SCHEMES = ("http", "https")

# detect-secrets' settings are process-global (its plugins and filters read one ``Settings``
# singleton, and entering settings of one's own rebuilds every cached plugin and filter): they
# are configured once per process, lazily, under the lock, and stay entered until the process
# exits (closed by ``atexit``, while imports still work: restoring them imports modules). Scans
# then only read them, from any thread, with nothing rebuilt.
_SETTINGS = ExitStack()
atexit.register(_SETTINGS.close)
_CONFIGURED = threading.Event()
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


def _configure() -> None:
    """detect-secrets' default plugins and filters, and the ARN exclusion, for the process."""
    if _CONFIGURED.is_set():
        return
    with _LOCK:
        if _CONFIGURED.is_set():
            return
        settings = _SETTINGS.enter_context(default_settings())
        filters = settings.json()["filters_used"]
        settings.configure_filters([*filters, {"path": _EXCLUDE_SECRETS, "pattern": [_ARN]}])
        # Builds the plugins and the filters (cached by detect-secrets) here, once, not in
        # the first scans racing each other; what it builds later (a filter's compiled
        # patterns) it caches with functools.lru_cache, which is safe on threads.
        list(_process_line_based_plugins([(1, 'configured: "yes"')], filename=_SOURCE))
        _CONFIGURED.set()


def _scan(values: list[_Value]) -> list[tuple[_Value, str, str]]:
    """(value, secret type, what was found) for everything the scanner finds in ``values``."""
    if not values:
        return []
    _configure()
    lines = [(number, value.line) for number, value in enumerate(values, start=1)]
    found = _process_line_based_plugins(lines, filename=_SOURCE)
    return [(values[s.line_number - 1], s.type, s.secret_value or "") for s in found]


def stage_variable_secrets(
    variables: Mapping[str, str] | None, canary_overrides: Mapping[str, str] | None = None
) -> tuple[SecretFinding, ...]:
    """A stage's variables, and its canary's overrides of them, whose values look like
    credentials (they come with the stage: nothing to scan across an answer)."""
    values = [
        _named(None, f"stage variable {name}{suffix}", name, value)
        for suffix, given in (("", variables), (" (canary override)", canary_overrides))
        for name, value in sorted((given or {}).items())
    ]
    found = {SecretFinding(where=value.where, secret_type=kind) for value, kind, _ in _scan(values)}
    return tuple(sorted(found))


def variable_schemes(variables: Mapping[str, str] | None) -> dict[str, str | None]:
    """Each stage variable's URL scheme, lower case (``"http"``, ``"https"``; ``None``: its
    value is no http(s) URL): what an integration URI that starts with the variable speaks.
    Nothing else of the value."""
    schemes: dict[str, str | None] = {}
    for name, value in sorted((variables or {}).items()):
        scheme, separator, _ = value.partition("://")
        schemes[name] = scheme.lower() if separator and scheme.lower() in _URL_SCHEMES else None
    return schemes


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
    uri: str | None  # masked (``_masked``)
    secrets: tuple[SecretFinding, ...]


def _is_arn(uri: str) -> bool:
    # Lambda, AWS service and (HTTP API private integrations) load-balancer and Cloud Map
    # integrations: a reference to a resource, kept as is
    return uri.startswith("arn:")


def _query_parameters(uri: str) -> list[tuple[str, str]]:
    """The URI's query parameters (name, value), as written; one without ``=`` is a value."""
    query = uri.partition("#")[0].partition("?")[2]
    return [
        (name, value) if separator else ("", name)
        for name, separator, value in (part.partition("=") for part in query.split("&") if part)
    ]


def _integration_values(
    key: Hashable, integration: IntegrationValues, static: Callable[[str], str | None]
) -> tuple[list[_Value], list[SecretFinding]]:
    values: list[_Value] = []
    by_definition: list[SecretFinding] = []  # credentials whatever they look like
    for parameter, raw in sorted((integration.request_parameters or {}).items()):
        literal = static(str(raw))
        if literal is None:
            continue
        where = f"integration request parameter {parameter}"
        values.append(_named(key, where, parameter, literal))
        kind = _CREDENTIAL_HEADERS.get((_header(parameter) or "").lower())
        if literal.strip() and kind is not None:
            by_definition.append(SecretFinding(where=where, secret_type=kind))
    for content_type, template in sorted((integration.request_templates or {}).items()):
        where = f"request mapping template {content_type}"
        lines = (template or "").splitlines()
        values += [_Value(key, where, line) for line in lines if line.strip()]
    uri = integration.uri
    if uri and not _is_arn(uri):
        values.append(_named(key, "integration URI", "uri", uri, uri=True))
        for name, value in _query_parameters(uri):
            where = f"integration URI query parameter {name or '(unnamed)'}"
            if value:  # by name, so that the KeywordDetector sees it (``?password=...``)
                values.append(_named(key, where, name, value))
            if value.strip() and name.lower() in _CREDENTIAL_PARAMETERS:
                by_definition.append(SecretFinding(where=where, secret_type=CREDENTIAL_PARAMETER))
    return values, by_definition


def scan_integrations(
    integrations: Mapping[K, IntegrationValues], static: Callable[[str], str | None]
) -> dict[K, ScannedIntegration]:
    """What of each integration looks like a credential, by the integration's key: its URI,
    the static values of its request parameters (``static`` tells them, in the API type's
    syntax) and its request mapping templates; and its URI, masked."""
    values: list[_Value] = []
    found: dict[Hashable, set[SecretFinding]] = {}
    for key, integration in integrations.items():
        scanned, by_definition = _integration_values(key, integration, static)
        values += scanned
        found.setdefault(key, set()).update(by_definition)
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


def _authority_end(rest: str) -> int:
    """Where the authority that starts ``rest`` ends: at the first ``/``, ``?`` or ``#``
    (RFC 3986 section 3.2)."""
    ends = [index for index in (rest.find(c) for c in "/?#") if index >= 0]
    return min(ends, default=len(rest))


def _masked(uri: str | None, secrets: set[str]) -> str | None:
    """``uri`` as the inventory keeps it. An ARN as is. Any other keeps its scheme, host, port
    and path; its user information is masked whole, each query parameter's value masked (its
    name kept: ``?access_token=****``), its fragment dropped, and each of ``secrets`` (what the
    scanner found in it) masked where it is. When one of them cannot be told apart, all but
    the scheme and host is masked. The same URI always comes out the same: a stage's
    deployment and the current definition compare alike (APIGW-DRIFT-001)."""
    if uri is None or _is_arn(uri):
        return uri
    unlocated = any(not secret or secret not in uri for secret in secrets)
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            uri = uri.replace(secret, _MASK)
    scheme, separator, rest = uri.partition("://")
    if not separator:  # no authority: a stage variable stands for it (${stageVariables.url}/x)
        scheme, rest = "", uri
    end = _authority_end(rest) if separator else 0
    authority, rest = rest[:end], rest[end:]
    if "@" in authority:
        authority = f"{_MASK}@{authority.rpartition('@')[2]}"
    prefix = f"{scheme}{separator}{authority}"
    if unlocated:
        return f"{prefix}/{_MASK}" if separator else _MASK
    path, question, _ = rest.partition("#")[0].partition("?")
    query = "&".join(f"{name}={_MASK}" if name else _MASK for name, _ in _query_parameters(rest))
    return f"{prefix}{path}{question}{query}"
