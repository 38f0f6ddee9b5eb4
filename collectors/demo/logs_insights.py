"""A CloudWatch Logs Insights interpreter for the emulator: the part of the query language the
audit sends, answered over stored events as Logs Insights answers.

moto's own Logs Insights understands ``fields``, ``sort`` and ``limit`` only. This one also
discovers the fields of JSON events (nested keys joined by ``.``), and runs ``parse`` (glob
mode), ``filter`` (comparisons, ``like``, ``and``/``or``/``not``, ``ispresent``), ``fields``
with arithmetic and ``floor``/``ceil``/``abs``, ``stats`` with ``count``, ``count_distinct``,
``sum``, ``min`` and ``max`` ``by`` fields, ``sort`` and ``limit``, following
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html. Anything else is
refused with the ``MalformedQueryException`` AWS raises, so a query the emulator cannot answer
fails a test instead of answering wrongly.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Row = dict[str, Any]
Value = Any

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>\d+(?:\.\d+)?)
      | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<name>`(?:[^`]|``)+`|[A-Za-z_@$][A-Za-z0-9_.@$-]*)
      | (?P<op><=|>=|!=|=|<|>|\*|/|\+|-|%|\(|\)|,)
    )""",
    re.VERBOSE,
)
_REGEX = re.compile(r"\s*(/(?:[^/\\]|\\.)+/)")  # only where ``like`` expects one
_KEYWORDS = frozenset({"and", "or", "not", "like", "as", "by", "asc", "desc", "in"})
_NUMERIC: dict[str, Callable[[float], float]] = {
    "floor": math.floor,
    "ceil": math.ceil,
    "abs": abs,
}
_AGGREGATES = frozenset({"count", "count_distinct", "sum", "min", "max"})


class Timestamp(float):
    """@timestamp (milliseconds since the epoch); min and max of it stay timestamps, shown as
    GetQueryResults shows them."""


class MalformedQuery(ValueError):
    """What AWS answers ``MalformedQueryException`` to (or the emulator cannot answer)."""


@dataclass
class _Tokens:
    items: list[tuple[str, str]]
    position: int = 0

    @classmethod
    def of(cls, text: str) -> _Tokens:
        items: list[tuple[str, str]] = []
        index = 0
        while index < len(text):
            if items and items[-1][1].lower() == "like" and (regex := _REGEX.match(text, index)):
                items.append(("regex", regex.group(1)))
                index = regex.end()
                continue
            match = _TOKEN.match(text, index)
            if match is None or match.end() == index:
                if text[index:].strip():
                    raise MalformedQuery(f"unexpected text at {text[index : index + 20]!r}")
                break
            kind = match.lastgroup or ""
            items.append((kind, match.group(kind)))
            index = match.end()
        return cls(items)

    def peek(self, value: str | None = None) -> bool:
        if self.position >= len(self.items):
            return False
        return value is None or self.items[self.position][1].lower() == value

    def take(self, value: str | None = None) -> tuple[str, str]:
        if not self.peek(value):
            got = self.items[self.position][1] if self.position < len(self.items) else "end"
            raise MalformedQuery(f"expected {value or 'more'} at {got!r}")
        item = self.items[self.position]
        self.position += 1
        return item

    def done(self) -> bool:
        return self.position >= len(self.items)


# --- expressions -------------------------------------------------------------------------

Expression = Callable[[Row], Value]


def _field_name(token: str) -> str:
    return token[1:-1].replace("``", "`") if token.startswith("`") else token


def _literal(token: str) -> str:
    return re.sub(r"\\(.)", r"\1", token[1:-1])


def _number(value: Value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value))
    except (TypeError, ValueError):
        return None


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}


def _compare(op: str, left: Value, right: Value) -> bool:
    """Numbers compare as numbers, anything else as text; a missing field matches nothing."""
    if left is None or right is None:
        return False
    a, b = _number(left), _number(right)
    if a is not None and b is not None:
        return _ORDER[op](a, b)
    return _ORDER[op](str(left), str(right))


def _arithmetic(op: str, left: Value, right: Value) -> float | None:
    a, b = _number(left), _number(right)
    if a is None or b is None or (op in "/%" and b == 0):
        return None
    return {"+": a + b, "-": a - b, "*": a * b, "/": a / b, "%": a % b}[op]


