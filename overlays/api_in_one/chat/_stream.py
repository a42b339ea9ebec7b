"""SSE chat streaming: typed ``ChatCompletionChunk`` objects, errors, timeouts, and the result.

Three pieces, each in its own module: SSE framing (the core ``_sse``), chunk typing
(``_chunks``) and result assembly (``_result``); this module opens the
stream and turns what they report into the SDK's errors.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator, Mapping
from typing import Any

import httpx

from api_in_one_client import AuthenticatedClient
from api_in_one_client.models import ChatCompletionChunk, ChatCompletionRequest

from .._errors import (
    ApiInOneError,
    StreamInterruptedError,
    StreamTimeoutError,
    error_from_envelope,
)
from .._operations import of_kind
from .._sse import SSEFramer, block_data
from .._wire import EVENT_STREAM, is_event_stream, media_type, request_id_of
from ._chunks import MalformedEvent, NotAChunk, typed_chunk
from ._result import Assembler, ChatResult

__all__ = ["AsyncChatStream", "ChatResult", "ChatStream", "async_stream_chat", "stream_chat"]


class _Decoder:
    """Turns SSE bytes into chunks; keeps the running result for errors and ``until_done``.

    The result takes each read's chunks before they are yielded.
    ``request_id``, that of the request that opened the stream, goes into
    every error.
    """

    def __init__(self, request_id: str | None = None) -> None:
        self.request_id = request_id
        self.done = False
        self._framer = SSEFramer()
        self._assembler = Assembler()

    @property
    def result(self) -> ChatResult:
        return self._assembler.result

    def feed(self, data: bytes) -> list[ChatCompletionChunk]:
        """Chunks completed by ``data``; raises the typed error of an in-stream error event."""
        return self._chunks(self._framer.feed(data))

    def end(self) -> list[ChatCompletionChunk]:
        """The chunks a stream's last bytes complete."""
        return [] if self.done else self._chunks(self._framer.end())

    def _chunks(self, blocks: list[str]) -> list[ChatCompletionChunk]:
        chunks: list[ChatCompletionChunk] = []
        add = chunks.append
        rejected: tuple[MalformedEvent | NotAChunk, str] | None = None
        for block in blocks:
            data = block_data(block)
            if data is None:
                continue
            if data == "[DONE]":
                self.done = True
                break
            try:
                add(typed_chunk(data))
            except (MalformedEvent, NotAChunk) as error:
                rejected = error, data
                break
        # Assembled before an error is made: the error carries the text so far.
        self._assembler.take(chunks)
        if rejected is None:
            return chunks
        cause, data = rejected
        if isinstance(cause, NotAChunk):
            raise self._not_a_chunk(cause.payload, data)
        raise self.interrupted(f"malformed event {data[:80]!r}")

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
        text = self.result.text
        return StreamInterruptedError(
            f"Chat stream ended before [DONE] ({reason}) after {len(text)} characters",
            partial_text=text,
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
        headers={"Accept": EVENT_STREAM},
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
            for data in self.response.iter_bytes():
                yield from decoder.feed(data)
                if decoder.done:
                    return
        except httpx.ReadTimeout:
            raise _timeout(self._idle_timeout, decoder) from None
        except (httpx.TransportError, httpx.DecodingError) as error:  # lost, or bad gzip
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
            async for data in self.response.aiter_bytes():
                for chunk in decoder.feed(data):
                    yield chunk
                if decoder.done:
                    return
        except httpx.ReadTimeout:
            raise _timeout(self._idle_timeout, decoder) from None
        except (httpx.TransportError, httpx.DecodingError) as error:  # lost, or bad gzip
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
    kind = media_type(response)
    return ApiInOneError(
        f"Expected an SSE stream, got {kind or 'no content type'} (HTTP {response.status_code})",
        status=response.status_code,
        request_id=request_id_of(response),
    )
