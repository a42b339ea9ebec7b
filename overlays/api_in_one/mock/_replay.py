"""Replay: the mock answers a request that matches a recorded exchange with the recorded answer.

``MockConfig(replay="exchanges.jsonl")`` (``python -m api_in_one.mock
--replay exchanges.jsonl``) reads a recording made with
``connect(record=...)`` or ``aio ... --record``. A request matches a
recorded one when it has

1. the same operation (method and path template, from openapi.yaml),
2. the same path parameters (the task id) and query string, and
3. the same JSON body once the fields of ``MockConfig.replay_ignore`` are
   dropped from it (``seed`` by default: a caller may draw one per run);
   key order and spacing do not matter.

Recorded answers to matching requests are played in recording order, so
the polls of a task get its recorded status sequence and a chat stream its
recorded events. Once they are used up, a poll (``GET``) keeps getting the
last one, as a finished task stays finished; any other request falls back to
the stateful mock, as does every request that matches nothing.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

from starlette.responses import Response, StreamingResponse

from .._operations import operation
from .._recording import event_bytes, read_recording, recorded_body
from .._wire import REQUEST_ID_HEADER

__all__ = ["Replay"]

_HOP_HEADERS = frozenset(
    {"content-length", "transfer-encoding", "connection", "date", "server", "keep-alive"}
    | {"content-encoding", REQUEST_ID_HEADER.lower()}
)
"""Headers of the recorded connection, not of the answer: the mock's server sets its own."""


class Replay:
    """The recorded answers of one recording, by what their requests must match."""

    def __init__(self, path: str | Path, ignored: frozenset[str]) -> None:
        self.ignored = ignored
        self.played = 0
        self._answers: dict[str, deque[dict[str, Any]]] = {}
        self._last: dict[str, dict[str, Any]] = {}
        for exchange in read_recording(Path(path)):
            request = exchange.get("request") or {}
            try:
                template = operation(str(exchange.get("operation"))).path
            except KeyError:  # an operation the spec no longer has: nothing can match it
                continue
            found = _template(template).search(str(request.get("path", "")))
            if found is None:
                continue
            key = self._key(
                str(exchange.get("operation")),
                found.groupdict(),
                str(request.get("query", "")),
                request.get("body"),
            )
            self._answers.setdefault(key, deque()).append(exchange["response"])

    def _key(self, operation_id: str, parameters: Mapping[str, str], query: str, body: Any) -> str:
        if isinstance(body, Mapping):
            body = {name: value for name, value in body.items() if name not in self.ignored}
        return json.dumps([operation_id, dict(parameters), query, body], sort_keys=True)

    def answer(
        self,
        operation_id: str,
        method: str,
        parameters: Mapping[str, str],
        query: str,
        body: Any,
    ) -> Response | None:
        """The next recorded answer to this request, or None to let the mock answer."""
        key = self._key(operation_id, parameters, query, body)
        waiting = self._answers.get(key)
        if waiting:
            recorded = waiting.popleft()
            self._last[key] = recorded
        elif method == "GET" and key in self._last:
            recorded = self._last[key]
        else:
            return None
        self.played += 1
        return _response(recorded)


def _template(path: str) -> re.Pattern[str]:
    """The path template as a pattern naming its parameters; it matches under any base path."""
    return re.compile(re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", re.escape(path)) + "$")


def _response(recorded: dict[str, Any]) -> Response:
    headers = {
        name: value
        for name, value in (recorded.get("headers") or {}).items()
        if name.lower() not in _HOP_HEADERS
    }
    status = int(recorded.get("status", 200))
    if "events" in recorded:
        media = headers.pop("content-type", "text/event-stream")
        return StreamingResponse(
            _events(recorded["events"]), status_code=status, headers=headers, media_type=media
        )
    media = headers.pop("content-type", None)
    return Response(recorded_body(recorded), status_code=status, headers=headers, media_type=media)


async def _events(events: list[dict[str, Any]]) -> AsyncIterator[bytes]:
    for event in events:
        yield event_bytes(event)
