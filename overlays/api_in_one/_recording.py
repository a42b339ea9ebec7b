"""Recording exchanges: one JSON line per request and its answer, with its drift verdict.

``connect(record="exchanges.jsonl")`` (``aio ... --record FILE``) appends a
line per answer the server sent, retried ones included::

    {"recorded_at": "2026-...Z", "operation": "<operationId>", "request_id": "req_...",
     "request": {"method": "GET", "path": "/api/v1/tasks/n1", "query": "", "body": null},
     "response": {"status": 200, "headers": {...}, "body": {...}},
     "drift": []}

A JSON body is kept as JSON, any other as ``text``; an event stream as its
``events`` (each ``{"data": "...", "event": ...}`` as sent) with ``complete``
false when the caller stopped reading early; a body too large to check only
as ``omitted_bytes``. ``drift`` lists the problems
found (``[]`` for a clean answer, null when answers were not checked). No
request header is written, so ``Authorization`` never is; the key is
replaced wherever else it might appear (an echoed body, say), and so are
``Set-Cookie`` values. ``mock --replay`` and ``aio conformance
--from-recording`` read these files back (``read_recording``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx

from ._operations import OperationFacts
from ._request_facts import facts_of
from ._wire import is_json, media_type, request_id_of

__all__ = ["REDACTED", "Recorder", "event_bytes", "read_recording", "recorded_body"]

REDACTED = "[redacted]"
_SECRET_HEADERS = frozenset({"set-cookie", "authorization", "proxy-authorization", "cookie"})


def _decoded(content: bytes, json_expected: bool) -> dict[str, Any]:
    """``{"body": <JSON>}`` when the bytes are JSON (or empty: null), else ``{"text": ...}``."""
    if not content:
        return {"body": None}
    if json_expected:
        try:
            return {"body": json.loads(content)}
        except (ValueError, RecursionError):
            pass
    return {"text": content.decode("utf-8", errors="replace")}


class Recorder:
    """Appends exchanges to one JSON Lines file; thread-safe, each line written whole."""

    def __init__(self, path: Path, secret: str) -> None:
        self.path = path
        self._secrets = [secret, json.dumps(secret)[1:-1]] if secret else []
        self._lock = threading.Lock()

    def write(
        self,
        facts: OperationFacts,
        request: httpx.Request,
        response: httpx.Response,
        *,
        body: bytes | None,
        events: list[dict[str, Any]] | None,
        complete: bool,
        drift: list[dict[str, str]] | None,
        omitted: int | None = None,
    ) -> None:
        """Append one exchange (see the module for its fields)."""
        answer: dict[str, Any] = {
            "status": response.status_code,
            "headers": {
                name: REDACTED if name.lower() in _SECRET_HEADERS else value
                for name, value in response.headers.items()
            },
        }
        if omitted is not None:
            answer["omitted_bytes"] = omitted
        elif events is not None:
            answer["events"], answer["complete"] = events, complete
        elif body is not None:
            answer |= _decoded(body, is_json(response) or not media_type(response))
        line = {
            "recorded_at": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
            "operation": facts.operation_id,
            "request_id": request_id_of(response, request),
            "request": {
                "method": request.method,
                "path": request.url.path,
                "query": request.url.query.decode("ascii", errors="replace"),
                # As the transport decoded it once (every request body of the spec is JSON).
                "body": facts_of(request).body,
            },
            "response": answer,
            "drift": drift,
        }
        text = json.dumps(line, ensure_ascii=False, default=str)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        with self._lock, self.path.open("a", encoding="utf-8") as file:
            file.write(text + "\n")


def read_recording(path: Path) -> Iterator[dict[str, Any]]:
    """The exchanges of a recording, in order; raises ``ValueError`` naming a bad line."""
    with path.open(encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            try:
                exchange = json.loads(line)
            except ValueError as error:
                raise ValueError(f"{path}:{number}: not a JSON line: {error}") from None
            if not isinstance(exchange, dict) or not isinstance(exchange.get("response"), dict):
                raise ValueError(f"{path}:{number}: not a recorded exchange")
            yield exchange


def event_bytes(event: dict[str, Any]) -> bytes:
    """One recorded event as it is sent: its fields, a ``data:`` line per line of data, then a
    blank line."""
    lines = [f"{name}: {event[name]}" for name in ("event", "id", "retry") if name in event]
    if "data" in event:
        lines += [f"data: {line}" for line in str(event["data"]).split("\n")]
    return ("\n".join(lines) + "\n\n").encode()


def recorded_body(response: dict[str, Any]) -> bytes:
    """The bytes of a recorded answer's body: its JSON (compact), text or events."""
    if "events" in response:
        return b"".join(event_bytes(event) for event in response["events"])
    if "text" in response:
        return str(response["text"]).encode()
    if response.get("body") is None:
        return b""
    return json.dumps(response["body"], separators=(",", ":")).encode()
