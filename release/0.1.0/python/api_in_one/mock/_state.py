"""The mock's in-memory state: balances, tasks, rate-limit windows and counters."""

from __future__ import annotations

import math
import random
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ._catalogue import CATALOGUE
from ._config import Faults, MockConfig

__all__ = ["MockState", "MockTask", "Stats"]

_PENDING_SHARE = 0.1
"""Share of a task's duration spent ``pending`` before ``IN_PROGRESS``."""


@dataclass
class Stats:
    """Counters a test reads to prove what the server saw."""

    tasks_created: Counter[str] = field(default_factory=Counter)
    """Tasks created, by API key."""
    requests: Counter[str] = field(default_factory=Counter)
    """API requests by route, e.g. ``"POST /images/generations"``."""
    statuses: Counter[int] = field(default_factory=Counter)
    """API answers by HTTP status."""
    received: int = 0
    """API requests that arrived, counted before any fault or processing."""
    dropped: int = 0
    """API requests whose connection was closed with no answer."""
    file_requests: int = 0
    """Result file downloads."""
    file_requests_with_auth: int = 0
    """Result file downloads that carried an Authorization header (a client should send none)."""


@dataclass
class MockTask:
    """A task and what decides its fate."""

    task_id: str
    key: str
    slug: str
    kind: str
    request: dict[str, Any]
    cost: float
    created: float
    created_at: str
    duration: float
    fails: bool
    stuck: bool

    @property
    def finishes_at(self) -> float:
        """Clock time at which the task reaches SUCCESS or FAILED (infinite when stuck)."""
        return math.inf if self.stuck else self.created + self.duration


class MockState:
    """Everything a running mock knows. Shared by the server and whoever started it."""

    def __init__(self, config: MockConfig) -> None:
        self.config = config
        self.faults: Faults = config.faults
        self.balances: dict[str, float] = dict(config.keys)
        self.tasks: dict[str, MockTask] = {}
        self.stats = Stats()
        self._windows: dict[str, deque[float]] = {}
        self._random = random.Random(config.seed)

    def now(self) -> float:
        """The configured clock."""
        return self.config.clock()

    def admit(self, key: str) -> float | None:
        """Record a request of ``key``; None if admitted, else seconds until one would be."""
        now = self.now()
        window = self._windows.setdefault(key, deque())
        span = self.config.rate_window
        while window and window[0] <= now - span:
            window.popleft()
        if len(window) >= self.config.requests_per_minute:
            return window[0] + span - now
        window.append(now)
        return None

    def remaining(self, key: str) -> int:
        """Requests ``key`` may still make in the current window."""
        return max(0, self.config.requests_per_minute - len(self._windows.get(key, ())))

    def create_task(self, key: str, slug: str, request: dict[str, Any]) -> MockTask:
        """Charge ``key`` and create a task; the caller has checked the balance."""
        entry = CATALOGUE[slug]
        self.balances[key] -= entry.cost
        faults = self.faults
        fails = faults.fail_next_tasks > 0 or self._random.random() < faults.fail_task_share
        faults.fail_next_tasks = max(0, faults.fail_next_tasks - 1)
        stuck = faults.stuck_next_tasks > 0
        faults.stuck_next_tasks = max(0, faults.stuck_next_tasks - 1)
        duration = self.config.durations.get(slug, entry.duration) * self.config.time_scale
        serial = f"{len(self.tasks) + 1}{self._random.getrandbits(24):06x}"
        task = MockTask(
            task_id=f"n{serial}_{slug.replace('-', '')}",
            key=key,
            slug=slug,
            kind=entry.kind,
            request=request,
            cost=entry.cost,
            created=self.now(),
            created_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            duration=duration,
            fails=fails,
            stuck=stuck,
        )
        self.tasks[task.task_id] = task
        self.stats.tasks_created[key] += 1
        return task

    def status_of(self, task: MockTask) -> str:
        """The task's status at the current clock time."""
        elapsed = self.now() - task.created
        if elapsed >= task.finishes_at - task.created:
            return "FAILED" if task.fails else "SUCCESS"
        if self.faults.unknown_status is not None:
            return self.faults.unknown_status
        return "pending" if elapsed < task.duration * _PENDING_SHARE else "IN_PROGRESS"
