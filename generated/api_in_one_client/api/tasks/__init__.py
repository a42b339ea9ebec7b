"""Contains endpoint functions for accessing the API, and the ``tasks`` resources.

``Tasks`` (``client.tasks`` of a sync client) and ``AsyncTasks``
(of an async client) have one method per operation of the tag, generated from the spec.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any, Literal

# typing_extensions' overload records the overloads on 3.10 too (get_overloads).
from typing_extensions import overload

from ...client import AuthenticatedClient

# Every model, TypedDict and literal alias a signature may name.
from ...models import *
from ...types import UNSET, Unset
from .. import RawResponse, unwrap
from . import get_task

# The public names: the star import above brings the models in for the signatures only.
__all__ = (
    "AsyncTasks",
    "AsyncTasksWithRawResponse",
    "Tasks",
    "TasksWithRawResponse",
    "get_task",
)


class TasksWithRawResponse:
    """The ``tasks`` operations, each returning the ``RawResponse``: status, headers and request id beside the parsed answer."""

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    def get_task(
        self,
        task_id: str,
    ) -> RawResponse[Task]:
        """``Tasks.get_task``, returning the ``RawResponse``."""
        response = self._client.get_httpx_client().request(
            **get_task._get_kwargs(task_id=task_id)
        )
        return unwrap(
            self._client, response, get_task._build_response, TaskStatusResponse
        )


class Tasks:
    """The ``tasks`` operations: each method returns the parsed success answer.

    ``with_raw_response`` has the same methods, returning the ``RawResponse``;
    ``request_id_of(answer)`` gives the request id of an answer.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> TasksWithRawResponse:
        """The same operations, returning the ``RawResponse`` (status, headers, request id)."""
        return TasksWithRawResponse(self._client)

    def get_task(
        self,
        task_id: str,
    ) -> Task:
        """Get a task's status

        Status of any asynchronous task (every create endpoint but chat).
        Poll until `status` is `SUCCESS` or `FAILED`; on success `response`
        lists the result URLs.

        Args:
            task_id (str):

        Returns:
            Task: the ``data`` of the ``TaskStatusResponse`` answer.
        """

        return self.with_raw_response.get_task(task_id=task_id).parsed


class AsyncTasksWithRawResponse:
    """The ``tasks`` operations, each returning the ``RawResponse``: status, headers and request id beside the parsed answer."""

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    async def get_task(
        self,
        task_id: str,
    ) -> RawResponse[Task]:
        """``AsyncTasks.get_task``, returning the ``RawResponse``."""
        response = await self._client.get_async_httpx_client().request(
            **get_task._get_kwargs(task_id=task_id)
        )
        return unwrap(
            self._client, response, get_task._build_response, TaskStatusResponse
        )


class AsyncTasks:
    """The ``tasks`` operations, to await: each method returns the parsed success answer.

    ``with_raw_response`` has the same methods, returning the ``RawResponse``;
    ``request_id_of(answer)`` gives the request id of an answer.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> AsyncTasksWithRawResponse:
        """The same operations, returning the ``RawResponse`` (status, headers, request id)."""
        return AsyncTasksWithRawResponse(self._client)

    async def get_task(
        self,
        task_id: str,
    ) -> Task:
        """Get a task's status

        Status of any asynchronous task (every create endpoint but chat).
        Poll until `status` is `SUCCESS` or `FAILED`; on success `response`
        lists the result URLs.

        Args:
            task_id (str):

        Returns:
            Task: the ``data`` of the ``TaskStatusResponse`` answer.
        """

        return (await self.with_raw_response.get_task(task_id=task_id)).parsed
