"""The JSON writer (orjson) writes the document the standard library's ``json.dump`` wrote.

"The same document": parsed back, the same keys in the same order (duplicates would show),
the same strings, integers as integers and floats with the same repr. The bytes differ in
layout only: two-space indent where ``json`` was given one, and non-ASCII characters in UTF-8
where ``json`` escaped them (both read back as the same string). NaN and the infinities,
which ``json`` wrote as tokens that are not JSON, are ``null``.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import orjson
import pytest

from collectors import jsonfile
from collectors.demo.estate import DEMO_REGIONS, build_demo_estate, emulated_aws
from collectors.errors import AuditSetupError
from collectors.jsonfile import read_json, write_json_atomically, write_json_lines_atomically
from collectors.model import Estate, Inventory
from collectors.serialization import estate_to_json, load_snapshot, save_snapshot
from tests_unit.conftest import collect


def as_before(document: Any) -> str:
    """The file ``write_json_atomically`` wrote until issue 15."""
    return json.dumps(document, indent=1, sort_keys=False) + "\n"


def parsed(text: str | bytes) -> Any:
    """A JSON text as ordered pairs, floats by their repr (told apart from strings)."""
    return json.loads(
        text,
        object_pairs_hook=list,
        parse_float=lambda number: ("float", repr(float(number))),
        parse_constant=lambda constant: ("constant", constant),
    )


TRICKY = {
    "zeta": "first key, kept first",
    "alpha": [1, -0.0, 0.1 + 0.2, 1e16, 1e-7, 5e-324, 1.7976931348623157e308, 100.0, 2**63 - 1],
    "escapes": '"quoted" back\\slash /slash \b\f\n\r\t \x00 \x1f \x7f',
    "non-ASCII": "café 東京 \u2028 \U0001f600",
    "empty": [{}, [], "", None, True, False],
    "tuple": (1, ("nested",)),
}


@pytest.fixture(scope="module")
def demo_inventory() -> Inventory:
    with emulated_aws():
        build_demo_estate()
        return collect(DEMO_REGIONS)


def test_a_document_is_the_one_json_wrote(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    write_json_atomically(path, TRICKY)
    written = path.read_bytes()
    assert parsed(written) == parsed(as_before(TRICKY))
    assert written.startswith(b'{\n  "zeta": ')  # two spaces, keys in their order
    assert written.endswith(b"}\n")
    assert "café 東京 \u2028 \U0001f600".encode() in written  # UTF-8, where json wrote \u00e9
    assert rb'"\"quoted\" back\\slash /slash \b\f\n\r\t \u0000 \u001f ' in written


def test_json_lines_are_the_lines_json_wrote(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    write_json_lines_atomically(path, [TRICKY, {"b": 1}])
    lines = path.read_bytes().splitlines()
    assert [parsed(line) for line in lines] == [parsed(json.dumps(TRICKY)), [("b", 1)]]
    assert lines[1] == b'{"b":1}'


def test_the_snapshot_is_the_document_json_wrote(demo_inventory: Inventory, tmp_path: Path) -> None:
    # Twenty accounts of the demo's: an estate of a few thousand operations.
    accounts = tuple(
        dataclasses.replace(
            demo_inventory,
            metadata=dataclasses.replace(demo_inventory.metadata, account_id=f"{n:012d}"),
        )
        for n in range(20)
    )
    for estate in (Estate(inventories=(demo_inventory,)), Estate(inventories=accounts)):
        path = tmp_path / "snapshot.json"
        save_snapshot(estate, path)
        assert parsed(path.read_bytes()) == parsed(as_before(estate_to_json(estate)))
        assert load_snapshot(path) == estate


class Colour(enum.Enum):
    RED = "red"


class Named(NamedTuple):
    a: int
    b: str


class Price(float):
    pass


class Label(enum.StrEnum):
    HIGH = "HIGH"


@pytest.mark.parametrize(
    "document",
    [
        Named(1, "b"),
        [Price(1.5)],
        {2: "int key", 1.5: "float key", True: "bool key", None: "null key"},
        {Label.HIGH: Label.HIGH},
    ],
    ids=["named tuple", "float subclass", "non-str keys", "str enum"],
)
def test_what_json_accepted_is_written_as_json_wrote_it(tmp_path: Path, document: Any) -> None:
    path = tmp_path / "report.json"
    write_json_atomically(path, document)
    assert parsed(path.read_bytes()) == parsed(as_before(document))


@dataclasses.dataclass(frozen=True)
class Record:
    name: str


@pytest.mark.parametrize(
    "value",
    [{1, 2}, b"bytes", Record("x"), datetime(2026, 1, 1, tzinfo=UTC), object(), {(1, 2): "key"}],
    ids=["set", "bytes", "dataclass", "datetime", "object", "tuple key"],
)
def test_what_json_refused_still_fails_and_nothing_is_written(tmp_path: Path, value: Any) -> None:
    path = tmp_path / "report.json"
    path.write_text("previous\n")
    with pytest.raises(TypeError):
        json.dumps({"finding": value})
    with pytest.raises(TypeError):
        write_json_atomically(path, {"finding": value})
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
    assert path.read_text() == "previous\n"


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), -float("inf")], ids=["nan", "inf", "-inf"]
)
def test_a_non_finite_float_is_null_and_a_snapshot_holding_one_as_json_wrote_it_is_refused(
    tmp_path: Path, value: float
) -> None:
    path = tmp_path / "report.json"
    write_json_atomically(path, {"rate": value})
    assert read_json(path) == {"rate": None}
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text(as_before({"schema_version": 3, "estate": {"rate": value}}))
    with pytest.raises(AuditSetupError, match="is not valid JSON"):
        load_snapshot(snapshot)


@pytest.mark.parametrize(
    ("value", "error"),
    [(2**64, "64-bit"), ("\ud800", "surrogates")],
    ids=["beyond 64 bits", "lone surrogate"],
)
def test_values_no_reader_takes_back_as_they_were_are_refused(
    tmp_path: Path, value: Any, error: str
) -> None:
    with pytest.raises(TypeError, match=error):
        write_json_atomically(tmp_path / "report.json", {"value": value})


def test_a_plain_enum_is_written_as_its_value_where_json_refused_it(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    write_json_atomically(path, {"colour": Colour.RED})
    assert read_json(path) == {"colour": "red"}


def documents(seed: int, count: int) -> list[Any]:
    """Nested documents of every shape the writer streams or encodes whole: objects, arrays,
    empty ones, tuples, non-string keys, and strings that need escaping, to depth 6."""
    generator = random.Random(seed)
    leaves: list[Any] = [*TRICKY.values(), 0, -1, 2.5, "", "line\nbreak", "\u2028", None]

    def value(depth: int) -> Any:
        shape = generator.randrange(5 if depth < 6 else 1)
        if shape == 0:
            return generator.choice(leaves)
        size = generator.randrange(4)
        if shape in (1, 2):
            keys: list[Any] = ["k", "\n", 'q"', "é", 3, 1.5, True, None, Label.HIGH]
            return {generator.choice(keys): value(depth + 1) for _ in range(size)}
        if shape == 3:
            return [value(depth + 1) for _ in range(size)]
        return tuple(value(depth + 1) for _ in range(size))

    return [value(0) for _ in range(count)] + [TRICKY, {"a": [TRICKY, {"b": [TRICKY]}]}]


def test_a_document_written_in_parts_is_byte_for_byte_its_encoding_whole(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    for document in documents(seed=15, count=2_000):
        write_json_atomically(path, document)
        whole = orjson.dumps(
            document,
            option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE | orjson.OPT_NON_STR_KEYS,
        )
        assert path.read_bytes() == whole, document


def test_a_large_document_is_written_a_member_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    encoded: list[int] = []
    encode = jsonfile.encode

    def recording(document: Any, options: int) -> bytes:
        data = encode(document, options)
        encoded.append(len(data))
        return data

    monkeypatch.setattr(jsonfile, "encode", recording)
    findings = [{"check": f"APIGW-{n}", "evidence": {"stage": "prod"}} for n in range(1_000)]
    document = {"summary": {"findings": len(findings)}, "groups": {"HIGH": findings}}
    write_json_atomically(tmp_path / "report.json", document)
    size = len((tmp_path / "report.json").read_bytes())
    assert max(encoded) < size / 500  # no encoding of the whole, nor of the list, is held
    assert read_json(tmp_path / "report.json") == document
