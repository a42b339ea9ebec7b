"""SSE chat streaming: typed ``ChatCompletionChunk`` objects, errors, timeouts, and the result."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from api_in_one_client import AuthenticatedClient
from api_in_one_client.models import ChatCompletionChunk, ChatCompletionRequest, CompletionUsage

from ._errors import ApiInOneError, StreamInterrupted, StreamTimeout, error_from_envelope

__all__ = ["AsyncChatStream", "ChatResult", "ChatStream", "async_stream_chat", "stream_chat"]

_DONE = object()


@dataclass
class ChatResult:
    """A finished chat stream, put together."""

    text: str = ""
    reasoning: str = ""
    usage: CompletionUsage | None = None
    credits_consumed: float | None = None
    finish_reason: str | None = None
    chunks: int = field(default=0, repr=False)


class _Decoder:
    """Turns SSE bytes into chunks; keeps the running result for errors and ``until_done``."""

    def __init__(self) -> None:
        self.result = ChatResult()
        self.done = False
        self._buffer = b""
        self._data: list[bytes] = []

    def feed(self, data: bytes) -> list[ChatCompletionChunk]:
        """Chunks completed by ``data``; raises the typed error of an in-stream error event."""
        lines = (self._buffer + data).split(b"\n")
        self._buffer = lines.pop()
        chunks: list[ChatCompletionChunk] = []
        for line in lines:
            if line.endswith(b"\r"):
                line = line[:-1]
            if line.startswith(b"data:"):
                self._data.append(line[6:] if line[5:6] == b" " else line[5:])
            elif not line and self._data:
                event = self._event(b"\n".join(self._data))
                self._data.clear()
                if event is _DONE:
                    self.done = True
                    return chunks
                assert isinstance(event, ChatCompletionChunk)
                chunks.append(event)
            # Comments (":"), keep-alives, "event:", "id:" and "retry:" lines carry no chunk.
        return chunks

    def _event(self, data: bytes) -> ChatCompletionChunk | object:
        if data == b"[DONE]":
            return _DONE
        try:
            payload = json.loads(data)
        except ValueError:
            raise self.interrupted(f"malformed event {data[:80]!r}") from None
        if "error" in payload and "choices" not in payload:
            detail = payload["error"] if isinstance(payload["error"], dict) else {}
            code = detail.get("code")
            status = code if isinstance(code, int) else 500
            raise error_from_envelope(status, payload, fallback="Error event in the chat stream")
        chunk = ChatCompletionChunk.from_dict(payload)
        self._add(chunk)
        return chunk

    def _add(self, chunk: ChatCompletionChunk) -> None:
        result = self.result
        result.chunks += 1
        for choice in chunk.choices:
            delta = choice.delta
            if isinstance(delta.content, str):
                result.text += delta.content
            if isinstance(delta.reasoning_content, str):
                result.reasoning += delta.reasoning_content
            if isinstance(choice.finish_reason, str):
                result.finish_reason = choice.finish_reason
        if isinstance(chunk.usage, CompletionUsage):
            result.usage = chunk.usage
        if isinstance(chunk.credits_consumed, int | float):
            result.credits_consumed = float(chunk.credits_consumed)

    def interrupted(self, reason: str) -> StreamInterrupted:
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
