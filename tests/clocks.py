"""Time the tests move by hand, for the mock's ``MockConfig(clock=...)``."""

from __future__ import annotations


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
