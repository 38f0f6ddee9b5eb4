"""Spread an organisation's accounts over worker processes, one per core.

An account's collection is mostly botocore's CPU work (building each client, signing and
parsing ~90 calls): about a second of CPU an account, under one process's GIL. Threads
overlap the calls' waits, not that work; from a few dozen accounts on, one process is
CPU-bound long before API Gateway's per-account pacing is (bench/README.md, "Organisation").
So the accounts are dealt, in id order, round robin over ``ProcessPlan.count`` processes (the
audit's own and ``count - 1`` workers), each reading its share on threads
(``collectors.estate_collection.read_accounts``) with an equal share of ``--max-workers``: at
most that many calls stay in flight overall, and every account is wholly in one process, so
its pacer still sees all of its calls.

Processes are started with ``spawn``: the audit may hold threads (pytest's, xdist's) that a
fork would copy mid-lock. Each worker builds the auditing identity's session again from the
same credential chain (``--aws-profile``, the environment, its inherited ``AWS_ENDPOINT_URL``)
rather than receiving credentials: nothing secret crosses the process boundary, and
refreshable credentials keep refreshing. What a worker reads comes back pickled: the
inventories, the unreached accounts, each account's enabled regions, and the calls it made,
by operation, which the observer then hears.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing.queues import Queue

import boto3

from collectors.clients import CallObserver, make_session
from collectors.estate_collection import AccountsJob, AccountsRead, read_accounts

# Below this many accounts per process, a worker's start (an interpreter importing boto3,
# about a second of CPU) costs more than it spreads.
ACCOUNTS_PER_PROCESS = 4


@dataclass(frozen=True)
class ProcessPlan:
    """How many worker processes read the accounts, and the profile their auditing session
    is built from (``None``: the default credential chain)."""

    count: int
    profile: str | None = None


def process_count(accounts: int, max_workers: int, cores: int | None = None) -> int:
    """Worker processes for ``accounts``: one per core, no more than ``max_workers`` (each
    keeps at least one call in flight), each with at least ``ACCOUNTS_PER_PROCESS``
    accounts; 1 means the calling process reads them all."""
    available = cores if cores is not None else _usable_cores()
    return max(1, min(available, max_workers, accounts // ACCOUNTS_PER_PROCESS))


def _usable_cores() -> int:
    """The cores this process may run on (its affinity where the platform says, as on Linux;
    else every core)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


# A worker's end of the progress queue, set by ``_start_worker`` when the process starts.
_done_queue: Queue[int] | None = None


def _start_worker(done: Queue[int]) -> None:
    global _done_queue
    _done_queue = done


def _read_share(job: AccountsJob, profile: str | None) -> tuple[AccountsRead, Counter[str]]:
    """In a worker: read ``job``'s accounts; what they gave and the calls, by
    ``service.Operation``."""
    calls: Counter[str] = Counter()
    lock = threading.Lock()  # the share's threads all count here

    def observe(service: str, operation: str) -> None:
        with lock:
            calls[f"{service}.{operation}"] += 1

    def account_done() -> None:
        if _done_queue is not None:
            _done_queue.put(1)

    return read_accounts(make_session(profile), job, observe, account_done), calls


def read_in_processes(
    auditor: boto3.Session,
    job: AccountsJob,
    plan: ProcessPlan,
    observer: CallObserver | None,
    on_account_done: Callable[[], None],
) -> AccountsRead:
    """Read ``job``'s accounts in ``plan.count`` processes: this one (with ``auditor``, its
    modules already loaded) and ``plan.count - 1`` workers. ``on_account_done`` hears each
    account that ends, as it ends, from this process's threads (never two at once)."""
    count = min(plan.count, len(job.targets))
    threads_each = max(1, job.max_workers // count)
    own, *others = (
        replace(job, targets=job.targets[index::count], max_workers=threads_each)
        for index in range(count)
    )
    context = multiprocessing.get_context("spawn")
    done: Queue[int] = context.Queue()
    lock = threading.Lock()

    def account_done() -> None:
        with lock:
            on_account_done()

    read = AccountsRead()
    with ProcessPoolExecutor(
        max_workers=len(others), mp_context=context, initializer=_start_worker, initargs=(done,)
    ) as pool:
        workers = [pool.submit(_read_share, share, plan.profile) for share in others]
        # Every account of a worker's share sends one tick, reached or not.
        expected = sum(len(share.targets) for share in others)
        stop = threading.Event()  # set when a worker failed: its ticks will not all come
        relay = threading.Thread(
            target=_relay, args=(done, account_done, expected, stop), name="apigw-audit-progress"
        )
        relay.start()
        try:
            read = read_accounts(auditor, own, observer, account_done)
            for worker in workers:
                share_read, calls = worker.result()  # a worker's exception is raised here
                read.results.extend(share_read.results)
                read.enabled.extend(share_read.enabled)
                if observer is not None:
                    for name, times in sorted(calls.items()):
                        service, operation = name.split(".", 1)
                        for _ in range(times):
                            observer(service, operation)
        except BaseException:
            stop.set()
            raise
        finally:
            relay.join()
    return read


def _relay(
    done: Queue[int], on_account_done: Callable[[], None], expected: int, stop: threading.Event
) -> None:
    """Each worker's account that ends, told here, until all ``expected`` are (or ``stop``)."""
    told = 0
    while told < expected:
        try:
            done.get(timeout=0.1)
        except queue.Empty:
            if stop.is_set():
                return
            continue
        told += 1
        on_account_done()
