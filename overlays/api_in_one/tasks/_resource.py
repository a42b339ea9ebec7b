"""``client.tasks``: the generated ``get_task`` plus waiting for tasks and downloading results."""

from __future__ import annotations

import os
from pathlib import Path

from api_in_one_client.api.tasks import AsyncTasks, Tasks
from api_in_one_client.models import Task

from .._task_status import TaskLike
from ._downloads import ProgressCallback as DownloadProgress
from ._downloads import async_download_results, download_results
from ._polling import ProgressCallback, async_wait_for_task, wait_for_task

__all__ = ["AsyncTasksResource", "TasksResource"]


class TasksResource(Tasks):
    """The ``tasks`` operations of a sync client, with ``wait`` and ``download``."""

    __slots__ = ()

    def wait(
        self,
        task: TaskLike,
        *,
        timeout: float = 600.0,
        poll_interval: float = 1.0,
        max_poll_interval: float = 15.0,
        on_progress: ProgressCallback | None = None,
    ) -> Task:
        """Poll until the task (a create's answer, a ``Task`` or an id) finishes; return it.

        ``wait_for_task``: ``TaskFailedError`` when it ends ``FAILED``,
        ``TaskTimeoutError`` at the deadline.
        """
        return wait_for_task(
            self._client,
            task,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_progress=on_progress,
        )

    def download(
        self,
        task: Task,
        directory: str | os.PathLike[str],
        *,
        on_progress: DownloadProgress | None = None,
    ) -> list[Path]:
        """Save each result of a finished task into ``directory``: ``download_results``."""
        return download_results(self._client, task, directory, on_progress=on_progress)


# The async twin of TasksResource: the same methods, awaited.
class AsyncTasksResource(AsyncTasks):
    """The ``tasks`` operations of an async client, with ``wait`` and ``download``."""

    __slots__ = ()

    async def wait(
        self,
        task: TaskLike,
        *,
        timeout: float = 600.0,
        poll_interval: float = 1.0,
        max_poll_interval: float = 15.0,
        on_progress: ProgressCallback | None = None,
    ) -> Task:
        """Poll until the task finishes; return it (``async_wait_for_task``)."""
        return await async_wait_for_task(
            self._client,
            task,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            on_progress=on_progress,
        )

    async def download(
        self,
        task: Task,
        directory: str | os.PathLike[str],
        *,
        on_progress: DownloadProgress | None = None,
    ) -> list[Path]:
        """Save each result of a finished task into ``directory`` (``async_download_results``)."""
        return await async_download_results(self._client, task, directory, on_progress=on_progress)
