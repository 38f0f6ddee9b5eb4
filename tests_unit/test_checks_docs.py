"""The documentation of the checks is current: ``docs/checks.md`` is what ``python -m
checks.docs`` generates, and the README's table names every check with its issue type,
severity and Security Hub / AWS Config mapping; each mapping cites Security Hub's page."""

from __future__ import annotations

import pytest

from checks import SECURITY_HUB, Severity, check
from checks.docs import DOCUMENT, declared_checks, mappings, render, requirements
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


def test_each_security_hub_control_cites_its_control_reference_page() -> None:
    for info, _ in declared_checks():
        for control in info.mapped(SECURITY_HUB):
            service, number = control.lower().split(".")
            anchor = f"/securityhub/latest/userguide/{service}-controls.html#{service}-{number}"
            assert any(link.endswith(anchor) for link in info.references), info.id


def test_the_related_requirements_are_documented_with_their_framework() -> None:
    logging = next(info for info, _ in declared_checks() if info.id == "APIGW-LOG-001")
    assert logging.mapped(SECURITY_HUB) == ("APIGateway.1",)
    assert requirements(logging)[:2] == ["NIST.800-53.r5 AC-4(26)", "NIST.800-53.r5 AU-10"]
    assert "NIST.800-53.r5 AC-4(26), NIST.800-53.r5 AU-10" in render()
    certificates = next(info for info, _ in declared_checks() if info.id == "APIGW-TLS-003")
    assert requirements(certificates)[-1] == "PCI DSS v4.0.1 4.2.1"


def test_a_framework_requirement_without_the_security_hub_control_is_refused() -> None:
    declare = check(
        id="TEST-MAP-001",
        issue_type="Mapping",
        severity=Severity.LOW,
        security_impact="None.",
        remediation=("None.",),
        compliance={"NIST.800-53.r5": ("AC-3",)},
    )

    def test_mapped() -> None:
        """Maps a requirement"""

    with pytest.raises(ValueError, match=r"NIST\.800-53\.r5 without a Security Hub control"):
        declare(test_mapped)
