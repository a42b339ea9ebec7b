"""The mock gateway as an ASGI app: auth, rate limit, validation from the spec, credits, tasks."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from ._catalogue import CATALOGUE
from ._chat import completion, stream_events, write_reply
from ._config import MockConfig
from ._files import result_extension, result_file
from ._state import MockState, MockTask
from ._validation import Operation, Operations, describe_error

__all__ = ["create_app"]

API_PREFIX = "/api/v1"
_ERROR_TYPES = {
    400: "invalid_request",
    401: "authentication_error",
    402: "insufficient_credits",
    404: "not_found",
    405: "invalid_request",
    429: "rate_limit",
}
_TOOL_SLUGS = {
    "removeImageBackground": "remove-bg",
    "swapFace": "face-swap",
    "removeVideoBackground": "video-bg-remover",
}
_MODEL_KINDS = {
    "createImageGeneration": "images",
    "createVideoGeneration": "videos",
    "createMusic": "music",
    "createSpeech": "speech",
    "createChatCompletion": "chat",
}


class ApiError(Exception):
    """An answer in the spec's error envelope."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}

    def response(self) -> JSONResponse:
        """The ``{"error": {code, message, type}}`` answer."""
        kind = _ERROR_TYPES.get(self.status, "server_error")
        envelope = {"error": {"code": self.status, "message": self.message, "type": kind}}
        return JSONResponse(envelope, status_code=self.status, headers=self.headers)


def create_app(config: MockConfig | None = None) -> Starlette:
    """A fresh mock gateway. Its state is ``app.state.mock`` (a ``MockState``)."""
    state = MockState(config or MockConfig())
    gateway = _Gateway(state, Operations())
    app = _MockApp(
        routes=[
            Route(API_PREFIX + "/{path:path}", gateway.handle, methods=_ALL_METHODS),
            Route("/files/{name}", gateway.serve_file, methods=["GET", "HEAD"]),
        ]
    )
    app.state.mock = state
    return app


_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"]


