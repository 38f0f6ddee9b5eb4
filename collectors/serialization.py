"""Round-trip the estate through JSON, and read and write snapshot files.

A snapshot is ``{"schema_version": 3, "estate": {...}}``: every account's inventory, the
accounts that could not be reached and the shard (``collectors.model.Estate``). Schemas 1 and
2 held one account's ``"inventory"``: they load as an estate of that one inventory. Reading
one checks the version and every field against the dataclasses, so a damaged or foreign file
is refused with a message naming the problem, never half-loaded. A field the snapshot lacks
takes the default the dataclass gives it (a field added since the snapshot was written, whose
default says what older snapshots meant); a field without one is required. A change no
default can express bumps ``SCHEMA_VERSION`` and gets an explicit migration, as schema 1 has
(``_v1_to_v2``).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar, Union, cast

from collectors.errors import AuditSetupError
from collectors.jsonfile import read_json, write_dataclasses_atomically
from collectors.model import SCHEMA_VERSION, Estate, Inventory, estate_of

T = TypeVar("T")


def to_jsonable(value: Any) -> Any:
    """Plain JSON types for a dataclass tree (tuples become lists, mappings dicts)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [to_jsonable(v) for v in value]
    return value


class _ShapeError(ValueError):
    pass


def from_jsonable(cls: type[T], data: Any, where: str = "inventory") -> T:
    """Rebuild a dataclass tree from ``to_jsonable`` output, checking every field's type;
    a mismatch raises ``ValueError`` naming the field, from ``where`` down.

    Read first without naming any field (a snapshot of the xl estate holds millions of
    values, and naming each cost more than checking it), and again, naming each, only to
    say where a mismatch is: both reads take the same decisions."""
    decode = _decoder(cast(Any, cls))
    try:
        return typing.cast(T, decode(data, None))
    except _ShapeError:
        return typing.cast(T, decode(data, where))


# A type's decoder: (JSON value, where it is or None when not named) -> the value.
_Decoder = Callable[[Any, "str | None"], Any]


@functools.cache
def _decoder(tp: Any) -> _Decoder:
    """How to decode a value of type ``tp``, worked out once per type. The decoders of the
    types inside it are looked up on first use, not here: a type may refer to one being
    worked out."""
    origin = typing.get_origin(tp)
    if tp is Any:
        return _as_is
    if origin in (Union, types.UnionType):
        return _union_decoder(typing.get_args(tp))
    if origin is tuple:
        return _tuple_decoder(typing.get_args(tp)[0])
    if origin in (Mapping, dict) or tp is Mapping:
        return _mapping_decoder(typing.get_args(tp)[1])
    if dataclasses.is_dataclass(tp):
        return _dataclass_decoder(cast(type, tp))
    if tp is float:
        return _number
    return functools.partial(_plain, tp)


def _as_is(data: Any, where: str | None) -> Any:
    return data


def _union_decoder(options: tuple[Any, ...]) -> _Decoder:
    nullable = type(None) in options
    others = [option for option in options if option is not type(None)]

    def decode(data: Any, where: str | None) -> Any:
        if data is None and nullable:
            return None
        errors = []
        for option in others:
            try:
                return _decoder(option)(data, where)
            except _ShapeError as exc:
                errors.append(str(exc))
        raise _ShapeError(errors[0] if errors else f"{where}: unexpected null")

    return decode


def _tuple_decoder(item_type: Any) -> _Decoder:
    def decode(data: Any, where: str | None) -> Any:
        _expect(data, list, where)
        item = _decoder(item_type)
        if where is None:
            return tuple([item(v, None) for v in data])
        return tuple(item(v, f"{where}[{i}]") for i, v in enumerate(data))

    return decode


def _mapping_decoder(value_type: Any) -> _Decoder:
    def decode(data: Any, where: str | None) -> Any:
        _expect(data, dict, where)
        value = _decoder(value_type)
        return {k: value(v, where and f"{where}.{k}") for k, v in data.items()}

    return decode


def _dataclass_decoder(tp: type) -> _Decoder:
    resolved: list[tuple[tuple[str, _Decoder, bool], ...]] = []  # its fields, once known

    def decode(data: Any, where: str | None) -> Any:
        _expect(data, dict, where)
        if not resolved:
            hints = typing.get_type_hints(tp)
            resolved.append(
                tuple(
                    (field.name, _decoder(hints[field.name]), not _has_default(field))
                    for field in dataclasses.fields(tp)
                )
            )
        kwargs = {}
        for name, field_decoder, required in resolved[0]:
            if name in data:
                kwargs[name] = field_decoder(data[name], where and f"{where}.{name}")
            elif required:
                raise _ShapeError(f"{where}: missing field '{name}'")
        return tp(**kwargs)

    return decode


def _number(data: Any, where: str | None) -> float:
    if isinstance(data, (int, float)) and not isinstance(data, bool):
        return float(data)
    raise _ShapeError(f"{where}: expected a number, got {type(data).__name__}")


def _plain(tp: type, data: Any, where: str | None) -> Any:
    _expect(data, tp, where)
    return data


def _has_default(field: dataclasses.Field[Any]) -> bool:
    """Whether a field missing from a snapshot may take its default: a field added to the
    model with a default is one whose absence older snapshots mean."""
    return (
        field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING
    )


def _expect(data: Any, tp: type, where: str | None) -> None:
    if not isinstance(data, tp) or (tp is int and isinstance(data, bool)):
        raise _ShapeError(f"{where}: expected {tp.__name__}, got {type(data).__name__}")


