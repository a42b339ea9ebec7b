"""Terminal output: live progress while a task runs, results, and JSON for scripts."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.spinner import Spinner
from rich.text import Text

from api_in_one_client.models import Task

from .._streaming import ChatResult, ChatStream

__all__ = ["TaskProgress", "echo_stream", "print_json"]


def print_json(console: Console, value: Any) -> None:
    """One JSON document on stdout, nothing else."""
    console.print_json(json.dumps(value, default=str))


def echo_stream(console: Console, stream: ChatStream) -> ChatResult:
    """Print a chat reply as its chunks arrive; return the whole result."""
    for chunk in stream:
        for choice in chunk.choices:
            if isinstance(choice.delta.content, str):
                console.out(choice.delta.content, end="", highlight=False)
    console.out("")
    return stream.result


class TaskProgress:
    """A spinner line with the task's status and elapsed time, updated on every poll."""

    def __init__(self, console: Console, task_id: str, *, enabled: bool = True) -> None:
        self._started = time.monotonic()
        self._task_id = task_id
        self._spinner = Spinner("dots", text=self._line("submitted"))
        self._live = Live(self._spinner, console=console, transient=True, refresh_per_second=10)
        self._console = console
        self._status = "submitted"
        self._enabled = enabled

    def _line(self, status: str) -> Text:
        elapsed = time.monotonic() - self._started
        return Text.assemble((self._task_id, "bold"), f"  {status}  ", (f"{elapsed:5.1f} s", "dim"))

    def __enter__(self) -> Callable[[Task], None]:
        if self._enabled:
            self._live.start()
        return self.update

    def update(self, task: Task) -> None:
        """The progress callback for ``wait_for_task``."""
        self._status = task.status
        self._spinner.update(text=self._line(task.status))

    def __exit__(self, *exc_info: object) -> None:
        if self._enabled:
            self._live.stop()
            mark = "[green]✓[/green]" if self._status.upper() == "SUCCESS" else "[red]✗[/red]"
            self._console.print(mark, self._line(self._status))
