"""The Logs Insights queries that turn a log group's access logs into traffic evidence.

AWS aggregates server-side: each query answers with one row per group (at most 10,000 rows,
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Limit.html), never
raw events. One query per distinct log group and access-log format scans the group once for
every stage writing to it, grouping by the API and stage when the group is shared:

- operations: per method and resource (REST) or route key (HTTP, WebSocket) and status class,
  the requests, the distinct source IPs and the first and last request;
- paths (only where a stage serves a greedy resource or route, ``{proxy+}``, or the
  ``$default`` route): per concrete path, the requests, to be made templates client-side.

Logs Insights bills per byte scanned, so each extra question is an extra scan: both are asked
only where they can be answered. A question whose variables the format does not record
raises ``Unanswerable`` naming them.
"""

from __future__ import annotations

from dataclasses import dataclass

from collectors.access_log_fields import LogFields

ROW_LIMIT = 10_000  # the most rows GetQueryResults answers


class Unanswerable(ValueError):
    """The format does not record what a question needs."""

    def __init__(self, missing: tuple[str, ...]) -> None:
        self.missing = missing
        super().__init__(
            "the access-log format does not record "
            + ", ".join(f"$context.{name}" for name in missing)
        )


@dataclass(frozen=True)
class Discriminators:
    """What tells apart the stages sharing a log group: needed only when it is shared."""

    by_api: bool  # stages of more than one API write to the group
    by_stage: bool  # more than one stage of an API writes to it


def _operation_keys(api_type: str) -> tuple[tuple[str, str], ...]:
    """(variable, query alias) naming an operation: REST method and resource; HTTP and
    WebSocket APIs their route key ("GET /pets", "$default", "$connect")."""
    if api_type == "REST":
        return (("httpMethod", "method"), ("resourcePath", "resource"))
    return (("routeKey", "route"),)


def _required(fields: LogFields, wanted: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """(query field, alias) of each wanted variable. Raises ``Unanswerable``."""
    missing = tuple(variable for variable, _ in wanted if fields.field(variable) is None)
    if missing:
        raise Unanswerable(missing)
    return [(str(fields.field(variable)), alias) for variable, alias in wanted]


def _discriminators(fields: LogFields, shared: Discriminators) -> tuple[tuple[str, str], ...]:
    wanted: list[tuple[str, str]] = []
    if shared.by_api:
        wanted.append(("apiId", "api"))
    if shared.by_stage:
        wanted.append(("stage", "stage"))
    return tuple(wanted)


def _head(fields: LogFields, selected: list[tuple[str, str]]) -> list[str]:
    commands = [fields.parse_command] if fields.parse_command else []
    expressions = ", ".join(
        f"{expression} as {alias}" if expression != alias else alias
        for expression, alias in selected
    )
    commands.append(f"fields {expressions}")
    return commands


def operations_query(fields: LogFields, api_type: str, shared: Discriminators) -> str:
    """Requests per operation and status class, with distinct source IPs and first and last
    request; ``sourceIps`` only where the format records ``$context.identity.sourceIp``.
    Raises ``Unanswerable`` when it lacks the operation, the status or a discriminator."""
    keys = _required(fields, (*_discriminators(fields, shared), *_operation_keys(api_type)))
    (status,) = _required(fields, (("status", "status"),))
    selected = [*keys, (f"floor({status[0]} / 100)", "statusClass")]
    ip = fields.field("identity.sourceIp")
    aggregates = ["count(*) as requests"]
    if ip is not None:
        selected.append((ip, "ip"))
        aggregates.append("count_distinct(ip) as sourceIps")
    aggregates += ["min(@timestamp) as firstSeen", "max(@timestamp) as lastSeen"]
    groups = ", ".join(alias for _, alias in keys) + ", statusClass"
    return " | ".join(
        [
            *_head(fields, selected),
            f"stats {', '.join(aggregates)} by {groups}",
            f"limit {ROW_LIMIT}",
        ]
    )


def paths_query(fields: LogFields, api_type: str, shared: Discriminators) -> str:
    """Requests per concrete path and status class of the greedy resources (``{proxy+}``) or
    the ``$default`` route, most requested first. Raises ``Unanswerable`` when the format lacks
    the path, the status, the operation or a discriminator."""
    keys = _required(fields, (*_discriminators(fields, shared), *_operation_keys(api_type)))
    path, status = _required(fields, (("path", "path"), ("status", "status")))
    greedy = (
        r"resource like /\{[^}]+\+\}/"
        if api_type == "REST"
        else r'route = "$default" or route like /\{[^}]+\+\}/'
    )
    groups = ", ".join(alias for _, alias in keys) + ", path, statusClass"
    return " | ".join(
        [
            *_head(fields, [*keys, path, (f"floor({status[0]} / 100)", "statusClass")]),
            f"filter {greedy}",
            f"stats count(*) as requests by {groups}",
            "sort requests desc",
            f"limit {ROW_LIMIT}",
        ]
    )
