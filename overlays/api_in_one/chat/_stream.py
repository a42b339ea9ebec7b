"""SSE chat streaming: typed ``ChatCompletionChunk`` objects, errors, timeouts, and the result."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from api_in_one_client import AuthenticatedClient
from api_in_one_client.models import (
    ChatCompletionChunk,
    ChatCompletionRequest,
    CompletionUsage,
    FunctionCall,
    ToolCall,
)
from api_in_one_client.types import UNSET

from .._errors import (
    ApiInOneError,
    StreamInterruptedError,
    StreamTimeoutError,
    error_from_envelope,
)
from .._operations import of_kind
from .._wire import is_event_stream, media_type, request_id_of
from ._frames import Frame, Layout, learn_frame, read_layout, scan

__all__ = ["AsyncChatStream", "ChatResult", "ChatStream", "async_stream_chat", "stream_chat"]


@dataclass
class ChatResult:
    """A finished chat stream, put together.

    ``tool_calls`` holds the calls the model asked for, each assembled from
    its pieces: the ``id``, ``type`` and function ``name`` of its first
    delta, and the ``arguments`` of every delta joined in order.
    """

    text: str = ""
    reasoning: str = ""
    usage: CompletionUsage | None = None
    credits_consumed: float | None = None
    finish_reason: str | None = None
    chunks: int = field(default=0, repr=False)
    tool_calls: list[ToolCall] = field(default_factory=list)


_BOM = b"\xef\xbb\xbf"
_MAX_FRAMES = 4
_MISSES_ALLOWED = 8
"""Events in a row read without a frame before a stream stops learning frames."""
_LAYOUT_LIMIT = 4096
"""Longer events are no usual chunks: they are parsed, never read for a frame."""
_NOT_A_CHUNK = (KeyError, TypeError, AttributeError, ValueError)
"""What ``ChatCompletionChunk.from_dict`` raises for JSON of another shape."""


def _loads(data: str) -> Any:
    """``json.loads(data)`` for one event's data, at less cost for a small object.

    ``json.loads`` spends a good part of the time of a chunk on checking
    for whitespace; the scanner skips it. Whatever the scanner does not
    take whole (surrounding whitespace, an error) goes to ``json.loads``
    for its answer.
    """
    try:
        value, end = scan(data, 0)
    except (ValueError, StopIteration):
        return json.loads(data)
    return value if end == len(data) else json.loads(data)


class _CallPieces:
    """One tool call of the result as its deltas arrive; argument pieces wait for ``gather``."""

    def __init__(self) -> None:
        self.function = FunctionCall(arguments="")
        self.call = ToolCall(function=self.function)
        self._joined = ""
        self._arguments: list[str] = []

    def add(self, piece: ToolCall) -> bool:
        """Take one delta's piece of the call; False if one of its fields has a wrong type."""
        call_id, kind, function = piece.id, piece.type_, piece.function
        if type(call_id) is str:
            self.call.id = call_id
        elif call_id is not UNSET and call_id is not None:
            return False
        if type(kind) is str:
            self.call.type_ = kind
        elif kind is not UNSET and kind is not None:
            return False
        if type(function) is not FunctionCall:
            return function is UNSET or function is None
        name, arguments = function.name, function.arguments
        if type(name) is str:
            self.function.name = name
        elif name is not UNSET and name is not None:
            return False
        if type(arguments) is str:
            self._arguments.append(arguments)
            return True
        return arguments is UNSET or arguments is None

    def gather(self) -> None:
        if self._arguments:
            self._joined += "".join(self._arguments)
            self.function.arguments = self._joined
            self._arguments.clear()


