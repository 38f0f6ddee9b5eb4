"""A check item's target and derived fixtures are handed over without pytest's fixture setup,
with the values and outcomes pytest's setup would give (``checks.handed``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from checks import derived_fixture
from collectors.demo.builders import HttpApiBuilder, RestApiBuilder
from collectors.demo.estate import emulated_aws
from collectors.serialization import save_snapshot
from tests_unit.conftest import collect, failing_session
from tests_unit.test_checks_plugin import LoggedRecords

INI = "[pytest]\nmarkers =\n    severity(level): the check's severity\n"
CONFTEST = """
import pytest
from checks import derived_fixture
from collectors.errors import DataUnavailable

pytest_plugins = ("collectors.plugin", "checks.plugin")
SET_UP = {"session": 0}


@pytest.fixture(scope="session")
def prefix():
    SET_UP["session"] += 1
    return "stage"


@derived_fixture
def stage_label(stage, prefix):
    return f"{prefix} {stage.stage.name} of {stage.api.name}"


@derived_fixture
def label_length(stage_label):
    return len(stage_label)


@derived_fixture
def unreadable(stage):
    raise DataUnavailable(f"GetThing failed for {stage.api.name}")


@derived_fixture
def not_applicable(stage):
    pytest.skip(f"no thing on {stage.api.name}")


@pytest.fixture
def plain_label(stage):
    return stage.api.name
"""
CHECK = """
import pytest
from checks import Severity, check

@check(id="TEST-001", issue_type="Test", severity=Severity.LOW,
       security_impact="None.", remediation=("None.",))
def test_check({fixtures}):
    "Test"
    {body}
