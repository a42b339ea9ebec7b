"""stream_chat: typed chunks, the assembled result, SSE details, errors and early exits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api_in_one import (
    ApiInOneClient,
    InternalServerError,
    StreamInterruptedError,
    StreamTimeoutError,
    async_stream_chat,
    connect,
    stream_chat,
)
from api_in_one.mock import DEMO_KEY, RunningMock
from api_in_one_client.api.chat import create_chat_completion
from api_in_one_client.models import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    ChatMessage,
)

BODY = {
    "model": "gemini",
    "messages": [{"role": "user", "content": "Describe the sea"}],
    "stream_options": {"include_usage": True},
}


def _whole_answer(client: ApiInOneClient) -> ChatCompletion:
    request = ChatCompletionRequest.from_dict({**BODY, "stream": False})
    completion = create_chat_completion.sync(client=client, body=request)
    assert isinstance(completion, ChatCompletion)
    return completion


def test_stream_yields_typed_chunks_that_add_up_to_the_answer(aio_client: ApiInOneClient) -> None:
    with stream_chat(aio_client, BODY) as stream:
        chunks = list(stream)
    assert all(isinstance(chunk, ChatCompletionChunk) for chunk in chunks)
    result = stream.result
    whole = _whole_answer(aio_client)
    assert result.text == whole.choices[0].message.content
    assert result.reasoning == whole.choices[0].message.reasoning_content
    assert result.finish_reason == "stop"
    assert result.usage is not None
    assert result.usage.total_tokens > 0
    assert result.credits_consumed == 2


def test_request_model_is_accepted_and_streaming_is_forced(aio_client: ApiInOneClient) -> None:
    body = ChatCompletionRequest(
        model="gemini", messages=[ChatMessage(role="user", content="hi")], stream=False
    )
    result = stream_chat(aio_client, body).until_done()
    assert result.text.startswith("Mock reply to: hi")


@pytest.mark.anyio
async def test_async_stream_yields_the_same_answer(aio_async_client: ApiInOneClient) -> None:
    async with await async_stream_chat(aio_async_client, BODY) as stream:
        chunks = [chunk async for chunk in stream]
    assert chunks
    assert all(isinstance(chunk, ChatCompletionChunk) for chunk in chunks)
    assert stream.result.text.startswith("Mock reply to: Describe the sea")
    again = await (await async_stream_chat(aio_async_client, BODY)).until_done()
    assert again.text == stream.result.text


def test_leaving_early_closes_the_response(aio_client: ApiInOneClient) -> None:
    with stream_chat(aio_client, BODY) as stream:
        first = next(iter(stream))
    assert first.choices[0].delta.role == "assistant"
    assert stream.response.is_closed


def test_in_stream_error_raises_the_typed_error(
    aio_client: ApiInOneClient, aio_mock: RunningMock
) -> None:
    aio_mock.state.faults.stream_error_after = 3
    stream = stream_chat(aio_client, BODY)
    with pytest.raises(InternalServerError, match="Injected stream error"):
        stream.until_done()
    assert stream.response.is_closed


def test_truncated_stream_keeps_the_partial_text(
    aio_client: ApiInOneClient, aio_mock: RunningMock
) -> None:
    aio_mock.state.faults.truncate_stream_after = 4
    with pytest.raises(StreamInterruptedError) as interrupted:
        stream_chat(aio_client, BODY).until_done()
    assert interrupted.value.partial_text.startswith("Mock reply")


@pytest.mark.anyio
async def test_truncated_stream_keeps_the_partial_text_async(
    aio_async_client: ApiInOneClient, aio_mock: RunningMock
) -> None:
    aio_mock.state.faults.truncate_stream_after = 4
    with pytest.raises(StreamInterruptedError) as interrupted:
        await (await async_stream_chat(aio_async_client, BODY)).until_done()
    assert interrupted.value.partial_text.startswith("Mock reply")


_FRAME = '{"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":'
_SPACED = '{"id": "c1", "choices": [{"index": 0, "delta": {"%s": %s}, "finish_reason": null}]}'


def _framed(delta: str) -> str:
    return _FRAME + '[{"index":0,"delta":{' + delta + '},"finish_reason":null}]}'


def _chunk(text: str) -> str:
    return _framed(f'"content":"{text}"')


def _client_answering(parts: list[bytes]) -> ApiInOneClient:
    """A client whose server streams ``parts`` as they are (for framing the mock never sends)."""

    def stream(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers={"content-type": "text/event-stream"},
            stream=httpx.ByteStream(b"".join(parts)),
        )

    http = httpx.Client(transport=httpx.MockTransport(stream))
    return connect(DEMO_KEY, base_url="https://apiin.one/api/v1", httpx_client=http)


def test_sse_framing_comments_multiline_and_crlf() -> None:
    first, second = _chunk("Hel"), _chunk("lo")
    parts = [
        b": keep-alive\r\n\r\n",
        b"event: message\r\nid: 1\r\n",
        b"data: " + first[:20].encode() + b"\r\ndata:" + first[20:].encode() + b"\r\n\r\n",
        b"retry: 1000\n\n",
        b"data: " + second.encode() + b"\n\n",
        b"data: [DONE]\n\n",
        b"data: " + _chunk("ignored after done").encode() + b"\n\n",
    ]
    result = stream_chat(_client_answering(parts), BODY).until_done()
    assert result.text == "Hello"
    assert result.chunks == 2


class _ByteAtATime(httpx.SyncByteStream):
    def __init__(self, data: bytes) -> None:
        self.data = data

    def __iter__(self) -> Iterator[bytes]:
        for index in range(len(self.data)):
            yield self.data[index : index + 1]


def test_events_split_anywhere_between_reads_decode_the_same() -> None:
    """Reads may end inside a line, between CR and LF, or inside a blank line."""
    framed = (
        b": keep-alive\r\n\r\n"
        + b"data: "
        + _chunk("Hel").encode()
        + b"\r\n\r\n"
        + b"data: "
        + _chunk("lo").encode()
        + b"\n\n"
        + b"data: [DONE]\r\n\r\n"
    )
    http = httpx.Client(
        transport=httpx.MockTransport(
            lambda request: httpx.Response(
                200, headers={"content-type": "text/event-stream"}, stream=_ByteAtATime(framed)
            )
        )
    )
    client = connect(DEMO_KEY, base_url="https://apiin.one/api/v1", httpx_client=http)
    chunks = list(stream_chat(client, BODY))
    assert [chunk.choices[0].delta.content for chunk in chunks] == ["Hel", "lo"]


@pytest.mark.parametrize(
    "payload",
    [
        {
            "id": "a",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "choices": [
                {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
            ],
        },
        {
            "id": "a",
            "choices": [
                {
                    "delta": {"content": "x", "reasoning_content": "r"},
                    "index": 1,
                    "finish_reason": "stop",
                }
            ],
        },
        {"id": "a", "choices": [{"delta": {}, "index": 0}, {"delta": {"content": None}}]},
        {"id": "a", "choices": [{"delta": {"content": "x"}, "logprobs": None}], "extra": 1},
    ],
    ids=["first chunk", "reasoning and finish", "sparse choices", "unknown fields"],
)
def test_chunks_equal_what_the_generated_from_dict_builds(payload: dict[str, Any]) -> None:
    """The decoder's fast path for usual chunks builds exactly the generated model."""
    parts = [b"data: " + json.dumps(payload).encode() + b"\n\n", b"data: [DONE]\n\n"]
    chunks = list(stream_chat(_client_answering(parts), BODY))
    assert chunks == [ChatCompletionChunk.from_dict(payload)]