def _binary(op: str, left: Expression, right: Expression) -> Expression:
    """``left op right``: or, and, a comparison or arithmetic."""

    def run(row: Row) -> Value:
        if op == "or":
            return bool(left(row)) or bool(right(row))
        if op == "and":
            return bool(left(row)) and bool(right(row))
        if op in _ORDER:
            return _compare(op, left(row), right(row))
        return _arithmetic(op, left(row), right(row))

    return run


def _chain(
    tokens: _Tokens, operators: tuple[str, ...], operand: Callable[[_Tokens], Expression]
) -> Expression:
    left = operand(tokens)
    while any(tokens.peek(op) for op in operators):
        op = tokens.take()[1].lower()
        left = _binary(op, left, operand(tokens))
    return left


def _condition(tokens: _Tokens) -> Expression:
    return _chain(tokens, ("or",), _conjunction)


def _conjunction(tokens: _Tokens) -> Expression:
    return _chain(tokens, ("and",), _negation)


def _negation(tokens: _Tokens) -> Expression:
    if tokens.peek("not"):
        tokens.take()
        inner = _negation(tokens)

        def negated(row: Row) -> Value:
            return not inner(row)

        return negated
    return _comparison(tokens)


def _like(left: Expression, kind: str, pattern: str) -> Expression:
    if kind == "regex":
        regex = re.compile(pattern[1:-1])

        def matches(row: Row) -> Value:
            value = left(row)
            return value is not None and regex.search(str(value)) is not None

        return matches
    if kind == "string":
        needle = _literal(pattern)

        def contains(row: Row) -> Value:
            value = left(row)
            return value is not None and needle in str(value)

        return contains
    raise MalformedQuery(f"like needs a /regex/ or a string, not {pattern!r}")


def _comparison(tokens: _Tokens) -> Expression:
    left = _sum(tokens)
    if tokens.peek("like"):
        tokens.take()
        return _like(left, *tokens.take())
    for op in ("<=", ">=", "!=", "=", "<", ">"):
        if tokens.peek(op):
            tokens.take()
            return _binary(op, left, _sum(tokens))
    return left


def _sum(tokens: _Tokens) -> Expression:
    return _chain(tokens, ("+", "-"), _product)


def _product(tokens: _Tokens) -> Expression:
    return _chain(tokens, ("*", "/", "%"), _atom)


def _constant(value: Value) -> Expression:
    def run(row: Row) -> Value:
        return value

    return run


def _reference(name: str) -> Expression:
    def run(row: Row) -> Value:
        return row.get(name)

    return run


def _atom(tokens: _Tokens) -> Expression:
    kind, token = tokens.take()
    if kind == "number":
        return _constant(float(token))
    if kind == "string":
        return _constant(_literal(token))
    if token == "(":
        inner = _condition(tokens)
        tokens.take(")")
        return inner
    if kind != "name" or token.lower() in _KEYWORDS:
        raise MalformedQuery(f"unexpected {token!r}")
    if tokens.peek("("):
        return _function(token.lower(), tokens)
    return _reference(_field_name(token))


def _function(name: str, tokens: _Tokens) -> Expression:
    tokens.take("(")
    argument = _condition(tokens)
    tokens.take(")")
    if name in _NUMERIC:
        function = _NUMERIC[name]

        def numeric(row: Row) -> Value:
            number = _number(argument(row))
            return None if number is None else float(function(number))

        return numeric
    if name == "ispresent":

        def present(row: Row) -> Value:
            return argument(row) is not None

        return present
    raise MalformedQuery(f"the emulator does not know the function {name}()")


# --- commands ----------------------------------------------------------------------------


@dataclass
class _Named:
    expression: Expression
    name: str


def _named_expressions(tokens: _Tokens) -> list[_Named]:
    named: list[_Named] = []
    while True:
        start = tokens.position
        expression = _sum(tokens)
        source = " ".join(token for _, token in tokens.items[start : tokens.position])
        name = source
        if tokens.peek("as"):
            tokens.take()
            name = _field_name(tokens.take()[1])
        elif tokens.position == start + 1:
            name = _field_name(source)
        named.append(_Named(expression, name))
        if not tokens.peek(","):
            return named
        tokens.take()


