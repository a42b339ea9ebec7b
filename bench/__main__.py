"""``python -m bench``: run the benchmarks, write bench/results.json and print the table."""

from __future__ import annotations

import argparse
import gc
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from . import _batch, _build, _journal, _overhead, _startup, _stream, _validation
from ._report import Figure, table, write_results
from ._servers import loopback_server

PARTS = ("stream", "overhead", "validate", "batch", "journal", "startup", "generate")


@dataclass(frozen=True)
class Settings:
    """Sizes of one run; ``--quick`` shrinks them to a smoke test of a few seconds."""

    quick: bool
    rounds: int
    chunks: int
    openai_chunks: int
    requests: int
    concurrency: int
    batch_tasks: int
    batch_scale: float
    batch_limit_per_minute: int
    journal_creates: int
    journal_lines: int
    generate_runs: int


def settings(quick: bool, rounds: int | None) -> Settings:
    """The full run's sizes, or the smoke run's."""
    if quick:
        return Settings(
            quick=True,
            rounds=rounds or 1,
            chunks=200,
            openai_chunks=50,
            requests=10,
            concurrency=_overhead.CONCURRENCY,
            batch_tasks=8,
            batch_scale=0.01,
            batch_limit_per_minute=_batch.LIMIT,
            journal_creates=10,
            journal_lines=50,
            generate_runs=1,
        )
    return Settings(
        quick=False,
        rounds=rounds or 7,
        chunks=50_000,
        openai_chunks=5_000,
        requests=500,
        concurrency=_overhead.CONCURRENCY,
        batch_tasks=100,
        batch_scale=0.1,
        batch_limit_per_minute=_batch.LIMIT,
        journal_creates=300,
        journal_lines=10_000,
        generate_runs=3,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks; figures that miss their targets do not fail the run."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes and one round")
    parser.add_argument("--rounds", type=int, help="rounds per comparison (default 7)")
    parser.add_argument(
        "--only", nargs="+", choices=PARTS, default=list(PARTS), help="run only these parts"
    )
    parser.add_argument(
        "--with-test-time", action="store_true", help="also time one `make test` (minutes)"
    )
    parser.add_argument(
        "--output", type=Path, default=Path(__file__).parent / "results.json", help="JSON file"
    )
    args = parser.parse_args(argv)
    if args.rounds is not None and args.rounds < 1:
        parser.error("--rounds must be at least 1")
    run = settings(args.quick, args.rounds)
    # The imported modules (openai's models above all) stay alive for the whole run; out of
    # the collector's sight, the collection before each measurement takes microseconds.
    gc.freeze()
    started = time.perf_counter()
    figures: list[Figure] = []
    timings: dict[str, float] = {}
    failures = []
    if {"stream", "overhead", "validate"} & set(args.only):
        with loopback_server([run.chunks, run.openai_chunks]) as root:
            if "stream" in args.only:
                figures += _stream.run(root, run.rounds, run.chunks, run.openai_chunks)
            if "overhead" in args.only:
                figures += _overhead.run(root, run.rounds, run.requests)
            if "validate" in args.only:
                figures += _validation.run(root, run.rounds, run.requests, run.chunks)
    if "batch" in args.only:
        figures += _batch.run(run.rounds, run.batch_tasks, run.batch_scale)
    if "journal" in args.only:
        figures += _journal.run(run.rounds, run.journal_creates, run.journal_lines)
    if "startup" in args.only:
        figures += _startup.run(run.rounds)
    if "generate" in args.only:
        timings["generate --check"] = _build.generate_seconds(run.generate_runs)
    if args.with_test_time:
        timings["make test"], failed = _build.test_seconds()
        if failed:
            failures.append(f"make test failed:\n{failed}")
    elapsed = time.perf_counter() - started
    write_results(args.output, figures, timings, {**asdict(run), "elapsed_s": elapsed})
    print(table(figures, timings))
    print(f"\n{len(figures)} figures in {elapsed:.0f} s; written to {args.output}")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