@pytest.mark.parametrize(
    "events",
    [
        [_framed(f'"content":{json.dumps(text)}') for text in ["a", "", 'q"\\', "\u00e9\n", "é"]],
        [_framed('"content":"a"'), _framed('"reasoning_content":"r"'), _framed('"content":"b"')],
        [_framed('"content":"a"'), _framed('"content":null'), _framed('"content":"b"')],
        [_framed('"content":"a"'), _framed('"content":"a","content":"b"')],
        [_framed('"role":"assistant","content":"a"'), _framed('"content":"b"')],
        [_framed('"content":"a"'), _framed('"content":"b"').replace('"c1"', '"c2"')],
        [_SPACED % ("content", '"a"'), _SPACED % ("content", '"\\ud83c\\udf0a"')],
        [_framed('"content":"a"'), _framed('"content":"b"').replace("null", '"stop"')],
    ],
    ids=[
        "escapes",
        "reasoning between",
        "null text",
        "duplicate key",
        "role then text",
        "new id",
        "spaced json",
        "finish reason",
    ],
)
def test_chunks_of_one_frame_decode_as_full_parses(events: list[str]) -> None:
    """Chunks that differ only in their text decode to what parsing each one builds."""
    events *= 2
    parts = [f"data: {event}\n\n".encode() for event in events] + [b"data: [DONE]\n\n"]
    with stream_chat(_client_answering(parts), BODY) as stream:
        chunks = list(stream)
    payloads = [json.loads(event) for event in events]
    assert chunks == [ChatCompletionChunk.from_dict(payload) for payload in payloads]
    deltas = [payload["choices"][0]["delta"] for payload in payloads]
    assert stream.result.text == "".join(d.get("content") or "" for d in deltas)
    assert stream.result.reasoning == "".join(d.get("reasoning_content") or "" for d in deltas)


def test_a_framed_event_that_is_not_json_still_raises() -> None:
    texts = ['"content":"a"', '"content":"\x01"']
    parts = [f"data: {_framed(text)}\n\n".encode() for text in texts]
    with pytest.raises(StreamInterruptedError, match="malformed event") as interrupted:
        stream_chat(_client_answering(parts), BODY).until_done()
    assert interrupted.value.partial_text == "a"


def test_malformed_event_raises_with_the_partial_text() -> None:
    parts = [b"data: " + _chunk("Hi").encode() + b"\n\n", b"data: {not json\n\n"]
    with pytest.raises(StreamInterruptedError, match="malformed event") as interrupted:
        stream_chat(_client_answering(parts), BODY).until_done()
    assert interrupted.value.partial_text == "Hi"


def test_idle_stream_raises_stream_timeout() -> None:
    class Stalls(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            yield b"data: " + _chunk("Hi").encode() + b"\n\n"
            raise httpx.ReadTimeout("no data")

    def stream(request: httpx.Request) -> httpx.Response:
        assert request.extensions["timeout"]["read"] == 0.5
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=Stalls())

    http = httpx.Client(transport=httpx.MockTransport(stream))
    client = connect(DEMO_KEY, base_url="https://apiin.one/api/v1", httpx_client=http)
    with pytest.raises(StreamTimeoutError, match=r"0\.5 s") as timed_out:
        stream_chat(client, BODY, idle_timeout=0.5).until_done()
    assert timed_out.value.partial_text == "Hi"
