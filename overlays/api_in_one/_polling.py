"""Waiting for tasks: one or many, with backoff and jitter, a deadline and progress callbacks.

Every poll goes through the client's transport, so it spends the client's
rate budget like any other call: a batch wait cannot provoke 429.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator

from api_in_one_client import AuthenticatedClient
from api_in_one_client.api.tasks import get_task
from api_in_one_client.models import Task, TaskStatusResponse

from ._errors import ApiInOneError, TaskFailed, TaskTimeout
from ._tasks import FAILED, SUCCESS, TaskLike, task_id_of

__all__ = [
    "as_completed",
    "async_as_completed",
    "async_wait_for_task",
    "async_wait_for_tasks",
    "wait_for_task",
    "wait_for_tasks",
]

ProgressCallback = Callable[[Task], None]
_GROWTH = 1.5


class _Schedule:
    """When to poll each unfinished task next: per-task geometric backoff with jitter."""

    def __init__(
        self, ids: list[str], poll_interval: float, max_poll_interval: float, timeout: float
    ) -> None:
        if poll_interval <= 0 or max_poll_interval < poll_interval:
            raise ValueError("need 0 < poll_interval <= max_poll_interval")
        now = time.monotonic()
        self.deadline = now + timeout
        self.timeout = timeout
        self.max_interval = max_poll_interval
        self.interval = dict.fromkeys(ids, poll_interval)
        self.last_status: dict[str, str | None] = dict.fromkeys(ids)
        # The first poll comes at once: a task may already be done.
        self._order = itertools.count()
        self.queue = [(now, next(self._order), task_id) for task_id in self.interval]

    def __bool__(self) -> bool:
        return bool(self.queue)

    def next(self) -> tuple[str, float]:
        """The task to poll next and how long to wait first."""
        due, _, task_id = heapq.heappop(self.queue)
        return task_id, max(0.0, due - time.monotonic())

    def seen(self, task: Task) -> bool:
        """Record a poll; True if the task is finished, else schedule its next poll.

        Raises ``TaskTimeout`` when an unfinished task is polled at or after the
        deadline; the last poll is scheduled for the deadline itself.
        """
        self.last_status[task.task_id] = task.status
        if task.status.upper() in {SUCCESS, FAILED}:
            return True
        now = time.monotonic()
        if now >= self.deadline:
            raise TaskTimeout(task.task_id, task.status, self.timeout)
        interval = self.interval[task.task_id]
        self.interval[task.task_id] = min(self.max_interval, interval * _GROWTH)
        due = min(now + interval * random.uniform(0.8, 1.2), self.deadline)
        heapq.heappush(self.queue, (due, next(self._order), task.task_id))
        return False


def _data(answer: TaskStatusResponse | object, task_id: str) -> Task:
    if not isinstance(answer, TaskStatusResponse):
        raise ApiInOneError(f"Unexpected answer polling task {task_id}: {answer!r:.200}")
    return answer.data


def _deduplicated(tasks: Iterable[TaskLike]) -> list[str]:
    return list(dict.fromkeys(task_id_of(task) for task in tasks))


def _finish_one(task: Task) -> Task:
    if task.status.upper() == FAILED:
        raise TaskFailed(task.task_id, task.status, _text(task.error_message), task)
    return task


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def as_completed(
    client: AuthenticatedClient,
    tasks: Iterable[TaskLike],
    *,
    timeout: float = 600.0,
    poll_interval: float = 1.0,
    max_poll_interval: float = 15.0,
    on_progress: ProgressCallback | None = None,
) -> Iterator[Task]:
    """Yield each task as it finishes (SUCCESS or FAILED), polling all under one budget.

    Raises ``TaskTimeout`` for the first task found unfinished at the deadline.
    """
    schedule = _Schedule(_deduplicated(tasks), poll_interval, max_poll_interval, timeout)
    while schedule:
        task_id, wait = schedule.next()
        if wait:
            time.sleep(wait)
        task = _data(get_task.sync(task_id, client=client), task_id)
        if on_progress is not None:
            on_progress(task)
        if schedule.seen(task):
            yield task


async def async_as_completed(
    client: AuthenticatedClient,
    tasks: Iterable[TaskLike],
    *,
    timeout: float = 600.0,
    poll_interval: float = 1.0,
    max_poll_interval: float = 15.0,
    on_progress: ProgressCallback | None = None,
) -> AsyncIterator[Task]:
    """Async ``as_completed``: yield each task as it finishes. Cancelling stops all polling."""
    schedule = _Schedule(_deduplicated(tasks), poll_interval, max_poll_interval, timeout)
    while schedule:
        task_id, wait = schedule.next()
        if wait:
            await asyncio.sleep(wait)
        task = _data(await get_task.asyncio(task_id, client=client), task_id)
        if on_progress is not None:
            on_progress(task)
        if schedule.seen(task):
            yield task


def wait_for_tasks(
    client: AuthenticatedClient,
    tasks: Iterable[TaskLike],
    *,
    timeout: float = 600.0,
    poll_interval: float = 1.0,
    max_poll_interval: float = 15.0,
    on_progress: ProgressCallback | None = None,
) -> list[Task]:
    """Wait for every task; return them in input order. FAILED tasks are returned, not raised."""
    ids = _deduplicated(tasks)
    done = {
        task.task_id: task
        for task in as_completed(
            client,
            ids,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_progress=on_progress,
        )
    }
    return [done[task_id] for task_id in ids]


async def async_wait_for_tasks(
    client: AuthenticatedClient,
    tasks: Iterable[TaskLike],
    *,
    timeout: float = 600.0,
    poll_interval: float = 1.0,
    max_poll_interval: float = 15.0,
    on_progress: ProgressCallback | None = None,
) -> list[Task]:
    """Async ``wait_for_tasks``: every task, in input order, FAILED ones included."""
    ids = _deduplicated(tasks)
    done = {
        task.task_id: task
        async for task in async_as_completed(
            client,
            ids,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_progress=on_progress,
        )
    }
    return [done[task_id] for task_id in ids]


def wait_for_task(
    client: AuthenticatedClient,
    task: TaskLike,
    *,
    timeout: float = 600.0,
    poll_interval: float = 1.0,
    max_poll_interval: float = 15.0,
    on_progress: ProgressCallback | None = None,
) -> Task:
    """Poll until the task finishes and return it.

    Raises ``TaskFailed`` when it ends FAILED and ``TaskTimeout`` at the
    deadline. Unknown statuses count as still running.
    """
    [finished] = as_completed(
        client,
        [task],
        timeout=timeout,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        on_progress=on_progress,
    )
    return _finish_one(finished)


async def async_wait_for_task(
    client: AuthenticatedClient,
    task: TaskLike,
    *,
    timeout: float = 600.0,
    poll_interval: float = 1.0,
    max_poll_interval: float = 15.0,
    on_progress: ProgressCallback | None = None,
) -> Task:
    """Async ``wait_for_task``. Cancelling the awaiting task stops polling at once."""
    finished = [
        done
        async for done in async_as_completed(
            client,
            [task],
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_progress=on_progress,
        )
    ]
    return _finish_one(finished[0])
