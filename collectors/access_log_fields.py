"""Where a stage's access-log format puts each ``$context`` variable, as CloudWatch Logs
Insights sees an event written in it.

A format is any text with ``$context`` variables in it
(https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-access-logging.html).
Logs Insights discovers the fields of a JSON event by itself, nested keys joined by ``.``; any
other layout (CLF, XML, CSV or free text) is read with one ``parse`` glob built from the format,
its literal text kept and each variable a ``*`` that runs to the next literal
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Parse.html).
Parsed once per distinct format, never per event.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

# As checks.policy.access_logs reads them: the name runs on through dotted parts.
_VARIABLE = re.compile(r"\$context\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)")
_PLACEHOLDER = re.compile(r"@@ctx(\d+)@@")
_PLAIN_FIELD = re.compile(r"[A-Za-z_@][A-Za-z0-9_.@]*")


@dataclass(frozen=True)
class LogFields:
    """How to read a format's variables in a Logs Insights query."""

    layout: str  # JSON, XML, CSV or TEXT (CLF is TEXT: spaces between its variables)
    fields: Mapping[str, str]  # variable ("identity.sourceIp") -> query field holding it alone
    # For any layout but JSON: the parse command that extracts ``fields`` from @message
    parse_command: str | None

    def field(self, variable: str) -> str | None:
        """The query field holding ``variable`` (without ``$context.``), quoted for a query;
        ``None`` when the format does not record it on its own."""
        name = self.fields.get(variable)
        return None if name is None else quoted_field(name)


class UnreadableFormat(ValueError):
    """A format no Logs Insights query can take apart; the message says why."""


def quoted_field(name: str) -> str:
    """A field name as a query writes it: in backticks unless plain
    (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData-discoverable-fields.html)."""
    return name if _PLAIN_FIELD.fullmatch(name) else "`" + name.replace("`", "``") + "`"


def log_fields(log_format: str) -> LogFields:
    """Where ``log_format`` puts each variable. Raises ``UnreadableFormat`` when it cannot be
    taken apart (JSON that does not parse, two variables with nothing between them, a format
    using both quote characters)."""
    text = log_format.strip()
    if text.startswith("{"):
        return _json_fields(text)
    return _glob_fields(text)


def _json_fields(text: str) -> LogFields:
    variables: list[str] = []

    def placeholder(match: re.Match[str]) -> str:
        variables.append(match.group(1))
        return f"@@ctx{len(variables) - 1}@@"

    try:
        document = json.loads(_quote_bare_placeholders(_VARIABLE.sub(placeholder, text)))
    except json.JSONDecodeError as exc:
        raise UnreadableFormat(f"the JSON access-log format does not parse: {exc.msg}") from None
    fields: dict[str, str] = {}
    for path, value in _leaves(document, ()):
        whole = _PLACEHOLDER.fullmatch(value) if isinstance(value, str) else None
        if whole is not None:  # a value mixing variables or text holds none on its own
            fields.setdefault(variables[int(whole.group(1))], ".".join(path))
    return LogFields("JSON", fields, None)


def _quote_bare_placeholders(text: str) -> str:
    """Quote the variables written bare (``"status": $context.status``, which AWS writes as
    a number) so the template parses as JSON; those inside strings are left as they are."""
    out: list[str] = []
    position = 0
    in_string = escaped = False
    while position < len(text):
        char = text[position]
        bare = None if in_string else _PLACEHOLDER.match(text, position)
        if bare is not None:
            out.append(f'"{bare.group(0)}"')
            position = bare.end()
            continue
        if in_string:
            in_string = escaped or char != '"'
            escaped = not escaped and char == "\\"
        elif char == '"':
            in_string = True
        out.append(char)
        position += 1
    return "".join(out)


def _leaves(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _leaves(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, str(index)))
    else:
        yield path, value


def _glob_fields(text: str) -> LogFields:
    parts = _VARIABLE.split(text)  # literal, variable, literal, ..., literal
    literals, variables = parts[0::2], parts[1::2]
    if not variables:
        raise UnreadableFormat("the access-log format names no $context variable")
    if any(not literal for literal in literals[1:-1]):
        raise UnreadableFormat(
            "two $context variables follow each other with nothing between them, so no query "
            "can tell where one ends"
        )
    pattern = "*".join(literals)
    if "*" in "".join(literals):
        raise UnreadableFormat("the access-log format has a literal '*', which a glob cannot match")
    quote = "'" if "'" not in pattern else '"' if '"' not in pattern else None
    if quote is None:
        raise UnreadableFormat("the access-log format uses both quote characters")
    fields: dict[str, str] = {}
    aliases = []
    for index, variable in enumerate(variables):
        alias = f"f{index}_{variable.replace('.', '_')}"
        aliases.append(alias)
        fields.setdefault(variable, alias)
    command = f"parse @message {quote}{pattern}{quote} as {', '.join(aliases)}"
    return LogFields(_layout(text, literals), fields, command)


def _layout(text: str, literals: list[str]) -> str:
    if text.startswith("<"):
        return "XML"
    separators = {literal for literal in literals[1:-1]}
    return "CSV" if separators == {","} else "TEXT"
