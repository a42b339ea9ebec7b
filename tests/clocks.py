"""Time the tests move by hand, for the mock's ``MockConfig(clock=...)``."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from api_in_one import _task_log
from api_in_one.tasks import _polling, _schedule


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class SleepClock(Clock):
    """A clock that moves only when the waits sleep on it, by exactly what they sleep.

    A request takes no time on it, however long a busy machine takes to answer,
    so what a wait does (how many polls, in which order, when it gives up) is
    the same on any machine.
    """

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)  # still a point where the waiting task can be cancelled


def wait_on(clock: SleepClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the task waits (schedule, polling, task log) read and sleep on ``clock``.

    Give the mock the same clock (``MockConfig(clock=clock)``) for its tasks to run on it.
    """
    for module in (_polling, _schedule, _task_log):
        monkeypatch.setattr(module, "time", SimpleNamespace(monotonic=clock, sleep=clock.sleep))
    monkeypatch.setattr(_polling, "asyncio", SimpleNamespace(sleep=clock.async_sleep))
