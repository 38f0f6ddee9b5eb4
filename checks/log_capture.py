"""Per-test log capture, off for a run of the suite's checks alone unless the user chose it.

pytest's logging plugin installs and removes two capturing handlers around every phase of
every test and keeps a report section for each: a tenth of a check item's cost
(bench/README.md), for checks that never log (they are pure functions of the inventory).

It is not registered, as with ``-p no:logging``, when both hold:

- every path the run was given lies inside the suite's ``checks/``, where a test not declared
  a check is a collection error: every item of the run is a check (a run that also names a
  project's own tests, or ``--pyargs``, keeps log capture, and ``caplog`` with it);
- the user chose no logging: no level, log file or live logging (``LOGGING_OPTIONS``, on the
  command line or in the ini file), and no ``--log-disable``. (Formats alone do not count:
  they only shape what would be captured.)

A check that logs anyway still shows it with its failure: a record at WARNING or above
(Python's default threshold, which pytest keeps unless told a level) reaches Python's
last-resort handler, which writes to ``sys.stderr`` as it is then, so pytest's output
capture keeps it with the test phase, under "Captured stderr" instead of "Captured log".
"""

from __future__ import annotations

from pathlib import Path

import pytest

# The logging plugin's options that make it do something (pytest --help, "logging"), each an
# ini name and the dest of its command-line option, unset by default; log_cli is ini only.
LOGGING_OPTIONS = ("log_level", "log_cli_level", "log_file", "log_file_level")
# pytest's logging module, as a plugin (``-p no:logging`` blocks it), and the LoggingPlugin it
# registers in its own pytest_configure.
_LOGGING_MODULE, _LOGGING_PLUGIN = "logging", "logging-plugin"


def _chose_logging(config: pytest.Config) -> bool:
    if config.getoption("logger_disable", None) or config.getini("log_cli"):
        return True
    return any(config.getoption(name, None) or config.getini(name) for name in LOGGING_OPTIONS)


def _only_checks(config: pytest.Config, checks_dir: Path) -> bool:
    paths = [config.invocation_params.dir / arg.split("::")[0] for arg in config.args]
    return bool(paths) and all(
        path.resolve() == checks_dir or checks_dir in path.resolve().parents for path in paths
    )


def switch_off_unused_log_capture(config: pytest.Config, checks_dir: Path) -> None:
    """Keep pytest's logging plugin from registering, when the run is the suite's checks alone
    and the user chose no logging option; before its own ``pytest_configure`` (trylast)."""
    if config.pluginmanager.get_plugin(_LOGGING_MODULE) is None:
        return  # the user's -p no:logging: no log capture, nor its options
    if _only_checks(config, checks_dir) and not _chose_logging(config):
        config.pluginmanager.set_blocked(_LOGGING_PLUGIN)
