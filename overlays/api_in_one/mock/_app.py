"""The mock gateway as an ASGI app: auth, rate limit, validation from the spec, credits, tasks.

Every answer, even to a path or method nothing serves, is in the spec's JSON
error envelope, and no input gets a 5xx: only injected faults do.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route, request_response
from starlette.types import Receive, Scope, Send

from .. import _operations
from .._operations import OperationFacts
from .._wire import (
    EVENT_STREAM,
    JSON,
    REQUEST_ID_HEADER,
    media_type,
    new_request_id,
    sent_request_id,
)
from ._chat import completion, stream_events, write_reply
from ._config import MockConfig
from ._drift import Drift
from ._files import result_bytes
from ._replay import Replay
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
            Route(API_PREFIX + "/{path:path}", _EveryMethod(gateway.handle)),
            Route("/files/{name}", gateway.serve_file, methods=["GET", "HEAD"]),
        ],
        exception_handlers={HTTPException: _routing_error, Exception: _unexpected_error},
    )
    app.state.mock = state
    return app


class _EveryMethod:
    """An endpoint the router hands every method to, so the gateway answers 405 from the spec.

    Starlette routes a plain function for GET only unless told which methods;
    an ASGI object is routed for all of them.
    """

    def __init__(self, handler: Callable[[Request], Awaitable[Response]]) -> None:
        self._app = request_response(handler)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)


async def _routing_error(request: Request, error: Exception) -> Response:
    """The router's 404 and 405: paths outside the API or no route can match (a task id
    holding a newline), methods the files route lacks."""
    assert isinstance(error, HTTPException)
    headers = dict(error.headers or {})
    if error.status_code == 404:
        message = f"No such endpoint: {request.url.path}"
    elif error.status_code == 405:
        message = f"Method {request.method} is not allowed here; use {headers.get('Allow')}"
    else:
        message = str(error.detail)
    return ApiError(error.status_code, message, headers).response()


async def _unexpected_error(request: Request, error: Exception) -> Response:
    """A bug in the mock still answers in the envelope (and is logged by the server)."""
    return ApiError(500, f"The mock failed: {type(error).__name__}").response()


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
        self.drift = Drift(state.config.drift)
        config = state.config
        self.replay = None if config.replay is None else Replay(config.replay, config.replay_ignore)
        self.facts = {facts.operation_id: facts for facts in _operations.operations()}

    async def serve_file(self, request: Request) -> Response:
        """A result file; served without auth, like a CDN."""
        self.state.stats.file_requests += 1
        self.state.stats.file_requests_with_auth += "authorization" in request.headers
        name = request.path_params["name"]
        task = self.state.task(name.rpartition("-")[0])
        if task is None or name not in _result_names(self.state, task):
            return ApiError(404, f"File not found: {name}").response()
        return Response(result_bytes(task.extension), media_type=task.media_type)

    async def handle(self, request: Request) -> Response:
        path = "/" + request.path_params["path"]
        operation, params, allowed = self.operations.match(request.method, path)
        # Unmatched paths share one counter: a client sending random paths must not grow it.
        route = f"{request.method} {operation.template}" if operation else "(unmatched)"
        self.state.stats.requests[route] += 1
        try:
            response = await self._replayed(request, operation, params)
            if response is None:
                response = await self._answer(request, operation, params, allowed)
        except ApiError as error:
            response = error.response()
        operation_id = operation.operation_id if operation else None
        response = self.drift.apply(operation_id, response)
        # The client's id echoed, else one of its own per answer, as the gateway gives.
        response.headers[REQUEST_ID_HEADER] = sent_request_id(request.headers) or new_request_id()
        self.state.stats.record_response(operation_id, response.status_code)
        return response

    async def _replayed(
        self, request: Request, operation: Operation | None, params: dict[str, str]
    ) -> Response | None:
        """The recorded answer to a request that matches one (``MockConfig.replay``)."""
        if self.replay is None or operation is None:
            return None
        raw = await request.body()
        if len(raw) > self.state.config.max_body_bytes:
            return None  # refused by the mock's own checks
        try:
            body = json.loads(raw or b"null")
        except (ValueError, RecursionError):  # the mock answers it with its 400
            return None
        return self.replay.answer(
            operation.operation_id, request.method, params, request.url.query, body
        )

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
        facts = self.facts[operation.operation_id]
        if facts.kind == "task-status":
            return self._get_task(request, key, params["task_id"])
        cost = self._cost(facts, body)
        if self.state.balances[key] < cost:
            raise ApiError(
                402,
                f"Insufficient credits: {cost:g} needed, {self.state.balances[key]:g} available",
            )
        if facts.kind == "chat":
            return self._chat(key, body, cost)
        task = self.state.create_task(key, facts, body)
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
        kind = media_type(request.headers)
        if kind != JSON:
            raise ApiError(400, f"Content-Type must be application/json, not {kind or 'none'!r}")
        limit = self.state.config.max_body_bytes
        raw = bytearray()
        async for part in request.stream():
            raw += part
            if len(raw) > limit:
                raise ApiError(400, f"Request body is larger than {limit} bytes")
        body = _parse_json(bytes(raw), self.state.config.max_json_depth)
        message = describe_error(operation.body, body, "body")
        if message:
            raise ApiError(400, message)
        assert isinstance(body, dict)  # the spec's request bodies are objects
        return body

    def _cost(self, facts: OperationFacts, body: dict[str, Any]) -> float:
        """The credits ``body`` costs; an operation with ``x-models`` knows only those models."""
        if facts.models and facts.model(body) is None:
            model = body.get("model")
            owners = [other.operation_id for other in self.facts.values() if model in other.models]
            if owners:
                raise ApiError(
                    404,
                    f"Model {model!r} is not offered by {facts.operation_id}, but by "
                    + ", ".join(owners),
                )
            raise ApiError(404, f"Model not found: {model!r}")
        return facts.cost(body) or 0.0

    def _get_task(self, request: Request, key: str, task_id: str) -> Response:
        task = self.state.task(task_id)
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
                    "response": _result_urls(request, self.state, task)
                    if status == "SUCCESS"
                    else None,
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
            self._sse(events), media_type=EVENT_STREAM, headers={"Cache-Control": "no-cache"}
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


def _result_names(state: MockState, task: MockTask) -> list[str]:
    """The names of a task's result files, as its operation's ``x-results`` says: none until
    it has succeeded."""
    if state.status_of(task) != "SUCCESS":
        return []
    return [f"{task.task_id}-{index}.{task.extension}" for index in range(task.result_count)]


def _result_urls(request: Request, state: MockState, task: MockTask) -> list[str]:
    base = str(request.base_url).rstrip("/")
    return [f"{base}/files/{name}" for name in _result_names(state, task)]


_MAX_DIGITS = 100
"""Longer integers are refused: no field needs them, and Python's own limit would be a 500."""


