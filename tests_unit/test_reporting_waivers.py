"""Waivers files: YAML or TOML, five fields per entry, one-line errors naming the entry."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from reporting.waivers import Waiver, WaiverFileError, load_waivers, unknown_check, waiver_for

ENTRY = """  - check: APIGW-AUTH-001
    target: "us-east-1/*/prod/GET /health"
    reason: Public health probe.
    expires: 2026-12-31
    approved_by: security@example.com
"""


def write(tmp_path: Path, text: str, name: str = "waivers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_yaml_and_toml_files_give_the_same_waivers(tmp_path: Path) -> None:
    toml = (
        '[[waivers]]\ncheck = "APIGW-AUTH-001"\ntarget = "us-east-1/*/prod/GET /health"\n'
        'reason = "Public health probe."\nexpires = 2026-12-31\n'
        'approved_by = "security@example.com"\n'
    )
    expected = Waiver(
        1,
        "APIGW-AUTH-001",
        "us-east-1/*/prod/GET /health",
        "Public health probe.",
        date(2026, 12, 31),
        "security@example.com",
    )
    assert load_waivers(write(tmp_path, "waivers:\n" + ENTRY)) == (expected,)
    assert load_waivers(write(tmp_path, toml, "waivers.toml")) == (expected,)


def test_a_quoted_date_is_read_too(tmp_path: Path) -> None:
    (waiver,) = load_waivers(
        write(tmp_path, "waivers:\n" + ENTRY.replace("2026-12-31", '"2026-12-31"'))
    )
    assert waiver.expires == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            ENTRY.replace("    reason: Public health probe.\n", ""),
            "entry 2 (APIGW-AUTH-001): missing reason.",
        ),
        (
            ENTRY.replace("2026-12-31", "end of year"),
            "entry 2 (APIGW-AUTH-001): expires must be a date (YYYY-MM-DD), got 'end of year'.",
        ),
        (
            ENTRY.replace("approved_by:", "aproved_by:"),
            "entry 2 (APIGW-AUTH-001): missing approved_by.",
        ),
        (
            ENTRY + "    ticket: SEC-1\n",
            "entry 2 (APIGW-AUTH-001): unknown field ticket "
            "(expected check, target, reason, expires, approved_by).",
        ),
        (
            ENTRY.replace("Public health probe.", '""'),
            "entry 2 (APIGW-AUTH-001): reason must be a non-empty text.",
        ),
        (
            "  - just a string\n",
            "entry 2: expected the fields check, target, reason, expires, approved_by.",
        ),
    ],
    ids=[
        "missing-field",
        "bad-date",
        "misspelt-field",
        "unknown-field",
        "empty-text",
        "not-a-mapping",
    ],
)
def test_a_bad_entry_is_named_in_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "waivers:\n" + ENTRY + text)
    with pytest.raises(WaiverFileError) as error:
        load_waivers(path)
    assert str(error.value) == f"Waivers file {path}, {message}"


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("waivers.yaml", "- check: x\n", "must hold a list named 'waivers'."),
        ("waivers.yaml", "waivers: [\n", "cannot be parsed: "),
        ("waivers.toml", "waivers = [\n", "cannot be parsed: "),
        ("waivers.json", "{}", "must be YAML (.yaml, .yml) or TOML (.toml)."),
    ],
)
def test_a_file_that_is_not_a_waivers_list_is_refused(
    tmp_path: Path, name: str, text: str, problem: str
) -> None:
    with pytest.raises(WaiverFileError, match="^Waivers file .*" + re.escape(problem)):
        load_waivers(write(tmp_path, text, name))


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(WaiverFileError, match="does not exist"):
        load_waivers(tmp_path / "nope.yaml")


def test_target_is_a_glob_over_the_key_or_the_literal_test_id() -> None:
    waiver = Waiver(1, "C-1", "us-east-1/*/prod/GET /pets*", "r", date(2999, 1, 1), "me")
    assert waiver.matches("C-1", "us-east-1/abc/prod/GET /pets/{id}", "t")
    assert not waiver.matches("C-2", "us-east-1/abc/prod/GET /pets/{id}", "t")
    test_id = "checks/test_access.py::test_x[us-east-1/abc/prod/GET /pets]"
    by_id = Waiver(1, "C-1", test_id, "r", date(2999, 1, 1), "me")
    assert by_id.matches("C-1", "other", test_id)  # "[...]" is no character set here


def test_a_waiver_applies_through_its_expiry_date() -> None:
    waiver = Waiver(1, "C-1", "*", "r", date(2026, 11, 21), "me")
    assert waiver_for([waiver], "C-1", "k", "t", date(2026, 11, 21)) == (waiver, None)
    assert waiver_for([waiver], "C-1", "k", "t", date(2026, 11, 22)) == (None, waiver)


@pytest.mark.parametrize("day", ["2027-13-45", "2027-02-30"])
def test_an_impossible_yaml_date_names_the_entry(tmp_path: Path, day: str) -> None:
    path = write(tmp_path, "waivers:\n" + ENTRY + ENTRY.replace("2026-12-31", day))
    with pytest.raises(WaiverFileError) as error:
        load_waivers(path)
    assert str(error.value) == (
        f"Waivers file {path}, entry 2 (APIGW-AUTH-001): expires must be a date (YYYY-MM-DD), "
        f"got '{day}'."
    )


@pytest.mark.parametrize("day", ["2027-13-45", "2027-02-30"])
def test_an_impossible_toml_date_names_the_entry(tmp_path: Path, day: str) -> None:
    entry = (
        '[[waivers]]\ncheck = "APIGW-AUTH-001"\ntarget = "*"\nreason = "r"\n'
        'expires = {day}\napproved_by = "me"\n'
    )
    path = write(tmp_path, entry.format(day="2026-12-31") + entry.format(day=day), "w.toml")
    with pytest.raises(WaiverFileError) as error:
        load_waivers(path)
    assert re.fullmatch(
        f"Waivers file {re.escape(str(path))}, entry 2 cannot be parsed: .*line 11.*",
        str(error.value),
    )


def test_a_waiver_naming_no_known_check_is_named_with_the_closest_id() -> None:
    waivers = [
        Waiver(1, "APIGW-AUTH-001", "*", "r", date(2999, 1, 1), "me"),
        Waiver(2, "APIGW-AUTH-01", "*", "r", date(2999, 1, 1), "me"),
    ]
    known = {"APIGW-AUTH-001", "APIGW-WAF-001"}
    assert unknown_check(waivers, known, "w.yaml") == (
        "Waivers file w.yaml, entry 2 (APIGW-AUTH-01): no check has this id "
        "(did you mean APIGW-AUTH-001?)."
    )
    assert unknown_check(waivers[:1], known, "w.yaml") is None
    far = Waiver(3, "ACME-OWNER-001", "*", "r", date(2999, 1, 1), "me")
    assert unknown_check([far], known, "w.yaml") == (
        "Waivers file w.yaml, entry 3 (ACME-OWNER-001): no check has this id."
    )
