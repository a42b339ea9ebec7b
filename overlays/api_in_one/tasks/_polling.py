"""Waiting for tasks: one or many, with backoff and jitter, a deadline and progress callbacks.

Every poll goes through the client's transport, so it spends the client's
rate budget like any other call: a batch wait cannot provoke 429. When to
poll which task is ``_schedule.Schedule``'s decision.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator

from api_in_one_client import AuthenticatedClient
from api_in_one_client.api.tasks import get_task
from api_in_one_client.models import Task, TaskStatusResponse

from .._errors import ApiInOneError, TaskFailedError, TaskTimeoutError
from .._task_log import TaskLog, last_request_id
from .._task_status import FAILED, TaskLike, task_id_of
from .._telemetry import TaskWaits
from ._schedule import Schedule

__all__ = [
    "as_completed",
    "async_as_completed",
    "async_wait_for_task",
    "async_wait_for_tasks",
    "wait_for_task",
    "wait_for_tasks",
]

ProgressCallback = Callable[[Task], None]


def _schedule(
    client: AuthenticatedClient,
    tasks: Iterable[TaskLike],
    poll_interval: float,
    max_poll_interval: float,
    timeout: float,
) -> Schedule:
    ids = _deduplicated(tasks)
    # Any client with a task log (those of connect() and aconnect()) times polls from it;
    # read by attribute so that the client module can build on this one.
    log: TaskLog | None = getattr(client, "task_log", None)
    origins = {} if log is None else {i: c for i in ids if (c := log.get(i)) is not None}
    scale = _time_scale(client)
    return Schedule(ids, origins, poll_interval * scale, max_poll_interval * scale, timeout * scale)


def _time_scale(client: AuthenticatedClient) -> float:
    """Real seconds per server second: the waits' intervals and deadline are server seconds.

    Read by attribute, as the task log is: 1 for a client that is not connect()'s."""
    scale: float = getattr(client, "time_scale", 1.0)
    return scale


def _data(answer: TaskStatusResponse | object, task_id: str) -> Task:
    if not isinstance(answer, TaskStatusResponse):
        raise ApiInOneError(
            f"Unexpected answer polling task {task_id}: {answer!r:.200}. The gateway answered "
            "outside its contract: report it with this answer, then wait for the task again."
        )
    return answer.data


def _seen(
    client: AuthenticatedClient,
    schedule: Schedule,
    waits: TaskWaits,
    task: Task,
    sent: float,
    on_progress: ProgressCallback | None,
) -> bool:
    """Tell the caller and the schedule of a poll's answer; True when the task finished."""
    if on_progress is not None:
        on_progress(task)
    try:
        finished = schedule.seen(task, sent)
    except TaskTimeoutError as late:
        # The schedule knows the deadline, the client the id of the poll that found it passed.
        request_id = last_request_id(client, late.task_id)
        timeout = late.timeout / _time_scale(client)  # as the caller gave it
        raise TaskTimeoutError(
            late.task_id, late.last_status, timeout, request_id=request_id
        ) from None
    if not finished:
        return False
    waits.finished(task)
    return True


def _deduplicated(tasks: Iterable[TaskLike]) -> list[str]:
    return list(dict.fromkeys(task_id_of(task) for task in tasks))


def _finish_one(client: AuthenticatedClient, task: Task) -> Task:
    if task.status.upper() == FAILED:
        raise TaskFailedError(
            task.task_id,
            task.status,
            _text(task.error_message),
            task,
            request_id=last_request_id(client, task.task_id),
        )
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

    Tasks this client created with the same endpoint and model are assumed to
    take about as long as each other: the first to finish tells when to look
    at the rest, so most cost a single poll. The first poll of a task comes
    ``poll_interval`` after its creation (at once for a task from elsewhere);
    backoff then grows by 1.25x-1.5x, with jitter, up to ``max_poll_interval``.
    Raises ``TaskTimeoutError`` for the first task found unfinished at the deadline.
    """
    schedule = _schedule(client, tasks, poll_interval, max_poll_interval, timeout)
    with TaskWaits() as waits:
        while schedule:
            task_id, wait = schedule.next()
            if wait:
                time.sleep(wait)
            sent = time.monotonic()
            with waits.poll(task_id):
                task = _data(get_task.sync(task_id, client=client), task_id)
            if _seen(client, schedule, waits, task, sent, on_progress):
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
    schedule = _schedule(client, tasks, poll_interval, max_poll_interval, timeout)
    with TaskWaits() as waits:
        while schedule:
            task_id, wait = schedule.next()
            if wait:
                await asyncio.sleep(wait)
            sent = time.monotonic()
            with waits.poll(task_id):
                task = _data(await get_task.asyncio(task_id, client=client), task_id)
            if _seen(client, schedule, waits, task, sent, on_progress):
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

    Raises ``TaskFailedError`` when it ends FAILED and ``TaskTimeoutError`` at the
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
    return _finish_one(client, finished)


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
    return _finish_one(client, finished[0])
