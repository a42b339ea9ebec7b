"""stream_chat: typed chunks, the assembled result, SSE details, errors and early exits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import attrs
import httpx
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api_in_one import (
    ApiInOneClient,
    ApiInOneError,
    InternalServerError,
    StreamInterruptedError,
    StreamTimeoutError,
    aconnect,
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
    FunctionCall,
    ToolCall,
)
from bench._shapes import SHAPES, body, events

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
    """Each chunk is exactly the generated model."""
    parts = [b"data: " + json.dumps(payload).encode() + b"\n\n", b"data: [DONE]\n\n"]
    chunks = list(stream_chat(_client_answering(parts), BODY))
    assert chunks == [ChatCompletionChunk.from_dict(payload)]


@pytest.mark.parametrize(
    "texts",
    [
        [_framed(f'"content":{json.dumps(text)}') for text in ["a", "", 'q"\\', "\u00e9\n", "é"]],
        [_framed('"content":"a"'), _framed('"reasoning_content":"r"'), _framed('"content":"b"')],
        [_framed('"content":"a"'), _framed('"content":null'), _framed('"content":"b"')],
        [_framed('"content":"a"'), _framed('"content":"a","content":"b"')],
        [_framed('"role":"assistant","content":"a"'), _framed('"content":"b"')],
        [_framed('"content":"a"'), _framed('"content":"b"').replace('"c1"', '"c2"')],
        [_SPACED % ("content", '"a"'), _SPACED % ("content", '"\\ud83c\\udf0a"')],
        [_framed('"content":"a"'), _framed('"content":"b"').replace("null", '"stop"')],
        [_framed(f'"content":"{text}"').replace("7", str(len(text))) for text in "abcde"],
        [_framed(f'"content":"{t}","x":{{"n":{t!r}}}'.replace("'", '"')) for t in "abc"],
        [_framed('"content":"a"')[:-1] + f',"x":{t}}}' for t in ("1", "[1]", '{"a":1}', '"s"')],
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
        "new time",
        "value changing inside an unknown object",
        "unknown value changing type",
    ],
)
def test_chunks_of_one_frame_decode_as_full_parses(texts: list[str]) -> None:
    """Chunks that differ only in some values decode to what parsing each one builds."""
    texts *= 2
    parts = [f"data: {text}\n\n".encode() for text in texts] + [b"data: [DONE]\n\n"]
    with stream_chat(_client_answering(parts), BODY) as stream:
        chunks = list(stream)
    payloads = [json.loads(text) for text in texts]
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


@pytest.mark.parametrize("data", [b"{not json", b"[" * 100_000, b"\xff{}"])
def test_malformed_event_raises_with_the_partial_text(data: bytes) -> None:
    parts = [b"data: " + _chunk("Hi").encode() + b"\n\n", b"data: " + data + b"\n\n"]
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


def _chunk_texts(payloads: list[dict[str, Any]], key: str) -> str:
    return "".join(
        choice["delta"].get(key) or "" for payload in payloads for choice in payload["choices"]
    )


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_chunk_shape_decodes_to_what_from_dict_builds(shape: str) -> None:
    """OpenAI's, Gemini's, changing ids, shuffled keys, escapes, a change of shape midway,
    tool calls, unknown keys, the mock's: one decoder."""
    payloads = SHAPES[shape](12)
    with stream_chat(_client_answering([body(shape, 12)]), BODY) as stream:
        chunks = list(stream)
    assert chunks == [ChatCompletionChunk.from_dict(payload) for payload in payloads]
    assert stream.result.text == _chunk_texts(payloads, "content")
    assert stream.result.reasoning == _chunk_texts(payloads, "reasoning_content")
    assert stream.result.chunks == len(payloads)
    assert (stream.result.usage is None) == all(p.get("usage") is None for p in payloads)
    containers = [{id(item) for item in _containers(chunk)} for chunk in chunks]
    shared = [a & b for i, a in enumerate(containers) for b in containers[i + 1 :]]
    assert not any(shared), "chunks must not share a list or dict"


def _containers(value: object) -> Iterator[object]:
    """The lists and dicts in a model, its additional properties included."""
    items: list[object] = []
    kind = type(value)
    if attrs.has(kind):
        items = [getattr(value, field.name) for field in attrs.fields(kind)]
    elif isinstance(value, dict):
        yield value
        items = list(value.values())
    elif isinstance(value, list):
        yield value
        items = value
    for item in items:
        yield from _containers(item)


def _async_client_answering(body: bytes) -> ApiInOneClient:
    def stream(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "text/event-stream"}
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(body))

    http = httpx.AsyncClient(transport=httpx.MockTransport(stream))
    return aconnect(DEMO_KEY, base_url="https://apiin.one/api/v1", httpx_client=http)


