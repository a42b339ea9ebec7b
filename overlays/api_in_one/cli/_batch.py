"""``aio batch run`` and ``aio batch status``: JSONL batches with a journal, a cap and a bar."""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from ._command import EXIT_FAILED, EXIT_OK, Commands, UsageError, exit_on_signal
from ._progress import WaitProgress

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from ..batch._journal import JournalSummary
    from ..batch._runner import BatchProgress, BatchReport

__all__ = ["register"]

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def register(commands: Commands, shared: argparse.ArgumentParser) -> None:
    """Add ``aio batch run`` and ``aio batch status``."""
    batch = commands.add_parser("batch", help="Run a JSONL file of creates, resumably")
    actions = batch.add_subparsers(dest="batch_command", required=True, metavar="ACTION")
    run = actions.add_parser(
        "run",
        help="Run or resume a batch",
        description="Run the creates of a JSONL file; running it again resumes it. Each line: "
        '{"custom_id": ..., "operation": <operationId or command>, "body": {...}}. '
        "Exit 0 when every line succeeded, 1 when some failed or are unknown, 2 on bad usage.",
        parents=[shared],
    )
    run.add_argument("input", type=Path, help="the JSONL input")
    run.add_argument(
        "--journal",
        metavar="PATH_OR_URL",
        help="SQLite file, or redis://host:port/db#name for workers",
    )
    run.add_argument(
        "--out", metavar="FILE", type=Path, help="write one JSON line per input line here"
    )
    run.add_argument("--download", metavar="DIR", type=Path, help="save the results here")
    run.add_argument(
        "--max-credits",
        metavar="N",
        type=float,
        help="never create what could pass this many credits",
    )
    run.add_argument(
        "--estimate", action="store_true", help="print what the input would cost; send nothing"
    )
    run.add_argument(
        "--resend-unknown",
        action="store_true",
        help="send again the lines whose create may or may not have reached the gateway",
    )
    run.add_argument(
        "--add-lines",
        action="store_true",
        help="add the input's lines the journal does not hold to its batch (else refused)",
    )
    run.add_argument(
        "--requests-per-minute",
        metavar="N",
        type=float,
        default=60.0,
        help="rate budget, shared through Redis with a Redis journal [default: 60]",
    )
    run.add_argument(
        "--poll-interval",
        metavar="SECONDS",
        type=float,
        default=1.0,
        help="first wait for a task [default: 1]",
    )
    run.add_argument(
        "--lease",
        metavar="SECONDS",
        type=float,
        default=30.0,
        help="seconds before a silent Redis worker's lines are taken over [default: 30]",
    )
    run.set_defaults(run=_run)
    status = actions.add_parser("status", help="Summarise a batch's journal", parents=[shared])
    status.add_argument(
        "--journal", metavar="PATH_OR_URL", required=True, help="SQLite file or redis:// URL"
    )
    status.set_defaults(run=_status)


def _run(args: argparse.Namespace, console: Console) -> int:
    from .. import _client
    from .._errors import ApiInOneError
    from ..batch._open import open_journal
    from ..batch._runner import run_batch

    try:
        if args.estimate:
            return _estimate(args, console)
        if not args.journal or not args.out:
            raise UsageError("aio batch run needs --journal and --out (or --estimate)")
        journal = open_journal(args.journal, lease=args.lease)
    except (ApiInOneError, OSError) as error:
        raise UsageError(getattr(error, "message", str(error))) from None
    try:
        budget = None
        if args.journal.startswith(("redis://", "rediss://", "unix://")):
            from .._redis_budget import RedisRateBudget
            from ..batch._redis_journal import riding_out

            server = args.journal.partition("#")[0]
            budget = RedisRateBudget(server, args.requests_per_minute, **riding_out(args.lease))
        client = _client.connect(
            args.api_key,
            base_url=args.base_url,
            requests_per_minute=args.requests_per_minute,
            rate_budget=budget,
            record=args.record,
        )
    except ApiInOneError as error:
        journal.close()
        raise UsageError(error.message) from None
    stop = threading.Event()
    with client, _bar(console, enabled=not args.json) as show, _stopping(stop) as received:
        try:
            report = run_batch(
                client,
                args.input,
                journal,
                out=args.out,
                download=args.download,
                max_credits=args.max_credits,
                resend_unknown=args.resend_unknown,
                add_lines=args.add_lines,
                stop=stop,
                on_progress=show,
                poll_interval=args.poll_interval,
            )
        except (ApiInOneError, OSError) as error:
            raise UsageError(getattr(error, "message", str(error))) from None
        finally:
            journal.close()
    _print_report(console, report, args)
    if report.stopped and received:
        return exit_on_signal(received[-1])
    return EXIT_OK if report.all_done else EXIT_FAILED


def _estimate(args: argparse.Namespace, console: Console) -> int:
    from ..batch._files import estimate_batch
    from ._output import print_json

    estimate = estimate_batch(args.input)
    if args.json:
        print_json(console, vars(estimate))
        return EXIT_OK
    for name, credits in sorted(estimate.by_operation.items()):
        console.print(f"  {name:<12} {credits:>10g} credits")
    console.print(f"{estimate.lines} lines, {estimate.credits:g} credits in all")
    if estimate.unpriced:
        console.print(
            f"[yellow]{len(estimate.unpriced)} lines name a model the spec gives no cost for, "
            f"e.g. {estimate.unpriced[0]!r}[/yellow]"
        )
    if args.max_credits is not None and estimate.credits > args.max_credits:
        console.print(
            f"[yellow]Over --max-credits {args.max_credits:g}: the lines past it "
            "would not be sent.[/yellow]"
        )
    return EXIT_OK


