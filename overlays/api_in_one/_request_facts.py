"""What a request is, worked out once where it enters the transport stack, and carried with it.

The outermost layer ``connect()`` builds (the credit guard, else the retry
transport) calls ``enter``: it gives the request its ``X-Request-Id``, finds
its operation, reads its media type and decodes its JSON body once, and keeps
the result in ``request.extensions``. Every layer under it (guard, retries,
task log) reads ``facts_of(request)`` instead of matching paths, parsing
``Content-Type`` or decoding the body again. The transport likewise carries
the decoded JSON of a successful answer in ``response.extensions``
(``answer_of``), so that the guard does not decode it a second time.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

import httpx

from ._operations import OperationFacts, operation_for
from ._wire import REQUEST_ID_HEADER, is_json, media_type, new_request_id, sent_request_id

__all__ = ["RequestFacts", "answer_of", "enter", "facts_of", "with_answer", "with_body"]

_FACTS = "api_in_one.request_facts"
_ANSWER = "api_in_one.answer"
_PAID_KINDS = frozenset({"task", "chat"})


@dataclass(frozen=True)
class RequestFacts:
    """One request's operation, media type, decoded body and id."""

    operation: OperationFacts | None
    """The spec's operation, by method and path template; None when the spec has none."""
    media_type: str
    """Lower case, without parameters; ``""`` without a body."""
    body: Any
    """The decoded JSON body; None without one, or when it is not JSON."""
    request_id: str | None
    """The ``X-Request-Id`` the request carries (every request through ``enter`` has one)."""

    @property
    def kind(self) -> str | None:
        """The operation's ``x-operation-kind`` (``task``, ``task-status``, ``chat``), if any."""
        return None if self.operation is None else self.operation.kind

    @property
    def is_chat(self) -> bool:
        """A chat request is charged but creates no task, which its errors say."""
        return self.kind == "chat"

    @property
    def paid_operation(self) -> OperationFacts | None:
        """The operation when it costs credits (a task create or a chat), else None."""
        return self.operation if self.kind in _PAID_KINDS else None

    @property
    def fields(self) -> dict[str, Any]:
        """The body when it is a JSON object, else an empty one."""
        return self.body if isinstance(self.body, dict) else {}


def enter(request: httpx.Request) -> RequestFacts:
    """The facts of a request entering the stack: worked out and carried the first time,
    read back after (a retry, the next layer down).

    The request gets a fresh ``X-Request-Id`` unless the caller set one; its
    retries keep it.
    """
    carried = request.extensions.get(_FACTS)
    if isinstance(carried, RequestFacts):
        return carried
    if REQUEST_ID_HEADER not in request.headers:
        request.headers[REQUEST_ID_HEADER] = new_request_id()
    facts = _worked_out(request)
    request.extensions[_FACTS] = facts
    return facts


def facts_of(request: httpx.Request) -> RequestFacts:
    """The facts ``enter`` carried; worked out (and not kept) for a request that came
    another way, such as one made by hand for ``TaskLog.record``."""
    carried = request.extensions.get(_FACTS)
    return carried if isinstance(carried, RequestFacts) else _worked_out(request)


def with_body(request: httpx.Request, body: Any) -> httpx.Request:
    """A copy of ``request`` sending ``body`` as JSON instead, its facts carried along."""
    headers = [(k, v) for k, v in request.headers.multi_items() if k.lower() != "content-length"]
    facts = dataclasses.replace(facts_of(request), body=body)
    return httpx.Request(
        request.method,
        request.url,
        headers=headers,
        content=json.dumps(body).encode(),
        extensions={**request.extensions, _FACTS: facts},
    )


def with_answer(response: httpx.Response, answer: Any) -> httpx.Response:
    """Carry the decoded JSON of a successful answer with it; returns ``response``."""
    response.extensions[_ANSWER] = answer
    return response


def answer_of(response: httpx.Response) -> Any:
    """The decoded JSON the transport carried with a successful answer, else None
    (an error, a stream, an answer the transport did not read)."""
    return response.extensions.get(_ANSWER)


def _worked_out(request: httpx.Request) -> RequestFacts:
    kind = media_type(request)
    return RequestFacts(
        operation=operation_for(request),
        media_type=kind,
        body=_decoded(request) if is_json(kind) else None,
        request_id=sent_request_id(request.headers),
    )


def _decoded(request: httpx.Request) -> Any:
    try:
        return json.loads(request.content)
    except (ValueError, RecursionError, httpx.RequestNotRead):
        return None
