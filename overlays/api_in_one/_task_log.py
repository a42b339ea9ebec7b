"""When and from what each task was created, as seen by the client that created it.

Waiting uses it: tasks made by the same endpoint and model take about as
long as each other, so the first of them to finish tells when to look at
the rest, each counted from its own creation. It also keeps the request id
of the latest answer about each task, for the errors of a wait.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from ._request_facts import facts_of
from ._task_status import task_in

__all__ = ["TaskCreation", "TaskLog", "last_request_id"]


@dataclass(frozen=True)
class TaskCreation:
    """One created task: when its creation was answered (``time.monotonic()``) and its kind."""

    at: float
    kind: str
    """Endpoint path and model, separated by a space (``"<path> <model>"``)."""


class TaskLog:
    """The most recent ``limit`` tasks a client created, and the request ids of the latest
    answers about up to ``limit`` tasks that have not succeeded. Safe to share between threads.

    A succeeded task's id is dropped: no error about it can follow, and a batch of
    thousands of tasks would otherwise keep an id for each.
    """

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._created: dict[str, TaskCreation] = {}
        self._answered: dict[str, str] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._created)

    def get(self, task_id: str) -> TaskCreation | None:
        """The creation of ``task_id``, or None when this client did not create it (lately)."""
        return self._created.get(task_id)

    def last_request_id(self, task_id: str) -> str | None:
        """The request id of the latest answer about ``task_id`` (its creation or a poll),
        while it has not succeeded."""
        return self._answered.get(task_id)

    def record(
        self, request: httpx.Request, body: Any, request_id: str | None = None
    ) -> str | None:
        """Note a successful answer's decoded JSON: the task a POST created, and the answer's
        ``request_id`` for the task it names. Return the created task's id (None when the
        answer created no task)."""
        task_id, status = task_in(body)
        if task_id is None or status is None:
            return None
        if request_id is not None:
            with self._lock:
                self._answered.pop(task_id, None)  # to the end: the oldest go first
                if status.upper() != "SUCCESS":
                    self._answered[task_id] = request_id
                    if len(self._answered) > self.limit:
                        del self._answered[next(iter(self._answered))]
        if request.method != "POST":
            return None
        model = facts_of(request).fields.get("model")
        kind = f"{request.url.path} {model if isinstance(model, str) else ''}"
        creation = TaskCreation(time.monotonic(), kind)
        with self._lock:
            self._created[task_id] = creation
            if len(self._created) > self.limit:
                del self._created[next(iter(self._created))]
        return task_id


def last_request_id(client: object, task_id: str) -> str | None:
    """The request id of the latest answer about ``task_id`` through ``client``.

    None when the client keeps no task log (it did not come from ``connect()``
    or ``aconnect()``) or saw no answer about the task.
    """
    log = getattr(client, "task_log", None)
    return log.last_request_id(task_id) if isinstance(log, TaskLog) else None
