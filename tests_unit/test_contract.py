"""Which runs audit (``collectors.contract.runs_checks``): decided before collection, from the
run's paths and options, the same way by every plugin."""

from __future__ import annotations

import pytest

from collectors.contract import runs_checks, suite_checks_dir
from tests_unit.conftest import CHECKS_DIR, REPO_ROOT


def test_the_suites_checks_are_found_without_importing_them() -> None:
    assert suite_checks_dir() == CHECKS_DIR


@pytest.mark.parametrize(
    ("args", "audits"),
    [
        ([str(CHECKS_DIR)], True),
        ([f"{CHECKS_DIR}/test_access.py::test_operation_requires_authorization"], True),
        ([str(REPO_ROOT)], True),  # the repository holds the checks
        (["--pyargs", "checks"], True),
        (["--pyargs", "checks.test_access"], True),
        ([str(REPO_ROOT / "tests_unit")], False),
        (["acme_checks"], False),  # an organisation's checks alone name no estate...
        (["acme_checks", "--snapshot-in", "inventory.json"], True),  # ...unless told
        (["acme_checks", "--region", "us-east-1"], True),
        (["--pyargs", "nosuchpackage.sub"], False),  # pytest itself reports it
    ],
)
def test_a_run_audits_when_it_includes_the_checks_or_names_an_estate(
    pytester: pytest.Pytester, args: list[str], audits: bool
) -> None:
    pytester.mkdir("acme_checks")
    assert runs_checks(pytester.parseconfig(*args)) is audits
