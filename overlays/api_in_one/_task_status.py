"""Reading task ids and statuses, whichever shape the gateway used."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api_in_one_client.models import Error, Task, TaskCreated, TaskReference, TaskStatusResponse

__all__ = ["FAILED", "SUCCESS", "TaskLike", "is_finished", "task_id_of", "task_in"]

SUCCESS = "SUCCESS"
FAILED = "FAILED"

TaskLike = (
    str | TaskCreated | TaskStatusResponse | TaskReference | Task | Mapping[str, Any] | Error | None
)
"""Anything that names a task: an id, a generated model, or a decoded JSON answer.

``Error | None`` is admitted so that the result of a generated ``sync()`` call
can be passed straight on: with a ``connect()`` client those calls raise
instead of returning them, and passing one anyway raises ``TypeError``.
"""


def task_id_of(task: TaskLike) -> str:
    """The task id in ``task``.

    Accepts an id, ``TaskCreated``/``TaskStatusResponse``/``Task`` models, and
    decoded JSON of both wire shapes the docs page shows: the enveloped
    ``{"data": {"task_id": ...}}`` and the bare ``{"id": ...}``.
    """
    if isinstance(task, Error) or task is None:
        raise TypeError(
            f"{task!r:.200} is not a task: use a client from connect(), which raises typed errors"
        )
    if isinstance(task, str):
        found: Any = task
    elif isinstance(task, TaskCreated | TaskStatusResponse):
        found = task.data.task_id
    elif isinstance(task, Task | TaskReference):
        found = task.task_id
    elif isinstance(task, Mapping):
        found = _fields(task)[0]
    else:
        found = None
    if not isinstance(found, str) or not found:
        raise TypeError(f"Cannot find a task id in {type(task).__name__}: {task!r:.200}")
    return found


def task_in(answer: Any) -> tuple[str | None, str | None]:
    """The task id and status in the decoded JSON of an answer about a task (its creation or
    its status), in either wire shape; ``(None, None)`` for any other answer (a chat, whose
    ``id`` names no task, has no status)."""
    task_id, status = _fields(answer)
    if not isinstance(status, str):
        return None, None
    return task_id, status


def _fields(answer: Any) -> tuple[str | None, Any]:
    """The id and the raw status of the enveloped ``{"data": {...}}`` or the bare shape."""
    inner = answer.get("data", answer) if isinstance(answer, Mapping) else None
    if not isinstance(inner, Mapping):
        return None, None
    found = inner.get("task_id", inner.get("id"))
    return (found if isinstance(found, str) and found else None), inner.get("status")


def is_finished(status: str) -> bool:
    """True for SUCCESS and FAILED in any case; unknown statuses count as still running."""
    return status.upper() in {SUCCESS, FAILED}
