"""The mock's in-memory state: balances, tasks, rate-limit windows and counters."""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .._operations import OperationFacts, ResultFacts
from ._config import Faults, MockConfig

__all__ = ["MockState", "MockTask", "Stats", "served_responses"]

_UNDECLARED_RESULTS = ResultFacts("application/octet-stream", "bin")
"""The results of a task operation whose ``x-results`` is missing."""
_PENDING_SHARE = 0.1
"""Share of a task's duration spent ``pending`` before ``IN_PROGRESS``."""

_SERVED: Counter[tuple[str, int]] = Counter()


def served_responses() -> Counter[tuple[str, int]]:
    """(operationId, HTTP status) of every answer any mock in this process gave, counted.

    A test suite reads it at the end to learn which documented responses its
    tests made the mock produce (its contract coverage).
    """
    return Counter(_SERVED)


@dataclass
class Stats:
    """Counters a test reads to prove what the server saw."""

    tasks_created: Counter[str] = field(default_factory=Counter)
    """Tasks created, by API key."""
    requests: Counter[str] = field(default_factory=Counter)
    """API requests by route: ``"<METHOD> <path template of the spec>"``; ``"(unmatched)"``
    for paths and methods of no operation."""
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
    responses: Counter[tuple[str, int]] = field(default_factory=Counter)
    """API answers by (operationId, HTTP status); requests matching no operation are left out."""

    def record_response(self, operation_id: str | None, status: int) -> None:
        """Count one answer, here and in the process-wide ``served_responses()``."""
        self.statuses[status] += 1
        if operation_id is not None:
            self.responses[operation_id, status] += 1
            _SERVED[operation_id, status] += 1


@dataclass
class MockTask:
    """A task and what decides its fate."""

    task_id: str
    key: str
    slug: str
    """The model slug, or the command name of an operation without models."""
    operation_id: str
    request: dict[str, Any]
    cost: float
    created: float
    created_at: str
    duration: float
    fails: bool
    stuck: bool
    extension: str
    """The result files' extension (``x-results``, following the request where it says so)."""
    media_type: str
    result_count: int

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
        self._serials = itertools.count(1)
        self._unfinished: list[tuple[float, str]] = []
        """(finishes_at, task_id) of tasks not yet seen finished: a heap, soonest first."""
        self._finished: deque[tuple[float, str]] = deque()
        """(finished_at, task_id) of finished tasks still kept, in the order they finished."""

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

    def create_task(self, key: str, operation: OperationFacts, request: dict[str, Any]) -> MockTask:
        """Charge ``key`` and create a task of ``operation``; the caller has checked the balance.

        Cost, duration and results come from the spec's ``x-`` extensions of the
        operation, or of the model ``request`` names.
        """
        model = operation.model(request)
        slug = model.slug if model else operation.command or operation.operation_id
        seconds = model.mock_seconds if model else operation.mock_seconds
        cost = operation.cost(request) or 0.0
        results = operation.results or _UNDECLARED_RESULTS
        self.balances[key] -= cost
        faults = self.faults
        fails = faults.fail_next_tasks > 0 or self._random.random() < faults.fail_task_share
        faults.fail_next_tasks = max(0, faults.fail_next_tasks - 1)
        stuck = faults.stuck_next_tasks > 0
        faults.stuck_next_tasks = max(0, faults.stuck_next_tasks - 1)
        duration = self.config.durations.get(slug, seconds) * self.config.time_scale
        serial = f"{next(self._serials)}{self._random.getrandbits(24):06x}"
        task = MockTask(
            task_id=f"n{serial}_{slug.replace('-', '')}",
            key=key,
            operation_id=operation.operation_id,
            slug=slug,
            request=request,
            cost=cost,
            extension=results.extension_for(request),
            media_type=results.media_type_for(request),
            result_count=results.count,
            created=self.now(),
            created_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            duration=duration,
            fails=fails,
            stuck=stuck,
        )
        self.tasks[task.task_id] = task
        self._track(task)
        self.stats.tasks_created[key] += 1
        return task

    def task(self, task_id: str) -> MockTask | None:
        """The task with this id, unless it never existed or has expired."""
        self.expire()
        return self.tasks.get(task_id)

    def _track(self, task: MockTask) -> None:
        heapq.heappush(self._unfinished, (task.finishes_at, task.task_id))
        self.expire()

    def expire(self) -> None:
        """Forget finished tasks older than ``finished_task_ttl`` or beyond ``max_finished_tasks``.

        Memory stays bounded however long the mock runs; each call costs time
        in proportion to the tasks it moves or forgets.
        """
        now = self.now()
        while self._unfinished and self._unfinished[0][0] <= now:
            _, task_id = heapq.heappop(self._unfinished)
            task = self.tasks.get(task_id)
            if task is None:
                continue
            if task.finishes_at > now:  # its duration was changed after it was created
                heapq.heappush(self._unfinished, (task.finishes_at, task_id))
                continue
            self._finished.append((task.finishes_at, task_id))
        config = self.config
        while self._finished and (
            len(self._finished) > config.max_finished_tasks
            or self._finished[0][0] + config.finished_task_ttl <= now
        ):
            self.tasks.pop(self._finished.popleft()[1], None)

    def status_of(self, task: MockTask) -> str:
        """The task's status at the current clock time."""
        elapsed = self.now() - task.created
        if elapsed >= task.finishes_at - task.created:
            return "FAILED" if task.fails else "SUCCESS"
        if self.faults.unknown_status is not None:
            return self.faults.unknown_status
        return "pending" if elapsed < task.duration * _PENDING_SHARE else "IN_PROGRESS"
