"""The httpx transport layer every call goes through: rate budget, safe retries, typed errors.

A request that may create a paid task (every POST) is retried only when the
server cannot have acted on it: the connection was never made, or the
answer was 429. After a 5xx, a lost connection or a read timeout it is not
retried, and the error says that a task may exist. GET is retried on all
of these. A request that cannot be sent at all (a header value h11 refuses,
say) is never retried. A successful answer must be JSON, or an event stream:
anything else (a proxy's HTML page) raises ``APIResponseValidationError``,
and so does an answer whose decoded body passes ``max_answer_bytes``: it is
read in pieces and refused past the cap, so a small gzip that inflates to
gigabytes never takes the memory.

A request goes through these steps, each small, each decision a pure
function of what it is given; the sync and async drivers differ only in
their awaits:

1. ``_prepared``: the request's facts (``_request_facts.enter``: request id,
   operation, decoded body), a chat body that asks for JSON, the header check.
2. ``_attempt`` (the driver's own): a token from the rate budget, the send, and
   ``_Reading`` the body of an answer the client will read, under the cap.
3. ``_after_failure`` / ``_after_answer``: return, raise or retry (``_Decision``).
4. ``_retrying`` and the driver's sleep, back to 2; or
5. ``_settled``: the typed error raised, or the answer's task noted in the task log.
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
    APIConnectionError,
    ApiInOneError,
    APIResponseValidationError,
    APITimeoutError,
    error_from_response,
    excerpt,
)
from ._request_facts import RequestFacts, enter, facts_of, with_answer, with_body
from ._task_log import TaskLog
from ._telemetry import (
    budget_waited,
    retrying,
    task_created,
    traced_async_request,
    traced_request,
)
from ._wire import is_event_stream, is_json, media_type, request_id_of, wants_event_stream

__all__ = [
    "DEFAULT_MAX_ANSWER_BYTES",
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
DEFAULT_MAX_ANSWER_BYTES = 64 * 2**20
"""The most a decoded answer may hold (64 MiB): a task status or a chat answer is kilobytes."""
_DECODED = frozenset({"content-encoding", "content-length"})
"""Headers that describe the body as it was sent, not as the transport hands it on, decoded."""


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


# -- 1. prepare ---------------------------------------------------------------------------


def _prepared(request: httpx.Request) -> httpx.Request:
    """The request as it is sent: its facts worked out, a chat body asking for JSON, and its
    headers checked."""
    request = _chat_wants_json(request, enter(request))
    unsendable = _unsendable_header(request)
    if unsendable is not None:
        raise unsendable
    return request


def _chat_wants_json(request: httpx.Request, facts: RequestFacts) -> httpx.Request:
    """Ask for JSON when a non-streaming caller posts a chat body that says ``stream: true``.

    The generated ``ChatCompletionRequest`` defaults ``stream`` to true and
    always sends it, yet the generated ``create_chat_completion`` can only
    parse JSON. ``stream_chat`` says it wants SSE with its Accept header, so
    any other chat request is sent with ``stream: false``.
    """
    if (
        request.method != "POST"
        or not facts.is_chat
        or wants_event_stream(request)
        or not isinstance(facts.body, dict)
        or facts.body.get("stream") is False
    ):
        return request
    return with_body(request, {**facts.body, "stream": False})


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
                request_id=facts_of(request).request_id,
            )
    return None


# -- 2. read ------------------------------------------------------------------------------


def _needs_body(response: httpx.Response) -> bool:
    """An error's body says why, a successful answer's is checked as JSON; a stream (chat
    SSE) and a redirect pass through unread."""
    status = response.status_code
    return status >= 400 or (200 <= status < 300 and not is_event_stream(response))


class _Reading:
    """An answer's decoded body, taken in pieces and refused once past the cap.

    The memory an answer takes is the cap plus what one network read inflates
    to, whatever the whole would inflate to.
    """

    def __init__(self, request: httpx.Request, response: httpx.Response, cap: int) -> None:
        self.request, self.response, self.cap = request, response, cap
        self.content = bytearray()

    def add(self, part: bytes) -> None:
        """Take the next decoded piece; ``APIResponseValidationError`` past the cap."""
        self.content += part
        if len(self.content) > self.cap:
            raise _validation_error(
                self.request,
                self.response,
                f"The HTTP {self.response.status_code} answer to {self.request.method} "
                f"{self.request.url.path} decodes to more than {self.cap:,} bytes, the cap on "
                "an answer's size; pass max_answer_bytes= to connect() or aconnect() to raise it.",
                body=None,
            )

    def answer(self) -> httpx.Response:
        """The answer with its body read, decoded (so without its ``Content-Encoding``)."""
        headers = [
            (k, v) for k, v in self.response.headers.multi_items() if k.lower() not in _DECODED
        ]
        return httpx.Response(
            self.response.status_code,
            headers=headers,
            content=bytes(self.content),
            request=self.request,
            extensions=self.response.extensions,
        )


# -- 3. decide ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Decision:
    """After one attempt: hand back ``answer``, raise ``error``, or retry after ``wait``."""

    answer: httpx.Response | None = None
    body: Any = None
    """The decoded JSON of a successful answer, else None."""
    error: ApiInOneError | None = None
    wait: float | None = None
    """Seconds to wait before retrying; None for no retry."""
    reason: str = ""
    """Why the attempt is retried, for the log: the status or the connection error."""


def _after_failure(
    policy: RetryPolicy, request: httpx.Request, attempt: int, error: httpx.TransportError
) -> _Decision:
    """No answer: retried when nothing was sent or the request is idempotent."""
    idempotent = request.method in _IDEMPOTENT
    safe = isinstance(error, _NOT_SENT) or idempotent
    if safe and attempt < policy.max_retries and not isinstance(error, _UNSENDABLE):
        return _Decision(wait=policy.backoff(attempt), reason=f"{type(error).__name__}: {error}")
    return _Decision(error=_connection_error(request, error, idempotent=idempotent))


def _after_answer(
    policy: RetryPolicy, request: httpx.Request, attempt: int, response: httpx.Response
) -> _Decision:
    """An answer, its body read when ``_needs_body`` says so."""
    status = response.status_code
    if status >= 400:
        return _after_refusal(policy, request, attempt, response)
    if 200 <= status < 300 and not is_event_stream(response):
        body, error = _decoded_json(request, response)
        return _Decision(answer=response, body=body, error=error)
    return _Decision(answer=response)  # a stream, or a redirect for a client that follows them


def _after_refusal(
    policy: RetryPolicy, request: httpx.Request, attempt: int, response: httpx.Response
) -> _Decision:
    """An error status: 429 is retried (nothing was done), other 5xx only when idempotent."""
    status, facts = response.status_code, facts_of(request)
    idempotent = request.method in _IDEMPOTENT
    retry_after = retry_after_seconds(response) if status == 429 else None
    if status == 429 and retry_after is not None and retry_after > policy.retry_after_cap:
        return _Decision(
            error=error_from_response(
                response,
                request_id=facts.request_id,
                retry_after=retry_after,
                note=f"Retry-After {retry_after:g} s is over the {policy.retry_after_cap:g} s cap.",
            )
        )
    if status in _RETRY_STATUSES and (status == 429 or idempotent) and attempt < policy.max_retries:
        wait = retry_after if retry_after is not None else policy.backoff(attempt)
        return _Decision(answer=response, wait=wait, reason=f"HTTP {status}")
    return _Decision(
        error=error_from_response(
            response,
            request_id=facts.request_id,
            retry_after=retry_after,
            may_have_created_task=status >= 500 and not idempotent,
            charged_only=facts.is_chat,
            request=request,
        )
    )


def _decoded_json(
    request: httpx.Request, response: httpx.Response
) -> tuple[Any, ApiInOneError | None]:
    """The decoded body of a successful answer (read already), or the error if it is not JSON.

    Every caller then meets a typed error instead of a JSONDecodeError. The
    content type is not insisted on: JSON labelled ``text/plain`` still works.
    """
    try:
        return json.loads(response.content), None
    except (ValueError, RecursionError):
        kind = media_type(response) or "no content type"
        what = "Malformed JSON" if is_json(kind) else f"Not JSON ({kind})"
        return None, invalid_answer(request, response, what)


def invalid_answer(
    request: httpx.Request, response: httpx.Response, problem: str
) -> APIResponseValidationError:
    """The error for a successful answer that is not what the spec promises.

    ``problem`` says how and starts the message, as in "Malformed JSON". The
    error carries the status and an excerpt of the body, and says that a task
    may exist when the request was a create.
    """
    return _validation_error(
        request,
        response,
        f"{problem} in the HTTP {response.status_code} answer to "
        f"{request.method} {request.url.path}: {excerpt(response.text)}",
        body=response.text[:500],
    )


def _validation_error(
    request: httpx.Request, response: httpx.Response, message: str, *, body: str | None
) -> APIResponseValidationError:
    return APIResponseValidationError(
        message,
        status=response.status_code,
        body=body,
        request_id=request_id_of(response, request),
        may_have_created_task=request.method not in _IDEMPOTENT,
        charged_only=facts_of(request).is_chat,
    )


def _reason(error: BaseException) -> str:
    """The first message down the cause chain: an async ReadError often has none of its own."""
    cause: BaseException | None = error
    while cause is not None:
        if str(cause):
            return str(cause)
        cause = cause.__cause__ or cause.__context__
    return "no reason given"


def _connection_error(
    request: httpx.Request, error: httpx.TransportError, *, idempotent: bool
) -> APIConnectionError:
    where, facts = f"{request.method} {request.url.path}", facts_of(request)
    if isinstance(error, httpx.LocalProtocolError):
        # h11's message quotes the offending header, which may be the key: never show it.
        return APIConnectionError(
            f"{where} was not sent: it is not valid HTTP (a header value holding a line break "
            "or another control character, say).",
            request_id=facts.request_id,
        )
    cls = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
    unsent = isinstance(error, (*_NOT_SENT, *_UNSENDABLE))
    return cls(
        f"{type(error).__name__} on {where}: {_reason(error)}.",
        request_id=facts.request_id,
        may_have_created_task=not idempotent and not unsent,
        charged_only=facts.is_chat,
    )


# -- 4, 5. retry or settle ----------------------------------------------------------------


def _settled(
    decision: _Decision, request: httpx.Request, task_log: TaskLog | None
) -> httpx.Response:
    """Raise the decision's error, or hand back its answer, noting the task it names."""
    if decision.error is not None:
        raise decision.error
    assert decision.answer is not None
    if decision.body is None:
        return decision.answer
    if task_log is not None:
        answered = request_id_of(decision.answer, request)
        task_created(task_log.record(request, decision.body, answered))
    return with_answer(decision.answer, decision.body)


