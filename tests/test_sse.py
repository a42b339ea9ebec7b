"""SSE framing: linear in the size of an event, the same however reads split it, and compressed
or oddly labelled streams read like plain ones, sync and async."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from api_in_one import (
    ApiInOneClient,
    StreamInterruptedError,
    aconnect,
    async_stream_chat,
    connect,
    stream_chat,
)
from api_in_one._sse import SSEFramer, block_data, block_fields
from api_in_one.mock import DEMO_KEY
from bench._shapes import SHAPES, events

BODY = {"model": "gemini", "messages": [{"role": "user", "content": "Describe the sea"}]}
PAYLOADS = SHAPES["openai"](8)
TEXT = "".join(c["delta"].get("content") or "" for p in PAYLOADS for c in p["choices"])


class _Parts(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that arrives in the given reads, as a network would split it."""

    def __init__(self, parts: list[bytes]) -> None:
        self.parts = parts

    def __iter__(self) -> Iterator[bytes]:
        yield from self.parts

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self.parts:
            yield part


def _answer(parts: list[bytes], headers: dict[str, str]) -> httpx.MockTransport:
    return httpx.MockTransport(
        lambda request: httpx.Response(200, headers=headers, stream=_Parts(parts))
    )


def _client(parts: list[bytes], **headers: str) -> ApiInOneClient:
    http = httpx.Client(transport=_answer(parts, {"content-type": "text/event-stream", **headers}))
    return connect(DEMO_KEY, base_url="https://apiin.one/api/v1", httpx_client=http)


def _async_client(parts: list[bytes], **headers: str) -> ApiInOneClient:
    transport = _answer(parts, {"content-type": "text/event-stream", **headers})
    http = httpx.AsyncClient(transport=transport)
    return aconnect(DEMO_KEY, base_url="https://apiin.one/api/v1", httpx_client=http)


def _split(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize("read", [1, 7, 1024])
def test_one_large_event_costs_linear_work_whatever_the_reads(read: int) -> None:
    """One event fed in small reads is scanned about twice, not once per read (which is
    what made a 64 MB event take minutes)."""
    size = 1024 * 1024 if read >= 1024 else 64 * 1024  # tiny reads: fewer bytes, same bound
    event = b"data: " + b"x" * size + b"\n\n"
    framer = SSEFramer()
    blocks = [block for part in _split(event, read) for block in framer.feed(part)]
    assert [block_data(block) for block in blocks] == ["x" * size]
    assert framer.scanned <= 2 * len(event) + 2 * len(event) // read + 8


def test_a_large_event_with_crlf_and_split_reads_is_one_chunk() -> None:
    text = "word " * 200_000
    payload = {**PAYLOADS[1], "choices": [{"index": 0, "delta": {"content": text}}]}
    body = events([payload]).replace(b"\n", b"\r\n")
    result = stream_chat(_client(_split(body, 4096)), BODY).until_done()
    assert result.text == text


def test_framing_is_the_same_at_every_split() -> None:
    body = (
        b"\xef\xbb\xbf: comment\r\nevent: message\r\nid: 7\r\nretry: 30\r\n"
        b'data: {"a":\r\ndata: 1}\r\n\r\ndata: two\rdata: lines\r\rdata: [DONE]\n\n'
    )
    whole = SSEFramer().feed(body)
    assert [block_fields(block) for block in whole] == [
        {"event": "message", "id": "7", "retry": 30, "data": '{"a":\n1}'},
        {"data": "two\nlines"},
        {"data": "[DONE]"},
    ]
    for cut in range(1, len(body)):
        framer = SSEFramer()
        assert [*framer.feed(body[:cut]), *framer.feed(body[cut:]), *framer.end()] == whole, cut


def test_an_event_cut_off_by_the_end_is_dropped_and_a_last_cr_ends_a_line() -> None:
    framer = SSEFramer()
    assert framer.feed(b"data: 1\n\ndata: 2\r\r") == ["data: 1"]
    assert framer.end() == ["data: 2"]
    assert SSEFramer().feed(b"data: 3\n") == []


@pytest.mark.parametrize(
    "coding",
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
    ],
    ids=["gzip", "deflate"],
)
def test_a_compressed_stream_is_decoded(coding: tuple[str, object]) -> None:
    name, compress = coding
    assert callable(compress)
    packed = compress(events(PAYLOADS))
    stream = stream_chat(_client(_split(packed, 50), **{"content-encoding": name}), BODY)
    result = stream.until_done()
    assert (result.text, result.chunks) == (TEXT, len(PAYLOADS))


@pytest.mark.anyio
async def test_a_compressed_stream_is_decoded_async() -> None:
    packed = gzip.compress(events(PAYLOADS))
    client = _async_client(_split(packed, 50), **{"content-encoding": "gzip"})
    async with await async_stream_chat(client, BODY) as stream:
        result = await stream.until_done()
    assert (result.text, result.chunks) == (TEXT, len(PAYLOADS))


def test_a_corrupt_compressed_stream_is_an_interrupted_stream() -> None:
    packed = gzip.compress(events(PAYLOADS))
    broken = packed[:30] + bytes(64) + packed[94:]
    stream = stream_chat(_client([broken], **{"content-encoding": "gzip"}), BODY)
    with pytest.raises(StreamInterruptedError):
        stream.until_done()


@pytest.mark.parametrize("label", ["Text/Event-Stream", "TEXT/EVENT-STREAM; charset=utf-8"])
def test_a_media_type_in_any_case_streams(label: str) -> None:
    result = stream_chat(_client([events(PAYLOADS)], **{"content-type": label}), BODY).until_done()
    assert result.text == TEXT


@pytest.mark.anyio
async def test_a_media_type_in_any_case_streams_async() -> None:
    client = _async_client([events(PAYLOADS)], **{"content-type": "Text/Event-Stream"})
    async with await async_stream_chat(client, BODY) as stream:
        assert (await stream.until_done()).text == TEXT
