"""No behaviour change: two audits' outputs equal their goldens, times and environment aside.

The audit JSON, the resources JSON, pytest-json-report's file and pytest-html's report of
the demo's audit and of the benchmark's small estate (the large estate's shape), normalised
as ``tests_unit/golden.py`` says, against the copies in ``tests_unit/data/golden/<estate>/``.
A change to what the audit writes fails here; when it is meant, ``python -m tests_unit.golden``
writes the goldens again and their diff is the review.
"""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path

import pytest

from tests_unit.golden import ESTATES, OUTPUTS, AuditRun, Output, run_audit

_DIFF_LINES = 80  # of the unified diff in the failure message; the whole file is beside it


@pytest.fixture(scope="module", params=ESTATES)
def audit_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AuditRun:
    return run_audit(request.param, tmp_path_factory.mktemp(request.param))


@pytest.mark.parametrize("output", OUTPUTS, ids=[output.name for output in OUTPUTS])
def test_the_output_equals_its_golden(audit_run: AuditRun, output: Output) -> None:
    actual = audit_run.normalised(output)
    expected = output.read_golden(audit_run.estate)
    if actual == expected:
        return
    written = audit_run.directory / f"{output.name}.normalised"
    written.write_text(actual, encoding="utf-8")
    diff = difflib.unified_diff(
        expected.splitlines(),
        actual.splitlines(),
        str(output.golden(audit_run.estate)),
        str(written),
        lineterm="",
    )
    excerpt = "\n".join(line[:300] for _, line in zip(range(_DIFF_LINES), diff, strict=False))
    pytest.fail(
        f"{output.name} differs from its golden; the normalised output is {written}\n"
        f"(regenerate with `python -m tests_unit.golden` if the change is meant)\n{excerpt}",
        pytrace=False,
    )


def test_the_normalisation_keeps_what_the_audit_decides(tmp_path: Path) -> None:
    """Times become placeholders, a date its distance from the run's day; the rest stays."""
    (tmp_path / "api_gateway_audit.json").write_text(
        '{"generated_at": "2026-12-02T12:48:52Z", "message": "expires on 2026-12-14",'
        ' "saving": 1.5, "name": "caf\\u00e9"}',
        encoding="utf-8",
    )
    run = AuditRun("demo", tmp_path, date(2026, 12, 2))
    assert run.normalised(OUTPUTS[0]) == (
        '{\n "generated_at": "<time>",\n "message": "expires on <day+12>",\n'
        ' "saving": 1.5,\n "name": "café"\n}\n'
    )
