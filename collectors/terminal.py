"""Progress lines on the terminal while the inventory is collected, quiet under ``-q``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest


class TerminalLines:
    """Lines on the terminal while tests are collected, quiet under ``-q``.

    The inventory is built during collection, while pytest captures output, so every write
    goes through the capture manager's "disabled" window, as pytest's own live output does.
    """

    def __init__(self, config: pytest.Config) -> None:
        self._config = config

    @property
    def _terminal(self) -> Any:
        # looked up when used: the terminal reporter registers after this plugin configures
        if self._config.get_verbosity() < 0:
            return None
        return self._config.pluginmanager.get_plugin("terminalreporter")

    @property
    def _capture(self) -> Any:
        return self._config.pluginmanager.get_plugin("capturemanager")

    @property
    def active(self) -> bool:
        return self._terminal is not None

    @contextmanager
    def _uncaptured(self) -> Iterator[None]:
        capture = self._capture
        if capture is None:
            yield
        else:
            with capture.global_and_fixture_disabled():
                yield

    def line(self, text: str) -> None:
        terminal = self._terminal
        if terminal is not None:
            with self._uncaptured():
                terminal.ensure_newline()
                terminal.write_line(text)

    def status(self, text: str, *, final: bool) -> None:
        """A line rewritten in place on a terminal; elsewhere, only its final state."""
        terminal = self._terminal
        if terminal is None or not (final or terminal.isatty):
            return
        with self._uncaptured():
            terminal.rewrite(text, erase=True)
            if final:
                terminal.write_line("")
