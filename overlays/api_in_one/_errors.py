"""Typed errors, in the manner of openai-python: one base, a layer for HTTP statuses, a class
per documented status, and others for connections, tasks and streams.

Every message ends with what to do next and, when a request was sent, its request id.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

import httpx

from ._wire import request_id_of

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "ApiInOneError",
    "AuthenticationError",
    "BadRequestError",
    "CreditLimitError",
    "InsufficientCreditsError",
    "InternalServerError",
    "NotFoundError",
    "RateLimitError",
    "StreamError",
    "StreamInterruptedError",
    "StreamTimeoutError",
    "TaskFailedError",
    "TaskTimeoutError",
    "error_from_envelope",
    "error_from_response",
    "excerpt",
]

# The gateway has no way to look a task up by request: say what is at stake, not how to check.
_MAY_EXIST = (
    " The request may have created a task, charged, that no answer named: "
    "sending it again may pay twice."
)
_MAY_BE_CHARGED = (
    " The request may have been charged: the balance shows it; sending it again may pay twice."
)


class ApiInOneError(Exception):
    """Base of every error this package raises.

    ``status`` is the HTTP status (None when no answer came), ``body`` the
    decoded answer, ``request_id`` the id to quote when reporting a problem,
    and ``may_have_created_task`` is True when a create request failed in a
    way that leaves open whether the server acted on it. For a chat request,
    which is charged but creates no task, ``charged_only`` makes the message
    say so.
    """

    hint: ClassVar[str] = ""
    """What to do next; appended to every message of the class."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        body: Any = None,
        request_id: str | None = None,
        may_have_created_task: bool = False,
        charged_only: bool = False,
    ) -> None:
        if may_have_created_task:
            message += _MAY_BE_CHARGED if charged_only else _MAY_EXIST
        if self.hint:
            message += f" {self.hint}"
        if request_id:
            message += f" (request id {request_id})"
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body
        self.request_id = request_id
        self.may_have_created_task = may_have_created_task


class APIStatusError(ApiInOneError):
    """The gateway answered with an error status.

    ``response`` is the answer (None for an error event inside a chat
    stream), ``body`` its decoded JSON, and ``code`` and ``type`` come from
    its error envelope.
    """

    hint = "Check the request against the API reference, and quote the request id if you report it."

    def __init__(
        self,
        message: str,
        *,
        status: int,
        response: httpx.Response | None = None,
        code: int | None = None,
        type: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, status=status, **kwargs)
        self.response = response
        self.code = code
        self.type = type

    @property
    def status_code(self) -> int:
        """The HTTP status, as in httpx and openai-python."""
        assert self.status is not None
        return self.status


class BadRequestError(APIStatusError):
    """400 ``invalid_request``: a parameter is missing or breaks a rule."""

    hint = "Fix the parameter the message names; the API reference lists each field's rules."


class AuthenticationError(APIStatusError):
    """401 ``authentication_error``: the API key is missing, invalid or revoked."""

    hint = (
        "Check the key passed as api_key= or in API_IN_ONE_API_KEY (keys look like aio_...); "
        "make a new one in the dashboard if it was revoked."
    )


class InsufficientCreditsError(APIStatusError):
    """402 ``insufficient_credits``: the account cannot pay for the request."""

    hint = "Top up the account's credits, or choose a cheaper model."


class NotFoundError(APIStatusError):
    """404 ``not_found``: the task or model does not exist, or the path is outside the API.

    The message names the fix for the request that got it (see ``_not_found``).
    """

    hint = "Quote the request id if you report it."


class RateLimitError(APIStatusError):
    """429 ``rate_limit``; ``retry_after`` is the server's hint in seconds, if it sent one."""

    hint = (
        "Send fewer requests: lower connect(requests_per_minute=...), share one budget between "
        "processes, or wait retry_after seconds."
    )

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class InternalServerError(APIStatusError):
    """5xx: the gateway failed."""

    hint = "Try again later; reads are already retried, creates only when nothing was charged."


class CreditLimitError(ApiInOneError):
    """A create was refused before it was sent: its cost could take spending over ``limit``.

    ``estimate`` is the create's cost from the spec (None when the spec does
    not say, which a guard cannot allow) and ``committed`` the credits
    already spent or in flight under the same limit. It carries no request
    id: the request never left the client, so no server has a record of it.
    """

    hint = "Nothing was sent: raise max_credits, or leave this create out."

    def __init__(
        self, message: str, *, limit: float, committed: float, estimate: float | None
    ) -> None:
        super().__init__(message)
        self.limit = limit
        self.committed = committed
        self.estimate = estimate


class APIConnectionError(ApiInOneError):
    """No usable answer: the connection failed or was lost."""

    hint = "Check the network and the base URL, then try again."


class APITimeoutError(APIConnectionError):
    """The server did not answer in time."""

    hint = "Try again, or allow longer: connect(timeout=...) or client.with_options(timeout=...)."


class APIResponseValidationError(ApiInOneError):
    """A successful answer that is not what the spec promises: not JSON, or JSON of another shape.

    A proxy's HTML page or a server breaking the contract, say. ``status`` is
    the answer's HTTP status and ``body`` an excerpt of what it sent.
    """

    hint = (
        "A proxy or a server outside the contract answered; check the base URL, "
        "and report it with the request id if it is the gateway."
    )


