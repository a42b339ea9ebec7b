"""Contains endpoint functions for accessing the API, and the ``tasks`` resources.

``Tasks`` (``client.tasks`` of a sync client) and ``AsyncTasks``
(of an async client) have one method per operation of the tag, generated from the spec.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import httpx

# typing_extensions' overload records the overloads on 3.10 too (get_overloads).
from typing_extensions import overload

from ...client import AuthenticatedClient
from ...errors import UnexpectedStatus

# Every model, TypedDict and literal alias a signature may name.
from ...models import *
from ...types import UNSET, Unset
from .. import RawResponse, request_body
from . import get_task

# The public names: the star import above brings the models in for the signatures only.
__all__ = (
    "AsyncTasks",
    "AsyncTasksWithRawResponse",
    "Tasks",
    "TasksWithRawResponse",
    "get_task",
)


def _get_task_answer(
    client: AuthenticatedClient, response: httpx.Response
) -> RawResponse[Task]:
    # A client that does not raise on error statuses returns the Error model: raise here, so
    # that a resource method returns only its success answer.
    parsed = get_task._build_response(client=client, response=response).parsed
    if not isinstance(parsed, TaskStatusResponse):
        raise client.unparsable_answer(
            response, UnexpectedStatus(response.status_code, response.content)
        )
    return RawResponse(response, parsed.data, client.request_id_of(response))


class TasksWithRawResponse:
    """The ``tasks`` operations, each returning the ``RawResponse``: status, headers and request id beside the parsed answer."""

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    def get_task(
        self,
        task_id: str,
    ) -> RawResponse[Task]:
        """Get a task's status

        Status of any asynchronous task (every create endpoint but chat).
        Poll until `status` is `SUCCESS` or `FAILED`; on success `response`
        lists the result URLs.

        Args:
            task_id (str):

        Returns:
            Task: the ``data`` of the ``TaskStatusResponse`` answer.
        """

        response = self._client.get_httpx_client().request(
            **get_task._get_kwargs(
                task_id=task_id,
            )
        )
        answer = _get_task_answer(self._client, response)
        return answer


class Tasks:
    """The ``tasks`` operations: each method returns the parsed success answer.

    ``with_raw_response`` has the same methods, returning the ``RawResponse``.
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

        response = self._client.get_httpx_client().request(
            **get_task._get_kwargs(
                task_id=task_id,
            )
        )
        answer = _get_task_answer(self._client, response)
        return answer.parsed


class AsyncTasksWithRawResponse:
    """The ``tasks`` operations, each returning the ``RawResponse``: status, headers and request id beside the parsed answer."""

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    async def get_task(
        self,
        task_id: str,
    ) -> RawResponse[Task]:
        """Get a task's status

        Status of any asynchronous task (every create endpoint but chat).
        Poll until `status` is `SUCCESS` or `FAILED`; on success `response`
        lists the result URLs.

        Args:
            task_id (str):

        Returns:
            Task: the ``data`` of the ``TaskStatusResponse`` answer.
        """

        response = await self._client.get_async_httpx_client().request(
            **get_task._get_kwargs(
                task_id=task_id,
            )
        )
        answer = _get_task_answer(self._client, response)
        return answer


class AsyncTasks:
    """The ``tasks`` operations, to await: each method returns the parsed success answer.

    ``with_raw_response`` has the same methods, returning the ``RawResponse``.
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

        response = await self._client.get_async_httpx_client().request(
            **get_task._get_kwargs(
                task_id=task_id,
            )
        )
        answer = _get_task_answer(self._client, response)
        return answer.parsed
