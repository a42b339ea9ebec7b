"""Chunk typing on text the project did not write: OpenAI's published chunks, and unknown keys
that come, go and change as a stream runs, which the chunk readers learn."""

from __future__ import annotations

import json
from typing import Any

import httpx
import msgspec
import pytest

from api_in_one import ApiInOneClient, aconnect, async_stream_chat, connect, stream_chat
from api_in_one.chat._structs import LearningReader
from api_in_one.mock import DEMO_KEY
from api_in_one_client.models import ChatCompletionChunk, FunctionCall

BODY = {"model": "gemini", "messages": [{"role": "user", "content": "Describe the sea"}]}

_HEAD = '"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190'
_PUBLISHED: dict[str, list[str]] = {
    # The API reference's chat completion chunk object, its spacing as printed there.
    "chunk object": [
        '{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,'
        '"model":"gpt-4o-mini", "system_fingerprint": "fp_44709d6fcb", "choices":[{"index":0,'
        f'"delta":{{{delta}}},"logprobs":null,"finish_reason":{finish}}}]}}'
        for delta, finish in [
            ('"role":"assistant","content":""', "null"),
            ('"content":"Hello"', "null"),
            ("", '"stop"'),
        ]
    ],
    "logprobs": [
        f'{{{_HEAD},"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":'
        '[{"index":0,"delta":{"content":"Hello"},"logprobs":{"content":[{"token":"Hello",'
        '"logprob":-0.31725305,"bytes":[72,101,108,108,111],"top_logprobs":[{"token":"Hello",'
        '"logprob":-0.31725305,"bytes":[72,101,108,108,111]}]}],"refusal":null},'
        '"finish_reason":null}]}'
    ],
    "usage": [
        f'{{{_HEAD},"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[],'
        '"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21,'
        '"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},'
        '"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,'
        '"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}'
    ],
    # The function calling guide's stream: the first piece names the call, the rest add text.
    "tool call pieces": [
        f'{{{_HEAD},"model":"gpt-4.1","choices":[{{"index":0,"delta":{{"role":"assistant",'
        '"content":null,"tool_calls":[{"index":0,"id":"call_DdmO9pD3xa9XTPNJ32zg2hcA",'
        '"type":"function","function":{"name":"get_weather","arguments":""}}],'
        '"refusal":null},"logprobs":null,"finish_reason":null}]}',
        *(
            f'{{{_HEAD},"model":"gpt-4.1","choices":[{{"index":0,"delta":{{"tool_calls":'
            f'[{{"index":0,"function":{{"arguments":{json.dumps(piece)}}}}}]}},'
            '"logprobs":null,"finish_reason":null}]}'
            for piece in ['{"', "location", '":"', "Paris", '"}']
        ),
        f'{{{_HEAD},"model":"gpt-4.1","choices":[{{"index":0,"delta":{{}},"logprobs":null,'
        '"finish_reason":"tool_calls"}]}',
    ],
    # openai-python's model_dump of the same pieces: nulls where the wire leaves keys out.
    "tool call pieces with nulls": [
        f'{{{_HEAD},"model":"gpt-4.1","choices":[{{"index":0,"delta":{{"tool_calls":'
        f'[{{"index":0,"id":{call_id},"function":{{"arguments":"{arguments}","name":{name}}},'
        f'"type":{kind}}}]}},"finish_reason":null}}]}}'
        for call_id, arguments, name, kind in [
            ('"call_1"', "", '"get_weather"', '"function"'),
            ("null", '{\\"', "null", "null"),
            ("null", 'city\\":\\"Paris\\"}', "null", "null"),
        ]
    ],
    # Chunks since stream_options.include_obfuscation: a padding string of its own length each.
    "obfuscation": [
        f'{{{_HEAD},"model":"gpt-4o-mini","service_tier":"default","system_fingerprint":null,'
        f'"choices":[{{"index":0,"delta":{{"content":"{text}"}},"logprobs":null,'
        f'"finish_reason":null}}],"obfuscation":"{pad}"}}'
        for text, pad in [("Hi", "x7Qk2"), (" there", "P"), ("!", "lM0n3bVcX")]
    ],
}


def _answering(texts: list[str]) -> httpx.MockTransport:
    body = b"".join(f"data: {text}\n\n".encode() for text in [*texts, "[DONE]"])

    def stream(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "text/event-stream"}
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(body))

    return httpx.MockTransport(stream)


def _client(texts: list[str]) -> ApiInOneClient:
    http = httpx.Client(transport=_answering(texts))
    return connect(DEMO_KEY, base_url="https://apiin.one/api/v1", httpx_client=http)


def _async_client(texts: list[str]) -> ApiInOneClient:
    http = httpx.AsyncClient(transport=_answering(texts))
    return aconnect(DEMO_KEY, base_url="https://apiin.one/api/v1", httpx_client=http)


