"""When and from what each task was created, as seen by the client that created it.

Waiting uses it: tasks made by the same endpoint and model take about as
long as each other, so the first of them to finish tells when to look at
the rest, each counted from its own creation.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = ["TaskCreation", "TaskLog"]


@dataclass(frozen=True)
class TaskCreation:
    """One created task: when its creation was answered (``time.monotonic()``) and its kind."""

    at: float
    kind: str
    """Endpoint path and model, separated by a space (``"<path> <model>"``)."""


class TaskLog:
    """The most recent ``limit`` tasks a client created. Safe to share between threads."""

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._created: dict[str, TaskCreation] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._created)

    def get(self, task_id: str) -> TaskCreation | None:
        """The creation of ``task_id``, or None when this client did not create it (lately)."""
        return self._created.get(task_id)

    def record(self, request: httpx.Request, body: Any) -> str | None:
        """Note the task a POST created, given its successful answer's decoded JSON; return its
        id (None when the answer created no task)."""
        task_id = _created_task_id(body) if request.method == "POST" else None
        if task_id is None:
            return None
        creation = TaskCreation(time.monotonic(), f"{request.url.path} {_model(request)}")
        with self._lock:
            self._created[task_id] = creation
            if len(self._created) > self.limit:
                del self._created[next(iter(self._created))]
        return task_id


def _created_task_id(body: Any) -> str | None:
    """The id in either shape of a task-created answer; None for any other answer (chat)."""
    inner = body.get("data", body) if isinstance(body, dict) else None
    if not isinstance(inner, dict) or "status" not in inner:
        return None
    found = inner.get("task_id", inner.get("id"))
    return found if isinstance(found, str) and found else None


def _model(request: httpx.Request) -> str:
    try:
        body: Any = json.loads(request.content)
    except (ValueError, httpx.RequestNotRead):
        return ""
    model = body.get("model") if isinstance(body, dict) else None
    return model if isinstance(model, str) else ""