@dataclass
class _Aggregate:
    function: str
    argument: Expression | None  # None: count(*)
    name: str
    values: dict[tuple[Value, ...], Any] = field(default_factory=dict)


def _aggregates(tokens: _Tokens) -> list[_Aggregate]:
    aggregates: list[_Aggregate] = []
    while True:
        start = tokens.position
        function = tokens.take()[1].lower()
        if function not in _AGGREGATES:
            raise MalformedQuery(f"the emulator does not know the aggregate {function}()")
        tokens.take("(")
        argument: Expression | None = None
        if tokens.peek("*"):
            tokens.take()
        else:
            argument = _sum(tokens)
        tokens.take(")")
        name = "".join(token for _, token in tokens.items[start : tokens.position])
        if tokens.peek("as"):
            tokens.take()
            name = _field_name(tokens.take()[1])
        aggregates.append(_Aggregate(function, argument, name))
        if not tokens.peek(","):
            return aggregates
        tokens.take()


def _glob(pattern: str, names: list[str]) -> Callable[[str], Row | None]:
    if pattern.count("*") != len(names):
        raise MalformedQuery("the number of * in a parse pattern must equal the number of names")
    regex = re.compile(
        "".join("(.*?)" if part == "*" else re.escape(part) for part in re.split(r"(\*)", pattern))
        + "$",
        re.DOTALL,
    )

    def extract(text: str) -> Row | None:
        match = regex.match(text)
        return None if match is None else dict(zip(names, match.groups(), strict=True))

    return extract


def _split_commands(query: str) -> Iterator[str]:
    """The commands of a query: split at ``|`` outside quotes and ``like`` regexes."""
    current: list[str] = []
    quote: str | None = None
    for char in query:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"`" or (char == "/" and "".join(current).rstrip().lower().endswith("like")):
            quote = char
        elif char == "|":
            yield "".join(current).strip()
            current = []
            continue
        current.append(char)
    if "".join(current).strip():
        yield "".join(current).strip()


def _flattened(value: Any, prefix: str, row: Row) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flattened(item, f"{prefix}{key}.", row)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flattened(item, f"{prefix}{index}.", row)
    else:
        row[prefix[:-1]] = value


def _discovered(timestamp_ms: int, message: str, log_stream: str) -> Row:
    """An event's fields as Logs Insights discovers them."""
    row: Row = {
        "@timestamp": Timestamp(timestamp_ms),
        "@message": message,
        "@logStream": log_stream,
    }
    text = message.strip()
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            return row
        if isinstance(document, Mapping):
            _flattened(document, "", row)
    return row


def _shown(value: Value) -> str:
    """A value as GetQueryResults shows it: timestamps as ``2026-12-01 10:00:00.000``."""
    if isinstance(value, Timestamp):
        moment = datetime.fromtimestamp(value / 1000, UTC)
        return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Answer:
    """What GetQueryResults answers once the query completes."""

    results: list[list[dict[str, str]]]
    records_scanned: int
    records_matched: int
    bytes_scanned: int


