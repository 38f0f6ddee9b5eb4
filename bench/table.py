"""The results of ``bench.run`` as the tables it prints: a pure function of the results JSON."""

from __future__ import annotations

from typing import Any

from tabulate import tabulate

# The targets of issue 3.
CALLS_RATIO_LIMIT = 1.5
CHECK_PHASE_RATIO_LIMIT = 1.5
SPEEDUP_TARGET = 5.0
XL_SECONDS_LIMIT = 180.0
XL_RSS_LIMIT_MIB = 1024.0
# Issue 15: end to end at large, the suite at least twice as fast as Prowler, start-up included;
# the check phase no slower than bare pytest at large and xl (at most 1.2x at small), its peak
# RSS at most 1.25x bare pytest's at xl.
PROWLER_RATIO_LIMIT = 0.5
ITEM_COST_RATIO_LIMIT = 1.0
SMALL_ITEM_COST_RATIO_LIMIT = 1.2
RSS_RATIO_LIMIT = 1.25


def _item_cost_target(size: str, ratio: float) -> str:
    """Issue 15's bound on the check phase over bare pytest at this size, and its verdict."""
    if size in ("large", "xl"):
        limit, where = ITEM_COST_RATIO_LIMIT, "at large and xl"
    elif size == "small":
        limit, where = SMALL_ITEM_COST_RATIO_LIMIT, "at small"
    else:
        return f"({size})"
    return f"<= {limit} {where}: {_verdict(ratio <= limit)}"


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _seconds(value: float) -> str:
    return f"{value:.2f} s"


def _runs(seconds: list[float] | None) -> str:
    """The runs a median was taken of, when there were several."""
    if not seconds or len(seconds) < 2:
        return ""
    return f" (median of {', '.join(f'{value:.1f}' for value in seconds)})"


def _calls_rows(results: dict[str, Any]) -> list[list[Any]]:
    clean = results["collections"]["clean"]
    floor: dict[str, int] = results["floor"]
    server: dict[str, int] = clean["server_requests"]
    rows = []
    for operation in sorted(set(floor) | set(server)):
        measured, minimum = server.get(operation, 0), floor.get(operation, 0)
        ratio = f"{measured / minimum:.2f}" if minimum else "-"
        rows.append([operation, measured, clean["client_calls"].get(operation, 0), minimum, ratio])
    total, minimum = sum(server.values()), sum(floor.values())
    rows.append(["TOTAL", total, sum(clean["client_calls"].values()), minimum, total / minimum])
    return rows


def _per_item_overhead(check: dict[str, Any]) -> str:
    extra = check["audit_in_pytest_seconds"] - check["bare_in_pytest_seconds"]
    return f"{extra / check['items'] * 1e6:+.0f} us"