class _MockApp(Starlette):
    """Applies connection-level faults before Starlette's own layers can answer instead."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(API_PREFIX + "/"):
            state: MockState = self.state.mock
            state.stats.received += 1
            faults = state.faults
            if faults.drop_connections > 0:
                faults.drop_connections -= 1
                state.stats.dropped += 1
                await _drop(send)
                return
            if faults.slow_seconds > 0:
                await asyncio.sleep(faults.slow_seconds)
        await super().__call__(scope, receive, send)


async def _drop(send: Send) -> None:
    """Close the client connection with no answer (uvicorn's ``send`` is bound to its cycle)."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise ConnectionResetError("mock dropped the connection")
    transport.abort()
    # The server learns of the loss on the next loop turn; returning before then
    # would be logged as an app that never answered.
    await asyncio.sleep(0)


class _Gateway:
    def __init__(self, state: MockState, operations: Operations) -> None:
        self.state, self.operations = state, operations

    async def serve_file(self, request: Request) -> Response:
        """A result file; served without auth, like a CDN."""
        self.state.stats.file_requests += 1
        self.state.stats.file_requests_with_auth += "authorization" in request.headers
        found = result_file(request.path_params["name"])
        if found is None:
            return ApiError(404, "File not found").response()
        media_type, data = found
        return Response(data, media_type=media_type)

    async def handle(self, request: Request) -> Response:
        path = "/" + request.path_params["path"]
        operation, params, allowed = self.operations.match(request.method, path)
        route = f"{request.method} {operation.template if operation else path}"
        self.state.stats.requests[route] += 1
        try:
            response = await self._answer(request, operation, params, allowed)
        except ApiError as error:
            response = error.response()
        self.state.stats.statuses[response.status_code] += 1
        return response

    async def _answer(
        self,
        request: Request,
        operation: Operation | None,
        params: dict[str, str],
        allowed: list[str],
    ) -> Response:
        faults = self.state.faults
        if faults.error_burst > 0:
            faults.error_burst -= 1
            raise ApiError(faults.error_status, "Injected server error")
        if operation is None:
            if allowed:
                raise ApiError(
                    405,
                    f"Method {request.method} is not allowed here; use {', '.join(allowed)}",
                    {"Allow": ", ".join(allowed)},
                )
            raise ApiError(404, f"No such endpoint: {request.url.path}")
        key = self._authenticate(request)
        self._limit(key)
        for name, validator in operation.parameters.items():
            message = describe_error(validator, params[name], name)
            if message:
                raise ApiError(400, message)
        body = await self._body(request, operation)
        if operation.operation_id == "getTask":
            return self._get_task(request, key, params["task_id"])
        slug = self._slug(operation, body)
        entry = CATALOGUE[slug]
        if self.state.balances[key] < entry.cost:
            raise ApiError(
                402,
                f"Insufficient credits: {entry.cost:g} needed, "
                f"{self.state.balances[key]:g} available",
            )
        if operation.operation_id == "createChatCompletion":
            return self._chat(key, body, entry.cost)
        task = self.state.create_task(key, slug, body)
        if faults.error_after_processing > 0:
            faults.error_after_processing -= 1
            raise ApiError(500, "Injected server error after the task was created")
        data = {"task_id": task.task_id, "status": self.state.status_of(task)}
        return JSONResponse({"code": 200, "message": "success", "data": data})

    def _authenticate(self, request: Request) -> str:
        header = request.headers.get("authorization")
        if header is None:
            raise ApiError(401, "Missing API key: send 'Authorization: Bearer aio_...'")
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.startswith("aio_"):
            raise ApiError(401, "Malformed Authorization header: expected 'Bearer aio_...'")
        if key not in self.state.balances:
            raise ApiError(401, "Invalid API key")
        return key

    def _limit(self, key: str) -> None:
        wait = self.state.admit(key)
        if wait is None:
            return
        limit = self.state.config.requests_per_minute
        seconds = str(max(1, math.ceil(wait)))
        raise ApiError(
            429,
            f"Rate limit exceeded: {limit} requests per minute",
            {
                "Retry-After": seconds,
                "X-RateLimit-Limit": str(limit),
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": seconds,
            },
        )

    async def _body(self, request: Request, operation: Operation) -> dict[str, Any]:
        if operation.body is None:
            return {}
        content_type = request.headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            raise ApiError(400, f"Content-Type must be application/json, not {content_type!r}")
        limit = self.state.config.max_body_bytes
        raw = bytearray()
        async for part in request.stream():
            raw += part
            if len(raw) > limit:
                raise ApiError(400, f"Request body is larger than {limit} bytes")
        try:
            body = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ApiError(400, f"Request body is not valid JSON: {error}") from None
        message = describe_error(operation.body, body, "body")
        if message:
            raise ApiError(400, message)
        assert isinstance(body, dict)  # the spec's request bodies are objects
        return body

    def _slug(self, operation: Operation, body: dict[str, Any]) -> str:
        tool = _TOOL_SLUGS.get(operation.operation_id)
        if tool is not None:
            return tool
        model, kind = body["model"], _MODEL_KINDS[operation.operation_id]
        entry = CATALOGUE.get(model)
        if entry is None:
            raise ApiError(404, f"Model not found: {model!r}")
        if entry.kind != kind:
            raise ApiError(404, f"Model {model!r} is a {entry.kind} model, not a {kind} model")
        return str(model)

    def _get_task(self, request: Request, key: str, task_id: str) -> Response:
        task = self.state.tasks.get(task_id)
        if task is None or task.key != key:
            raise ApiError(404, f"Task not found: {task_id}")
        status = self.state.status_of(task)
        return JSONResponse(
            {
                "code": 200,
                "message": "success",
                "data": {
                    "task_id": task.task_id,
                    "status": status,
                    "consumed_credits": task.cost,
                    "error_message": "Generation failed (injected by the mock)"
                    if status == "FAILED"
                    else None,
                    "created_at": task.created_at,
                    "request": task.request,
                    "response": _result_urls(request, task) if status == "SUCCESS" else None,
                },
            }
        )

    def _chat(self, key: str, body: dict[str, Any], cost: float) -> Response:
        self.state.balances[key] -= cost
        reply = write_reply(body)
        if not body.get("stream", True):
            return JSONResponse(completion(reply, cost))
        include_usage = bool((body.get("stream_options") or {}).get("include_usage", False))
        events = list(stream_events(reply, cost, include_usage=include_usage))
        return StreamingResponse(
            self._sse(events), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
        )

    async def _sse(self, events: list[dict[str, Any]]) -> AsyncIterator[bytes]:
        faults = self.state.faults
        for sent, event in enumerate(events):
            if faults.truncate_stream_after is not None and sent >= faults.truncate_stream_after:
                return
            if faults.stream_error_after is not None and sent >= faults.stream_error_after:
                error = {"code": 500, "message": "Injected stream error", "type": "server_error"}
                yield b"data: " + json.dumps({"error": error}).encode() + b"\n\n"
                return
            yield b"data: " + json.dumps(event, separators=(",", ":")).encode() + b"\n\n"
        yield b"data: [DONE]\n\n"


def _result_urls(request: Request, task: MockTask) -> list[str]:
    extension = result_extension(task.kind, task.request)
    base = str(request.base_url).rstrip("/")
    count = 2 if task.kind == "music" else 1  # Suno answers with two takes
    return [f"{base}/files/{task.task_id}-{index}.{extension}" for index in range(count)]
