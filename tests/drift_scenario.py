"""The application code the drift, recording and replay tests run: what a user of the SDK does.

It creates a task from the first task operation's first example, polls it
until it finishes (moving the mock's clock between polls when given one),
asks for a task that does not exist and streams a chat. Each step's result
or ``ApiInOneError`` is kept, so a step that fails does not hide the next.
Sync and async twins, step for step.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from api_in_one import ApiInOneClient, ApiInOneError, async_stream_chat, stream_chat
from api_in_one._operations import of_kind, operations
from api_in_one._task_status import is_finished
from api_in_one_client import models
from api_in_one_client.api.tasks import get_task

TASK = next(facts for facts in operations() if facts.kind == "task" and facts.request_schema)
TASK_BODY = next(iter(TASK.examples.values()))
CHAT_BODY = {**next(iter(of_kind("chat").examples.values())), "stream": True}
UNKNOWN_TASK = "no_such_task_0"
MAX_POLLS = 12


@dataclass
class Outcome:
    """What the application saw: the created task, each polled status, the chat reply."""

    created: Any = None
    statuses: list[str] = field(default_factory=list)
    unknown: Any = None
    chat: Any = None
    errors: list[ApiInOneError] = field(default_factory=list)

    def seen(self) -> dict[str, Any]:
        """The answers as comparable values (errors by class and status)."""
        return {
            "created": _comparable(self.created),
            "statuses": self.statuses,
            "unknown": _comparable(self.unknown),
            "chat": _comparable(self.chat),
        }


def _comparable(value: Any) -> Any:
    if isinstance(value, ApiInOneError):
        return (type(value).__name__, value.status)
    return value.to_dict() if hasattr(value, "to_dict") else value


def _task_id(created: Any) -> str | None:
    data = getattr(created, "data", None)
    task_id = getattr(data, "task_id", None)
    return task_id if isinstance(task_id, str) else None


def run_user_code(client: ApiInOneClient, advance: Callable[[], None] = lambda: None) -> Outcome:
    """The application, sync; ``advance`` moves the mock's clock between polls."""
    outcome = Outcome()
    module = importlib.import_module(TASK.module)
    body = getattr(models, str(TASK.request_schema)).from_dict(TASK_BODY)
    outcome.created = _step(outcome, lambda: module.sync(client=client, body=body))
    task_id = _task_id(outcome.created)
    for _ in range(MAX_POLLS if task_id else 0):
        answer = _step(outcome, lambda: get_task.sync(str(task_id), client=client))
        status = getattr(getattr(answer, "data", None), "status", None)
        if not isinstance(status, str):
            break
        outcome.statuses.append(status)
        if is_finished(status):
            break
        advance()
    outcome.unknown = _step(outcome, lambda: get_task.sync(UNKNOWN_TASK, client=client))
    outcome.chat = _step(outcome, lambda: stream_chat(client, CHAT_BODY).until_done().text)
    return outcome


async def async_run_user_code(
    client: ApiInOneClient, advance: Callable[[], None] = lambda: None
) -> Outcome:
    """The async twin of ``run_user_code``, step for step."""
    outcome = Outcome()
    module = importlib.import_module(TASK.module)
    body = getattr(models, str(TASK.request_schema)).from_dict(TASK_BODY)
    outcome.created = await _async_step(outcome, lambda: module.asyncio(client=client, body=body))
    task_id = _task_id(outcome.created)
    for _ in range(MAX_POLLS if task_id else 0):
        answer = await _async_step(outcome, lambda: get_task.asyncio(str(task_id), client=client))
        status = getattr(getattr(answer, "data", None), "status", None)
        if not isinstance(status, str):
            break
        outcome.statuses.append(status)
        if is_finished(status):
            break
        advance()
    outcome.unknown = await _async_step(
        outcome, lambda: get_task.asyncio(UNKNOWN_TASK, client=client)
    )
    outcome.chat = await _async_step(outcome, lambda: _async_chat(client))
    return outcome


async def _async_chat(client: ApiInOneClient) -> str:
    stream = await async_stream_chat(client, CHAT_BODY)
    return (await stream.until_done()).text


def _step(outcome: Outcome, run: Callable[[], Any]) -> Any:
    try:
        return run()
    except ApiInOneError as error:
        outcome.errors.append(error)
        return error


async def _async_step(outcome: Outcome, run: Callable[[], Awaitable[Any]]) -> Any:
    try:
        return await run()
    except ApiInOneError as error:
        outcome.errors.append(error)
        return error
