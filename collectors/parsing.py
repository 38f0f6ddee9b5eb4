"""Small helpers shared by the collectors that read boto3 answers: the pages of list answers,
dates, collected lists, the CORS headers response mapping templates set, and an authorizer's
identity sources."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Generic, TypedDict, TypeVar

if TYPE_CHECKING:
    from mypy_boto3_apigateway.type_defs import PaginatorConfigTypeDef

T = TypeVar("T")
Raw = TypeVar("Raw")

# API Gateway's list calls return 25 items a page unless asked; 500 is the most they allow.
PAGE: PaginatorConfigTypeDef = {"PageSize": 500}


class ItemsPage(TypedDict, Generic[T]):
    """A page of an apigateway list answer (GetRestApis, GetResources...)."""

    items: list[T]


class V2ItemsPage(TypedDict, Generic[T]):
    """A page of an apigatewayv2 list answer (GetApis, GetRoutes...)."""

    Items: list[T]


def items_of(pages: Iterable[ItemsPage[T]]) -> list[T]:
    return [item for page in pages for item in page.get("items", [])]


def v2_items_of(pages: Iterable[V2ItemsPage[T]]) -> list[T]:
    return [item for page in pages for item in page.get("Items", [])]


def iso(value: datetime | None) -> str | None:
    """A boto3 datetime as ISO 8601 text (the inventory is JSON), or ``None``."""
    return value.isoformat() if value is not None else None


def parse_all(
    raw_items: Sequence[Raw] | None,
    parse: Callable[[Raw], T],
    sort_key: Callable[[T], str] | None = None,
) -> tuple[T, ...] | None:
    """Parse a collected list; ``None`` (the call failed) stays ``None``, never ``()``."""
    if raw_items is None:
        return None
    items = [parse(raw) for raw in raw_items]
    return tuple(sorted(items, key=sort_key) if sort_key else items)


# "#set($context.responseOverride.header.Access-Control-Allow-Origin = <expression>)", one
# directive a line as AWS documents them (apigateway-override-request-response-parameters)
_CORS_OVERRIDE = re.compile(
    r"#set\(\s*\$context\.responseOverride\.header\.(Access-Control-[A-Za-z-]+)\s*=\s*(.*)\)",
    re.IGNORECASE,
)


_SET_VARIABLE = re.compile(r"#set\(\s*(\$[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\)")


def cors_overrides(templates: Mapping[str, str]) -> dict[str, str]:
    """The Access-Control-* headers response mapping templates override, and to what (a
    template variable replaced by what it was set to)."""
    overrides: dict[str, str] = {}
    for template in templates.values():
        variables: dict[str, str] = {}
        for line in (template or "").splitlines():
            for header, expression in _CORS_OVERRIDE.findall(line):
                value = expression.strip()
                overrides[header] = variables.get(value, value)
            for name, expression in _SET_VARIABLE.findall(line):
                variables[name] = expression.strip()
    return overrides


def identity_sources(raw: str | None) -> tuple[str, ...]:
    """A REST authorizer's comma-separated identitySource, one source each."""
    return tuple(part.strip() for part in (raw or "").split(",") if part.strip())
