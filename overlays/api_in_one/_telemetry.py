"""What the SDK is doing, told to ``logging`` and, with the ``otel`` extra, to OpenTelemetry.

Spans: one per API call (``GET /api/v1/tasks/...``; its retries are events on
it), one per task waited for (``wait for task``, linked to the span of the call
that created the task, with its polls as children), and one per download
(``download results``, linked to both). Without ``opentelemetry-api`` installed
only the log lines remain.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, TypeVar, cast

import httpx

from api_in_one_client.models import Task

from ._errors import ApiInOneError
from ._logs import logger
from ._request_facts import facts_of
from ._wire import request_id_of

try:
    from opentelemetry import trace
except ImportError:  # the otel extra is not installed: log lines only
    trace = None  # type: ignore[assignment]

__all__ = [
    "TaskWaits",
    "budget_waited",
    "retrying",
    "task_created",
    "traced_async_download",
    "traced_async_request",
    "traced_download",
    "traced_request",
]

_REMEMBERED = 10_000
"""How many tasks' span contexts are kept for linking."""
_BUDGET_WAIT_WORTH_LOGGING = 0.01
_created: OrderedDict[str, Any] = OrderedDict()
_waited: OrderedDict[str, Any] = OrderedDict()

Transport = TypeVar("Transport")
SyncDownload = TypeVar("SyncDownload", bound=Callable[..., list[Path]])
AsyncDownload = TypeVar("AsyncDownload", bound=Callable[..., Awaitable[list[Path]]])
Request = Callable[[Transport, httpx.Request], httpx.Response]
AsyncRequest = Callable[[Transport, httpx.Request], Coroutine[Any, Any, httpx.Response]]


def _tracing() -> bool:
    """Whether spans go anywhere: ``opentelemetry-api`` is installed and a provider was set."""
    return trace is not None and not isinstance(
        trace.get_tracer_provider(), trace.ProxyTracerProvider | trace.NoOpTracerProvider
    )


def _observed() -> bool:
    """Whether a call is worth its log line and span: skipped, it costs nothing extra."""
    return logger.isEnabledFor(logging.INFO) or _tracing()


def _remember(store: OrderedDict[str, Any], task_id: str) -> None:
    if not _tracing():
        return
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        store[task_id] = context
        store.move_to_end(task_id)
        if len(store) > _REMEMBERED:
            store.popitem(last=False)


def _links(task_id: str, *stores: OrderedDict[str, Any]) -> list[Any]:
    assert trace is not None
    contexts = [store[task_id] for store in stores if task_id in store]
    return [trace.Link(context) for context in contexts]


def _span(name: str, links: Sequence[Any] = (), **attributes: Any) -> AbstractContextManager[Any]:
    if not _tracing():
        return nullcontext()
    kind = trace.SpanKind.CLIENT if "http.request.method" in attributes else trace.SpanKind.INTERNAL
    return trace.get_tracer("api_in_one").start_as_current_span(
        name, kind=kind, links=links, attributes=attributes
    )


def _request_span(request: httpx.Request) -> AbstractContextManager[Any]:
    # Named by the path template, never the path: a task id in a span name would make one
    # name per task, against OpenTelemetry's rule that span names have low cardinality.
    facts = facts_of(request).operation
    attributes = {"http.request.method": request.method, "url.path": request.url.path}
    if facts is None:
        return _span(request.method, **attributes)
    return _span(f"{request.method} {facts.path}", **attributes, **{"url.template": facts.path})


def _answered(request: httpx.Request, response: httpx.Response, started: float, span: Any) -> None:
    request_id = request_id_of(response, request)
    logger.info(
        "%s %s -> %d in %.2f s (request id %s)",
        request.method,
        request.url.path,
        response.status_code,
        time.monotonic() - started,
        request_id,
    )
    if span is not None:
        span.set_attribute("http.response.status_code", response.status_code)
        span.set_attribute("api_in_one.request_id", request_id or "")


def _failed(request: httpx.Request, error: ApiInOneError, started: float, span: Any) -> None:
    logger.info(
        "%s %s failed in %.2f s: %s: %s",
        request.method,
        request.url.path,
        time.monotonic() - started,
        type(error).__name__,
        error,
    )
    if span is not None:
        if error.status is not None:
            span.set_attribute("http.response.status_code", error.status)
        span.set_attribute("api_in_one.request_id", error.request_id or "")
        span.set_attribute("error.type", type(error).__name__)


@contextmanager
def _call(request: httpx.Request) -> Iterator[Callable[[httpx.Response], None]]:
    """Around one call: yields what to tell of its answer; a typed error is told on its way."""
    started = time.monotonic()
    with _request_span(request) as span:
        try:
            yield lambda response: _answered(request, response, started, span)
        except ApiInOneError as error:
            _failed(request, error, started, span)
            raise