def run_query(query: str, events: Iterable[tuple[int, str, str]]) -> Answer:
    """Run ``query`` over ``(timestamp ms, message, log stream)`` events (already limited to
    the query's log groups and time range). Raises ``MalformedQuery``."""
    steps: list[Callable[[Iterator[Row]], Iterator[Row]]] = []
    stats: tuple[list[_Aggregate], list[_Named]] | None = None
    limit = 10_000  # GetQueryResults answers at most 10,000 rows
    ordering: tuple[str, bool] | None = None
    for command in _split_commands(query):
        verb, _, rest = command.partition(" ")
        tokens = _Tokens.of(rest)
        verb = verb.lower()
        if stats is not None and verb not in ("sort", "limit"):
            raise MalformedQuery(f"the emulator runs no {verb} after stats")
        if verb in ("fields", "display"):
            named = _named_expressions(tokens)
            steps.append(functools.partial(_with_fields, named=named))
        elif verb == "filter":
            condition = _condition(tokens)
            steps.append(functools.partial(_filtered, condition=condition))
        elif verb == "parse":
            source = _field_name(tokens.take()[1])
            kind, pattern = tokens.take()
            if kind != "string":
                raise MalformedQuery("the emulator parses glob patterns only")
            tokens.take("as")
            names = [_field_name(tokens.take()[1])]
            while tokens.peek(","):
                tokens.take()
                names.append(_field_name(tokens.take()[1]))
            extract = _glob(_literal(pattern), names)
            steps.append(functools.partial(_parsed, source=source, extract=extract))
        elif verb == "stats":
            aggregates = _aggregates(tokens)
            groups: list[_Named] = []
            if tokens.peek("by"):
                tokens.take()
                groups = _named_expressions(tokens)
            stats = (aggregates, groups)
        elif verb == "sort":
            name = _field_name(tokens.take()[1])
            descending = tokens.peek("desc")
            if tokens.peek("desc") or tokens.peek("asc"):
                tokens.take()
            ordering = (name, descending)
        elif verb == "limit":
            limit = min(limit, int(tokens.take()[1]))
        else:
            raise MalformedQuery(f"the emulator does not know the command {verb}")
        if not tokens.done():
            raise MalformedQuery(f"unexpected {tokens.items[tokens.position][1]!r} in {verb}")

    read = {"records": 0, "bytes": 0}

    def discovered() -> Iterator[Row]:
        for timestamp, message, stream in events:
            read["records"] += 1
            read["bytes"] += len(message.encode())
            yield _discovered(timestamp, message, stream)

    rows: Iterator[Row] = discovered()
    for step in steps:
        rows = step(rows)
    if stats is None:
        # without a sort, the first rows found are the answer; the rest are only counted
        out = list(rows) if ordering is not None else list(itertools.islice(rows, limit))
        matched = len(out) + sum(1 for _ in rows)
    else:
        out, matched = _aggregate(rows, *stats)
    if ordering is not None:
        name, descending = ordering
        out.sort(
            key=lambda r: (
                _number(r.get(name)) is None,
                _number(r.get(name)) or 0.0,
                str(r.get(name)),
            ),
            reverse=descending,
        )
    results = [
        [{"field": key, "value": _shown(value)} for key, value in row.items() if value is not None]
        for row in out[:limit]
    ]
    return Answer(results, read["records"], matched, read["bytes"])


def _filtered(rows: Iterator[Row], condition: Expression) -> Iterator[Row]:
    return (row for row in rows if condition(row))


def _with_fields(rows: Iterator[Row], named: list[_Named]) -> Iterator[Row]:
    for row in rows:
        for item in named:
            row[item.name] = item.expression(row)
        yield row


def _parsed(
    rows: Iterator[Row], source: str, extract: Callable[[str], Row | None]
) -> Iterator[Row]:
    for row in rows:
        value = row.get(source)
        found = extract(str(value)) if value is not None else None
        if found:
            row.update(found)
        yield row  # an event the pattern does not match stays, without the fields


def _aggregate(
    rows: Iterator[Row], aggregates: list[_Aggregate], groups: list[_Named]
) -> tuple[list[Row], int]:
    keys: dict[tuple[Value, ...], Row] = {}
    state: dict[tuple[Value, ...], list[Any]] = {}
    matched = 0
    for row in rows:
        matched += 1
        key = tuple(group.expression(row) for group in groups)
        if key not in state:
            keys[key] = {group.name: value for group, value in zip(groups, key, strict=True)}
            state[key] = [set() if a.function == "count_distinct" else None for a in aggregates]
        for index, aggregate in enumerate(aggregates):
            value = None if aggregate.argument is None else aggregate.argument(row)
            current = state[key][index]
            if aggregate.function == "count":
                if aggregate.argument is None or value is not None:
                    state[key][index] = (current or 0) + 1
            elif value is None:
                continue
            elif aggregate.function == "count_distinct":
                current.add(value)
            elif aggregate.function == "sum":
                state[key][index] = (current or 0.0) + (_number(value) or 0.0)
            elif (number := _number(value)) is not None:
                held = _number(current) if current is not None else None
                if held is None or (number < held) == (aggregate.function == "min"):
                    state[key][index] = value
    out: list[Row] = []
    for key, values in state.items():
        row = dict(keys[key])
        for aggregate, value in zip(aggregates, values, strict=True):
            row[aggregate.name] = len(value) if isinstance(value, set) else value
        out.append(row)
    return out, matched