def _retrying(
    request: httpx.Request, decision: _Decision, attempt: int, policy: RetryPolicy
) -> float:
    """Log the retry; the seconds to wait before it."""
    assert decision.wait is not None
    retrying(request, decision.reason, decision.wait, attempt + 1, policy.max_retries)
    return decision.wait


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport with the rate budget, safe retries and typed errors (sync).

    A ``task_log`` notes every task a request created; ``max_answer_bytes``
    caps the decoded size of an answer the transport reads.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        policy: RetryPolicy,
        budget: RateBudget | None = None,
        task_log: TaskLog | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
    ) -> None:
        self.inner, self.policy, self.budget, self.sleep = inner, policy, budget, sleep
        self.task_log, self.max_answer_bytes = task_log, max_answer_bytes

    # The async twin below is this driver with awaits; every step between is shared.
    @traced_request
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``; retry what is safe to retry; raise typed errors for the rest."""
        request = _prepared(request)
        attempt = 0
        while (decision := self._attempt(request, attempt)).wait is not None:
            if decision.answer is not None:
                decision.answer.close()
            self.sleep(_retrying(request, decision, attempt, self.policy))
            attempt += 1
        return _settled(decision, request, self.task_log)

    def _attempt(self, request: httpx.Request, attempt: int) -> _Decision:
        if self.budget is not None:
            asked = time.monotonic()
            self.budget.acquire()
            budget_waited(request, time.monotonic() - asked)
        try:
            response = self.inner.handle_request(request)
            if _needs_body(response):
                reading = _Reading(request, response, self.max_answer_bytes)
                try:
                    for part in response.iter_bytes():
                        reading.add(part)
                finally:
                    response.close()
                response = reading.answer()
        except httpx.TransportError as error:
            return _after_failure(self.policy, request, attempt, error)
        return _after_answer(self.policy, request, attempt, response)

    def close(self) -> None:
        """Close the wrapped transport."""
        self.inner.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of ``RetryTransport``: the same settings and steps, with awaits."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        budget: RateBudget | None = None,
        task_log: TaskLog | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
    ) -> None:
        self.inner, self.policy, self.budget, self.sleep = inner, policy, budget, sleep
        self.task_log, self.max_answer_bytes = task_log, max_answer_bytes

    @traced_async_request
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``; retry what is safe to retry; raise typed errors for the rest."""
        request = _prepared(request)
        attempt = 0
        while (decision := await self._attempt(request, attempt)).wait is not None:
            if decision.answer is not None:
                await decision.answer.aclose()
            await self.sleep(_retrying(request, decision, attempt, self.policy))
            attempt += 1
        return _settled(decision, request, self.task_log)

    async def _attempt(self, request: httpx.Request, attempt: int) -> _Decision:
        if self.budget is not None:
            asked = time.monotonic()
            await self.budget.acquire_async()
            budget_waited(request, time.monotonic() - asked)
        try:
            response = await self.inner.handle_async_request(request)
            if _needs_body(response):
                reading = _Reading(request, response, self.max_answer_bytes)
                try:
                    async for part in response.aiter_bytes():
                        reading.add(part)
                finally:
                    await response.aclose()
                response = reading.answer()
        except httpx.TransportError as error:
            return _after_failure(self.policy, request, attempt, error)
        return _after_answer(self.policy, request, attempt, response)

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.inner.aclose()
