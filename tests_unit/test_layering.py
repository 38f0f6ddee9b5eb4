"""The layering holds, and a back-edge breaks it: ``lint-imports`` on the tree, then on a copy
of it with one forbidden import added."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests_unit.conftest import REPO_ROOT

PACKAGES = ("collectors", "checks", "reporting")


def _lint_imports(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("lint-imports")), "--no-cache", *args]
    return subprocess.run(
        command,
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": str(Path(sys.executable).parent)},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("layering")
    shutil.copy(REPO_ROOT / "pyproject.toml", root)
    for package in PACKAGES:
        shutil.copytree(
            REPO_ROOT / package, root / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return root


def test_the_layering_holds(tree: Path) -> None:
    result = _lint_imports(tree)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "back_edge", "contract"),
    [
        ("collectors/scope.py", "import reporting.console", "collectors-below"),
        ("checks/policy/labels.py", "import reporting.findings", "checks-above-collectors"),
        ("reporting/console.py", "import collectors.targets", "reports-read-records"),
        ("reporting/console.py", "import boto3", "reports-read-records"),
        ("collectors/contract.py", "import collectors.model", "contract-alone"),
        ("checks/plugin.py", "import collectors.plugin", "plugins-independent"),
    ],
)
def test_a_back_edge_breaks_it(tree: Path, module: str, back_edge: str, contract: str) -> None:
    path = tree / module
    original = path.read_text()
    path.write_text(f"{original}\n{back_edge}\n")
    try:
        result = _lint_imports(tree, "--contract", contract)
    finally:
        path.write_text(original)
    assert result.returncode == 1, result.stdout
    assert "1 broken" in result.stdout


def test_importing_the_reports_loads_neither_boto3_nor_a_check() -> None:
    probe = (
        "import sys, reporting.console, reporting.resources_json, reporting.plugin; "
        "loaded = {m.split('.')[0] for m in sys.modules}; "
        "print(sorted(loaded & {'boto3', 'botocore', 'checks'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