@contextmanager
def _stopping(stop: threading.Event) -> Iterator[list[int]]:
    """Ctrl-C or SIGTERM asks the run to stop once the creates in flight are recorded.

    A second signal stops at once (a create then in flight is journaled unknown).
    """
    received: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in _STOP_SIGNALS}
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def _bar(console: Console, *, enabled: bool) -> Iterator[Callable[[BatchProgress], None]]:
    if enabled and not console.is_terminal:
        with _PlainProgress(console) as plain:
            yield plain
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    progress = Progress(
        TextColumn("[bold]batch[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        console=console,
        disable=not enabled,
    )
    shown = _ShowProgress(progress)
    with progress:
        yield shown


class _ShowProgress:
    """The run's progress callback, drawing the bar."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("batch", total=None, counts="")

    def __call__(self, counts: BatchProgress) -> None:
        text = (
            f"[green]{counts.done} done[/green]  [red]{counts.failed} failed[/red]  "
            f"{counts.refused} refused unsent  [yellow]{counts.unknown} unknown[/yellow]  "
            f"{counts.spent:g} credits"
        )
        self.progress.update(self.task, total=counts.total, completed=counts.finished, counts=text)


class _PlainProgress:
    """The run's progress in a log: a line as lines end, and every few seconds while none do."""

    def __init__(self, console: Console) -> None:
        self.counts: BatchProgress | None = None
        self.finished = -1  # the runner updates one BatchProgress in place: keep the count
        self.lines = WaitProgress(console, self._line, enabled=True)

    def _line(self, elapsed: float) -> str:
        counts = self.counts
        if counts is None:
            return f"batch  starting  {elapsed:.1f} s"
        return (
            f"batch  {counts.finished}/{counts.total}  {counts.done} done  {counts.failed} failed  "
            f"{counts.refused} refused unsent  {counts.unknown} unknown  {counts.spent:g} credits  "
            f"{elapsed:.1f} s"
        )

    def __enter__(self) -> _PlainProgress:
        self.lines.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.lines.__exit__(*exc_info)

    def __call__(self, counts: BatchProgress) -> None:
        self.counts = counts
        if counts.finished != self.finished:
            self.finished = counts.finished
            self.lines.changed()


def _summary_json(summary: JournalSummary) -> dict[str, object]:
    return {
        "lines": summary.total,
        "states": summary.states,
        "spent": summary.spent,
        "committed": summary.committed,
        "at_risk": summary.at_risk,
        "outside_input": summary.outside,
    }


def _print_summary(
    console: Console, summary: JournalSummary, spent_by_run: float | None = None
) -> None:
    from ..batch._lines import DONE, FAILED, REFUSED, UNKNOWN

    spent = f"{summary.spent:g} credits spent"
    if spent_by_run is not None:
        spent = f"{spent_by_run:g} credits spent by this run, {summary.spent:g} in all"
    console.print(
        f"{summary.total} lines: {summary.count(DONE)} done, {summary.count(FAILED)} failed, "
        f"{summary.count(REFUSED)} refused unsent, {summary.count(UNKNOWN)} unknown, "
        f"{summary.unfinished} unfinished; {spent}",
        soft_wrap=True,
    )
    if summary.count(REFUSED):
        console.print(
            f"[yellow]{summary.count(REFUSED)} lines refused unsent: they would pass the credit "
            "cap. Run again with a higher --max-credits to send them.[/yellow]",
            soft_wrap=True,
        )
    if summary.outside:
        console.print(
            f"[yellow]{summary.outside} lines of the journal are not in this input: "
            "not sent, not in the output.[/yellow]"
        )
    if summary.count(UNKNOWN):
        console.print(
            f"[yellow]{summary.at_risk:g} credits at risk: the unknown lines may have created "
            "tasks. --resend-unknown sends them again.[/yellow]"
        )


def _print_report(console: Console, report: BatchReport, args: argparse.Namespace) -> None:
    from ._output import print_json

    if args.json:
        run = {"stopped": report.stopped, "out": str(args.out), "spent_by_run": report.spent_by_run}
        print_json(console, {**_summary_json(report.summary), **run})
        return
    _print_summary(console, report.summary, report.spent_by_run)
    if report.error is not None:
        console.print(f"[red]{type(report.error).__name__}: {report.error.message}[/red]")
    if report.stopped:
        console.print("Stopped: run the same command again to resume.")
    console.print(f"Output: {args.out}", soft_wrap=True)


def _status(args: argparse.Namespace, console: Console) -> int:
    from .._errors import ApiInOneError
    from ..batch._open import open_journal
    from ._output import print_json

    try:
        journal = open_journal(args.journal, read_only=True)
    except (ApiInOneError, OSError) as error:
        raise UsageError(getattr(error, "message", str(error))) from None
    try:
        summary = journal.summary()
    finally:
        journal.close()
    if args.json:
        print_json(console, _summary_json(summary))
    else:
        _print_summary(console, summary)
    return EXIT_OK
