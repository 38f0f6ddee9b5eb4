"""``python -m bench run --size small|medium|large|xl``, ``python -m bench scaling`` and
``python -m bench traffic [--events N]`` and ``python -m bench org [--accounts N]``."""

from __future__ import annotations

import argparse
import shutil
import sys

from bench.estate import SIZES
from bench.prowler import ENVIRONMENT_VARIABLE

# Alternations of the check-phase comparison: more where runs are short and noisy.
DEFAULT_REPEATS = {"small": 5, "medium": 3, "large": 3, "xl": 1}


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text}")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text}")
    return value


def _executable(text: str) -> str:
    found = shutil.which(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"not an executable file: {text}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="apigw-audit benchmark (see bench/README.md)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="measure one estate size and print the table")
    run_parser.add_argument("--size", choices=SIZES, default="small")
    run_parser.add_argument(
        "--repeats",
        type=_positive,
        default=None,
        help="audit/bare alternations of the check-phase comparison "
        f"(default by size: {DEFAULT_REPEATS})",
    )
    run_parser.add_argument(
        "--latency-ms", type=float, default=30.0, help="injected per-request latency (30)"
    )
    run_parser.add_argument(
        "--throttle-fraction",
        type=_fraction,
        default=0.2,
        help="fraction of requests answered with a throttling error in the throttled runs (0.2)",
    )
    run_parser.add_argument(
        "--prowler",
        metavar="PATH",
        type=_executable,
        default=None,
        help="the Prowler executable to compare with, end to end (default: "
        f"${ENVIRONMENT_VARIABLE}, then prowler on PATH; the row is skipped without one)",
    )
    scaling_parser = commands.add_parser(
        "scaling", help="show that doubling methods or stages leaves the call count unchanged"
    )
    scaling_parser.add_argument("--size", choices=SIZES, default="small")
    traffic_parser = commands.add_parser(
        "traffic", help="the traffic phase's time, memory and answers against one busy stage"
    )
    traffic_parser.add_argument(
        "--events", type=_positive, default=1_000_000, help="access-log events (1,000,000)"
    )
    traffic_parser.add_argument(
        "--paths",
        type=_positive,
        default=100,
        help="distinct concrete paths behind the greedy resource (100)",
    )
    org_parser = commands.add_parser(
        "org", help="an organisation's audit: one run, 4 shards and a merge, the worker pool"
    )
    org_parser.add_argument("--accounts", type=_positive, default=100, help="member accounts (100)")
    org_parser.add_argument(
        "--latency-ms",
        type=float,
        default=20.0,
        help="injected per-request latency of the worker-pool comparison (20)",
    )
    args = parser.parse_args(argv)

    from bench.org import org
    from bench.run import BenchError, run
    from bench.scaling import scaling
    from bench.traffic import traffic

    try:
        if args.command == "scaling":
            return 0 if scaling(args.size) else 1
        if args.command == "org":
            return 0 if org(args.accounts, args.latency_ms) else 1
        if args.command == "traffic":
            traffic(args.events, args.paths)
            return 0
        run(
            args.size,
            repeats=args.repeats or DEFAULT_REPEATS[args.size],
            latency_ms=args.latency_ms,
            throttle_fraction=args.throttle_fraction,
            prowler_executable=args.prowler,
        )
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
