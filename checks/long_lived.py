"""Python's cyclic garbage collector and what a run of checks keeps to its end.

The inventory, its index and what pytest collects (sessions, modules, every item, each with
its fixtures' and keywords' state) live until the process ends, and so does every report
pytest logs (the terminal summary keeps them all): at the large estate some millions of
objects, most of them in reference cycles (a node and its parent). Python's collector goes
over all of them again at each of its full collections, about every quarter of growth in the
objects it tracks (8% of the check phase at 22,000 items, when frozen after collection
alone), and again as the session's objects are let go and the interpreter shuts down (at the
large estate 4 s of a 30 s run), to find no garbage in them (bench/README.md, issue 15).

So, in a run of checks that is its process's one pytest session (started from pytest's
command line, or by ``pytest.main`` with no plugin objects, and the first of the process;
each pytest-xdist worker is one), what exists once collection is done is moved out of the
collector's reach (``gc.freeze()``), and so is everything left when the session has ended
(after every other plugin's ``pytest_unconfigure``, the reports written): the process ends
without going over them. Garbage the checks make (a failure's traceback and its frames) is
collected as before. Nothing changes in a process that runs pytest in-process, session after
session, as pytester's ``runpytest`` does for this project's tests (it passes plugin
objects): there each session's objects become garbage when it ends and must stay
collectable.
"""

from __future__ import annotations

import gc

import pytest

_sessions_configured = 0  # runs of checks configured in this process


def one_session_per_process(config: pytest.Config) -> bool:
    """Whether this run is its process's one pytest session: the first, and not one of those
    a program runs in-process with plugin objects of its own (pytester's, for one). Counts
    this run: called once, when the run is configured."""
    global _sessions_configured
    _sessions_configured += 1
    return _sessions_configured == 1 and not config.invocation_params.plugins


class LongLivedObjects:
    """Registered for a run of checks in a process of its own: keeps what the session keeps
    to its end out of the garbage collector's passes."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self) -> None:
        gc.freeze()

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(self) -> None:
        gc.freeze()
