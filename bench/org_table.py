"""The results of ``bench.org`` as the tables it prints: a pure function of the results JSON."""

from __future__ import annotations

from typing import Any

from tabulate import tabulate

# The targets of issue 14 (item 7).
RSS_LIMIT_MIB = 1024.0
SPEEDUP_TARGET = 8.0


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _calls(run: dict[str, Any]) -> str:
    actual, expected = sum(run["calls"].values()), sum(run["expected_calls"].values())
    return f"{actual} / floor {expected}: " + (
        "EQUAL" if run["calls_equal"] else "MISMATCH (see by operation)"
    )


def _run_row(label: str, run: dict[str, Any], rss_target: bool = True) -> list[Any]:
    rss = run["peak_rss_mib"]
    return [
        label,
        f"{run['seconds']:.1f} s, peak RSS {rss:.0f} MiB, exit {run['exit_status']}; "
        f"emulator CPU {run['emulator_cpu_seconds']:.1f} s",
        _calls(run),
        f"<= {RSS_LIMIT_MIB:g} MiB: {_verdict(rss <= RSS_LIMIT_MIB)}" if rss_target else "",
    ]


def floor_formula(results: dict[str, Any]) -> str:
    """The single run's floor, as the sum it is."""
    floors = results["account_floors"]
    total = sum(results["single"]["expected_calls"].values())
    return (
        f"floor = 1 sts.GetCallerIdentity (the auditing identity)\n"
        f"      + sum over {results['accounts']} accounts of (bench/floor.py in "
        f"{len(results['regions'])} regions + 1 sts.AssumeRole)\n"
        f"      = 1 + {sum(floors)} ({min(floors)} to {max(floors)} an account, "
        f"the seeded mixes differ) = {total}"
    )


def _by_operation(runs: dict[str, dict[str, Any]]) -> str:
    operations = sorted(
        {op for run in runs.values() for op in (*run["calls"], *run["expected_calls"])}
    )
    rows = []
    for operation in operations:
        row: list[Any] = [operation]
        for run in runs.values():
            actual = run["calls"].get(operation, 0)
            expected = run["expected_calls"].get(operation, 0)
            row.append(f"{actual} / {expected}" + ("" if actual == expected else "  <-- MISMATCH"))
        rows.append(row)
    return tabulate(rows, headers=["operation", *(f"{name} (actual / floor)" for name in runs)])


def _shard_sums(shards: list[dict[str, Any]]) -> dict[str, Any]:
    calls: dict[str, int] = {}
    expected: dict[str, int] = {}
    for shard in shards:
        for operation, n in shard["calls"].items():
            calls[operation] = calls.get(operation, 0) + n
        for operation, n in shard["expected_calls"].items():
            expected[operation] = expected.get(operation, 0) + n
    return {"calls": calls, "expected_calls": expected, "calls_equal": calls == expected}


def render(results: dict[str, Any]) -> str:
    estate = results["estate"]
    single, shards, merge = results["single"], results["shards"], results["merge"]
    parallel, serial = results["latency"]
    speedup = serial["collect_seconds"] / parallel["collect_seconds"]
    rows: list[list[Any]] = [
        [
            "organisation",
            f"{results['accounts']} accounts x {', '.join(results['regions'])}: "
            f"{estate['rest_apis']} REST APIs ({estate['rest_apis_excluded']} excluded), "
            f"{estate['http_apis']} HTTP, {estate['stages']} stages",
            f"built in the emulator's process in {results['build_seconds']:.0f} s",
            "",
        ],
        _run_row("a. end-to-end audit", single),
    ]
    rows += [_run_row(f"b. shard {k}/{len(shards)}", s) for k, s in enumerate(shards, 1)]
    sums = _shard_sums(shards)
    rows.append(
        ["b. shards summed", f"{sum(s['seconds'] for s in shards):.1f} s", _calls(sums), ""]
    )
    differences = {name: d for name, d in merge["differences"].items() if d is not None}
    rows.append(
        [
            "b. apigw-audit merge",
            f"{merge['seconds']:.1f} s, peak RSS {merge['peak_rss_mib']:.0f} MiB, "
            f"exit {merge['exit_status']} (single run: {single['exit_status']})",
            _calls(merge),
            "reports equal the single run's: "
            + (
                "met"
                if not differences and merge["exit_status"] == single["exit_status"]
                else f"MISSED {differences}"
            ),
        ]
    )
    for run in (parallel, serial):
        rows.append(
            [
                f"c. collection, {run['latency_ms']:g} ms, {run['workers']} worker(s)",
                f"{run['collect_seconds']:.1f} s in {run['child'].get('processes', 1)} "
                f"process(es) (run {run['seconds']:.1f} s, {run['peak_rss_mib']:.0f} MiB; "
                f"emulator CPU {run['emulator_cpu_seconds']:.1f} s, answers replayed)",
                _calls(run),
                "",
            ]
        )
    rows.append(
        [
            "c. speedup",
            f"{speedup:.1f}x",
            "",
            f">= {SPEEDUP_TARGET:g}x: {_verdict(speedup >= SPEEDUP_TARGET)}",
        ]
    )
    rows.append(
        ["emulator process", f"peak RSS {results['emulator_peak_rss_mib']:.0f} MiB", "", ""]
    )
    summary = tabulate(rows, headers=["measure", "value", "AWS calls", "target"])
    by_operation = _by_operation(
        {"audit": single, "shards": sums, f"{parallel['workers']} workers": parallel}
    )
    return (
        f"apigw-audit organisation benchmark ({results['bench_seconds']:.0f} s in all)\n\n"
        f"{summary}\n\n{floor_formula(results)}\n\nAWS calls by operation\n{by_operation}\n"
    )
