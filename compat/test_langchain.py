"""langchain-openai: ``bind_tools`` with the tool executed, and ``with_structured_output``."""

from __future__ import annotations

from _models import PERSON_QUESTION, WEATHER_QUESTION, GetWeather, Person, get_weather
from conftest import DEMO_KEY, MODEL
from langchain_core.messages import HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI


@tool(args_schema=GetWeather)
def weather(city: str, unit: str, days: int) -> str:
    """The current weather in a city."""
    return get_weather(city, unit, days)


def _chat(base_url: str) -> ChatOpenAI:
    # langchain sends "stream": false itself for invoke (its `streaming` setting).
    return ChatOpenAI(model=MODEL, base_url=base_url, api_key=DEMO_KEY, max_retries=0)


def test_bind_tools_runs_the_tool_with_the_models_arguments(base_url: str) -> None:
    llm = _chat(base_url).bind_tools([weather])
    messages: list = [HumanMessage(WEATHER_QUESTION)]
    asked = llm.invoke(messages)
    [call] = asked.tool_calls
    result = weather.invoke(call)  # validates the arguments against the tool's schema
    assert isinstance(result, ToolMessage)
    answer = llm.invoke([*messages, asked, result])
    assert isinstance(answer.content, str)
    assert answer.content
    assert not answer.tool_calls


def test_with_structured_output_json_schema(base_url: str) -> None:
    llm = _chat(base_url).with_structured_output(Person, method="json_schema", strict=True)
    person = llm.invoke(PERSON_QUESTION)
    assert isinstance(person, Person)


async def test_with_structured_output_async(base_url: str) -> None:
    llm = _chat(base_url).with_structured_output(Person, method="json_schema")
    assert isinstance(await llm.ainvoke(PERSON_QUESTION), Person)
