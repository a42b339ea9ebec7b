"""The official ``openai`` package works against the gateway (here, its mock) unchanged.

OpenAI's client talks to ``base_url`` with the same key, and the gateway's
extensions (``credits_consumed``, ``include_thoughts`` and
``reasoning_content``) pass through its models as extra fields.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from openai import AsyncOpenAI, OpenAI
from openai.types.chat import (
    ChatCompletion,
    ChatCompletionMessageFunctionToolCall,
    ChatCompletionMessageParam,
    ChatCompletionToolParam,
)

from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock

POOR_KEY = "aio_openai_poor_000000000000"
SYSTEM = "You are a concise assistant."
QUESTION = "Name three primary colours"
MESSAGES: list[ChatCompletionMessageParam] = [
    {"role": "system", "content": SYSTEM},
    {"role": "user", "content": QUESTION},
]
PROMPT_WORDS = len(SYSTEM.split()) + len(QUESTION.split())
REASONING = f"The user asked about {QUESTION}."


@pytest.fixture
def aio_mock_config() -> MockConfig:
    """The demo key, and a key with one credit when a chat completion costs two."""
    return MockConfig(time_scale=0.01, keys={DEMO_KEY: 1000.0, POOR_KEY: 1.0})


@pytest.fixture
def client(aio_mock: RunningMock) -> Iterator[OpenAI]:
    with OpenAI(base_url=aio_mock.base_url, api_key=DEMO_KEY, max_retries=0) as openai_client:
        yield openai_client


def _extra(model: Any, name: str) -> Any:
    extra = model.model_extra or {}
    assert name in extra, f"{name} missing from {type(model).__name__}"
    return extra[name]


def _check_completion(completion: ChatCompletion) -> str:
    """Assert the shape and extras of the mock's answer to MESSAGES; return its text."""
    [choice] = completion.choices
    content = choice.message.content
    assert content is not None
    assert content.startswith(f"Mock reply to: {QUESTION}. ")
    assert choice.finish_reason == "stop"
    assert choice.message.role == "assistant"
    assert _extra(choice.message, "reasoning_content") == REASONING
    assert completion.model == "gemini"
    assert completion.usage is not None
    assert completion.usage.prompt_tokens == PROMPT_WORDS
    assert completion.usage.completion_tokens == len(content.split())
    assert completion.usage.total_tokens == PROMPT_WORDS + len(content.split())
    assert _extra(completion, "credits_consumed") == 2
    return content


def test_non_streaming_completion_keeps_the_gateway_extras(
    client: OpenAI, aio_mock: RunningMock
) -> None:
    completion = client.chat.completions.create(
        model="gemini", messages=MESSAGES, stream=False, extra_body={"include_thoughts": True}
    )
    content = _check_completion(completion)
    assert aio_mock.state.balances[DEMO_KEY] == 998.0
    again = client.chat.completions.create(model="gemini", messages=MESSAGES, stream=False)
    assert again.choices[0].message.content == content


def test_include_thoughts_false_leaves_out_the_reasoning(client: OpenAI) -> None:
    completion = client.chat.completions.create(
        model="gemini", messages=MESSAGES, stream=False, extra_body={"include_thoughts": False}
    )
    message = completion.choices[0].message
    assert message.content is not None
    assert message.content.startswith("Mock reply to:")
    assert "reasoning_content" not in (message.model_extra or {})


def test_streaming_deltas_add_up_to_the_whole_answer(client: OpenAI) -> None:
    whole = client.chat.completions.create(model="gemini", messages=MESSAGES, stream=False)
    with client.chat.completions.create(
        model="gemini",
        messages=MESSAGES,
        stream=True,
        stream_options={"include_usage": True},
        extra_body={"include_thoughts": True},
    ) as stream:
        chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    reasoning = "".join(
        (c.choices[0].delta.model_extra or {}).get("reasoning_content") or ""
        for c in chunks
        if c.choices
    )
    assert text == whole.choices[0].message.content
    assert reasoning == REASONING
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    last = chunks[-1]
    assert last.choices == []
    assert last.usage is not None
    assert last.usage.completion_tokens == len(text.split())
    assert _extra(last, "credits_consumed") == 2
    assert stream.response.is_closed


def test_stream_must_be_false_for_one_json_answer(client: OpenAI) -> None:
    """The gateway streams unless told not to, and OpenAI's client omits ``stream`` by default."""
    raw = client.chat.completions.with_raw_response.create(model="gemini", messages=MESSAGES)
    assert raw.headers["content-type"].startswith("text/event-stream")
    assert raw.http_response.text.rstrip().endswith("data: [DONE]")