class _Decoder:
    """Turns SSE bytes into chunks; keeps the running result for errors and ``until_done``.

    Lines may end with LF, CRLF or a bare CR, as the SSE standard allows,
    and a UTF-8 byte order mark before the first line is dropped. The text
    and reasoning of a read are gathered in lists and added to the result
    once per read, before its chunks are yielded: ``result.text += piece``
    for every chunk would copy the whole text each time. ``request_id``, that
    of the request that opened the stream, goes into every error.
    """

    def __init__(self, request_id: str | None = None) -> None:
        self.request_id = request_id
        self.result = ChatResult()
        self.done = False
        self._buffer = b""
        self._started = False
        self._text: list[str] = []
        self._reasoning: list[str] = []
        self._calls: dict[int, _CallPieces] = {}
        self._calls_changed = False
        # Newest first: a stream's chunks keep to the frame of the one before.
        self._frames: list[Frame] = []
        self._previous: Layout | None = None
        self._misses = 0

    def feed(self, data: bytes) -> list[ChatCompletionChunk]:
        """Chunks completed by ``data``; raises the typed error of an in-stream error event."""
        buffer = self._buffer + data
        if not self._started:
            if _BOM.startswith(buffer[:3]) and len(buffer) < len(_BOM):
                self._buffer = buffer  # maybe the start of a byte order mark
                return []
            self._started = True
            buffer = buffer.removeprefix(_BOM)
        if b"\r" in buffer:
            # A CR that ends the buffer may be the first half of a CRLF: it waits.
            held = b"\r" if buffer.endswith(b"\r") else b""
            buffer = buffer[: len(buffer) - len(held)].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            buffer += held
        # A blank line ends an event, so each complete event is one block; the
        # incomplete rest waits for more data.
        end = buffer.rfind(b"\n\n")
        if end < 0:
            self._buffer = buffer
            return []
        self._buffer = buffer[end + 2 :]
        # SSE is UTF-8, bad bytes decoded as U+FFFD; a blank line never splits a character.
        blocks = buffer[:end].decode("utf-8", "replace").split("\n\n")
        chunks: list[ChatCompletionChunk] = []
        add, chunk_of = chunks.append, self._chunk
        try:
            for block in blocks:
                if block.startswith("data: ") and "\n" not in block:
                    event = block[6:]
                else:
                    data_lines = self._data(block)
                    if data_lines is None:
                        continue
                    event = data_lines
                if event == "[DONE]":
                    self.done = True
                    break
                add(chunk_of(event))
        finally:
            self._gather()
        return chunks

    def end(self) -> list[ChatCompletionChunk]:
        """The chunks a stream's last bytes complete: a held CR is a line end after all."""
        if self._buffer.endswith(b"\r") and not self.done:
            return self.feed(b"\n")
        return []

    @staticmethod
    def _data(block: str) -> str | None:
        """The data of an event's lines, or None for an event with no data.

        Comments (":"), keep-alives, "event:", "id:" and "retry:" lines carry
        no data; the data of an event may span several lines.
        """
        lines = [
            line[6:] if line[5:6] == " " else line[5:]
            for line in block.split("\n")
            if line.startswith("data:") or line == "data"
        ]
        return "\n".join(lines) if lines else None

    def _gather(self) -> None:
        """Add the gathered text, reasoning and tool calls to the result."""
        result = self.result
        if self._text:
            result.text += "".join(self._text)
            self._text.clear()
        if self._reasoning:
            result.reasoning += "".join(self._reasoning)
            self._reasoning.clear()
        if self._calls_changed:
            for pieces in self._calls.values():
                pieces.gather()
            self._calls_changed = False

    def _parse(self, data: str) -> tuple[Any, Layout | None]:
        """The parse of one event's data, and its layout when it was read to learn a frame."""
        if self._misses < _MISSES_ALLOWED and len(data) <= _LAYOUT_LIMIT:
            self._misses += 1
            layout = read_layout(data)
            if layout is not None:
                return layout.payload, layout
        try:
            return _loads(data), None
        except (ValueError, RecursionError):
            raise self.interrupted(f"malformed event {data[:80]!r}") from None

    def _learn(self, layout: Layout) -> None:
        """Learn a frame from the last event read and this one, if they differ only in values."""
        previous, self._previous = self._previous, layout
        frame = (
            None
            if previous is None
            else learn_frame(previous, layout, ChatCompletionChunk.from_dict)
        )
        if frame is not None:
            self._frames = [frame, *self._frames[: _MAX_FRAMES - 1]]
            self._previous = None

    def _chunk(self, data: str) -> ChatCompletionChunk:
        """The chunk in one event's data, added to the result."""
        chunk, payload, layout = None, None, None
        try:
            for frame in self._frames:
                chunk = frame(data)
                if chunk is not None:
                    break
        except StopIteration:  # no JSON value where the frame has one
            chunk = None
        if chunk is not None:
            self._misses = 0
        else:
            payload, layout = self._parse(data)
            try:
                chunk = ChatCompletionChunk.from_dict(payload)
            except _NOT_A_CHUNK:
                raise self._not_a_chunk(payload, data) from None
        result = self.result
        for choice in chunk.choices:
            delta = choice.delta
            content, reasoning, finish = (
                delta.content,
                delta.reasoning_content,
                choice.finish_reason,
            )
            if type(content) is str:
                self._text.append(content)
            elif content is not None and content is not UNSET:
                raise self._not_a_chunk(payload, data)
            if type(reasoning) is str:
                self._reasoning.append(reasoning)
            elif reasoning is not None and reasoning is not UNSET:
                raise self._not_a_chunk(payload, data)
            if type(finish) is str:
                result.finish_reason = finish
            elif finish is not None and finish is not UNSET:
                raise self._not_a_chunk(payload, data)
            if delta.tool_calls is not UNSET:
                self._add_calls(delta.tool_calls, payload, data)
        if type(chunk.id) is not str:
            raise self._not_a_chunk(payload, data)
        usage = chunk.usage
        if usage is not None and usage is not UNSET:
            self._add_usage(chunk, payload, data)
        result.chunks += 1
        if layout is not None:
            self._learn(layout)
        return chunk

    def _add_calls(self, pieces: object, payload: Any, data: str) -> None:
        if not isinstance(pieces, list):
            raise self._not_a_chunk(payload, data)
        for piece in pieces:
            index = piece.index
            if type(index) is not int:
                raise self._not_a_chunk(payload, data)
            call = self._calls.get(index)
            if call is None:
                call = self._calls[index] = _CallPieces()
                self.result.tool_calls = [self._calls[i].call for i in sorted(self._calls)]
            if not call.add(piece):
                raise self._not_a_chunk(payload, data)
        self._calls_changed = True

    def _add_usage(self, chunk: ChatCompletionChunk, payload: Any, data: str) -> None:
        usage, credits = chunk.usage, chunk.credits_consumed
        if not isinstance(usage, CompletionUsage):
            raise self._not_a_chunk(payload, data)
        self.result.usage = usage
        if isinstance(credits, int | float) and not isinstance(credits, bool):
            self.result.credits_consumed = float(credits)
        elif credits is not None and credits is not UNSET:
            raise self._not_a_chunk(payload, data)

    def _not_a_chunk(self, payload: Any, data: str) -> ApiInOneError:
        """The typed error of an event that is valid JSON but no chunk: an error event, or junk."""
        if type(payload) is dict and "error" in payload and "choices" not in payload:
            detail = payload["error"] if isinstance(payload["error"], dict) else {}
            code = detail.get("code")
            status = code if type(code) is int and 400 <= code <= 599 else 500
            return error_from_envelope(
                status,
                payload,
                fallback="Error event in the chat stream",
                request_id=self.request_id,
            )
        return self.interrupted(f"event is not a chat completion chunk: {data[:80]!r}")

    def interrupted(self, reason: str) -> StreamInterruptedError:
        """The error for a stream that ends early, with the text received so far."""
        self._gather()
        return StreamInterruptedError(
            f"Chat stream ended before [DONE] ({reason}) after {len(self.result.text)} characters",
            partial_text=self.result.text,
            request_id=self.request_id,
        )