_NOT_IN_V1 = "NotInSnapshot"


def _not_in_v1(service: str, operation: str, target: str) -> dict[str, str]:
    return {
        "service": service,
        "operation": operation,
        "target": target,
        "code": _NOT_IN_V1,
        "message": "this snapshot (schema 1) was taken before apigw-audit read it: "
        "collect the inventory again",
    }


def _v1_resource(resource: dict[str, Any]) -> dict[str, Any]:
    methods = [
        {
            **method,
            "integration": (
                {**method["integration"], "response_cors_overrides": {}}
                if method.get("integration") is not None
                else None
            ),
        }
        for method in resource.get("methods") or []
    ]
    return {**resource, "methods": methods}


def _v1_to_v2(inventory: dict[str, Any]) -> dict[str, Any]:
    """Schema 1 predates what stages serve (deployments), account limits, custom domains and
    CloudFront. Their fields get their empty values and each gap a recorded error, so the
    checks that need them are UNKNOWN with that reason (fail closed), never a pass."""
    migrated = dict(inventory)
    regions = list((inventory.get("metadata") or {}).get("regions") or [])
    errors = list(inventory.get("errors") or [])
    errors.append(_not_in_v1("cloudfront", "ListDistributions", "global"))
    for region in regions:
        errors.append(_not_in_v1("apigateway", "GetAccount", region))
        errors.append(_not_in_v1("apigatewayv2", "GetDomainNames", region))
    rest_apis = []
    for api in inventory.get("rest_apis") or []:
        target = f"{api.get('region')}/{api.get('id')}"
        stages = [
            {**stage, "canary_deployment_id": None, "canary_percent_traffic": None}
            for stage in api.get("stages") or []
        ]
        resources = api.get("resources")
        rest_apis.append(
            {
                **api,
                "resources": (
                    [_v1_resource(resource) for resource in resources]
                    if resources is not None
                    else None
                ),
                "stages": stages if api.get("stages") is not None else None,
                "deployments": [],
                "errors": [*api.get("errors", []), _not_in_v1("apigateway", "GetExport", target)],
            }
        )
    http_apis = []
    for api in inventory.get("http_apis") or []:
        target = f"{api.get('region')}/{api.get('id')}"
        routes = api.get("routes")
        integrations = api.get("integrations")
        http_apis.append(
            {
                **api,
                "routes": (
                    [
                        {
                            **route,
                            "model_selection_expression": None,
                            "request_models": {},
                            "request_parameters": {},
                        }
                        for route in routes
                    ]
                    if routes is not None
                    else None
                ),
                "integrations": (
                    [{**integration, "subtype": None} for integration in integrations]
                    if integrations is not None
                    else None
                ),
                "deployments": [],
                "errors": [
                    *api.get("errors", []),
                    _not_in_v1("apigatewayv2", "ExportApi", target),
                ],
            }
        )
    migrated.update(
        rest_apis=rest_apis,
        http_apis=http_apis,
        accounts=[],
        custom_domains=[],
        distributions=None,
        errors=errors,
    )
    return migrated


def estate_to_json(audited: Estate | Inventory) -> dict[str, Any]:
    """The snapshot document of an estate (an inventory: an estate of its one account)."""
    return {"schema_version": SCHEMA_VERSION, "estate": to_jsonable(estate_of(audited))}


def estate_from_json(document: Any) -> Estate:
    """Raise ``ValueError`` naming the problem when the document is not a usable snapshot."""
    if not isinstance(document, dict) or "schema_version" not in document:
        raise ValueError("not an apigw-audit snapshot (no schema_version)")
    version = document["schema_version"]
    if not isinstance(version, int):
        raise ValueError(f"schema_version must be a whole number, got {version!r}")
    if version > SCHEMA_VERSION:
        raise ValueError(
            f"written by a newer apigw-audit (schema {version}; this version reads up to "
            f"{SCHEMA_VERSION}): upgrade apigw-audit"
        )
    if version >= 3:
        try:
            return from_jsonable(Estate, document.get("estate"), "estate")
        except _ShapeError as exc:
            raise ValueError(f"malformed estate: {exc}") from None
    inventory = document.get("inventory")
    if version < 2 and isinstance(inventory, dict):
        inventory = _v1_to_v2(inventory)
    try:
        return Estate(inventories=(from_jsonable(Inventory, inventory),))
    except _ShapeError as exc:
        raise ValueError(f"malformed inventory: {exc}") from None


def save_snapshot(audited: Estate | Inventory, path: Path) -> None:
    """Write the snapshot of an estate (an inventory: an estate of its one account): the
    document ``estate_to_json`` makes, encoded from the dataclasses without building it."""
    document = {"schema_version": SCHEMA_VERSION, "estate": estate_of(audited)}
    write_dataclasses_atomically(path, document)


def load_snapshot(path: Path) -> Estate:
    """Read a snapshot file; any problem is an ``AuditSetupError`` naming the file."""
    try:
        document = read_json(path)
    except FileNotFoundError:
        raise AuditSetupError(f"Snapshot file {path} does not exist.") from None
    except OSError as exc:
        raise AuditSetupError(f"Cannot read snapshot file {path}: {exc.strerror}.") from None
    except json.JSONDecodeError as exc:  # orjson's, invalid UTF-8 included
        raise AuditSetupError(f"Snapshot file {path} is not valid JSON: {exc}.") from None
    try:
        return estate_from_json(document)
    except ValueError as exc:
        raise AuditSetupError(f"Snapshot file {path} cannot be used: {exc}.") from None