def test_insufficient_credits_raise_a_402_with_the_gateway_message(
    aio_mock: RunningMock,
) -> None:
    with (
        OpenAI(base_url=aio_mock.base_url, api_key=POOR_KEY, max_retries=0) as poor,
        pytest.raises(openai.APIStatusError) as raised,
    ):
        poor.chat.completions.create(model="gemini", messages=MESSAGES, stream=False)
    error = raised.value
    assert error.status_code == 402
    assert isinstance(error.body, dict)
    assert error.body["message"] == "Insufficient credits: 2 needed, 1 available"
    assert error.type == "insufficient_credits"
    assert aio_mock.state.balances[POOR_KEY] == 1.0


@pytest.mark.anyio
async def test_async_client_gets_the_same_answers(aio_mock: RunningMock) -> None:
    async with AsyncOpenAI(base_url=aio_mock.base_url, api_key=DEMO_KEY, max_retries=0) as client:
        completion = await client.chat.completions.create(
            model="gemini", messages=MESSAGES, stream=False, extra_body={"include_thoughts": True}
        )
        content = _check_completion(completion)
        stream = await client.chat.completions.create(
            model="gemini", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
        )
        async with stream:
            chunks = [chunk async for chunk in stream]
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == content
    assert chunks[-1].usage is not None
    assert _extra(chunks[-1], "credits_consumed") == 2


@pytest.mark.anyio
async def test_async_client_raises_the_402(aio_mock: RunningMock) -> None:
    async with AsyncOpenAI(base_url=aio_mock.base_url, api_key=POOR_KEY, max_retries=0) as poor:
        with pytest.raises(openai.APIStatusError) as raised:
            await poor.chat.completions.create(model="gemini", messages=MESSAGES, stream=False)
    assert raised.value.status_code == 402
    assert "Insufficient credits" in raised.value.message


TOOL_QUESTION = "Weather in Paris"
TOOLS: list[ChatCompletionToolParam] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]
TOOL_RESULT = "18 degrees"


def _result_turn(first: ChatCompletion) -> list[ChatCompletionMessageParam]:
    """The question, the model's call as the answer gave it, and the function's result."""
    [choice] = first.choices
    assert choice.finish_reason == "tool_calls"
    [call] = choice.message.tool_calls or []
    assert isinstance(call, ChatCompletionMessageFunctionToolCall)
    assert call.function.name == "get_weather"
    # Arguments of the function's own schema: {"city": <a string>}.
    assert set(json.loads(call.function.arguments)) == {"city"}
    assert isinstance(json.loads(call.function.arguments)["city"], str)
    return [
        {"role": "user", "content": TOOL_QUESTION},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.function.name, "arguments": call.function.arguments},
                }
            ],
        },
        {"role": "tool", "tool_call_id": call.id, "content": TOOL_RESULT},
    ]


def _check_text_answer(completion: ChatCompletion) -> None:
    assert completion.choices[0].finish_reason == "stop"
    content = completion.choices[0].message.content or ""
    assert content.startswith(f"Mock reply to: {TOOL_QUESTION}, with the result {TOOL_RESULT}")


@pytest.mark.parametrize("streamed", [False, True], ids=["one answer", "streamed"])
def test_tool_call_round_trip_with_the_openai_client(client: OpenAI, streamed: bool) -> None:
    """OpenAI's own stream helper assembles the mock's tool call deltas into the call."""

    def ask(messages: list[ChatCompletionMessageParam]) -> ChatCompletion:
        if not streamed:
            return client.chat.completions.create(
                model="gemini", messages=messages, tools=TOOLS, stream=False
            )
        with client.chat.completions.stream(model="gemini", messages=messages, tools=TOOLS) as s:
            return s.get_final_completion()

    _check_text_answer(ask(_result_turn(ask([{"role": "user", "content": TOOL_QUESTION}]))))


@pytest.mark.anyio
@pytest.mark.parametrize("streamed", [False, True], ids=["one answer", "streamed"])
async def test_tool_call_round_trip_with_the_async_openai_client(
    aio_mock: RunningMock, streamed: bool
) -> None:
    async with AsyncOpenAI(base_url=aio_mock.base_url, api_key=DEMO_KEY, max_retries=0) as client:

        async def ask(messages: list[ChatCompletionMessageParam]) -> ChatCompletion:
            if not streamed:
                return await client.chat.completions.create(
                    model="gemini", messages=messages, tools=TOOLS, stream=False
                )
            async with client.chat.completions.stream(
                model="gemini", messages=messages, tools=TOOLS
            ) as stream:
                return await stream.get_final_completion()

        first = await ask([{"role": "user", "content": TOOL_QUESTION}])
        _check_text_answer(await ask(_result_turn(first)))
