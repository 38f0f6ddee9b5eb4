"""Log capture, off for a run of the suite's checks alone unless the user chose logging
(``checks.log_capture``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests_unit.conftest import CHECKS_DIR
from tests_unit.test_reporting_plugin import snapshot

__all__ = ["snapshot"]  # the estate fixture, shared with the reporting plugin's tests


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
