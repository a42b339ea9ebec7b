"""``aio conformance``: check a live server (or a recording) against openapi.yaml and write
the drift report."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import TYPE_CHECKING

from ._command import EXIT_FAILED, EXIT_OK, Commands, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from ..conformance import CheckResult, ConformanceReport

__all__ = ["register"]


def _credits(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0 or math.isnan(value):
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text!r}")
    return value


def _positive(text: str) -> float:
    value = _credits(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def register(commands: Commands, shared: argparse.ArgumentParser) -> None:
    """Add ``conformance`` to the ``aio`` subcommands."""
    sub = commands.add_parser(
        "conformance",
        help="Check a live server against openapi.yaml; write a drift report",
        description=(
            "Check a server against openapi.yaml: free checks first (401, 404, 400), then "
            "the spec's request examples, cheapest first, within --max-credits. Writes "
            "conformance.md and conformance.json. Exit 0 without drift, 1 with drift, "
            "2 on a usage error."
        ),
        parents=[shared],
    )
    sub.add_argument(
        "--max-credits",
        type=_credits,
        metavar="N",
        help="the most credits the run may spend (0: free checks only); required unless "
        "--from-recording",
    )
    sub.add_argument(
        "--from-recording",
        type=Path,
        metavar="FILE",
        help="send nothing: check the answers recorded in FILE (connect(record=...), "
        "aio --record) against today's openapi.yaml",
    )
    sub.add_argument(
        "--report",
        type=Path,
        default=Path("conformance-report"),
        metavar="DIR",
        help="where to write conformance.md and conformance.json [default: conformance-report]",
    )
    sub.add_argument(
        "--probe-rate-limit",
        action="store_true",
        help="exceed the rate limit on purpose, last, to check the 429 answer and its headers",
    )
    sub.add_argument(
        "--requests-per-minute",
        type=_positive,
        default=60.0,
        help="pace requests under this limit [default: 60]",
    )
    sub.add_argument(
        "--task-timeout",
        type=_positive,
        default=600.0,
        help="seconds to wait for each task [default: 600]",
    )
    sub.set_defaults(run=_conformance)


def _conformance(args: argparse.Namespace, console: Console) -> int:
    from .._errors import ApiInOneError
    from ..conformance import check_recording, run_conformance

    if args.from_recording is not None:
        try:
            report = check_recording(args.from_recording)
        except (OSError, ValueError) as error:
            raise UsageError(str(error)) from None
        return _reported(args, console, report)
    if args.max_credits is None:
        raise UsageError("--max-credits N is required (or --from-recording FILE)")
    try:
        report = run_conformance(
            args.base_url,
            args.api_key,
            max_credits=args.max_credits,
            probe_rate_limit=args.probe_rate_limit,
            requests_per_minute=args.requests_per_minute,
            task_timeout=args.task_timeout,
            on_result=None if args.json else lambda result: _line(console, result),
        )
    except ApiInOneError as error:
        raise UsageError(error.message) from None
    except ValueError as error:
        raise UsageError(str(error)) from None
    return _reported(args, console, report)


def _reported(args: argparse.Namespace, console: Console, report: ConformanceReport) -> int:
    from ._output import print_json

    markdown, data = report.write(args.report)
    if args.json:
        print_json(console, report.to_dict())
    else:
        _summary(console, report, markdown, data)
    return EXIT_OK if report.ok else EXIT_FAILED


def _line(console: Console, result: CheckResult) -> None:
    """A line per check as it ends, so a long run shows its progress in a log too."""
    console.print(
        f"  {result.outcome:<7} {result.operation}: {result.check}: {result.detail}",
        markup=False,
        soft_wrap=True,
    )


def _summary(console: Console, report: ConformanceReport, markdown: Path, data: Path) -> None:
    counts = report.counts()
    console.print(
        f"{counts['pass']} passed, {counts['drift']} drift, {counts['skipped']} skipped; "
        f"credits spent {report.credits_spent:g} of {report.max_credits:g}",
        markup=False,
    )
    for result in report.drift:
        console.print(f"  drift  {result.operation}: {result.check}: {result.detail}", markup=False)
    console.print(f"Report: {markdown} and {data}", markup=False)
