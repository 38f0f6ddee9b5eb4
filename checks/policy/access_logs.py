"""Access logs: where a stage writes them, whether they are kept, and what they record.

A stage's access-log format is a line of ``$context`` variables in whatever layout the
analysis backend reads (AWS's console offers CLF, JSON, XML and CSV:
https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-access-logging.html), so
what a format records is the set of variables it names, whatever the punctuation around them.
An investigation needs to tell which request it was, where it came from, who made it, what it
asked for and how it was answered; the variables that say so differ by API type
(https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-variables-for-access-logging.html,
.../http-api-logging-variables.html, .../websocket-api-logging.html).

REST and WebSocket APIs write to CloudWatch Logs with the role the region's API Gateway
account settings name (``cloudwatchRoleArn``), for access logs as for execution logs
(https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html,
"Permissions for CloudWatch logging"; AWS refuses to turn logging on without it, and the role
can be removed after): without one, nothing is written. HTTP APIs need none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from dataclasses import dataclass

from checks.policy.traffic import account_settings
from collectors.model import Inventory, LogGroup, log_group_ref
from collectors.targets import RestStageTarget, V2StageTarget, require

# The API types that write to CloudWatch Logs with the account settings' role
_WRITE_WITH_ACCOUNT_ROLE = ("REST", "WEBSOCKET")

# "$context.identity.sourceIp": the name runs on through dotted parts; a trailing "." is not
# part of it ("... status $context.status.").
_VARIABLE = re.compile(r"\$context\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)")


def context_variables(log_format: str | None) -> frozenset[str]:
    """The ``$context`` variables a format names: ``{"requestId", "identity.sourceIp"}``."""
    return frozenset(_VARIABLE.findall(log_format or ""))


@dataclass(frozen=True)
class Needed:
    """Something an investigation needs from an access log line, and the variables that record
    it (any one will do)."""

    what: str  # "source IP"
    variables: tuple[str, ...]  # without "$context."
    prefix: str | None = None  # or any variable under it: "authorizer.claims" (.sub, .email)

    def recorded_by(self, variables: Set[str]) -> bool:
        return bool(self.variables and variables & set(self.variables)) or any(
            self.prefix is not None and (v == self.prefix or v.startswith(f"{self.prefix}."))
            for v in variables
        )

    def names(self) -> list[str]:
        """The variables as a format writes them: ``["$context.identity.sourceIp"]``."""
        prefixed = [f"{self.prefix}.*"] if self.prefix is not None else []
        return [f"$context.{name}" for name in (*self.variables, *prefixed)]

    def describe(self) -> str:
        """``source IP ($context.identity.sourceIp)``, alternatives joined by ``or``."""
        names = self.names()
        shown = names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" or {names[-1]}"
        return f"{self.what} ({shown})"


_REQUEST_ID = Needed("request id", ("requestId", "extendedRequestId"))
_SOURCE_IP = Needed("source IP", ("identity.sourceIp",))
_STATUS = Needed("status", ("status",))

# What each API type's access log must record. REST: the caller as IAM (caller, user,
# userArn), a Lambda authorizer (principalId), Cognito identity pools (cognitoIdentityId) or
# user pools (their claims) identify it. HTTP APIs: the route key is "GET /pets", method and
# route at once. WebSocket APIs have neither method nor path: the route ($connect, sendmessage).
NEEDED: dict[str, tuple[Needed, ...]] = {
    "REST": (
        _REQUEST_ID,
        _SOURCE_IP,
        Needed(
            "caller identity",
            (
                "identity.caller",
                "identity.user",
                "identity.userArn",
                "authorizer.principalId",
                "identity.cognitoIdentityId",
            ),
            prefix="authorizer.claims",
        ),
        Needed("method", ("httpMethod",)),
        Needed("path", ("resourcePath", "path")),
        _STATUS,
    ),
    "HTTP": (
        _REQUEST_ID,
        _SOURCE_IP,
        Needed("method", ("httpMethod", "routeKey")),
        Needed("route or path", ("routeKey", "path")),
        _STATUS,
    ),
    "WEBSOCKET": (_REQUEST_ID, _SOURCE_IP, Needed("route", ("routeKey",)), _STATUS),
}
# Worth recording, not required: which connection a WebSocket message came on, and whether it
# was a CONNECT, MESSAGE or DISCONNECT event.
WORTH_RECORDING: dict[str, tuple[Needed, ...]] = {
    "WEBSOCKET": (Needed("connection id", ("connectionId",)), Needed("event type", ("eventType",))),
}


def unrecorded(
    api_type: str, log_format: str | None, needs: Mapping[str, tuple[Needed, ...]] = NEEDED
) -> tuple[Needed, ...]:
    """What an access log of an API of ``api_type`` (REST, HTTP, WEBSOCKET) in ``log_format``
    does not record, of what ``needs`` lists for that type."""
    variables = context_variables(log_format)
    return tuple(needed for needed in needs.get(api_type, ()) if not needed.recorded_by(variables))


@dataclass(frozen=True)
class AccessLogging:
    """A stage's access logs: their destination, the log group behind it, and what the format
    leaves out."""

    destination: str | None  # the destination ARN; None: the stage writes no access logs
    log_group: LogGroup | None  # the CloudWatch Logs group it names (None: not a log group)
    log_format: str | None
    missing: tuple[Needed, ...]  # what an investigation needs that the format does not record
    worth_recording: tuple[Needed, ...]  # useful too, and not recorded
    # A REST or WebSocket stage writing to a log group while the region's account settings
    # name no CloudWatch Logs role: nothing is written
    role_missing: bool = False

    @property
    def destination_type(self) -> str | None:
        """``CloudWatch Logs``, ``Firehose`` (a delivery stream), another service's name, or
        ``None`` without a destination."""
        if self.destination is None:
            return None
        if self.log_group is not None:
            return "CloudWatch Logs"
        parts = self.destination.split(":")  # arn:partition:service:...
        service = parts[2] if len(parts) > 2 and parts[0] == "arn" else "unknown"
        return "Firehose" if service == "firehose" else service

    @property
    def kept_forever(self) -> bool:
        """The log group exists and sets no retention: its events never expire."""
        group = self.log_group
        return group is not None and group.exists and group.retention_days is None


def access_logging(target: RestStageTarget | V2StageTarget, inventory: Inventory) -> AccessLogging:
    """Where the stage writes access logs and what they record. A CloudWatch Logs destination
    is judged with its group as DescribeLogGroups answered and, for REST and WebSocket
    stages, the region's CloudWatch Logs role (GetAccount); ``DataUnavailable`` names the
    failed call when either could not be read. A Firehose destination is judged on the
    format."""
    stage = target.stage
    destination = stage.access_log_destination or None
    if destination is None:
        return AccessLogging(
            destination=None, log_group=None, log_format=None, missing=(), worth_recording=()
        )
    group = None
    if (ref := log_group_ref(destination)) is not None:
        group = require(
            inventory.log_group(ref.arn),
            inventory.errors,
            "DescribeLogGroups",
            f"the access-log group {ref.name} ({ref.region}) of {target.key}",
            target=ref.arn,
        )
    api_type, log_format = target.api.api_type, stage.access_log_format
    role_missing = (
        group is not None
        and api_type in _WRITE_WITH_ACCOUNT_ROLE
        and account_settings(inventory, target.api.region).cloudwatch_role_arn is None
    )
    return AccessLogging(
        destination=destination,
        log_group=group,
        log_format=log_format,
        missing=unrecorded(api_type, log_format),
        worth_recording=unrecorded(api_type, log_format, WORTH_RECORDING),
        role_missing=role_missing,
    )
