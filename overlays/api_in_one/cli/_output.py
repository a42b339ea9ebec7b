"""Terminal output: live progress while a task runs, results, and JSON for scripts."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.spinner import Spinner
from rich.text import Text

from api_in_one_client.models import Task

from ..chat._stream import ChatResult, ChatStream

__all__ = ["TaskProgress", "echo_stream", "print_json", "printable", "shown"]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(value: object) -> str:
    """``value`` as text with control characters written as escapes.

    What a server sends (a task id, an error message) then cannot move the
    cursor, retitle the window or hide text in the terminal.
    """
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", str(value))


def shown(value: object) -> str:
    """``printable(value)`` made safe inside Rich markup: a ``[`` from a server stays a ``[``."""
    return escape(printable(value))


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
        return Text.assemble(
            (printable(self._task_id), "bold"),
            f"  {printable(status)}  ",
            (f"{elapsed:5.1f} s", "dim"),
        )

    def __enter__(self) -> Callable[[Task], None]:
        if self._enabled:
            self._live.start()
        return self.update

    def update(self, task: Task) -> None:
        """The progress callback for ``wait_for_task``."""
        self._status = str(task.status)
        self._spinner.update(text=self._line(self._status))

    def __exit__(self, *exc_info: object) -> None:
        if self._enabled:
            self._live.stop()
            mark = "[green]✓[/green]" if self._status.upper() == "SUCCESS" else "[red]✗[/red]"
            self._console.print(mark, self._line(self._status))
