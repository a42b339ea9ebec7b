"""Contract drift on demand: answers that break openapi.yaml the way a real gateway might.

``MockConfig(drift=frozenset({"unknown-status"}))`` (or ``--drift unknown-status``)
rewrites the mock's finished answers, so that a contract checker such as
``aio conformance`` can be shown to notice each kind of change. A mock
without drift answers exactly as the spec says.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping
from typing import Any

from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse

from .._operations import operation

__all__ = ["DRIFTS", "Drift", "check_drift_names"]

DRIFTS: Mapping[str, str] = {
    "renamed-field": "Task answers call the task's `status` field `state`.",
    "unknown-status": "Unfinished tasks report the status `QUEUED`, which the spec does not name.",
    "no-rate-limit-headers": "429 answers come without `Retry-After` and `X-RateLimit-*` headers.",
    "error-without-type": "Error envelopes have no `error.type`.",
    "html-502": "The first API request is answered by a proxy's HTML `502 Bad Gateway` page.",
    "chunk-without-choices": "The first chunk of every chat stream has no `choices`.",
    "undeclared-status": "Requests that create a task are answered `201`, which the spec omits.",
}
"""Every drift the mock can inject, by name, with what it changes."""

_RATE_LIMIT_HEADERS = (
    "retry-after",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
)
_UNFINISHED = frozenset({"pending", "IN_PROGRESS"})
_HTML_502 = (
    "<html><head><title>502 Bad Gateway</title></head>"
    "<body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"
)


def check_drift_names(names: Iterable[str]) -> frozenset[str]:
    """The names as a set; raises ``ValueError`` naming the known drifts for an unknown one."""
    chosen = frozenset(names)
    unknown = sorted(chosen - set(DRIFTS))
    if unknown:
        raise ValueError(f"Unknown drift {', '.join(unknown)}; known: {', '.join(DRIFTS)}")
    return chosen


class Drift:
    """Rewrites one mock's answers with the drifts it was configured with."""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = check_drift_names(names)
        self._proxy_failed = False

    def apply(self, operation_id: str | None, response: Response) -> Response:
        """The answer as the drifted gateway sends it (``response`` itself without drift)."""
        if not self.names:
            return response
        if "html-502" in self.names and not self._proxy_failed:
            self._proxy_failed = True
            return HTMLResponse(_HTML_502, status_code=502)
        if response.status_code == 429 and "no-rate-limit-headers" in self.names:
            for name in _RATE_LIMIT_HEADERS:
                del response.headers[name]
        if isinstance(response, StreamingResponse):
            if "chunk-without-choices" in self.names:
                response.body_iterator = _without_first_choices(response.body_iterator)
            return response
        if isinstance(response, JSONResponse):
            response = self._json(response)
        kind = operation(operation_id).kind if operation_id else None
        if kind == "task" and response.status_code == 200 and "undeclared-status" in self.names:
            response.status_code = 201
        return response

    def _json(self, response: JSONResponse) -> JSONResponse:
        body = json.loads(bytes(response.body))
        data = body.get("data") if isinstance(body, dict) else None
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(data, dict):
            if "unknown-status" in self.names and data.get("status") in _UNFINISHED:
                data["status"] = "QUEUED"
            if "renamed-field" in self.names and "status" in data:
                data["state"] = data.pop("status")
        if isinstance(error, dict) and "error-without-type" in self.names:
            error.pop("type", None)
        headers = {
            name: value
            for name, value in response.headers.items()
            if name not in {"content-length", "content-type"}
        }
        return JSONResponse(body, status_code=response.status_code, headers=headers)


async def _without_first_choices(events: AsyncIterable[Any]) -> AsyncIterator[bytes]:
    dropped = False
    async for event in events:
        raw = event.encode() if isinstance(event, str) else bytes(event)
        if not dropped and raw.startswith(b"data: {"):
            chunk = json.loads(raw[6:])
            if isinstance(chunk, dict) and "choices" in chunk:
                del chunk["choices"]
                dropped = True
                raw = b"data: " + json.dumps(chunk, separators=(",", ":")).encode() + b"\n\n"
        yield raw
