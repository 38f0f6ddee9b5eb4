"""Fixture values a check item is handed without pytest's fixture machinery.

pytest sets up every fixture of every test through its machinery: for each function-scoped
fixture a ``SubRequest``, the ``pytest_fixture_setup`` hook, a finalizer on each fixture it
depends on and the ``pytest_fixture_post_finalizer`` hook at its teardown; each session-scoped
fixture a test requests is looked up again, its own arguments with it, before pytest finds
its value cached. A check item has a target fixture and one or two fixtures derived from it:
at the large estate that machinery was the whole of what a check item cost beyond a bare
pytest test (bench/README.md, issue 15). Their values need none of it, so once the skip marks
are judged and before pytest sets the item up, the checks plugin puts in the item's
``funcargs`` (pytest's setup skips the names it already holds there):

- its target, for the collectors' target fixture (its function carries ``TARGET_FIXTURE``),
  resolved by key (``RESOLVE_TARGET``) as the fixture resolves it;
- the value of each derived fixture (declared with ``@derived_fixture``): a function of its
  arguments alone (it takes no ``request``, does not yield, reads and changes nothing else),
  so computed here or in pytest's setup it is the same value;
- the value pytest already holds for a session-scoped fixture it has set up, unparametrized
  and over such arguments (``pytestconfig``, ``audit_index``): what pytest would hand over;
- the value of a fixture its caller holds (the checks plugin's ``evidence``: the record's
  details, which the fixture returns);
- ``request``, the item's own request, which is what pytest hands over for it.

Each handed value is also what the item's request finds for its fixture, as for one pytest
set up: a fixture of the user's that depends on it, or ``request.getfixturevalue`` in the
check, gets the same object, not one computed again.

Left to pytest: every other fixture (a user's autouse fixtures and fixtures of their own, a
derived fixture that a closer definition of the same name shadows, a fixture that requests
its own name, a session fixture on its first use), and any value whose computation raises:
pytest computes it again in the item's setup and reports it as for any fixture (a target
that could not be read errors as UNKNOWN). Nothing is handed under ``--setup-show``,
``--setup-only`` or ``--setup-plan``, which show each fixture's setup, nor where pytest's
fixture internals are not as this module reads them (pytest 9).
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from _pytest.outcomes import OutcomeException

from collectors.contract import TARGET_FIXTURE

_DERIVED = "apigw_audit_derived_fixture"  # the attribute marking a derived fixture's function
_SHOWS_FIXTURE_SETUP = ("setupshow", "setuponly", "setupplan")  # pytest's option dests


def derived_fixture(function: Callable[..., object]) -> Any:
    """``@pytest.fixture`` for a fixture computed from its arguments alone (function-scoped,
    no ``request``, no ``yield``, no side effect), which a check item is handed directly."""
    if (
        inspect.isgeneratorfunction(function)
        or inspect.iscoroutinefunction(function)
        or inspect.isasyncgenfunction(function)
        or "request" in inspect.signature(function).parameters
    ):
        raise TypeError(
            f"{function.__qualname__}: a derived fixture returns a value computed from its "
            "arguments; it takes no request and does not yield (use @pytest.fixture)"
        )
    setattr(function, _DERIVED, True)
    return pytest.fixture(function)


class _NotHanded(Exception):
    """The fixture is left to pytest."""


class _HandedDefinition:
    """What the item's request finds for a fixture it was handed: the fixture's definition,
    its value as the result of a setup, and nothing to tear down."""

    __slots__ = ("_definition", "cached_result")

    def __init__(self, definition: pytest.FixtureDef[object], value: object) -> None:
        self._definition = definition
        self.cached_result = (value, None, None)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._definition, name)

    def addfinalizer(self, finalizer: Callable[[], object]) -> None:
        """A fixture depending on it is torn down with the item, as it always is."""


class _Handing:
    def __init__(
        self,
        item: pytest.Function,
        definitions: Mapping[str, list[pytest.FixtureDef[Any]]],
        known: dict[str, Any],
        resolve_target: Callable[[str, str], object] | None,
        held: Mapping[Callable[..., object], object],
    ):
        self._values = item.funcargs
        self._definitions = definitions
        self._known = known  # the item's request's fixture definitions by name
        callspec = getattr(item, "callspec", None)
        self._params: dict[str, object] = callspec.params if callspec is not None else {}
        self._resolve_target = resolve_target
        self._held = held
        self._resolving: list[str] = []

    def value(self, name: str) -> object:
        if name in self._values:
            return self._values[name]
        definitions = self._definitions.get(name)
        if not definitions or name in self._resolving:
            raise _NotHanded  # unknown, or requested within its own computation
        definition = definitions[-1]  # the closest, as pytest picks for the item
        function = definition.func
        key = self._params.get(name)
        if name in definition.argnames:
            raise _NotHanded  # it overrides a fixture of its own name: pytest's chain
        if function in self._held:
            value = self._held[function]
            known: object = _HandedDefinition(definition, value)
        elif (
            self._resolve_target is not None
            and getattr(function, TARGET_FIXTURE, None) == name
            and isinstance(key, str)
        ):
            value = self._computed(self._resolve_target, name, key)
            known = _HandedDefinition(definition, value)
        elif getattr(function, _DERIVED, False) and name not in self._params:
            self._resolving.append(name)
            try:
                arguments = {argument: self.value(argument) for argument in definition.argnames}
            finally:
                self._resolving.pop()
            value = self._computed(function, **arguments)
            known = _HandedDefinition(definition, value)
        elif self._held_by_pytest(name):
            value = definition.cached_result[0]  # type: ignore[index]
            known = definition
        else:
            raise _NotHanded
        self._values[name] = value
        self._known[name] = known
        return value

    def _held_by_pytest(self, name: str) -> bool:
        """Whether pytest holds the value of this session fixture and would hand it over as it
        is: set up without error, unparametrized, over arguments alike."""
        if name == "request":
            return False
        definitions = self._definitions.get(name)
        if not definitions or name in self._params:
            return False
        definition = definitions[-1]
        cached = definition.cached_result
        return (
            definition.scope == "session"
            and definition.params is None
            and cached is not None
            and cached[2] is None
            and name not in definition.argnames
            and all(
                argument == "request" or self._held_by_pytest(argument)
                for argument in definition.argnames
            )
        )

    @staticmethod
    def _computed(function: Callable[..., object], *args: object, **kwargs: object) -> object:
        try:
            return function(*args, **kwargs)
        except (Exception, OutcomeException):
            raise _NotHanded from None


def hand_fixture_values(
    item: pytest.Function,
    resolve_target: Callable[[str, str], object] | None,
    held: Mapping[Callable[..., object], object],
) -> None:
    """Put in the item's ``funcargs`` the fixture values it can be handed (module docstring):
    targets resolved with ``resolve_target`` (``RESOLVE_TARGET``; none without the
    collectors), and ``held``, the values of fixtures the caller holds, by their function."""
    option = item.config.option
    if any(getattr(option, name, False) for name in _SHOWS_FIXTURE_SETUP):
        return
    # pytest's private state of the item's fixtures: without it, pytest does it all.
    request = getattr(item, "_request", None)
    definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", None)
    known = getattr(request, "_fixture_defs", None)
    if not isinstance(definitions, Mapping) or not isinstance(known, dict):
        return
    names = item.fixturenames
    if "request" in names:
        item.funcargs.setdefault("request", request)
    handing = _Handing(item, definitions, known, resolve_target, held)
    for name in names:
        with contextlib.suppress(_NotHanded):
            handing.value(name)