def _summary_rows(results: dict[str, Any]) -> list[list[Any]]:
    size = results["size"]
    estate, collections = results["estate"], results["collections"]
    audit, throttled_audit = results["audits"]["audit"], results["audits"]["audit_throttled"]
    check = results["check_phase"]
    calls = sum(collections["clean"]["server_requests"].values())
    floor = sum(results["floor"].values())
    ratio = calls / floor
    targets = results["targets"]
    rows: list[list[Any]] = [
        [
            "estate",
            f"{estate['rest_apis']} REST ({estate['rest_apis_excluded']} excluded by tag), "
            f"{estate['http_apis']} HTTP ({estate['http_apis_excluded']} excluded), "
            f"{estate['stages']} stages, {estate['lambda_functions']} Lambda functions",
            "",
        ],
        ["targets", ", ".join(f"{n} {kind}" for kind, n in targets.items() if n), ""],
        [
            "test items (end-to-end audit)",
            f"{audit['items']} {audit['split']}" if audit["items"] else "0 (no checks yet)",
            "",
        ],
        ["estate build (in-process)", _seconds(results["build_seconds"]), ""],
        [
            "AWS calls / floor",
            f"{calls} / {floor} = {ratio:.2f}",
            f"<= {CALLS_RATIO_LIMIT}: {_verdict(ratio <= CALLS_RATIO_LIMIT)}",
        ],
    ]
    for latency in ("clean", "latency"):
        pool, serial = collections[latency], collections[f"{latency}_one_worker"]
        speedup = serial["seconds"] / pool["seconds"]
        label = f"{pool['latency_ms']:g} ms latency" if pool["latency_ms"] else "no latency"
        verdict = ""
        if latency == "latency":
            verdict = f">= {SPEEDUP_TARGET:g}x at large: " + (
                _verdict(speedup >= SPEEDUP_TARGET) if size == "large" else f"({size})"
            )
        rows.append(
            [
                f"collection, {label}",
                f"{pool['workers']} workers {_seconds(pool['seconds'])}, 1 worker "
                f"{_seconds(serial['seconds'])}: speedup {speedup:.1f}x",
                verdict,
            ]
        )
    if check["measured"]:
        rows += [
            [
                "check phase vs bare pytest (wall)",
                f"{_seconds(check['audit_wall_seconds'])} / "
                f"{_seconds(check['bare_wall_seconds'])} = {check['wall_ratio']:.2f}",
                f"<= {CHECK_PHASE_RATIO_LIMIT}: "
                f"{_verdict(check['wall_ratio'] <= CHECK_PHASE_RATIO_LIMIT)}; "
                + _item_cost_target(size, check["wall_ratio"]),
            ],
            [
                "check phase vs bare pytest (in pytest)",
                f"{_seconds(check['audit_in_pytest_seconds'])} / "
                f"{_seconds(check['bare_in_pytest_seconds'])} = {check['in_pytest_ratio']:.2f}; "
                f"{_per_item_overhead(check)} per item over bare",
                f"median of {check['repeats']}, alternating; AWS calls: {check['server_requests']}",
            ],
            [
                "check phase peak RSS vs bare pytest",
                f"{check['audit_peak_rss_mib']:.0f} MiB / {check['bare_peak_rss_mib']:.0f} MiB = "
                f"{check['audit_peak_rss_mib'] / check['bare_peak_rss_mib']:.3f}",
                f"<= {RSS_RATIO_LIMIT} at xl: "
                + (
                    _verdict(
                        check["audit_peak_rss_mib"] <= RSS_RATIO_LIMIT * check["bare_peak_rss_mib"]
                    )
                    if size == "xl"
                    else f"({size})"
                ),
            ],
        ]
    else:
        rows.append(["check phase vs bare pytest", f"not measured: {check['reason']}", ""])
    xl = size == "xl"
    rows += [
        [
            "end-to-end audit vs emulator",
            f"{_seconds(audit['seconds'])}, peak RSS {audit['peak_rss_mib']:.0f} MiB, "
            f"exit {audit['exit_status']}, wrote {', '.join(audit['files_written']) or '-'}",
            (
                f"xl <= {XL_SECONDS_LIMIT:g} s and <= {XL_RSS_LIMIT_MIB:g} MiB: "
                + _verdict(
                    audit["seconds"] <= XL_SECONDS_LIMIT
                    and audit["peak_rss_mib"] <= XL_RSS_LIMIT_MIB
                )
                if xl
                else ""
            ),
        ],
        *_parallel_rows(results),
        *_prowler_rows(results),
        [
            "peak RSS",
            f"collection {collections['clean']['peak_rss_mib']:.0f} MiB, check phase "
            + (f"{check['audit_peak_rss_mib']:.0f} MiB, " if check["measured"] else "- , ")
            + f"emulator+estate {results['bench_peak_rss_mib']:.0f} MiB",
            "",
        ],
        _throttle_row(results, "inventory", collections["throttled"]),
        _throttle_row(results, "findings", throttled_audit),
    ]
    return rows


def _parallel_rows(results: dict[str, Any]) -> list[list[Any]]:
    parallel = results["audits"].get("audit_parallel")
    if parallel is None:
        return []
    difference = results["parallel_findings_difference"]
    return [
        [
            f"end-to-end audit, pytest -n {parallel['cores']}",
            f"{_seconds(parallel['seconds'])}, peak RSS {parallel['peak_rss_mib']:.0f} MiB "
            f"(the processes' largest), exit {parallel['exit_status']}",
            "every item's outcome and finding = the audit's: "
            + ("met" if difference is None else f"MISSED at {difference}"),
        ]
    ]


