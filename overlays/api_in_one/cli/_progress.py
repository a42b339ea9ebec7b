"""Progress of a wait longer than a moment: a live line on a terminal, plain lines elsewhere.

On a terminal the line redraws itself a few times a second, so its elapsed
time moves between polls. Elsewhere (a pipe, a CI log) the first line comes
at once, then one per change and, while nothing changes, one every
``every`` seconds, so a reader of the log knows the wait is alive.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

__all__ = ["WaitProgress"]

HEARTBEAT_SECONDS = 5.0


class WaitProgress:
    """One wait's progress: ``describe(elapsed)`` gives the line; ``changed()`` after news.

    ``clock`` and ``every`` are for tests and callers with their own pace;
    the heartbeat thread calls ``beat()``, which tests call directly.
    """

    def __init__(
        self,
        console: Console,
        describe: Callable[[float], Text | str],
        *,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
        every: float = HEARTBEAT_SECONDS,
    ) -> None:
        self._console, self._describe, self._clock, self._every = console, describe, clock, every
        self._enabled = enabled
        self._live_line = enabled and console.is_terminal
        self._started = clock()
        self._printed = self._started
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def elapsed(self) -> float:
        return self._clock() - self._started

    def __rich__(self) -> Text | str:
        return self._describe(self.elapsed)

    def __enter__(self) -> WaitProgress:
        if not self._enabled:
            return self
        if self._live_line:
            from rich.live import Live

            self._live = Live(self, console=self._console, transient=True, refresh_per_second=8)
            self._live.start()
        else:
            self._print()
            self._thread = threading.Thread(target=self._heartbeats, daemon=True)
            self._thread.start()
        return self

    def changed(self) -> None:
        """Something the line shows changed: print it now when lines are plain."""
        if self._enabled and not self._live_line:
            self._print()

    def beat(self) -> None:
        """Print the line when none came for ``every`` seconds."""
        if self._clock() - self._printed >= self._every:
            self._print()

    def _print(self) -> None:
        with self._lock:
            self._printed = self._clock()
            self._console.print(self.__rich__(), markup=False, highlight=False, soft_wrap=True)

    def _heartbeats(self) -> None:
        while not self._stop.wait(min(1.0, self._every)):
            self.beat()

    def __exit__(self, *exc_info: object) -> None:
        if not self._enabled:
            return
        if self._live_line:
            self._live.stop()
        else:
            self._stop.set()
            assert self._thread is not None
            self._thread.join()
