"""What a run of the suite's checks alone captures around each test: prints and warnings, not
file descriptors, nor log records.

Checks are pure functions of the inventory: they never log, never write to a file descriptor
and never start a process. pytest's defaults pay for all three around every phase of every
test: its logging plugin installs and removes two capturing handlers and keeps a report
section for each, and ``--capture=fd`` redirects descriptors 1 and 2 into temporary files
and reads them back (about a tenth of a check item's cost each, bench/README.md). In a run
of the suite's checks alone:

- output is captured at the Python level (``--capture=sys``, decided before pytest starts
  capturing, in ``pytest_load_initial_conftests``): what a check prints, or writes to
  ``sys.stdout`` or ``sys.stderr``, is still shown with its failure;
- pytest's logging plugin is not registered (as with ``-p no:logging``): a record a check
  logs at WARNING or above (Python's default threshold, which pytest keeps unless told a
  level) reaches Python's last-resort handler, which writes to ``sys.stderr`` as it is then,
  so it is shown with the failure under "Captured stderr" instead of "Captured log".

A run of the suite's checks alone: every path the run was given (or, given none, the ini
file's ``testpaths`` when run from the root directory, as pytest decides) lies inside the
suite's ``checks/``, where a test not declared a check is a collection error. A run that also
names a project's own tests, or uses ``--pyargs``, keeps pytest's defaults, ``caplog`` and
``capfd`` with them.

A user's choice wins: ``-s`` or any ``--capture`` (on the command line, in ``PYTEST_ADDOPTS``
or in the ini file's ``addopts``) keeps that capture; a logging level, log file or live
logging (``LOGGING_OPTIONS``, on the command line or in the ini file), or ``--log-disable``,
keeps log capture. (Log formats alone do not count: they only shape what would be captured.)
"""

from __future__ import annotations

import argparse
import glob
from collections.abc import Sequence
from pathlib import Path

import pytest

# The logging plugin's options that make it do something (pytest --help, "logging"), each an
# ini name and the dest of its command-line option, unset by default; log_cli is ini only.
LOGGING_OPTIONS = ("log_level", "log_cli_level", "log_file", "log_file_level")
# pytest's logging module, as a plugin (``-p no:logging`` blocks it), and the LoggingPlugin it
# registers in its own pytest_configure.
_LOGGING_MODULE, _LOGGING_PLUGIN = "logging", "logging-plugin"
# pytest's default capture method, and the one a run of the checks alone uses instead.
_PYTEST_DEFAULT_CAPTURE, _CHECKS_CAPTURE = "fd", "sys"
CAPTURES_PRINTS_ONLY = pytest.StashKey[bool]()


def _inside(paths: Sequence[str], base: Path, checks_dir: Path) -> bool:
    resolved = [(base / path.split("::")[0]).resolve() for path in paths]
    return bool(resolved) and all(
        path == checks_dir or checks_dir in path.parents for path in resolved
    )


def _run_paths(config: pytest.Config) -> list[str]:
    """The paths the run will collect, before pytest has decided them: those given, else the
    ini file's ``testpaths`` when run from the root directory, else the current directory
    (pytest's documented rule for ``testpaths``)."""
    given: list[str] = list(config.known_args_namespace.file_or_dir)
    if given:
        return given
    invocation_dir = config.invocation_params.dir
    if invocation_dir == config.rootpath:
        found = [
            match
            for pattern in config.getini("testpaths")
            for match in sorted(glob.iglob(pattern, recursive=True, root_dir=invocation_dir))
        ]
        if found:
            return found
    return [str(invocation_dir)]


def _chose_capture(parser: pytest.Parser, args: list[str]) -> bool:
    """Whether the arguments (``addopts`` and ``PYTEST_ADDOPTS`` included) choose a capture
    method: parsed again with no default for it, it is set only if one of them sets it."""
    return (
        parser.parse_known_args(args, namespace=argparse.Namespace(capture=None)).capture
        is not None
    )


def capture_prints_only(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str], checks_dir: Path
) -> None:
    """Make pytest's capture manager, created right after this, capture at the Python level,
    when the run is the suite's checks alone and the user chose no capture."""
    namespace = early_config.known_args_namespace
    if namespace.pyargs or namespace.capture != _PYTEST_DEFAULT_CAPTURE:
        return
    if not _inside(_run_paths(early_config), early_config.invocation_params.dir, checks_dir):
        return
    if _chose_capture(parser, args):
        return
    namespace.capture = _CHECKS_CAPTURE
    early_config.stash[CAPTURES_PRINTS_ONLY] = True


def record_capture(config: pytest.Config) -> None:
    """``config.option.capture`` as the capture manager was made (the full parse of the
    command line, after it, sets pytest's default again)."""
    if config.stash.get(CAPTURES_PRINTS_ONLY, False):
        config.option.capture = _CHECKS_CAPTURE


def _chose_logging(config: pytest.Config) -> bool:
    if config.getoption("logger_disable", None) or config.getini("log_cli"):
        return True
    return any(config.getoption(name, None) or config.getini(name) for name in LOGGING_OPTIONS)


def switch_off_unused_log_capture(config: pytest.Config, checks_dir: Path) -> None:
    """Keep pytest's logging plugin from registering, when the run is the suite's checks alone
    and the user chose no logging option; before its own ``pytest_configure`` (trylast)."""
    if config.pluginmanager.get_plugin(_LOGGING_MODULE) is None:
        return  # the user's -p no:logging: no log capture, nor its options
    if config.option.pyargs or not _inside(config.args, config.invocation_params.dir, checks_dir):
        return
    if not _chose_logging(config):
        config.pluginmanager.set_blocked(_LOGGING_PLUGIN)