"""


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("handed") / "inventory.json"
    with emulated_aws():
        for name in ("alpha", "beta"):
            rest = RestApiBuilder(name)
            rest.method("GET", "/things")
            rest.stage("prod")
        HttpApiBuilder("gamma").stage("prod")
        save_snapshot(collect(), path)
    return path


class FixtureSetups:
    """Counts the fixtures pytest sets up, by name."""

    def __init__(self) -> None:
        self.names: Counter[str] = Counter()

    def pytest_fixture_setup(self, fixturedef: pytest.FixtureDef[object]) -> None:
        self.names[fixturedef.argname] += 1


def _run(
    pytester: pytest.Pytester,
    snapshot: Path,
    fixtures: str,
    body: str,
    *options: str,
    conftest: str = CONFTEST,
) -> tuple[pytest.RunResult, FixtureSetups]:
    pytester.makeini(INI)
    pytester.makeconftest(conftest)
    pytester.makepyfile(test_checks=CHECK.format(fixtures=fixtures, body=body))
    setups = FixtureSetups()
    result = pytester.runpytest_inprocess(f"--snapshot-in={snapshot}", *options, plugins=[setups])
    return result, setups


LABELS = (
    "assert stage_label == f'stage {stage.stage.name} of {stage.api.name}'\n"
    "    assert label_length == len(stage_label)\n"
    "    assert request.node.name.startswith('test_check[')"
)


def test_the_target_and_derived_fixtures_are_handed_without_setup(
    pytester: pytest.Pytester, snapshot: Path
) -> None:
    result, setups = _run(pytester, snapshot, "stage, stage_label, label_length, request", LABELS)
    result.assert_outcomes(passed=3)
    # pytest sets the session fixture up on its first use, and with it that item's fixtures
    # derived from it; nothing else
    assert setups.names == {"prefix": 1, "stage_label": 1, "label_length": 1}


def test_setup_show_sets_every_fixture_up_as_pytest_does(
    pytester: pytest.Pytester, snapshot: Path
) -> None:
    fixtures = "stage, stage_label, label_length, request"
    result, setups = _run(pytester, snapshot, fixtures, LABELS, "--setup-show")
    result.assert_outcomes(passed=3)
    assert setups.names["stage_label"] == setups.names["stage"] == 3
    result.stdout.fnmatch_lines(["*SETUP    F stage_label*"])


def test_a_plain_fixture_is_set_up_by_pytest(pytester: pytest.Pytester, snapshot: Path) -> None:
    result, setups = _run(pytester, snapshot, "stage, plain_label", "assert plain_label")
    result.assert_outcomes(passed=3)
    assert setups.names["plain_label"] == 3
    assert setups.names["stage"] == 0  # plain_label's request finds the handed target


def test_a_closer_fixture_of_the_same_name_wins(pytester: pytest.Pytester, snapshot: Path) -> None:
    shadowing = CHECK + '\n@pytest.fixture\ndef stage_label():\n    return "mine"\n'
    pytester.makeini(INI)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_checks=shadowing.format(
            fixtures="stage, stage_label", body="assert stage_label == 'mine'"
        )
    )
    setups = FixtureSetups()
    result = pytester.runpytest_inprocess(f"--snapshot-in={snapshot}", plugins=[setups])
    result.assert_outcomes(passed=3)
    assert setups.names["stage_label"] == 3


def test_a_user_autouse_fixture_still_runs(pytester: pytest.Pytester, snapshot: Path) -> None:
    conftest = CONFTEST + (
        "\nRAN = []\n\n@pytest.fixture(autouse=True)\ndef around(request):\n"
        "    RAN.append(request.node.name)\n"
    )
    body = "from conftest import RAN\n    assert RAN[-1] == request.node.name"
    result, setups = _run(pytester, snapshot, "stage, request", body, conftest=conftest)
    result.assert_outcomes(passed=3)
    assert setups.names["around"] == 3
    assert setups.names["stage"] == 0


def test_a_derived_fixture_that_cannot_read_its_data_errors_with_the_reason(
    pytester: pytest.Pytester, snapshot: Path
) -> None:
    result, _ = _run(pytester, snapshot, "stage, unreadable", "pass")
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(["    GetThing failed for alpha", "*ERROR test_checks.py*- da*"])
    assert "Traceback" not in result.stdout.str()


def test_a_derived_fixture_that_skips_skips_as_under_pytest_s_setup(
    pytester: pytest.Pytester, snapshot: Path
) -> None:
    result, _ = _run(pytester, snapshot, "stage, not_applicable", "pass", "-rs")
    handed = [line for line in result.stdout.lines if line.startswith("SKIPPED")]
    result.assert_outcomes(skipped=3)
    shown, _ = _run(pytester, snapshot, "stage, not_applicable", "pass", "-rs", "--setup-show")
    assert handed == [line for line in shown.stdout.lines if line.startswith("SKIPPED")]
    assert any("no thing on alpha" in line for line in handed)


def test_a_target_that_could_not_be_read_errors_as_under_pytest_s_setup(
    pytester: pytest.Pytester, tmp_path: Path
) -> None:
    """The stages of an API whose listing failed are placeholders: their target fixture
    raises DataUnavailable, handed or not."""
    snapshot = tmp_path / "inventory.json"
    with emulated_aws():
        rest = RestApiBuilder("alpha")
        rest.method("GET", "/things")
        rest.stage("prod")
        save_snapshot(
            collect(session=failing_session("before-call.apigateway.GetStages", "AccessDenied")),
            snapshot,
        )
    result, _ = _run(pytester, snapshot, "stage, stage_label", "pass")
    shown, _ = _run(pytester, snapshot, "stage, stage_label", "pass", "--setup-show")
    assert result.parseoutcomes() == shown.parseoutcomes() == {"errors": 1}
    unknown = [line for line in result.stdout.lines if "GetStages" in line]
    assert unknown
    assert unknown == [line for line in shown.stdout.lines if "GetStages" in line]


@pytest.mark.parametrize("options", [(), ("--setup-show",)], ids=["handed", "set up"])
def test_the_evidence_is_the_record_s_details_handed_or_set_up(
    pytester: pytest.Pytester, snapshot: Path, options: tuple[str, ...]
) -> None:
    pytester.makeini(INI)
    pytester.makeconftest(CONFTEST)
    body = "evidence['api'] = stage.api.name"
    pytester.makepyfile(test_checks=CHECK.format(fixtures="stage, evidence", body=body))
    setups, logged = FixtureSetups(), LoggedRecords()
    result = pytester.runpytest_inprocess(
        f"--snapshot-in={snapshot}", *options, plugins=[setups, logged]
    )
    result.assert_outcomes(passed=3)
    record = logged.records["teardown"]  # the last item's
    assert record["details"] == {"api": record["target"]["api_name"]}
    assert setups.names["evidence"] == (3 if options else 0)


def _both(
    pytester: pytest.Pytester, snapshot: Path, fixtures: str, body: str, extra: str = ""
) -> tuple[pytest.RunResult, pytest.RunResult]:
    """The check run handed, then with --setup-show (pytest sets every fixture up)."""
    pytester.makeini(INI)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_checks=CHECK.format(fixtures=fixtures, body=body) + extra)
    handed = pytester.runpytest_inprocess(f"--snapshot-in={snapshot}")
    set_up = pytester.runpytest_inprocess(f"--snapshot-in={snapshot}", "--setup-show")
    return handed, set_up


@pytest.mark.parametrize(
    "override",
    [
        "@derived_fixture\ndef stage_label(stage_label):\n    return stage_label.upper()\n",
        "@pytest.fixture(scope='session')\ndef prefix(prefix):\n    return prefix.upper()\n",
    ],
    ids=["derived", "session"],
)
def test_a_fixture_that_overrides_its_own_name_gets_the_one_it_overrides(
    pytester: pytest.Pytester, snapshot: Path, override: str
) -> None:
    extra = "\nfrom checks import derived_fixture\n\n" + override
    body = "assert stage_label.upper().startswith('STAGE ')"
    handed, set_up = _both(pytester, snapshot, "stage, stage_label", body, extra)
    handed.assert_outcomes(passed=3)
    set_up.assert_outcomes(passed=3)


def test_a_handed_value_is_the_one_its_dependents_and_the_request_get(
    pytester: pytest.Pytester, snapshot: Path
) -> None:
    extra = "\n@pytest.fixture\ndef wrapped(stage_label):\n    return stage_label\n"
    body = (
        "assert wrapped is stage_label\n"
        "    assert request.getfixturevalue('stage_label') is stage_label\n"
        "    assert request.getfixturevalue('stage') is stage"
    )
    handed, _ = _both(pytester, snapshot, "stage, stage_label, wrapped, request", body, extra)
    handed.assert_outcomes(passed=3)


def test_a_check_skipped_by_its_mark_computes_no_fixture(
    pytester: pytest.Pytester, snapshot: Path
) -> None:
    conftest = CONFTEST + (
        "\n@derived_fixture\ndef counted(stage):\n"
        "    with open('computed.txt', 'a') as file:\n        file.write(stage.api.name)\n"
        "    return 1\n"
    )
    pytester.makeini(INI)
    pytester.makeconftest(conftest)
    source = CHECK.format(fixtures="stage, counted", body="pass")
    pytester.makepyfile(test_checks=source.replace("@check(", "@pytest.mark.skip('off')\n@check("))
    result = pytester.runpytest_inprocess(f"--snapshot-in={snapshot}")
    result.assert_outcomes(skipped=3)
    assert not (pytester.path / "computed.txt").exists()


def _yields(stage: object) -> Iterator[str]:
    yield str(stage)


def _takes_request(stage: object, request: pytest.FixtureRequest) -> str:
    return str(request.fixturename)


async def _is_async(stage: object) -> str:
    return str(stage)


@pytest.mark.parametrize("function", [_yields, _takes_request, _is_async])
def test_a_derived_fixture_must_be_a_plain_function_of_its_arguments(
    function: Callable[..., object],
) -> None:
    with pytest.raises(TypeError, match=f"{function.__name__}: a derived fixture returns a value"):
        derived_fixture(function)
