"""Typed errors: one class per documented status, plus transport, task and stream failures."""

from __future__ import annotations

import json
from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "APITimeout",
    "ApiInOneError",
    "AuthenticationFailed",
    "BadRequest",
    "InsufficientCredits",
    "NotFound",
    "RateLimited",
    "ServerError",
    "StreamInterrupted",
    "StreamTimeout",
    "TaskFailed",
    "TaskTimeout",
    "error_from_envelope",
    "error_from_response",
]

_MAY_EXIST = " The request may have created a task: check before sending it again."


class ApiInOneError(Exception):
    """Base of every error this package raises.

    ``status`` is the HTTP status (None when no answer came), ``code``,
    ``type`` and ``message`` come from the gateway's error envelope, and
    ``may_have_created_task`` is True when a create request failed in a way
    that leaves open whether the server acted on it.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: int | None = None,
        type: str | None = None,
        body: Any = None,
        may_have_created_task: bool = False,
    ) -> None:
        if may_have_created_task:
            message += _MAY_EXIST
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.type = type
        self.body = body
        self.may_have_created_task = may_have_created_task


class BadRequest(ApiInOneError):
    """400 ``invalid_request``: a parameter is missing or breaks a rule."""


class AuthenticationFailed(ApiInOneError):
    """401 ``authentication_error``: the API key is missing, invalid or revoked."""


class InsufficientCredits(ApiInOneError):
    """402 ``insufficient_credits``: the account cannot pay for the request."""


class NotFound(ApiInOneError):
    """404 ``not_found``: the task or model does not exist."""


class RateLimited(ApiInOneError):
    """429 ``rate_limit``; ``retry_after`` is the server's hint in seconds, if it sent one."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(ApiInOneError):
    """5xx: the gateway failed; retrying later may work."""


class APIConnectionError(ApiInOneError):
    """No usable answer: the connection failed or was lost."""


class APITimeout(APIConnectionError):
    """The server did not answer in time."""


class TaskFailed(ApiInOneError):
    """A task ended ``FAILED``: ``task_id``, ``last_status``, ``error_message`` and the ``task``."""

    def __init__(
        self, task_id: str, last_status: str, error_message: str | None, task: Any
    ) -> None:
        super().__init__(f"Task {task_id} failed: {error_message or 'no reason given'}")
        self.task_id = task_id
        self.last_status = last_status
        self.error_message = error_message
        self.task = task


class TaskTimeout(ApiInOneError):
    """A task did not finish before the deadline (it may still finish later)."""

    def __init__(self, task_id: str, last_status: str | None, timeout: float) -> None:
        super().__init__(f"Task {task_id} still {last_status or 'unknown'} after {timeout:g} s")
        self.task_id = task_id
        self.last_status = last_status
        self.error_message: str | None = None
        self.timeout = timeout


class StreamInterrupted(ApiInOneError):
    """A chat stream ended before ``[DONE]``; ``partial_text`` holds what arrived."""

    def __init__(self, message: str, *, partial_text: str) -> None:
        super().__init__(message)
        self.partial_text = partial_text


class StreamTimeout(ApiInOneError):
    """A chat stream sent nothing for longer than its idle timeout."""

    def __init__(self, message: str, *, partial_text: str) -> None:
        super().__init__(message)
        self.partial_text = partial_text


_BY_STATUS: dict[int, type[ApiInOneError]] = {
    400: BadRequest,
    401: AuthenticationFailed,
    402: InsufficientCredits,
    404: NotFound,
    429: RateLimited,
}


def _class_for(status: int) -> type[ApiInOneError]:
    return _BY_STATUS.get(status, ServerError if status >= 500 else ApiInOneError)


def error_from_envelope(
    status: int,
    body: Any,
    *,
    fallback: str,
    retry_after: float | None = None,
    may_have_created_task: bool = False,
    note: str = "",
) -> ApiInOneError:
    """The typed error for an HTTP status and a decoded body (the envelope, or anything else)."""
    detail = body.get("error") if isinstance(body, dict) else None
    if isinstance(detail, dict):
        code = detail.get("code") if isinstance(detail.get("code"), int) else None
        kind = detail.get("type") if isinstance(detail.get("type"), str) else None
        text = str(detail.get("message") or fallback)
        message = f"{text} ({kind or 'error'}, HTTP {status})"
    else:
        code, kind, message = None, None, fallback
    if note:
        message += f" {note}"
    cls = _class_for(status)
    extra: dict[str, Any] = {"retry_after": retry_after} if cls is RateLimited else {}
    return cls(
        message,
        status=status,
        code=code,
        type=kind,
        body=body,
        may_have_created_task=may_have_created_task,
        **extra,
    )


def error_from_response(
    response: httpx.Response,
    *,
    retry_after: float | None = None,
    may_have_created_task: bool = False,
    note: str = "",
) -> ApiInOneError:
    """The typed error for a read non-2xx response; a non-JSON body still gives a useful message.

    ``note`` is appended to the message (for what the client, not the server, adds).
    """
    text = response.text
    try:
        body: Any = json.loads(text)
    except ValueError:
        body = text
    snippet = " ".join(text.split())[:200] or "(empty body)"
    fallback = f"HTTP {response.status_code} {response.reason_phrase}: {snippet}"
    return error_from_envelope(
        response.status_code,
        body,
        fallback=fallback,
        retry_after=retry_after,
        may_have_created_task=may_have_created_task,
        note=note,
    )