class TaskFailedError(ApiInOneError):
    """A task ended ``FAILED``: ``task_id``, ``last_status``, ``error_message`` and the ``task``.

    ``request_id`` is that of the poll whose answer said ``FAILED`` (None when
    the client did not come from ``connect()``/``aconnect()``).
    """

    hint = "Read error_message; sending the request again creates a new task, charged again."

    def __init__(
        self,
        task_id: str,
        last_status: str,
        error_message: str | None,
        task: Any,
        *,
        request_id: str | None = None,
    ) -> None:
        super().__init__(
            f"Task {task_id} failed: {error_message or 'no reason given'}.", request_id=request_id
        )
        self.task_id = task_id
        self.last_status = last_status
        self.error_message = error_message
        self.task = task


class TaskTimeoutError(ApiInOneError):
    """A task did not finish before the deadline (it may still finish later).

    ``request_id`` is that of the last poll before the deadline (None when the
    client did not come from ``connect()``/``aconnect()``).
    """

    hint = "It may still finish: wait again with a longer timeout, or look it up later by its id."

    def __init__(
        self,
        task_id: str,
        last_status: str | None,
        timeout: float,
        *,
        request_id: str | None = None,
    ) -> None:
        super().__init__(
            f"Task {task_id} still {last_status or 'unknown'} after {timeout:g} s.",
            request_id=request_id,
        )
        self.task_id = task_id
        self.last_status = last_status
        self.error_message: str | None = None
        self.timeout = timeout


class StreamError(ApiInOneError):
    """A chat stream failed after it started; ``partial_text`` holds what arrived.

    ``request_id`` is that of the request that opened the stream.
    """

    def __init__(self, message: str, *, partial_text: str, request_id: str | None = None) -> None:
        super().__init__(message, request_id=request_id)
        self.partial_text = partial_text


class StreamInterruptedError(StreamError):
    """A chat stream ended before ``[DONE]``."""

    hint = "Keep partial_text if it helps, and start the chat again for a whole answer."


class StreamTimeoutError(StreamError):
    """A chat stream sent nothing for longer than its idle timeout."""

    hint = "Start the chat again, or allow longer pauses with idle_timeout=..."


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: InsufficientCreditsError,
    404: NotFoundError,
    429: RateLimitError,
}


def _class_for(status: int) -> type[APIStatusError]:
    return _BY_STATUS.get(status, InternalServerError if status >= 500 else APIStatusError)


def error_from_envelope(
    status: int,
    body: Any,
    *,
    fallback: str,
    response: httpx.Response | None = None,
    request_id: str | None = None,
    retry_after: float | None = None,
    may_have_created_task: bool = False,
    charged_only: bool = False,
    note: str = "",
) -> APIStatusError:
    """The typed error for an HTTP status and a decoded body (the envelope, or anything else)."""
    detail = body.get("error") if isinstance(body, dict) else None
    if isinstance(detail, dict):
        code = detail.get("code") if isinstance(detail.get("code"), int) else None
        kind = detail.get("type") if isinstance(detail.get("type"), str) else None
        text = str(detail.get("message") or fallback)
        message = f"{text} ({kind or 'error'}, HTTP {status})."
    else:
        code, kind, message = None, None, fallback
    if note:
        message += f" {note}"
    cls = _class_for(status)
    extra: dict[str, Any] = {"retry_after": retry_after} if cls is RateLimitError else {}
    return cls(
        message,
        status=status,
        response=response,
        code=code,
        type=kind,
        body=body,
        request_id=request_id,
        may_have_created_task=may_have_created_task,
        charged_only=charged_only,
        **extra,
    )


def error_from_response(
    response: httpx.Response,
    *,
    request_id: str | None = None,
    retry_after: float | None = None,
    may_have_created_task: bool = False,
    charged_only: bool = False,
    note: str = "",
    request: httpx.Request | None = None,
) -> APIStatusError:
    """The typed error for a read non-2xx response; a non-JSON body still gives a useful message.

    The request id is the server's ``X-Request-Id`` when it sent one, else
    ``request_id`` (the one the request carried). ``note`` is appended to the
    message (for what the client, not the server, adds). A 404 for ``request`` gets the fix
    for it: the base URL, the operation's models, or the task id.
    """
    text = response.text
    try:
        body: Any = json.loads(text)
    except (ValueError, RecursionError):
        body = text
    fallback = f"HTTP {response.status_code} {response.reason_phrase}: {excerpt(text)}."
    if response.status_code == 404 and not note:
        # Imported here: it reads the spec's operations, whose guard imports this module.
        from ._not_found import not_found_note

        note = not_found_note(request) if request is not None else ""
    return error_from_envelope(
        response.status_code,
        body,
        fallback=fallback,
        response=response,
        request_id=request_id_of(response) or request_id,
        retry_after=retry_after,
        may_have_created_task=may_have_created_task,
        charged_only=charged_only,
        note=note,
    )


def excerpt(text: str, limit: int = 200) -> str:
    """The start of a body on one line, for a message: what a person needs to see what came."""
    return " ".join(text.split())[:limit] or "(empty body)"
