"""SSE chat streaming: typed ``ChatCompletionChunk`` objects, errors, timeouts, and the result."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from api_in_one_client import AuthenticatedClient
from api_in_one_client.models import ChatCompletionChunk, ChatCompletionRequest, CompletionUsage

from ._chunks import Frame, learn_frame, plain_choices, plain_chunk
from ._errors import ApiInOneError, StreamInterrupted, StreamTimeout, error_from_envelope

__all__ = ["AsyncChatStream", "ChatResult", "ChatStream", "async_stream_chat", "stream_chat"]


@dataclass
class ChatResult:
    """A finished chat stream, put together."""

    text: str = ""
    reasoning: str = ""
    usage: CompletionUsage | None = None
    credits_consumed: float | None = None
    finish_reason: str | None = None
    chunks: int = field(default=0, repr=False)


_JSON = json.JSONDecoder()
_MAX_FRAMES = 4
_UNUSED_FRAMES_ALLOWED = 3
"""Frames learnt in a row that never matched an event, before a stream stops learning."""


def _loads(data: bytes) -> Any:
    """``json.loads(data)`` for one event's data, at about half the cost for a small object.

    ``json.loads`` spends more on detecting the encoding and checking for
    whitespace than on parsing a chunk; ``raw_decode`` of the UTF-8 text
    skips both. Whatever it does not take whole (another encoding, a BOM,
    surrounding whitespace, an error) goes to ``json.loads`` for its answer.
    """
    try:
        text = data.decode()
        value, end = _JSON.raw_decode(text)
    except ValueError:
        return json.loads(data)
    return value if end == len(text) else json.loads(data)


class _Decoder:
    """Turns SSE bytes into chunks; keeps the running result for errors and ``until_done``.

    The text and reasoning of a read are gathered in lists and added to the
    result once per read, before its chunks are yielded: ``result.text +=
    piece`` for every chunk would copy the whole text each time.
    """

    def __init__(self) -> None:
        self.result = ChatResult()
        self.done = False
        # Off when nobody will see the chunks (until_done): the result is gathered all the same.
        self.build_chunks = True
        self._buffer = b""
        self._text: list[str] = []
        self._reasoning: list[str] = []
        # Newest first: a stream's chunks keep to the frame of the one before.
        self._frames: list[Frame] = []
        self._unused_frames = 0

    def feed(self, data: bytes) -> list[ChatCompletionChunk]:
        """Chunks completed by ``data``; raises the typed error of an in-stream error event."""
        buffer = self._buffer + data
        if b"\r" in buffer:
            # Lines end with LF or CRLF; a CR that ends the buffer waits for its LF.
            buffer = buffer.replace(b"\r\n", b"\n")
        # A blank line ends an event, so each complete event is one block; the
        # incomplete rest waits for more data.
        blocks = buffer.split(b"\n\n")
        self._buffer = blocks.pop()
        chunks: list[ChatCompletionChunk] = []
        try:
            for block in blocks:
                if block.startswith(b"data: ") and b"\n" not in block:
                    event = block[6:]
                else:
                    # Comments (":"), keep-alives, "event:", "id:" and "retry:" lines carry
                    # no data; the data of an event may span several lines.
                    lines = [line for line in block.split(b"\n") if line.startswith(b"data:")]
                    if not lines:
                        continue
                    event = b"\n".join(
                        line[6:] if line[5:6] == b" " else line[5:] for line in lines
                    )
                if event == b"[DONE]":
                    self.done = True
                    break
                chunk = self._chunk(event)
                if chunk is not None:
                    chunks.append(chunk)
        finally:
            self._gather()
        return chunks

    def _gather(self) -> None:
        """Add the gathered text and reasoning to the result."""
        result = self.result
        if self._text:
            result.text += "".join(self._text)
            self._text.clear()
        if self._reasoning:
            result.reasoning += "".join(self._reasoning)
            self._reasoning.clear()

    def _chunk(self, data: bytes) -> ChatCompletionChunk | None:
        """The chunk in one event's data, added to the result.

        None for a usual chunk while ``build_chunks`` is off: ``until_done``
        wants only the result.
        """
        for frame in self._frames:
            text = frame.text(data)
            if text is not None:
                self._unused_frames = 0
                self.result.chunks += 1
                (self._reasoning if frame.reasoning else self._text).append(text)
                if frame.finish_reason is not None:
                    self.result.finish_reason = frame.finish_reason
                return frame.chunk(text) if self.build_chunks else None
        try:
            payload = _loads(data)
        except ValueError:
            raise self.interrupted(f"malformed event {data[:80]!r}") from None
        choices = plain_choices(payload)
        if choices is None:
            return self._other(payload)
        result = self.result
        result.chunks += 1
        for choice in choices:
            delta = choice["delta"]
            content, reasoning = delta.get("content"), delta.get("reasoning_content")
            if type(content) is str:
                self._text.append(content)
            if type(reasoning) is str:
                self._reasoning.append(reasoning)
            finish = choice.get("finish_reason")
            if type(finish) is str:
                result.finish_reason = finish
        chunk = plain_chunk(payload, choices) if self.build_chunks else None
        self._learn(data, payload, choices)
        return chunk

    def _learn(self, data: bytes, payload: dict[str, Any], choices: list[dict[str, Any]]) -> None:
        """Remember the frame of a usual chunk, unless frames stopped paying off in this stream."""
        if self._unused_frames >= _UNUSED_FRAMES_ALLOWED:
            return
        frame = learn_frame(data, payload, choices)
        if frame is not None:
            self._unused_frames += 1
            self._frames = [frame, *self._frames[: _MAX_FRAMES - 1]]

    def _other(self, payload: Any) -> ChatCompletionChunk:
        """An error event, or a chunk with usage, tool calls or unknown fields."""
        if "error" in payload and "choices" not in payload:
            detail = payload["error"] if isinstance(payload["error"], dict) else {}
            code = detail.get("code")
            status = code if isinstance(code, int) else 500
            raise error_from_envelope(status, payload, fallback="Error event in the chat stream")
        chunk = ChatCompletionChunk.from_dict(payload)
        result = self.result
        result.chunks += 1
        for choice in chunk.choices:
            delta = choice.delta
            if isinstance(delta.content, str):
                self._text.append(delta.content)
            if isinstance(delta.reasoning_content, str):
                self._reasoning.append(delta.reasoning_content)
            if isinstance(choice.finish_reason, str):
                result.finish_reason = choice.finish_reason
        if isinstance(chunk.usage, CompletionUsage):
            result.usage = chunk.usage
        if isinstance(chunk.credits_consumed, int | float):
            result.credits_consumed = float(chunk.credits_consumed)
        return chunk

    def interrupted(self, reason: str) -> StreamInterrupted:
        """The error for a stream that ends early, with the text received so far."""
        self._gather()
        return StreamInterrupted(
            f"Chat stream ended before [DONE] ({reason}) after {len(self.result.text)} characters",
            partial_text=self.result.text,
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
        "/chat/completions",
        json=payload,
        headers={"Accept": "text/event-stream"},
        timeout=httpx.Timeout(
            timeout.connect, read=idle_timeout, write=timeout.write, pool=timeout.pool
        ),
    )


def _timeout(idle_timeout: float, decoder: _Decoder) -> StreamTimeout:
    return StreamTimeout(
        f"No data from the chat stream for {idle_timeout:g} s", partial_text=decoder.result.text
    )


class ChatStream:
    """A streamed chat completion: iterate it for ``ChatCompletionChunk`` objects.

    Use it as a context manager, or call ``close()``, to release the
    connection when leaving early; ``until_done()`` consumes the rest and
    returns a ``ChatResult``.
    """

    def __init__(self, response: httpx.Response, idle_timeout: float) -> None:
        self.response = response
        self._decoder = _Decoder()
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
        self._decoder.build_chunks = False
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
        raise decoder.interrupted("connection closed")


class AsyncChatStream:
    """Async ``ChatStream``: ``async for`` chunks, ``async with``, ``await until_done()``."""

    def __init__(self, response: httpx.Response, idle_timeout: float) -> None:
        self.response = response
        self._decoder = _Decoder()
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
        self._decoder.build_chunks = False
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
    ``idle_timeout`` seconds raises ``StreamTimeout``; a connection lost before
    ``[DONE]`` raises ``StreamInterrupted`` with the text received so far.
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
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    if media_type == "text/event-stream":
        return None
    return ApiInOneError(
        f"Expected an SSE stream, got {media_type or 'no content type'} "
        f"(HTTP {response.status_code})",
        status=response.status_code,
    )
