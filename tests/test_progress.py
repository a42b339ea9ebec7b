"""Progress of long waits outside a terminal: the first line at once, then changes and beats."""

from __future__ import annotations

import io

from clocks import Clock
from rich.console import Console

from api_in_one.cli._output import TaskProgress
from api_in_one.cli._progress import WaitProgress
from api_in_one_client.models import Task


def _log() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=False, width=100), out


def test_a_wait_prints_its_first_line_at_once_then_beats_while_nothing_changes(
    clock: Clock,
) -> None:
    console, out = _log()
    with WaitProgress(console, lambda elapsed: f"n1  {elapsed:.1f} s", clock=clock, every=5.0) as w:
        assert out.getvalue() == "n1  0.0 s\n"  # before anything was waited for
        clock.now += 4.9
        w.beat()
        assert out.getvalue().count("\n") == 1  # too soon for a beat
        clock.now += 0.1
        w.beat()
        w.changed()
    assert out.getvalue().splitlines() == ["n1  0.0 s", "n1  5.0 s", "n1  5.0 s"]


def test_a_task_wait_prints_a_line_per_status_change_then_the_outcome() -> None:
    console, out = _log()
    with TaskProgress(console, "n7") as progress:
        for status in ("pending", "IN_PROGRESS", "IN_PROGRESS", "SUCCESS"):
            progress(Task(task_id="n7", status=status))
    lines = [line.split()[:2] for line in out.getvalue().splitlines()]
    assert lines == [
        ["n7", "submitted"],
        ["n7", "pending"],
        ["n7", "IN_PROGRESS"],
        ["n7", "SUCCESS"],
        ["✓", "n7"],
    ]


def test_json_output_prints_no_progress() -> None:
    console, out = _log()
    with TaskProgress(console, "n8", enabled=False) as progress:
        progress(Task(task_id="n8", status="SUCCESS"))
    assert out.getvalue() == ""