def _request(
    client: httpx.Client | httpx.AsyncClient,
    body: ChatCompletionRequest | Mapping[str, Any],
    idle_timeout: float,
) -> httpx.Request:
    payload = body.to_dict() if isinstance(body, ChatCompletionRequest) else dict(body)
    payload["stream"] = True
    timeout = client.timeout
    return client.build_request(
        "POST",
        of_kind("chat").path,
        json=payload,
        headers={"Accept": "text/event-stream"},
        timeout=httpx.Timeout(
            timeout.connect, read=idle_timeout, write=timeout.write, pool=timeout.pool
        ),
    )


def _timeout(idle_timeout: float, decoder: _Decoder) -> StreamTimeoutError:
    return StreamTimeoutError(
        f"No data from the chat stream for {idle_timeout:g} s",
        partial_text=decoder.result.text,
        request_id=decoder.request_id,
    )


class ChatStream:
    """A streamed chat completion: iterate it for ``ChatCompletionChunk`` objects.

    Use it as a context manager, or call ``close()``, to release the
    connection when leaving early; ``until_done()`` consumes the rest and
    returns a ``ChatResult``.
    """

    def __init__(self, response: httpx.Response, idle_timeout: float) -> None:
        self.response = response
        self._decoder = _Decoder(request_id_of(response))
        self._idle_timeout = idle_timeout
        self._chunks = self._iterate()

    def __iter__(self) -> Generator[ChatCompletionChunk, None, None]:
        return self._chunks

    def __next__(self) -> ChatCompletionChunk:
        return next(self._chunks)

    def __enter__(self) -> ChatStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def result(self) -> ChatResult:
        """What has arrived so far."""
        return self._decoder.result

    def close(self) -> None:
        """Stop reading and release the connection."""
        self._chunks.close()
        self.response.close()

    def until_done(self) -> ChatResult:
        """Read the rest of the stream and return the whole result."""
        for _ in self._chunks:
            pass
        return self._decoder.result

    def _iterate(self) -> Generator[ChatCompletionChunk, None, None]:
        decoder = self._decoder
        try:
            for data in self.response.iter_raw():
                yield from decoder.feed(data)
                if decoder.done:
                    return
        except httpx.ReadTimeout:
            raise _timeout(self._idle_timeout, decoder) from None
        except httpx.TransportError as error:
            raise decoder.interrupted(type(error).__name__) from None
        finally:
            self.response.close()
        yield from decoder.end()
        if not decoder.done:
            raise decoder.interrupted("connection closed")