@pytest.mark.anyio
async def test_every_chunk_shape_decodes_the_same_async() -> None:
    for shape, make in SHAPES.items():
        payloads = make(12)
        client = _async_client_answering(body(shape, 12))
        async with await async_stream_chat(client, BODY) as stream:
            chunks = [chunk async for chunk in stream]
        assert chunks == [ChatCompletionChunk.from_dict(payload) for payload in payloads], shape


def _with_unknown_key(level: str) -> list[dict[str, Any]]:
    """Tool-call chunks with one undeclared key at one level only (bench's extra-keys shape
    puts them at every level of text chunks)."""
    payloads = SHAPES["tool-calls"](8)
    for payload in payloads:
        choice = payload["choices"][0]
        calls = choice["delta"].get("tool_calls") or [{}]
        target = {
            "chunk": payload,
            "choice": choice,
            "delta": choice["delta"],
            "tool call": calls[0],
            "function": calls[0].get("function", {}),
        }[level]
        target["x_vendor"] = {"trace": [1, None, "é"]}
    return payloads


_LEVELS = ["chunk", "choice", "delta", "tool call", "function"]


@pytest.mark.parametrize("level", _LEVELS)
def test_unknown_keys_at_one_level_decode_to_what_from_dict_builds(level: str) -> None:
    payloads = _with_unknown_key(level)
    with stream_chat(_client_answering([events(payloads)]), BODY) as stream:
        chunks = list(stream)
    assert chunks == [ChatCompletionChunk.from_dict(payload) for payload in payloads]
    [call] = stream.result.tool_calls
    assert isinstance(call.function, FunctionCall)
    assert call.function.arguments == "".join(
        piece["function"].get("arguments", "")
        for payload in payloads
        for piece in payload["choices"][0]["delta"].get("tool_calls", [])
    )


@pytest.mark.anyio
@pytest.mark.parametrize("level", _LEVELS)
async def test_unknown_keys_at_one_level_decode_the_same_async(level: str) -> None:
    payloads = _with_unknown_key(level)
    client = _async_client_answering(events(payloads))
    async with await async_stream_chat(client, BODY) as stream:
        chunks = [chunk async for chunk in stream]
    assert chunks == [ChatCompletionChunk.from_dict(payload) for payload in payloads]


def test_tool_call_pieces_are_joined_into_the_result() -> None:
    payloads = SHAPES["tool-calls"](12)
    result = stream_chat(_client_answering([events(payloads)]), BODY).until_done()
    [call] = result.tool_calls
    assert (call.id, call.type_) == ("call_1", "function")
    assert isinstance(call.function, FunctionCall)
    assert call.function.name == "search"
    pieces = [
        piece["function"]["arguments"]
        for payload in payloads
        for piece in payload["choices"][0]["delta"].get("tool_calls", [])
    ]
    assert call.function.arguments == "".join(pieces)
    assert json.loads(call.function.arguments)["query"].startswith(" gateway model")
    assert result.finish_reason == "tool_calls"
    assert result.text == ""


def test_several_tool_calls_are_kept_apart_by_index() -> None:
    def piece(index: int, **fields: Any) -> dict[str, Any]:
        return {"id": "c", "choices": [{"delta": {"tool_calls": [{"index": index, **fields}]}}]}

    payloads = [
        piece(0, id="call_a", type="function", function={"name": "a", "arguments": ""}),
        piece(1, id="call_b", type="function", function={"name": "b", "arguments": '{"x"'}),
        piece(0, function={"arguments": '{"y": 1}'}),
        piece(1, function={"arguments": ": 2}"}),
    ]
    parts = [events(payloads[:2]).removesuffix(b"data: [DONE]\n\n"), events(payloads[2:])]
    result = stream_chat(_client_answering(parts), BODY).until_done()
    calls = [(c.id, c.function.name, c.function.arguments) for c in result.tool_calls]  # type: ignore[union-attr]
    assert calls == [("call_a", "a", '{"y": 1}'), ("call_b", "b", '{"x": 2}')]


class _Reads(httpx.SyncByteStream):
    """A body in reads of ``size`` bytes."""

    def __init__(self, data: bytes, size: int) -> None:
        self.data, self.size = data, size

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.data), self.size):
            yield self.data[start : start + self.size]