def traced_request(handle: Request[Transport]) -> Request[Transport]:
    """Log a transport's call and wrap it in a span (sync)."""

    @functools.wraps(handle)
    def wrapper(transport: Transport, request: httpx.Request) -> httpx.Response:
        if not _observed():
            return handle(transport, request)
        with _call(request) as answered:
            response = handle(transport, request)
            answered(response)
            return response

    return wrapper


def traced_async_request(handle: AsyncRequest[Transport]) -> AsyncRequest[Transport]:
    """Log a transport's call and wrap it in a span (async)."""

    @functools.wraps(handle)
    async def wrapper(transport: Transport, request: httpx.Request) -> httpx.Response:
        if not _observed():
            return await handle(transport, request)
        with _call(request) as answered:
            response = await handle(transport, request)
            answered(response)
            return response

    return wrapper


def retrying(request: httpx.Request, reason: str, wait: float, retry: int, retries: int) -> None:
    """Note a retry: a log line with its reason and wait, an event on the call's span."""
    path = request.url.path
    logger.info(
        "Retrying %s %s in %.2f s (retry %d of %d): %s",
        *(request.method, path, wait, retry, retries, reason),
    )
    if _tracing():
        attributes: dict[str, str | float] = {
            "reason": reason,
            "wait_seconds": wait,
            "retry": retry,
        }
        trace.get_current_span().add_event("retry", attributes)


def budget_waited(request: httpx.Request, seconds: float) -> None:
    """Note a wait on the rate budget, if it was long enough to matter."""
    if seconds >= _BUDGET_WAIT_WORTH_LOGGING:
        logger.info(
            "Waited %.2f s for the rate budget before %s %s",
            *(seconds, request.method, request.url.path),
        )


def task_created(task_id: str | None) -> None:
    """Note the task a call created, so its wait and download link to the call's span."""
    if task_id is not None:
        logger.info("Created task %s", task_id)
        _remember(_created, task_id)


class TaskWaits:
    """The spans of one wait for tasks: one per task, each linked to its creation.

    Spans are started at a task's first poll and made current only around
    each poll, never across the caller's code between them.
    """

    def __init__(self) -> None:
        self._spans: dict[str, Any] = {}
        self._polls: dict[str, int] = {}
        self._started = time.monotonic()

    @contextmanager
    def poll(self, task_id: str) -> Iterator[None]:
        """Around one poll of ``task_id``: its request span becomes a child of the task's."""
        self._polls[task_id] = self._polls.get(task_id, 0) + 1
        logger.debug("Polling task %s (poll %d)", task_id, self._polls[task_id])
        if not _tracing():
            yield
            return
        span = self._spans.get(task_id)
        if span is None:
            span = trace.get_tracer("api_in_one").start_span(
                "wait for task",
                links=_links(task_id, _created),
                attributes={"api_in_one.task_id": task_id},
            )
            self._spans[task_id] = span
        with trace.use_span(span, end_on_exit=False):
            yield

    def finished(self, task: Task) -> None:
        """``task`` reached SUCCESS or FAILED: log it and end its span."""
        polls = self._polls.get(task.task_id, 0)
        seconds = time.monotonic() - self._started
        logger.info(
            "Task %s finished %s after %d polls in %.1f s",
            *(task.task_id, task.status, polls, seconds),
        )
        span = self._spans.pop(task.task_id, None)
        if span is not None:
            span.set_attribute("api_in_one.task_status", task.status)
            span.set_attribute("api_in_one.polls", polls)
            with trace.use_span(span, end_on_exit=True):
                _remember(_waited, task.task_id)

    def __enter__(self) -> TaskWaits:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """End the spans of tasks that did not finish (deadline, error, cancellation)."""
        for span in self._spans.values():
            span.set_attribute("api_in_one.task_status", "unfinished")
            span.end()
        self._spans.clear()


def _download_span(task: Task) -> AbstractContextManager[Any]:
    links = _links(task.task_id, _created, _waited) if _tracing() else []
    return _span("download results", links, **{"api_in_one.task_id": task.task_id})


def _downloaded(task: Task, paths: list[Path]) -> None:
    logger.info("Downloaded %d files of task %s: %s", len(paths), task.task_id, paths)


def _task_argument(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Task:
    task: Task = kwargs["task"] if "task" in kwargs else args[1]
    return task


def traced_download(download: SyncDownload) -> SyncDownload:
    """Log a download of a task's results and wrap it in a span linked to the task's."""

    @functools.wraps(download)
    def wrapper(*args: Any, **kwargs: Any) -> list[Path]:
        task = _task_argument(args, kwargs)
        with _download_span(task):
            paths: list[Path] = download(*args, **kwargs)
        _downloaded(task, paths)
        return paths

    return cast(SyncDownload, wrapper)


def traced_async_download(download: AsyncDownload) -> AsyncDownload:
    """Async ``traced_download``."""

    @functools.wraps(download)
    async def wrapper(*args: Any, **kwargs: Any) -> list[Path]:
        task = _task_argument(args, kwargs)
        with _download_span(task):
            paths: list[Path] = await download(*args, **kwargs)
        _downloaded(task, paths)
        return paths

    return cast(AsyncDownload, wrapper)
