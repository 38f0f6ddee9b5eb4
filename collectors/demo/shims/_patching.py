"""How the shims attach to moto: wrap a method, define a handler, route a URL; all idempotent.

Each function marks what it installs with the shim's name, so installing twice (every
process, every ``emulated_aws``) changes nothing the second time, while shims of different
concerns may each wrap the same method once (a REST stage's canary settings and its client
certificate both add to ``Stage.to_json``). Everything installed works on moto's own backend
objects; the only state the shims add is what they hang on those objects (the deployment
snapshots), so it lives and dies with moto's backends.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import moto.apigateway.urls as apigateway_urls
import moto.apigatewayv2.urls as apigatewayv2_urls

_MARK = "_apigw_audit_shims"  # on an installed function: the names of the shims it carries

Function = Callable[..., Any]


def _shim_name(function: Function) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def _shims(function: Any) -> frozenset[str]:
    return frozenset(getattr(function, _MARK, ()))


def _marked(function: Function, shims: frozenset[str]) -> Function:
    setattr(function, _MARK, shims)
    return function


def is_installed(owner: Any, name: str, shim: Function) -> bool:
    return _shim_name(shim) in _shims(getattr(owner, name, None))


def wrap(owner: Any, name: str, make: Callable[[Function], Function]) -> None:
    """Replace ``owner.name`` by ``make(original)``, once per ``make``."""
    if not is_installed(owner, name, make):
        original = getattr(owner, name)
        setattr(owner, name, _marked(make(original), _shims(original) | {_shim_name(make)}))


def define(owner: Any, name: str, function: Function) -> None:
    """Set ``owner.name`` (a response handler moto lacks or answers wrongly), once."""
    if not is_installed(owner, name, function):
        setattr(owner, name, _marked(function, frozenset({_shim_name(function)})))


def route(pattern: str, handler: Function) -> None:
    """Serve ``pattern`` (moto's ``{0}/path$`` form) with ``handler``.

    API Gateway v1 and v2 share a host, so moto routes both through the apigateway backend's
    URL table, which copied v2's at import: a v2 path goes into both tables.
    """
    for table in (apigateway_urls.url_paths, apigatewayv2_urls.url_paths):
        table.setdefault(pattern, handler)


def kept_on(owner: Any, attribute: str, make: Callable[[], Any]) -> Any:
    """The state a shim hangs on a moto object under ``attribute``, made by ``make`` the first
    time: it lives and dies with moto's backends."""
    if not hasattr(owner, attribute):
        setattr(owner, attribute, make())
    return getattr(owner, attribute)


def json_copy(value: Any) -> Any:
    """A detached, JSON-shaped copy: what a snapshot keeps of moto's live objects."""
    return json.loads(json.dumps(value))


def querystring_value(querystring: dict[str, Any], name: str) -> str | None:
    values = querystring.get(name)
    if isinstance(values, list):
        return str(values[0]) if values else None
    return None if values is None else str(values)
