"""Waiting for tasks and saving their results."""

from ._downloads import async_download_results, download_results
from ._polling import (
    as_completed,
    async_as_completed,
    async_wait_for_task,
    async_wait_for_tasks,
    wait_for_task,
    wait_for_tasks,
)
from ._resource import AsyncTasksResource, TasksResource

__all__ = [
    "AsyncTasksResource",
    "TasksResource",
    "as_completed",
    "async_as_completed",
    "async_download_results",
    "async_wait_for_task",
    "async_wait_for_tasks",
    "download_results",
    "wait_for_task",
    "wait_for_tasks",
]
