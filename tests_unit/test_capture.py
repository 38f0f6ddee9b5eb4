"""What a run of the suite's checks alone captures (``checks.capture``): output at the Python
level and no log records, unless the user chose otherwise; what a check prints or logs is
still shown with its failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests_unit.conftest import CHECKS_DIR
from tests_unit.test_reporting_plugin import snapshot

__all__ = ["snapshot"]  # the estate fixture, shared with the reporting plugin's tests


def _capture_method(pytester: pytest.Pytester, *args: str) -> str:
    return str(pytester.parseconfigure(*args).option.capture)


def test_a_run_of_the_checks_alone_captures_at_the_python_level(
    pytester: pytest.Pytester, snapshot: Path
) -> None:
    assert _capture_method(pytester, str(CHECKS_DIR), "--snapshot-in", str(snapshot)) == "sys"


@pytest.mark.parametrize(
    ("choice", "method"),
    [
        (["-s"], "no"),
        (["-qs"], "no"),
        (["--capture=fd"], "fd"),
        (["--capture", "tee-sys"], "tee-sys"),
    ],
)
def test_a_users_capture_choice_wins(
    pytester: pytest.Pytester, snapshot: Path, choice: list[str], method: str
) -> None:
    args = (str(CHECKS_DIR), "--snapshot-in", str(snapshot), *choice)
    assert _capture_method(pytester, *args) == method


def test_a_capture_chosen_in_the_ini_file_or_the_environment_wins(
    pytester: pytest.Pytester, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit = (str(CHECKS_DIR), "--snapshot-in", str(snapshot))
    ini = pytester.makeini("[pytest]\naddopts = --capture=fd\n")
    assert _capture_method(pytester, "-c", str(ini), *audit) == "fd"
    monkeypatch.setenv("PYTEST_ADDOPTS", "--capture=tee-sys")
    assert _capture_method(pytester, *audit) == "tee-sys"


def test_a_run_that_also_names_other_tests_keeps_fd_capture(
    pytester: pytest.Pytester, snapshot: Path
) -> None:
    pytester.makepyfile(test_own="def test_own(capfd):\n    assert capfd.readouterr().out == ''\n")
    args = (str(CHECKS_DIR), "test_own.py", "--snapshot-in", str(snapshot))
    assert _capture_method(pytester, *args) == "fd"


def test_what_a_check_prints_or_logs_is_shown_with_its_failure(
    pytester: pytest.Pytester, snapshot: Path
) -> None:
    # Run inside each check's call, as the check's own code would be.
    pytester.makepyfile(
        talkative="""
import logging

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    print("printed by", item.name)
    logging.getLogger("a.check").warning("logged by %s", item.name)
    return (yield)
"""
    )
    pytester.syspathinsert()
    result = pytester.runpytest_subprocess(
        str(CHECKS_DIR / "test_access.py"),
        "--snapshot-in",
        str(snapshot),
        "-p",
        "talkative",
        "--tb=short",
        "-k",
        "test_operation_requires_authorization and shop and prod and GET",
    )
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert "- Captured stdout call -" in output
    assert "printed by test_operation_requires_authorization[" in output
    assert "- Captured stderr call -" in output
    assert "logged by test_operation_requires_authorization[" in output


def _captures_logs(pytester: pytest.Pytester, *args: str) -> bool:
    config = pytester.parseconfigure(*args)
    return config.pluginmanager.get_plugin("logging-plugin") is not None


def test_a_run_of_the_checks_alone_captures_no_logs(
    pytester: pytest.Pytester, snapshot: Path
) -> None:
    assert not _captures_logs(pytester, str(CHECKS_DIR), "--snapshot-in", str(snapshot))


def test_a_run_of_some_checks_alone_captures_no_logs(
    pytester: pytest.Pytester, snapshot: Path
) -> None:
    one_check = f"{CHECKS_DIR / 'test_access.py'}::test_operation_requires_authorization"
    assert not _captures_logs(pytester, one_check, "--snapshot-in", str(snapshot))


@pytest.mark.parametrize(
    "choice",
    [
        ["--log-level=INFO"],
        ["--log-cli-level=DEBUG"],
        ["--log-file=audit.log"],
        ["--log-file-level=DEBUG"],
        ["--log-disable=botocore"],
        ["-o", "log_cli=true"],
        ["-o", "log_level=INFO"],
        ["-p", "no:logging"],
    ],
)
def test_a_users_logging_choice_wins(
    pytester: pytest.Pytester, snapshot: Path, choice: list[str]
) -> None:
    blocked_by_user = choice == ["-p", "no:logging"]
    args = (str(CHECKS_DIR), "--snapshot-in", str(snapshot), *choice)
    assert _captures_logs(pytester, *args) is not blocked_by_user


def test_a_run_that_also_names_other_tests_keeps_log_capture(
    pytester: pytest.Pytester, snapshot: Path
) -> None:
    pytester.makepyfile(test_own="def test_own(caplog):\n    assert caplog.records == []\n")
    assert _captures_logs(pytester, str(CHECKS_DIR), "test_own.py", "--snapshot-in", str(snapshot))
