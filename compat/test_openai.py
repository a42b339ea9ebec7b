"""openai, sync and async: ``.parse()`` with a pydantic model, and a tool round trip."""

from __future__ import annotations

import json

import openai
import pytest
from _models import PERSON_QUESTION, WEATHER_QUESTION, GetWeather, Person, get_weather
from conftest import DEMO_KEY, MODEL
from openai.types.chat import ChatCompletionMessageParam


def test_parse_fills_a_pydantic_model(base_url: str) -> None:
    with openai.OpenAI(base_url=base_url, api_key=DEMO_KEY, max_retries=0) as client:
        completion = client.chat.completions.parse(
            model=MODEL,
            messages=[{"role": "user", "content": PERSON_QUESTION}],
            response_format=Person,
        )
    person = completion.choices[0].message.parsed
    assert isinstance(person, Person)


def test_a_tool_runs_with_the_models_arguments_and_its_result_is_answered(base_url: str) -> None:
    messages: list[ChatCompletionMessageParam] = [{"role": "user", "content": WEATHER_QUESTION}]
    tools = [openai.pydantic_function_tool(GetWeather)]
    with openai.OpenAI(base_url=base_url, api_key=DEMO_KEY, max_retries=0) as client:
        asked = client.chat.completions.parse(model=MODEL, messages=messages, tools=tools)
        message = asked.choices[0].message
        assert message.tool_calls, message
        [call] = message.tool_calls
        arguments = call.function.parsed_arguments
        assert isinstance(arguments, GetWeather)
        result = get_weather(**arguments.model_dump())
        messages += [
            message.model_dump(exclude_none=True, exclude={"parsed"}),  # type: ignore[list-item]
            {"role": "tool", "tool_call_id": call.id, "content": result},
        ]
        answer = client.chat.completions.create(
            model=MODEL, messages=messages, tools=tools, stream=False
        )
    assert answer.choices[0].finish_reason == "stop"
    assert answer.choices[0].message.content


@pytest.mark.asyncio
async def test_async_parse_and_a_streamed_tool_call(base_url: str) -> None:
    async with openai.AsyncOpenAI(base_url=base_url, api_key=DEMO_KEY, max_retries=0) as client:
        completion = await client.chat.completions.parse(
            model=MODEL,
            messages=[{"role": "user", "content": PERSON_QUESTION}],
            response_format=Person,
        )
        assert isinstance(completion.choices[0].message.parsed, Person)
        async with client.chat.completions.stream(
            model=MODEL,
            messages=[{"role": "user", "content": WEATHER_QUESTION}],
            tools=[openai.pydantic_function_tool(GetWeather)],
        ) as stream:
            final = await stream.get_final_completion()
    [call] = final.choices[0].message.tool_calls or []
    arguments = call.function.parsed_arguments
    assert isinstance(arguments, GetWeather)
    assert json.loads(get_weather(**arguments.model_dump()))["city"] == arguments.city
