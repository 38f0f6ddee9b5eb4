"""Fixture values a check item is handed without pytest's fixture machinery.

pytest sets up every fixture of every test through its machinery: for each function-scoped
fixture a ``SubRequest``, the ``pytest_fixture_setup`` hook, a finalizer on each fixture it
depends on and the ``pytest_fixture_post_finalizer`` hook at its teardown; each session-scoped
fixture a test requests is looked up again, its own arguments with it, before pytest finds
its value cached. A check item has a target fixture and one or two fixtures derived from it:
at the large estate that machinery was the whole of what a check item cost beyond a bare
pytest test (bench/README.md, issue 15). Their values need none of it, so before pytest
fills the item's fixtures (it skips a name the item already holds, as it does for a value
parametrized directly), the checks plugin hands the item:

- its target, for the collectors' target fixture (its function carries ``TARGET_FIXTURE``),
  resolved by key (``RESOLVE_TARGET``) as the fixture resolves it;
- the value of each derived fixture (declared with ``@derived_fixture``): function-scoped,
  a function of its arguments alone (it requests no ``request``, does not yield, changes
  nothing), so computed here or in pytest's setup it is the same value;
- the value pytest already holds for a session-scoped fixture it has set up, unparametrized
  and with such arguments (``pytestconfig``, ``audit_index``): what pytest would hand over;
- ``request``, the item's own request, which is what pytest hands over for it;
- the value of a fixture its caller holds (the checks plugin's ``evidence``: the record's
  details, which the fixture returns).

Left to pytest: every other fixture (a user's autouse fixtures and fixtures of their own, a
derived fixture that a closer definition of the same name shadows, a session fixture on its
first use), and any value whose computation raises: pytest computes it again in the item's
setup and reports it as for any fixture (a target that could not be read errors as UNKNOWN).
Nothing is handed under ``--setup-show``, ``--setup-only`` or ``--setup-plan``, which show
each fixture's setup.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar

import pytest
from _pytest.outcomes import OutcomeException

from collectors.contract import TARGET_FIXTURE

P = ParamSpec("P")
R = TypeVar("R")

_DERIVED = "apigw_audit_derived_fixture"  # the attribute marking a derived fixture's function
_SHOWS_FIXTURE_SETUP = ("setupshow", "setuponly", "setupplan")  # pytest's option dests


def derived_fixture(function: Callable[P, R]) -> Any:
    """``@pytest.fixture`` for a fixture computed from its arguments alone (function-scoped,
    no ``request``, no ``yield``, no side effect), which a check item is handed directly."""
    setattr(function, _DERIVED, True)
    return pytest.fixture(function)


class _NotHanded(Exception):
    """The fixture is left to pytest."""


class _Handing:
    def __init__(
        self,
        item: pytest.Function,
        resolve_target: Callable[[str, str], object] | None,
        held: Mapping[Callable[..., object], object],
    ):
        self._values = item.funcargs
        self._definitions = item._fixtureinfo.name2fixturedefs
        callspec = getattr(item, "callspec", None)
        self._params: dict[str, object] = callspec.params if callspec is not None else {}
        self._resolve_target = resolve_target
        self._held = held

    def value(self, name: str) -> object:
        if name in self._values:
            return self._values[name]
        definitions = self._definitions.get(name)
        if not definitions:
            raise _NotHanded
        definition = definitions[-1]  # the closest, as pytest picks for the item
        function = definition.func
        key = self._params.get(name)
        if function in self._held:
            value = self._held[function]
        elif (
            self._resolve_target is not None
            and getattr(function, TARGET_FIXTURE, None) == name
            and isinstance(key, str)
        ):
            value = self._computed(self._resolve_target, name, key)
        elif getattr(function, _DERIVED, False) and definition.scope == "function":
            if name in self._params:
                raise _NotHanded
            arguments = {argument: self.value(argument) for argument in definition.argnames}
            value = self._computed(function, **arguments)
        elif self._set_up_once(name):
            value = definition.cached_result[0]  # type: ignore[index]
        else:
            raise _NotHanded
        self._values[name] = value
        return value

    def _set_up_once(self, name: str) -> bool:
        """Whether pytest holds the value of this session fixture, and would hand it over as
        it is: set up without error, unparametrized, over arguments alike."""
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
            and all(
                argument == "request" or self._set_up_once(argument)
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
    names = item.fixturenames
    if "request" in names:
        item.funcargs.setdefault("request", item._request)
    handing = _Handing(item, resolve_target, held)
    for name in names:
        with contextlib.suppress(_NotHanded):
            handing.value(name)
