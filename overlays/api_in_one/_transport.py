"""The httpx transport layer every call goes through: rate budget, safe retries, typed errors.

A request that may create a paid task (every POST) is retried only when the
server cannot have acted on it: the connection was never made, or the
answer was 429. After a 5xx, a lost connection or a read timeout it is not
retried, and the error says that a task may exist. GET is retried on all
of these. A request that cannot be sent at all (a header value h11 refuses,
say) is never retried. A successful answer must be JSON, or an event stream:
anything else (a proxy's HTML page) raises ``APIResponseValidationError``.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import httpx

from ._budget import RateBudget
from ._errors import (
    REQUEST_ID_HEADER,
    APIConnectionError,
    ApiInOneError,
    APIResponseValidationError,
    APITimeoutError,
    error_from_response,
    excerpt,
    new_request_id,
    request_id_of,
)
from ._operations import of_kind
from ._task_log import TaskLog
from ._telemetry import (
    budget_waited,
    retrying,
    task_created,
    traced_async_request,
    traced_request,
)

__all__ = [
    "AsyncRetryTransport",
    "RetryPolicy",
    "RetryTransport",
    "invalid_answer",
    "retry_after_seconds",
]

_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout)
_UNSENDABLE = (httpx.LocalProtocolError, httpx.UnsupportedProtocol)
"""The request itself is at fault: nothing was sent, and sending it again cannot help."""
_FIELD_VALUE = re.compile(rb"([^\x00\s]+(?:[ \t]+[^\x00\s]+)*)?")
"""A header value h11 sends: no NUL, no line break, no surrounding whitespace."""


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


def _with_request_id(request: httpx.Request) -> httpx.Request:
    """Give the request an ``X-Request-Id`` unless the caller set one; its retries keep it."""
    if REQUEST_ID_HEADER not in request.headers:
        request.headers[REQUEST_ID_HEADER] = new_request_id()
    return request


def _chat_wants_json(request: httpx.Request) -> httpx.Request:
    """Ask for JSON when a non-streaming caller posts a chat body that says ``stream: true``.

    The generated ``ChatCompletionRequest`` defaults ``stream`` to true and
    always sends it, yet the generated ``create_chat_completion`` can only
    parse JSON. ``stream_chat`` says it wants SSE with its Accept header, so
    any other chat request is sent with ``stream: false``.
    """
    if (
        request.method != "POST"
        or not _is_chat(request)
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


def _media_type(response: httpx.Response) -> str:
    media_type: str = response.headers.get("content-type", "")
    return media_type.split(";")[0].strip().lower()


def _is_event_stream(response: httpx.Response) -> bool:
    return _media_type(response) == "text/event-stream"


def _is_chat(request: httpx.Request) -> bool:
    """A chat request is charged but creates no task, which its errors say."""
    return request.url.path.endswith(of_kind("chat").path)


def _decoded_json(
    request: httpx.Request, response: httpx.Response
) -> tuple[Any, ApiInOneError | None]:
    """The decoded body of a successful answer, or the error if it is not JSON.

    Every caller then meets a typed error instead of a JSONDecodeError. The
    content type is not insisted on: JSON labelled ``text/plain`` still works.
    """
    response.read()
    try:
        return json.loads(response.content), None
    except (ValueError, RecursionError):
        kind = _media_type(response) or "no content type"
        what = "Malformed JSON" if kind == "application/json" else f"Not JSON ({kind})"
        return None, invalid_answer(request, response, what)


def invalid_answer(
    request: httpx.Request, response: httpx.Response, problem: str
) -> APIResponseValidationError:
    """The error for a successful answer that is not what the spec promises.

    ``problem`` says how and starts the message, as in "Malformed JSON". The
    error carries the status and an excerpt of the body, and says that a task
    may exist when the request was a create.
    """
    return APIResponseValidationError(
        f"{problem} in the HTTP {response.status_code} answer to {request.method} "
        f"{request.url.path}: {excerpt(response.text)}",
        status=response.status_code,
        body=response.text[:500],
        request_id=request_id_of(response, request),
        may_have_created_task=request.method not in _IDEMPOTENT,
        charged_only=_is_chat(request),
    )


def _reason(error: BaseException) -> str:
    """The first message down the cause chain: an async ReadError often has none of its own."""
    cause: BaseException | None = error
    while cause is not None:
        if str(cause):
            return str(cause)
        cause = cause.__cause__ or cause.__context__
    return "no reason given"


def _unsendable_header(request: httpx.Request) -> APIConnectionError | None:
    """The error for a header value h11 would refuse, found before anything is sent.

    h11's own error quotes the value, and httpcore logs that error at DEBUG
    level: checked here first, a key read with its line end never reaches a log.
    """
    for name, value in request.headers.raw:
        if _FIELD_VALUE.fullmatch(value) is None:
            return APIConnectionError(
                f"{request.method} {request.url.path} was not sent: the value of its "
                f"{name.decode('latin-1')} header is not valid HTTP (a line break or another "
                "control character, or surrounding whitespace).",
                request_id=request.headers.get(REQUEST_ID_HEADER),
            )
    return None


def _connection_error(
    request: httpx.Request, error: httpx.TransportError, *, idempotent: bool
) -> APIConnectionError:
    where = f"{request.method} {request.url.path}"
    if isinstance(error, httpx.LocalProtocolError):
        # h11's message quotes the offending header, which may be the key: never show it.
        return APIConnectionError(
            f"{where} was not sent: it is not valid HTTP (a header value holding a line break "
            "or another control character, say).",
            request_id=request.headers.get(REQUEST_ID_HEADER),
        )
    cls = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
    unsent = isinstance(error, (*_NOT_SENT, *_UNSENDABLE))
    return cls(
        f"{type(error).__name__} on {where}: {_reason(error)}.",
        request_id=request.headers.get(REQUEST_ID_HEADER),
        may_have_created_task=not idempotent and not unsent,
        charged_only=_is_chat(request),
    )


class _Decision:
    """After one attempt: return ``response``, raise ``error``, or retry after ``wait``."""

    response: httpx.Response | None
    body: Any
    """The decoded JSON of a successful answer, else None."""
    error: ApiInOneError | None
    retry: bool
    wait: float
    reason: str
    """Why the attempt failed, for the log: the status or the connection error."""

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
        self.reason = (
            f"{type(error).__name__}: {error}"
            if error
            else f"HTTP {response and response.status_code}"
        )
        idempotent = request.method in _IDEMPOTENT
        retries_left = attempt < policy.max_retries
        if error is not None:
            safe = isinstance(error, _NOT_SENT) or idempotent
            if safe and retries_left and not isinstance(error, _UNSENDABLE):
                self.retry, self.wait = True, policy.backoff(attempt)
                return
            self.error = _connection_error(request, error, idempotent=idempotent)
            return
        assert response is not None
        status = response.status_code
        if status < 400:
            # A redirect passes through, for an httpx client that follows redirects.
            if 200 <= status < 300 and not _is_event_stream(response):
                self.body, self.error = _decoded_json(request, response)
            return
        response.read()
        retry_after = retry_after_seconds(response) if status == 429 else None
        if status == 429 and retry_after is not None and retry_after > policy.retry_after_cap:
            self.error = error_from_response(
                response,
                request_id=request.headers[REQUEST_ID_HEADER],
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
            request_id=request.headers[REQUEST_ID_HEADER],
            retry_after=retry_after,
            may_have_created_task=status >= 500 and not idempotent,
            charged_only=_is_chat(request),
            request=request,
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

    @traced_request
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``; retry what is safe to retry; raise typed errors for the rest."""
        request = _chat_wants_json(_with_request_id(request))
        unsendable = _unsendable_header(request)
        if unsendable is not None:
            raise unsendable
        attempt = 0
        while True:
            if self.budget is not None:
                asked = time.monotonic()
                self.budget.acquire()
                budget_waited(request, time.monotonic() - asked)
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
                if self.task_log is not None and decision.body is not None:
                    answered = request_id_of(decision.response, request)
                    task_created(self.task_log.record(request, decision.body, answered))
                return decision.response
            if decision.response is not None:
                decision.response.close()
            retrying(request, decision.reason, decision.wait, attempt + 1, self.policy.max_retries)
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

    @traced_async_request
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``; retry what is safe to retry; raise typed errors for the rest."""
        request = _chat_wants_json(_with_request_id(request))
        unsendable = _unsendable_header(request)
        if unsendable is not None:
            raise unsendable
        attempt = 0
        while True:
            if self.budget is not None:
                asked = time.monotonic()
                await self.budget.acquire_async()
                budget_waited(request, time.monotonic() - asked)
            try:
                response = await self.inner.handle_async_request(request)
                if response.status_code >= 400 or not _is_event_stream(response):
                    await response.aread()
                decision = _Decision(self.policy, request, attempt, response=response)
            except httpx.TransportError as error:
                decision = _Decision(self.policy, request, attempt, error=error)
            if decision.error is not None:
                raise decision.error
            if not decision.retry:
                assert decision.response is not None
                if self.task_log is not None and decision.body is not None:
                    answered = request_id_of(decision.response, request)
                    task_created(self.task_log.record(request, decision.body, answered))
                return decision.response
            if decision.response is not None:
                await decision.response.aclose()
            retrying(request, decision.reason, decision.wait, attempt + 1, self.policy.max_retries)
            await self.sleep(decision.wait)
            attempt += 1

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.inner.aclose()