def _client_reading(body: bytes, size: int) -> ApiInOneClient:
    def stream(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "text/event-stream"}
        return httpx.Response(200, headers=headers, stream=_Reads(body, size))

    http = httpx.Client(transport=httpx.MockTransport(stream))
    return connect(DEMO_KEY, base_url="https://apiin.one/api/v1", httpx_client=http)


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"], ids=["LF", "CRLF", "CR"])
@pytest.mark.parametrize("size", [1, 7, 1 << 16])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["", "BOM"])
def test_every_line_ending_and_a_bom_decode_the_same(ending: bytes, size: int, bom: bytes) -> None:
    """LF, CRLF and bare CR as the SSE standard allows; reads may end between CR and LF."""
    payloads = SHAPES["openai"](6)
    body = bom + b": comment\nevent: message\n" + events(payloads)
    with stream_chat(_client_reading(body.replace(b"\n", ending), size), BODY) as stream:
        chunks = list(stream)
    assert chunks == [ChatCompletionChunk.from_dict(payload) for payload in payloads]


def test_a_stream_ending_in_a_bare_cr_still_ends_its_last_event() -> None:
    body = events(SHAPES["mock"](4)).replace(b"\n", b"\r")
    result = stream_chat(_client_reading(body, 5), BODY).until_done()
    assert result.chunks == 4


@pytest.mark.parametrize(
    "data",
    [
        "5",
        '"text"',
        "null",
        "{}",
        "[]",
        '{"id": "a"}',
        '{"choices": []}',
        '{"id": 5, "choices": []}',
        '{"id": "a", "choices": 5}',
        '{"id": "a", "choices": [5]}',
        '{"id": "a", "choices": [{}]}',
        '{"id": "a", "choices": [{"delta": "x"}]}',
        '{"id": "a", "choices": [{"delta": {"content": 5}}]}',
        '{"id": "a", "choices": [{"delta": {"reasoning_content": []}}]}',
        '{"id": "a", "choices": [{"delta": {}, "finish_reason": 1}]}',
        '{"id": "a", "choices": [{"delta": {"tool_calls": 5}}]}',
        '{"id": "a", "choices": [{"delta": {"tool_calls": [{"index": "0"}]}}]}',
        '{"id": "a", "choices": [{"delta": {"tool_calls": [{"index": 0, "function": 1}]}}]}',
        '{"id": "a", "choices": [{"delta": {"tool_calls": [{"index": 0, "id": 1}]}}]}',
        '{"id": "a", "choices": [], "usage": 5}',
        '{"id": "a", "choices": [], "usage": {"prompt_tokens": 1}}',
        '{"id": "a", "choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 1, '
        '"total_tokens": 2}, "credits_consumed": "2"}',
    ],
)
def test_json_that_is_no_chunk_raises_a_typed_error_with_the_partial_text(data: str) -> None:
    parts = [b"data: " + _chunk("Hi").encode() + b"\n\n", f"data: {data}\n\n".encode()]
    stream = stream_chat(_client_answering(parts), BODY)
    with pytest.raises(StreamInterruptedError, match="not a chat completion chunk") as interrupted:
        list(stream)
    assert interrupted.value.partial_text == "Hi"
    assert stream.response.is_closed


_SSE_PIECES = st.sampled_from(
    [
        b"data: ",
        b"data:",
        b"data",
        b": x",
        b"event: e",
        b"id: 1",
        b"retry: 5",
        b"\n",
        b"\r",
        b"\r\n",
        b"\xef\xbb\xbf",
        b"[DONE]",
        b'{"error": {"code": 503, "message": "busy"}}',
        b'{"error": 1}',
        _chunk("x").encode(),
        *(json.dumps(payload).encode() for payload in SHAPES["tool-calls"](5)),
        *(json.dumps(payload).encode() for payload in SHAPES["openai"](4)),
        b"{",
        b'"',
        b"5",
    ]
)


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.lists(_SSE_PIECES | st.binary(max_size=12), max_size=24).map(b"".join),
    st.integers(min_value=1, max_value=40),
)
def test_arbitrary_sse_bytes_raise_only_the_sdks_errors(body: bytes, size: int) -> None:
    """Whatever a broken server sends, the decoder ends the stream or raises an ApiInOneError."""
    stream = stream_chat(_client_reading(body, size), BODY)
    try:
        for chunk in stream:
            assert isinstance(chunk, ChatCompletionChunk)
    except ApiInOneError:
        pass
    assert stream.response.is_closed


QUESTION = "Weather in Paris"
TOOLS: list[dict[str, Any]] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The current weather in a city.",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    },
    {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}},
]
TOOL_BODY: dict[str, Any] = {
    "model": "gemini",
    "messages": [{"role": "user", "content": QUESTION}],
    "tools": TOOLS,
}
RESULT = '{"temperature": 18}'


def _answer_turn(call: dict[str, Any]) -> dict[str, Any]:
    """TOOL_BODY with the assistant's call and the function's result appended."""
    messages = [
        *TOOL_BODY["messages"],
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": call["id"], "content": RESULT},
    ]
    return {**TOOL_BODY, "messages": messages}


