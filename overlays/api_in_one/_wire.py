"""Wire facts read from headers: media types and request ids.

HTTP compares media types case-insensitively and ignores their parameters, so
every layer (transport, stream, guard, task log, conformance) asks here rather
than comparing ``content-type`` strings itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import httpx

__all__ = [
    "EVENT_STREAM",
    "JSON",
    "REQUEST_ID_HEADER",
    "is_event_stream",
    "is_json",
    "media_type",
    "new_request_id",
    "request_id_of",
    "sent_request_id",
    "wants_event_stream",
]

JSON = "application/json"
EVENT_STREAM = "text/event-stream"

REQUEST_ID_HEADER = "X-Request-Id"
"""Sent with every API request (a fresh id unless the caller set one); the gateway may answer
with its own id in the same header."""


Message = httpx.Request | httpx.Response | Mapping[str, str] | str | None
"""An httpx message, its headers (httpx's, or a server's such as Starlette's), or a
``Content-Type`` value."""


def media_type(message: Message) -> str:
    """The media type of a message, its headers or a ``Content-Type`` value: lower case,
    without parameters, ``""`` when absent."""
    if isinstance(message, httpx.Request | httpx.Response):
        message = message.headers
    value = message.get("content-type") if isinstance(message, Mapping) else message
    return (value or "").split(";", 1)[0].strip().lower()


def is_json(message: Message) -> bool:
    """``application/json`` or a ``+json`` type, in any case."""
    kind = media_type(message)
    return kind == JSON or kind.endswith("+json")


def is_event_stream(message: Message) -> bool:
    """``text/event-stream``, in any case."""
    return media_type(message) == EVENT_STREAM


def wants_event_stream(request: httpx.Request) -> bool:
    """The request's ``Accept`` names ``text/event-stream``, in any case."""
    return EVENT_STREAM in request.headers.get("accept", "").lower()


def new_request_id() -> str:
    """A fresh id for a request's ``X-Request-Id`` header."""
    return f"req_{os.urandom(16).hex()}"


def request_id_of(response: httpx.Response, request: httpx.Request | None = None) -> str | None:
    """The id of the request ``response`` answers: the server's ``X-Request-Id``, else the one
    the request carried.

    Pass ``request`` where the answer is not yet tied to it: inside a transport, httpx
    sets ``response.request`` only once the transport has returned.
    """
    answered: str | None = response.headers.get(REQUEST_ID_HEADER)
    if answered:
        return answered
    if request is None:
        try:
            request = response.request
        except RuntimeError:  # a response made by hand, never sent
            return None
    return sent_request_id(request.headers)


def sent_request_id(headers: Mapping[str, str]) -> str | None:
    """The ``X-Request-Id`` a request's headers carry (httpx's, or a server's), or None.

    Both kinds of headers look names up in any case.
    """
    return headers.get(REQUEST_ID_HEADER) or None
