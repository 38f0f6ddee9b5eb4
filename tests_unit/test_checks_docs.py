"""The documentation of the checks is current: ``docs/checks.md`` is what ``python -m
checks.docs`` generates, and the README's table names every check with its issue type,
severity and Security Hub / AWS Config mapping."""

from __future__ import annotations

from checks.docs import DOCUMENT, declared_checks, mappings, render
from tests_unit.conftest import REPO_ROOT


def test_docs_checks_md_is_generated_from_the_checks() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == render(), "run: python -m checks.docs"


def test_the_readme_table_lists_every_check() -> None:
    rows = {
        cells[0]: cells
        for line in (REPO_ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| APIGW-")
        and len(cells := [cell.strip() for cell in line.strip("|").split("|")]) == 6
    }
    declared = {info.id: info for info, _ in declared_checks()}
    assert set(rows) == set(declared)
    for check_id, info in declared.items():
        cells = rows[check_id]
        assert (cells[1], cells[2]) == (info.issue_type, info.severity.name), check_id
        assert cells[5] == (", ".join(mappings(info)) or "-"), check_id


def test_every_check_says_why_it_matters() -> None:
    for info, function in declared_checks():
        rationale = (function.__doc__ or "").partition("\n")[2].strip()
        assert len(rationale.split()) >= 15, f"{info.id}: the docstring says too little"