def _parsed(texts: list[str]) -> list[ChatCompletionChunk]:
    return [ChatCompletionChunk.from_dict(json.loads(text)) for text in texts]


def _text(texts: list[str]) -> str:
    choices = [choice for text in texts for choice in json.loads(text)["choices"]]
    return "".join(choice["delta"].get("content") or "" for choice in choices)


@pytest.mark.parametrize("name", sorted(_PUBLISHED))
def test_openais_published_chunks_equal_what_from_dict_builds(name: str) -> None:
    texts = _PUBLISHED[name]
    with stream_chat(_client(texts), BODY) as stream:
        chunks = list(stream)
    assert chunks == _parsed(texts)
    assert stream.result.text == _text(texts)
    if name.startswith("tool call"):
        [call] = stream.result.tool_calls
        assert isinstance(call.function, FunctionCall)
        arguments = json.loads(str(call.function.arguments))
        assert arguments in ({"location": "Paris"}, {"city": "Paris"})


@pytest.mark.anyio
@pytest.mark.parametrize("name", sorted(_PUBLISHED))
async def test_openais_published_chunks_decode_the_same_async(name: str) -> None:
    texts = _PUBLISHED[name]
    async with await async_stream_chat(_async_client(texts), BODY) as stream:
        chunks = [chunk async for chunk in stream]
    assert chunks == _parsed(texts)
    assert stream.result.text == _text(texts)


def _chunk(delta: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"id": "c", "choices": [{"index": 0, "delta": delta}], **top}


# Unknown keys as a stream may bring them after the first: other values and types, gone,
# joined by new ones at other levels, named like a known key of another level, or like
# the structs' own fields, or needing escapes.
_CHANGING = [
    _chunk({"content": "a", "x_note": "n"}, x_gateway={"region": "eu"}),
    _chunk({"content": "b", "x_note": None}, x_gateway=[1, {"deep": ["é"]}]),
    _chunk({"content": "c"}),
    _chunk(
        {"tool_calls": [{"index": 0, "x_call": 1, "function": {"name": "f", "x_fn": True}}]},
        x_gateway="s",
    ),
    _chunk({"content": "d", "index": 3, "x_gateway": 2}, choices_extra=0),
    _chunk({"content": "e", "extra_0": "own name"}, extra_0=0.5, **{"x-trace id": "t"}),
    {"choices": [{"delta": {"content": "f"}, "x_note": 1, "index": 0}], "id": "c", "é": "\n"},
]


def test_unknown_keys_that_change_keep_every_chunk_whole() -> None:
    texts = [json.dumps(payload) for payload in _CHANGING * 2]
    with stream_chat(_client(texts), BODY) as stream:
        chunks = list(stream)
    assert chunks == _parsed(texts)
    assert [chunk.additional_properties for chunk in chunks] == [
        {k: v for k, v in payload.items() if k not in {"id", "choices"}}
        for payload in _CHANGING * 2
    ]
    assert stream.result.text == "abcdef" * 2


@pytest.mark.anyio
async def test_unknown_keys_that_change_keep_every_chunk_whole_async() -> None:
    texts = [json.dumps(payload) for payload in _CHANGING * 2]
    async with await async_stream_chat(_async_client(texts), BODY) as stream:
        chunks = [chunk async for chunk in stream]
    assert chunks == _parsed(texts)
    assert stream.result.text == "abcdef" * 2


def test_a_learned_key_is_read_by_the_structs_whatever_its_value() -> None:
    reader = LearningReader(ChatCompletionChunk)
    first = json.dumps(_chunk({"content": "a"}, x_gateway={"region": "eu"}))
    with pytest.raises(msgspec.ValidationError):
        reader.read(first)
    reader.learn(ChatCompletionChunk.from_dict(json.loads(first)))
    for value in [{"region": "us"}, [1, None], "s", None]:
        text = json.dumps(_chunk({"content": "b"}, x_gateway=value))
        assert reader.read(text) == ChatCompletionChunk.from_dict(json.loads(text))
    plain = json.dumps(_chunk({"content": "c"}))
    assert reader.read(plain) == ChatCompletionChunk.from_dict(json.loads(plain))


def test_learning_stops_at_its_bound() -> None:
    """A server naming a new key in every event is read from dicts, and learns no more."""
    reader = LearningReader(ChatCompletionChunk)
    texts = [json.dumps(_chunk({"content": "a"}, **{f"x_{n}": n})) for n in range(60)]
    refused = 0
    for text in texts:
        try:
            reader.read(text)
        except msgspec.ValidationError:
            refused += 1
            reader.learn(ChatCompletionChunk.from_dict(json.loads(text)))
    learned = sum(map(len, reader.learned.values()))
    assert 0 < learned < refused == len(texts)
    assert reader.read(texts[0]) == ChatCompletionChunk.from_dict(json.loads(texts[0]))
    with pytest.raises(msgspec.ValidationError):
        reader.read(texts[-1])
