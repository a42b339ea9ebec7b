"""The httpx transport layer every call goes through: rate budget, safe retries, typed errors.

A request that may create a paid task (every POST) is retried only when the
server cannot have acted on it: the connection was never made, or the
answer was 429. After a 5xx, a lost connection or a read timeout it is not
retried, and the error says that a task may exist. GET is retried on all
of these.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import httpx

from ._budget import RateBudget
from ._errors import APIConnectionError, ApiInOneError, APITimeout, error_from_response
from ._task_log import TaskLog

__all__ = ["AsyncRetryTransport", "RetryPolicy", "RetryTransport", "retry_after_seconds"]

_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to retry, how long to back off, and the most a ``Retry-After`` may ask."""

    max_retries: int = 2
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    retry_after_cap: float = 60.0

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter for retry number ``attempt`` (0-based)."""
        return random.uniform(0, min(self.backoff_max, self.backoff_base * 2**attempt))


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The ``Retry-After`` header in seconds (it may be seconds or an HTTP date), or None."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _chat_wants_json(request: httpx.Request) -> httpx.Request:
    """Ask for JSON when a non-streaming caller posts a chat body that says ``stream: true``.

    The generated ``ChatCompletionRequest`` defaults ``stream`` to true and
    always sends it, yet the generated ``create_chat_completion`` can only
    parse JSON. ``stream_chat`` says it wants SSE with its Accept header, so
    any other chat request is sent with ``stream: false``.
    """
    if (
        request.method != "POST"
        or not request.url.path.endswith("/chat/completions")
        or "text/event-stream" in request.headers.get("accept", "")
    ):
        return request
    try:
        body = json.loads(request.content)
    except ValueError:
        return request
    if not isinstance(body, dict) or body.get("stream") is False:
        return request
    body["stream"] = False
    headers = [(k, v) for k, v in request.headers.multi_items() if k.lower() != "content-length"]
    return httpx.Request(
        request.method,
        request.url,
        headers=headers,
        content=json.dumps(body).encode(),
        extensions=request.extensions,
    )


def _is_json(response: httpx.Response) -> bool:
    media_type: str = response.headers.get("content-type", "").split(";")[0].strip()
    return media_type == "application/json"


def _decoded_json(
    response: httpx.Response, *, may_have_created_task: bool
) -> tuple[Any, ApiInOneError | None]:
    """The decoded body of a JSON answer (None for any other), or the error if it is malformed.

    Every caller then meets a typed error instead of a JSONDecodeError.
    """
    if not _is_json(response):
        return None, None
    response.read()
    try:
        return json.loads(response.content), None
    except ValueError as error:
        return None, ApiInOneError(
            f"Malformed JSON in an HTTP {response.status_code} answer: {error}",
            status=response.status_code,
            body=response.text[:500],
            may_have_created_task=may_have_created_task,
        )


class _Decision:
    """After one attempt: return ``response``, raise ``error``, or retry after ``wait``."""

    response: httpx.Response | None
    body: Any
    """The decoded JSON of a successful answer, else None."""
    error: ApiInOneError | None
    retry: bool
    wait: float

    def __init__(
        self,
        policy: RetryPolicy,
        request: httpx.Request,
        attempt: int,
        *,
        response: httpx.Response | None = None,
        error: httpx.TransportError | None = None,
    ) -> None:
        self.response, self.body, self.error = response, None, None
        self.retry, self.wait = False, 0.0
        idempotent = request.method in {"GET", "HEAD", "OPTIONS"}
        retries_left = attempt < policy.max_retries
        if error is not None:
            safe = isinstance(error, _NOT_SENT) or idempotent
            if safe and retries_left:
                self.retry, self.wait = True, policy.backoff(attempt)
                return
            cls = APITimeout if isinstance(error, httpx.TimeoutException) else APIConnectionError
            self.error = cls(
                f"{type(error).__name__} on {request.method} {request.url.path}: {error}",
                may_have_created_task=not idempotent and not isinstance(error, _NOT_SENT),
            )
            return
        assert response is not None
        status = response.status_code
        if status < 400:
            self.body, self.error = _decoded_json(response, may_have_created_task=not idempotent)
            return
        response.read()
        retry_after = retry_after_seconds(response) if status == 429 else None
        if status == 429 and retry_after is not None and retry_after > policy.retry_after_cap:
            self.error = error_from_response(
                response,
                retry_after=retry_after,
                note=f"Retry-After {retry_after:g} s is over the {policy.retry_after_cap:g} s cap.",
            )
            return
        if status in _RETRY_STATUSES and (status == 429 or idempotent) and retries_left:
            self.retry = True
            self.wait = retry_after if retry_after is not None else policy.backoff(attempt)
            return
        self.error = error_from_response(
            response,
            retry_after=retry_after,
            may_have_created_task=status >= 500 and not idempotent,
        )


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport with the rate budget, safe retries and typed errors (sync).

    A ``task_log`` notes every task a request created.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        policy: RetryPolicy,
        budget: RateBudget | None = None,
        task_log: TaskLog | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.inner, self.policy, self.budget, self.sleep = inner, policy, budget, sleep
        self.task_log = task_log

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``; retry what is safe to retry; raise typed errors for the rest."""
        request = _chat_wants_json(request)
        attempt = 0
        while True:
            if self.budget is not None:
                self.budget.acquire()
            try:
                decision = _Decision(
                    self.policy, request, attempt, response=self.inner.handle_request(request)
                )
            except httpx.TransportError as error:
                decision = _Decision(self.policy, request, attempt, error=error)
            if decision.error is not None:
                raise decision.error
            if not decision.retry:
                assert decision.response is not None
                if self.task_log is not None:
                    self.task_log.record(request, decision.body)
                return decision.response
            if decision.response is not None:
                decision.response.close()
            self.sleep(decision.wait)
            attempt += 1

    def close(self) -> None:
        """Close the wrapped transport."""
        self.inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """Wraps an async transport with the rate budget, safe retries and typed errors.

    A ``task_log`` notes every task a request created.
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        budget: RateBudget | None = None,
        task_log: TaskLog | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.inner, self.policy, self.budget, self.sleep = inner, policy, budget, sleep
        self.task_log = task_log

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``; retry what is safe to retry; raise typed errors for the rest."""
        request = _chat_wants_json(request)
        attempt = 0
        while True:
            if self.budget is not None:
                await self.budget.acquire_async()
            try:
                response = await self.inner.handle_async_request(request)
                if response.status_code >= 400 or _is_json(response):
                    await response.aread()
                decision = _Decision(self.policy, request, attempt, response=response)
            except httpx.TransportError as error:
                decision = _Decision(self.policy, request, attempt, error=error)
            if decision.error is not None:
                raise decision.error
            if not decision.retry:
                assert decision.response is not None
                if self.task_log is not None:
                    self.task_log.record(request, decision.body)
                return decision.response
            if decision.response is not None:
                await decision.response.aclose()
            await self.sleep(decision.wait)
            attempt += 1

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.inner.aclose()
