"""The mock's chat answers as an OpenAI-compatible model would: tool arguments that satisfy the
tool's schema, ``tool_choice`` and ``parallel_tool_calls`` honoured, ``response_format`` kept,
streamed and not, the same reply for the same request.

The schemas are written the way client libraries write them (pydantic's ``$defs`` and
``anyOf`` for optionals, OpenAI's strict mode with ``additionalProperties: false``), and
every generated value is checked with jsonschema, not by the code that wrote it.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import jsonschema
import pytest

from api_in_one import ApiInOneClient, async_stream_chat, stream_chat
from api_in_one.mock import DEMO_KEY, RunningMock
from api_in_one.mock._instances import instance
from api_in_one_client.api.chat import create_chat_completion
from api_in_one_client.models import ChatCompletion, ChatCompletionRequest, FunctionCall, ToolCall

PERSON = {
    "$defs": {
        "Address": {
            "additionalProperties": False,
            "properties": {
                "street": {"type": "string"},
                "country": {"enum": ["FR", "DE"], "type": "string"},
                "zip": {"type": "string", "minLength": 5, "maxLength": 5},
            },
            "required": ["street", "country", "zip"],
            "type": "object",
        }
    },
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "age": {"type": "integer", "minimum": 18, "exclusiveMaximum": 21},
        "score": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "admin": {"type": "boolean"},
        "email": {"type": "string", "format": "email"},
        "nickname": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
        "address": {"$ref": "#/$defs/Address"},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 3},
        "scores": {"type": "object", "additionalProperties": {"type": "integer"}},
        "step": {"type": "integer", "multipleOf": 5, "minimum": 1, "maximum": 12},
    },
    "required": ["name", "age", "score", "admin", "address", "tags"],
    "title": "Person",
    "type": "object",
}
"""A pydantic model's JSON Schema with every feature the mock follows."""

TOOLS: list[dict[str, Any]] = [
    {"type": "function", "function": {"name": "register_person", "parameters": PERSON}},
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {
                "type": "object",
                "properties": {
                    "city": {"type": "string"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                },
                "required": ["city", "unit"],
                "additionalProperties": False,
            },
        },
    },
]
BOTH = "Register the person and tell me the weather"


def _chat(client: ApiInOneClient, body: dict[str, Any]) -> ChatCompletion:
    answer = create_chat_completion.sync(
        client=client, body=ChatCompletionRequest.from_dict({**body, "stream": False})
    )
    assert isinstance(answer, ChatCompletion)
    return answer


def _body(question: str, **extra: Any) -> dict[str, Any]:
    return {"model": "gemini", "messages": [{"role": "user", "content": question}], **extra}


def _calls(answer: ChatCompletion) -> list[tuple[str, Any]]:
    calls = answer.choices[0].message.tool_calls
    return _pairs(calls if isinstance(calls, list) else [])


def _pairs(calls: list[ToolCall]) -> list[tuple[str, Any]]:
    """Each call's function name and parsed arguments."""
    pairs = []
    for call in calls:
        assert isinstance(call.function, FunctionCall)
        pairs.append((str(call.function.name), json.loads(str(call.function.arguments))))
    return pairs


def _schema_of(name: str) -> Any:
    return next(t["function"]["parameters"] for t in TOOLS if t["function"]["name"] == name)


@pytest.mark.parametrize("seed", [bytes([n]) for n in range(40)])
def test_generated_instances_validate_against_the_schema(seed: bytes) -> None:
    jsonschema.validate(instance(PERSON, seed), PERSON)


def test_a_recursive_schema_ends() -> None:
    tree = {
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}},
                "required": ["children"],
            }
        },
        "$ref": "#/$defs/Node",
    }
    jsonschema.validate(instance(tree, b"x"), tree)


def test_every_applying_tool_is_called_with_arguments_of_its_schema(
    aio_client: ApiInOneClient,
) -> None:
    calls = _calls(_chat(aio_client, _body(BOTH, tools=TOOLS)))
    assert [name for name, _ in calls] == ["register_person", "get_weather"]
    for name, arguments in calls:
        jsonschema.validate(arguments, _schema_of(name))


def test_parallel_tool_calls_false_calls_one(aio_client: ApiInOneClient) -> None:
    calls = _calls(_chat(aio_client, _body(BOTH, tools=TOOLS, parallel_tool_calls=False)))
    assert [name for name, _ in calls] == ["register_person"]


