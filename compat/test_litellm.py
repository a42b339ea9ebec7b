"""litellm: a streamed tool round trip; litellm sends the assistant message back without
``content``, as OpenAI allows."""

from __future__ import annotations

import json

import litellm
from _models import WEATHER_QUESTION, GetWeather, get_weather
from conftest import DEMO_KEY, MODEL

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": GetWeather.__doc__,
            "parameters": GetWeather.model_json_schema(),
        },
    }
]


def _streamed(base_url: str, messages: list[dict]) -> litellm.ModelResponse:
    chunks = list(
        litellm.completion(
            model=f"openai/{MODEL}",
            api_base=base_url,
            api_key=DEMO_KEY,
            messages=messages,
            tools=TOOLS,
            stream=True,
        )
    )
    built = litellm.stream_chunk_builder(chunks, messages=messages)
    assert isinstance(built, litellm.ModelResponse)
    return built


def test_a_streamed_tool_round_trip(base_url: str) -> None:
    messages: list[dict] = [{"role": "user", "content": WEATHER_QUESTION}]
    asked = _streamed(base_url, messages)
    message = asked.choices[0].message  # type: ignore[union-attr]
    [call] = message.tool_calls
    arguments = GetWeather.model_validate_json(call.function.arguments)
    result = get_weather(**arguments.model_dump())
    assistant = {"role": "assistant", "tool_calls": [call.model_dump()]}  # no "content" key
    messages += [assistant, {"role": "tool", "tool_call_id": call.id, "content": result}]
    answer = _streamed(base_url, messages)
    text = answer.choices[0].message.content  # type: ignore[union-attr]
    assert text
    assert json.loads(result)["city"] == arguments.city


async def test_async_completion_without_stream_gets_json(base_url: str) -> None:
    answer = await litellm.acompletion(
        model=f"openai/{MODEL}",
        api_base=base_url,
        api_key=DEMO_KEY,
        messages=[{"role": "user", "content": WEATHER_QUESTION}],
        tools=TOOLS,
        tool_choice="required",
        extra_body={"stream": False},  # litellm leaves stream out of the body itself
    )
    [call] = answer.choices[0].message.tool_calls  # type: ignore[union-attr]
    GetWeather.model_validate_json(call.function.arguments)