def _prowler_rows(results: dict[str, Any]) -> list[list[Any]]:
    prowler = results["prowler"]
    if not prowler["measured"]:
        return [["Prowler end to end", prowler["reason"], ""]]
    audit = results["audits"]["audit"]
    calls = sum(prowler["server_requests"].values())
    ratio = prowler["suite_over_prowler"]
    at_large = results["size"] == "large"
    speed = f"{1 / ratio:.1f}x faster" if ratio <= 1 else f"{ratio:.1f}x slower"
    # Results from before the alternation (2026-12-04) have one run of each.
    suite_seconds = prowler.get("suite_seconds", audit["seconds"])
    rows = [
        [
            "Prowler end to end (apigateway, apigatewayv2)",
            f"{_seconds(prowler['seconds'])}{_runs(prowler.get('runs_seconds'))}, peak RSS "
            f"{prowler['peak_rss_mib']:.0f} MiB, {calls} AWS calls, {prowler['findings']} "
            f"findings, Prowler {prowler['version']}",
            "",
        ],
        [
            "suite / Prowler (end to end, start-up included)",
            f"{_seconds(suite_seconds)}{_runs(prowler.get('suite_runs_seconds'))} / "
            f"{_seconds(prowler['seconds'])} = {ratio:.2f} ({speed}); AWS calls "
            f"{audit['server_requests']} / {calls}",
            f"<= {PROWLER_RATIO_LIMIT:g} at large: "
            + (_verdict(ratio <= PROWLER_RATIO_LIMIT) if at_large else f"({results['size']})"),
        ],
    ]
    floor = prowler.get("pytest_floor")
    if floor is not None:
        rows.append(
            [
                f"pytest's floor, {floor['items']} passing tests, no fixture / Prowler",
                f"{_seconds(floor['seconds'])}{_runs(floor['runs_seconds'])} / "
                f"{_seconds(prowler['seconds'])} = {floor['over_prowler']:.2f}",
                "the least any suite of one pytest test per result pays",
            ]
        )
    check = results.get("check_phase", {})
    if check.get("measured"):
        bare = check["bare_wall_seconds"]
        rows.append(
            [
                f"bare pytest, the audit's {check['items']} items / Prowler",
                f"{_seconds(bare)} / {_seconds(prowler['seconds'])} = "
                f"{bare / prowler['seconds']:.2f}",
                "the audit's split of passing, failing and skipping tests",
            ]
        )
    at_latency = prowler.get("at_latency")
    if at_latency is not None:
        rows.append(
            [
                f"suite / Prowler at {at_latency['latency_ms']:g} ms a request (end to end, "
                "one run each)",
                f"{_seconds(at_latency['suite_seconds'])} / "
                f"{_seconds(at_latency['prowler_seconds'])} = "
                f"{at_latency['suite_over_prowler']:.2f}",
                "",
            ]
        )
    parallel_ratio = prowler.get("suite_parallel_over_prowler")
    if parallel_ratio is not None:
        parallel = results["audits"]["audit_parallel"]
        rows.append(
            [
                f"suite -n {parallel['cores']} / Prowler (end to end)",
                f"{_seconds(parallel['seconds'])} / {_seconds(prowler['seconds'])} = "
                f"{parallel_ratio:.2f}",
                f"<= {PROWLER_RATIO_LIMIT:g} at large: "
                + (
                    _verdict(parallel_ratio <= PROWLER_RATIO_LIMIT)
                    if at_large
                    else f"({results['size']})"
                ),
            ]
        )
    return rows


def _throttle_row(results: dict[str, Any], what: str, run: dict[str, Any]) -> list[Any]:
    difference = results[f"throttled_{what}_difference"]
    fraction = results["collections"]["throttled"]["throttle_fraction"]
    requests = run["server_requests"]
    requests = sum(requests.values()) if isinstance(requests, dict) else requests
    injected = f"{run['server_throttled']} of {requests} requests throttled"
    if "seconds" in run:
        injected += f", {_seconds(run['seconds'])}"
    if difference is None:
        return [f"{what} under {fraction:.0%} throttling", f"identical ({injected})", "met"]
    if difference.startswith("not compared"):
        return [f"{what} under {fraction:.0%} throttling", difference, ""]
    return [f"{what} under {fraction:.0%} throttling", f"DIFFER at {difference}", "MISSED"]


def render(results: dict[str, Any]) -> str:
    spec = results["spec"]
    title = (
        f"apigw-audit benchmark, size {results['size']}: {spec['rest_apis']} REST x "
        f"{spec['resources']} resources x {spec['methods']} methods x {spec['stages']} stages, "
        f"{spec['http_apis']} HTTP, regions {', '.join(spec['regions'])}"
    )
    summary = tabulate(_summary_rows(results), headers=["measure", "value", "target"])
    calls = tabulate(
        _calls_rows(results),
        headers=["operation", "server", "client", "floor", "ratio"],
        floatfmt=".2f",
    )
    return f"{title}\n\n{summary}\n\nAWS calls by operation (clean collection)\n{calls}\n"