def _check_call(call: ToolCall, name: str = "get_weather") -> dict[str, Any]:
    assert isinstance(call.function, FunctionCall)
    assert (call.type_, call.function.name) == ("function", name)
    schema = next(t["function"]["parameters"] for t in TOOLS if t["function"]["name"] == name)
    jsonschema.validate(json.loads(str(call.function.arguments)), schema)
    assert isinstance(call.id, str)
    return call.to_dict()


def test_tool_call_round_trip_through_stream_chat(aio_client: ApiInOneClient) -> None:
    first = stream_chat(aio_client, TOOL_BODY).until_done()
    [call] = first.tool_calls
    assert (first.finish_reason, first.text) == ("tool_calls", "")
    second = stream_chat(aio_client, _answer_turn(_check_call(call))).until_done()
    assert second.text.startswith(f"Mock reply to: {QUESTION}, with the result {RESULT}")
    assert (second.finish_reason, second.tool_calls) == ("stop", [])


@pytest.mark.anyio
async def test_tool_call_round_trip_through_async_stream_chat(
    aio_async_client: ApiInOneClient,
) -> None:
    first = await (await async_stream_chat(aio_async_client, TOOL_BODY)).until_done()
    [call] = first.tool_calls
    turn = _answer_turn(_check_call(call))
    second = await (await async_stream_chat(aio_async_client, turn)).until_done()
    assert second.text.startswith(f"Mock reply to: {QUESTION}, with the result")
    assert second.finish_reason == "stop"


def _one_answer(body: dict[str, Any]) -> ChatCompletionRequest:
    return ChatCompletionRequest.from_dict({**body, "stream": False})


def test_tool_call_round_trip_through_the_generated_client(aio_client: ApiInOneClient) -> None:
    named = {**TOOL_BODY, "tool_choice": {"type": "function", "function": {"name": "get_time"}}}
    first = create_chat_completion.sync(client=aio_client, body=_one_answer(named))
    assert isinstance(first, ChatCompletion)
    [choice] = first.choices
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    assert isinstance(choice.message.tool_calls, list)
    call = _check_call(choice.message.tool_calls[0], "get_time")
    second = create_chat_completion.sync(client=aio_client, body=_one_answer(_answer_turn(call)))
    assert isinstance(second, ChatCompletion)
    assert str(second.choices[0].message.content).startswith(f"Mock reply to: {QUESTION}")


@pytest.mark.anyio
async def test_tool_call_round_trip_through_the_generated_client_async(
    aio_async_client: ApiInOneClient,
) -> None:
    first = await create_chat_completion.asyncio(
        client=aio_async_client, body=_one_answer(TOOL_BODY)
    )
    assert isinstance(first, ChatCompletion)
    assert isinstance(first.choices[0].message.tool_calls, list)
    call = _check_call(first.choices[0].message.tool_calls[0])
    turn = _one_answer(_answer_turn(call))
    second = await create_chat_completion.asyncio(client=aio_async_client, body=turn)
    assert isinstance(second, ChatCompletion)
    assert second.choices[0].finish_reason == "stop"


def test_tool_choice_none_and_a_last_tool_message_get_text(aio_client: ApiInOneClient) -> None:
    plain = stream_chat(aio_client, {**TOOL_BODY, "tool_choice": "none"}).until_done()
    assert (plain.finish_reason, plain.tool_calls) == ("stop", [])
    assert plain.text.startswith(f"Mock reply to: {QUESTION}.")


def test_loose_tool_turns_the_schema_allows_are_answered(aio_client: ApiInOneClient) -> None:
    """A tool message answering no call, or a call of a function not in tools, is answered."""
    messages = [{"role": "user", "content": QUESTION}, {"role": "tool", "content": "1"}]
    loose = stream_chat(aio_client, {**TOOL_BODY, "messages": messages}).until_done()
    assert loose.text.startswith(f"Mock reply to: {QUESTION}, with the result 1.")
    named = {"type": "function", "function": {"name": "not_a_tool"}}
    body = {**TOOL_BODY, "messages": [{"role": "user", "content": ""}], "tool_choice": named}
    [call] = stream_chat(aio_client, body).until_done().tool_calls
    assert isinstance(call.function, FunctionCall)
    assert (call.function.name, call.function.arguments) == ("not_a_tool", "{}")


def test_bytes_that_are_not_utf8_decode_as_replacement_characters() -> None:
    """SSE streams are UTF-8 decoded as the standard says: a bad byte becomes U+FFFD."""
    parts = [
        b"data: " + _chunk("caf\xc3\xa9 \xff").encode("latin-1") + b"\n\n",
        b"data: [DONE]\n\n",
    ]
    assert stream_chat(_client_answering(parts), BODY).until_done().text == "café \ufffd"