def test_tool_choice_names_required_and_none(aio_client: ApiInOneClient) -> None:
    named = {"type": "function", "function": {"name": "get_weather"}}
    [(name, arguments)] = _calls(_chat(aio_client, _body(BOTH, tools=TOOLS, tool_choice=named)))
    assert name == "get_weather"
    jsonschema.validate(arguments, _schema_of(name))
    # No tool named in the question: auto and required both call the first tool.
    [(first, _)] = _calls(_chat(aio_client, _body("Hello", tools=TOOLS, tool_choice="required")))
    assert first == "register_person"
    plain = _chat(aio_client, _body(BOTH, tools=TOOLS, tool_choice="none"))
    assert plain.choices[0].finish_reason == "stop"
    assert plain.choices[0].message.content


def test_required_calls_even_after_a_tool_result(aio_client: ApiInOneClient) -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
    messages = [
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "tool_calls": [call]},  # no content key, as litellm sends it
        {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
    ]
    body = {"model": "gemini", "messages": messages, "tools": TOOLS}
    assert _chat(aio_client, body).choices[0].finish_reason == "stop"
    required = _chat(aio_client, {**body, "tool_choice": "required"})
    assert required.choices[0].finish_reason == "tool_calls"


def test_json_schema_format_gives_a_valid_instance(aio_client: ApiInOneClient) -> None:
    response_format = {"type": "json_schema", "json_schema": {"name": "p", "schema": PERSON}}
    answer = _chat(aio_client, _body("Describe Ada", response_format=response_format))
    jsonschema.validate(json.loads(str(answer.choices[0].message.content)), PERSON)


def test_json_object_format_follows_a_schema_given_in_the_conversation(
    aio_client: ApiInOneClient,
) -> None:
    json_object = {"type": "json_object"}
    prompt = f"Answer in JSON matching this schema:\n\n{json.dumps(PERSON)}\n\nThanks."
    messages = [{"role": "system", "content": prompt}, {"role": "user", "content": "Ada"}]
    body = {"model": "gemini", "messages": messages, "response_format": json_object}
    jsonschema.validate(json.loads(str(_chat(aio_client, body).choices[0].message.content)), PERSON)
    bare = _chat(aio_client, _body("Hello", response_format=json_object))
    assert set(json.loads(str(bare.choices[0].message.content))) == {"answer"}


def test_streamed_replies_equal_the_json_ones(aio_client: ApiInOneClient) -> None:
    """Stream and JSON answer carry the same calls and the same structured content."""
    for body in (
        _body(BOTH, tools=TOOLS),
        _body("x", response_format={"type": "json_schema", "json_schema": {"schema": PERSON}}),
    ):
        whole = _chat(aio_client, body)
        streamed = stream_chat(aio_client, body).until_done()
        assert _pairs(streamed.tool_calls) == _calls(whole)
        assert streamed.text == (whole.choices[0].message.content or "")
        assert streamed.finish_reason == whole.choices[0].finish_reason


@pytest.mark.anyio
async def test_async_stream_has_the_same_calls(aio_async_client: ApiInOneClient) -> None:
    async with await async_stream_chat(aio_async_client, _body(BOTH, tools=TOOLS)) as stream:
        result = await stream.until_done()
    calls = _pairs(result.tool_calls)
    assert [name for name, _ in calls] == ["register_person", "get_weather"]
    assert len({call.id for call in result.tool_calls}) == 2
    for name, arguments in calls:
        jsonschema.validate(arguments, _schema_of(name))


def test_the_same_request_gets_the_same_reply(aio_client: ApiInOneClient) -> None:
    body = _body(BOTH, tools=TOOLS)
    first, second = _chat(aio_client, body), _chat(aio_client, body)
    assert first.choices[0].message.to_dict() == second.choices[0].message.to_dict()


def test_a_message_without_content_is_refused_unless_it_carries_tool_calls(
    aio_mock: RunningMock,
) -> None:
    headers = {"Authorization": f"Bearer {DEMO_KEY}"}
    url = f"{aio_mock.base_url}/chat/completions"
    for message in ({"role": "user"}, {"role": "assistant"}):
        body = {"model": "gemini", "stream": False, "messages": [message]}
        answer = httpx.post(url, json=body, headers=headers)
        assert answer.status_code == 400
        assert "content" in answer.json()["error"]["message"]


def test_each_answer_has_its_own_request_id(aio_mock: RunningMock) -> None:
    url = f"{aio_mock.base_url}/chat/completions"
    headers = {"Authorization": f"Bearer {DEMO_KEY}"}
    body = {"model": "gemini", "stream": False, "messages": [{"role": "user", "content": "hi"}]}
    ids = {httpx.post(url, json=body, headers=headers).headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3
    echoed = httpx.post(url, json=body, headers={**headers, "X-Request-Id": "mine"})
    assert echoed.headers["x-request-id"] == "mine"
