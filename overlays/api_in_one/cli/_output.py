"""Terminal output: live progress while a task runs, results, and JSON for scripts."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from ._progress import WaitProgress

if TYPE_CHECKING:
    from api_in_one_client.models import Task

    from ..chat._stream import ChatResult, ChatStream

__all__ = ["TaskProgress", "echo_stream", "print_json", "printable", "shown"]

_SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
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
    """A task's id, status and elapsed time while it is waited for (see ``WaitProgress``)."""

    def __init__(self, console: Console, task_id: str, *, enabled: bool = True) -> None:
        self._task_id = task_id
        self._status = "submitted"
        self._console = console
        self._enabled = enabled
        self._finished = False
        self._progress = WaitProgress(console, self._line, enabled=enabled)

    def _line(self, elapsed: float) -> Text:
        # The spinner turns with the clock, redrawn by the live line, not by the polls.
        turning = _SPINNER[int(elapsed * 10) % len(_SPINNER)] + " " if self._live() else ""
        return Text.assemble(
            turning,
            (printable(self._task_id), "bold"),
            f"  {printable(self._status)}  ",
            (f"{elapsed:5.1f} s", "dim"),
        )

    def _live(self) -> bool:
        return self._console.is_terminal and not self._finished

    def __enter__(self) -> Callable[[Task], None]:
        self._progress.__enter__()
        return self.update

    def update(self, task: Task) -> None:
        """The progress callback for ``wait_for_task``: a plain line when the status changes."""
        status = str(task.status)
        if status != self._status:
            self._status = status
            self._progress.changed()

    def __exit__(self, *exc_info: object) -> None:
        self._progress.__exit__(*exc_info)
        self._finished = True
        if self._enabled:
            ok = self._status.upper() == "SUCCESS"
            mark = Text("✓ ", "green") if ok else Text("✗ ", "red")
            self._console.print(Text.assemble(mark, self._line(self._progress.elapsed)))