def _parse_json(raw: bytes, max_depth: int) -> Any:
    """The request body as JSON, or a 400 for anything the mock could not answer or store.

    Refused: bytes that are not UTF-8 JSON (RFC 8259), ``NaN`` and ``Infinity`` (and
    numbers so large they overflow to it), integers of more than
    ``_MAX_DIGITS`` digits, nesting deeper than ``max_depth`` and strings
    holding unpaired surrogates, which no JSON answer could encode.
    """
    try:
        # Decoded first: json.loads would also take UTF-16 and UTF-32, which JSON may not be.
        text = raw.decode("utf-8")
        body = json.loads(
            text, parse_constant=_refuse_constant, parse_float=_finite, parse_int=_int
        )
    except RecursionError:
        raise ApiError(400, f"Request body is nested deeper than {max_depth} levels") from None
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError among them
        raise ApiError(400, f"Request body is not valid JSON: {error}") from None
    _check_values(body, max_depth)
    return body


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{_short_text(text)} is too large for a number")
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_DIGITS:
        raise ValueError(f"an integer has more than {_MAX_DIGITS} digits")
    return int(text)


def _short_text(text: str) -> str:
    return text if len(text) <= 20 else text[:17] + "..."


def _check_values(body: Any, max_depth: int) -> None:
    """Walk the parsed body without recursion: its depth, and every string and key."""
    pending: list[tuple[Any, int]] = [(body, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, (dict, list)):
            if depth > max_depth:
                raise ApiError(400, f"Request body is nested deeper than {max_depth} levels")
            children = [*value, *value.values()] if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ApiError(
                    400, "Request body holds a string with an unpaired surrogate (\\ud800-\\udfff)"
                ) from None