class AsyncChatStream:
    """Async ``ChatStream``: ``async for`` chunks, ``async with``, ``await until_done()``."""

    def __init__(self, response: httpx.Response, idle_timeout: float) -> None:
        self.response = response
        self._decoder = _Decoder(request_id_of(response))
        self._idle_timeout = idle_timeout
        self._chunks = self._iterate()

    def __aiter__(self) -> AsyncGenerator[ChatCompletionChunk, None]:
        return self._chunks

    async def __anext__(self) -> ChatCompletionChunk:
        return await self._chunks.__anext__()

    async def __aenter__(self) -> AsyncChatStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def result(self) -> ChatResult:
        """What has arrived so far."""
        return self._decoder.result

    async def close(self) -> None:
        """Stop reading and release the connection."""
        await self._chunks.aclose()
        await self.response.aclose()

    async def until_done(self) -> ChatResult:
        """Read the rest of the stream and return the whole result."""
        async for _ in self._chunks:
            pass
        return self._decoder.result

    async def _iterate(self) -> AsyncGenerator[ChatCompletionChunk, None]:
        decoder = self._decoder
        try:
            async for data in self.response.aiter_raw():
                for chunk in decoder.feed(data):
                    yield chunk
                if decoder.done:
                    return
        except httpx.ReadTimeout:
            raise _timeout(self._idle_timeout, decoder) from None
        except httpx.TransportError as error:
            raise decoder.interrupted(type(error).__name__) from None
        finally:
            await self.response.aclose()
        for chunk in decoder.end():
            yield chunk
        if not decoder.done:
            raise decoder.interrupted("connection closed")


def stream_chat(
    client: AuthenticatedClient,
    body: ChatCompletionRequest | Mapping[str, Any],
    *,
    idle_timeout: float = 60.0,
) -> ChatStream:
    """Start a streamed chat completion (``stream: true`` is set for you).

    Errors before the stream starts raise the typed errors at once; an error
    event inside the stream raises when iteration reaches it; no bytes for
    ``idle_timeout`` seconds raises ``StreamTimeoutError``; a connection lost before
    ``[DONE]`` raises ``StreamInterruptedError`` with the text received so far.
    """
    http = client.get_httpx_client()
    response = http.send(_request(http, body, idle_timeout), stream=True)
    error = _not_a_stream(response)
    if error is not None:
        response.close()
        raise error
    return ChatStream(response, idle_timeout)


async def async_stream_chat(
    client: AuthenticatedClient,
    body: ChatCompletionRequest | Mapping[str, Any],
    *,
    idle_timeout: float = 60.0,
) -> AsyncChatStream:
    """Async ``stream_chat``: ``async with await async_stream_chat(...) as stream``."""
    http = client.get_async_httpx_client()
    response = await http.send(_request(http, body, idle_timeout), stream=True)
    error = _not_a_stream(response)
    if error is not None:
        await response.aclose()
        raise error
    return AsyncChatStream(response, idle_timeout)


def _not_a_stream(response: httpx.Response) -> ApiInOneError | None:
    if is_event_stream(response):
        return None
    return ApiInOneError(
        f"Expected an SSE stream, got {media_type(response) or 'no content type'} "
        f"(HTTP {response.status_code})",
        status=response.status_code,
        request_id=request_id_of(response),
    )
