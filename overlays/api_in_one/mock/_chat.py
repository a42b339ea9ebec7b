"""Deterministic chat completions in OpenAI's formats, JSON and SSE, tool calls included.

The rules (also in openapi.yaml and docs/mock.md):

- **Tool calls.** With ``tools`` in the request the mock calls functions
  instead of answering when ``tool_choice`` is ``required`` or names a
  function, or when it is ``auto`` (the default) and the last message is the
  user's; ``none``, or a ``tool`` message last under ``auto``, gets text. A
  named function is called alone. Otherwise the tools that *apply* are those
  with a part of their name (split at ``_`` and ``-``, four letters or more)
  in the user's last message, else the first tool; every one that applies is
  called when ``parallel_tool_calls`` is true (the default), the first alone
  when it is false. Each call's arguments are generated to satisfy the
  function's ``parameters`` schema (``_instances.instance``).
- **Formats.** ``response_format: {"type": "json_schema", "json_schema":
  {"schema": ...}}`` makes the content an instance of that schema;
  ``{"type": "json_object"}`` an instance of the last JSON Schema written in
  the conversation (as a model told "answer with this schema" would), else
  ``{"answer": <the text reply>}``.
- The same request always gets the same reply.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ._instances import instance

__all__ = ["Reply", "ToolCallReply", "completion", "stream_events", "write_reply"]

_WORDS = (
    "gateway",
    "model",
    "answer",
    "colour",
    "river",
    "light",
    "stone",
    "garden",
    "signal",
    "quiet",
    "bright",
    "simple",
    "ocean",
    "morning",
    "paper",
    "window",
    "forest",
    "music",
    "careful",
    "steady",
)


_ARGUMENT_PIECE = 6
"""Characters of a tool call's arguments per stream delta."""
_NAME_PART = 4
"""Letters a part of a tool's name needs to count as naming it in the user's text."""
_SCHEMA_SEARCH = 256
"""Opening braces tried per message when looking for a JSON Schema in the conversation."""


@dataclass(frozen=True)
class ToolCallReply:
    """A function call the mock asks for."""

    call_id: str
    name: str
    arguments: str

    def pieces(self) -> list[str]:
        """The arguments as a stream sends them, a few characters at a time."""
        text = self.arguments
        return [text[i : i + _ARGUMENT_PIECE] for i in range(0, len(text), _ARGUMENT_PIECE)]

    def to_dict(self) -> dict[str, Any]:
        """OpenAI's ``tool_calls`` item."""
        function = {"name": self.name, "arguments": self.arguments}
        return {"id": self.call_id, "type": "function", "function": function}


@dataclass(frozen=True)
class Reply:
    """What the mock answers to one request: the same request always gets the same reply."""

    completion_id: str
    model: str
    content: str
    reasoning: str | None
    prompt_tokens: int
    created: int
    tool_calls: tuple[ToolCallReply, ...] = ()

    @property
    def completion_tokens(self) -> int:
        """Words in the answer, or argument pieces of the calls (the mock's token count)."""
        if self.tool_calls:
            return sum(len(call.pieces()) for call in self.tool_calls)
        return len(self.content.split())

    @property
    def finish_reason(self) -> str:
        """``tool_calls`` when the reply calls a function, else ``stop``."""
        return "tool_calls" if self.tool_calls else "stop"

    def usage(self) -> dict[str, int]:
        """OpenAI ``usage`` object."""
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
        }


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def _function(tool: Any) -> dict[str, Any]:
    function = tool.get("function") if isinstance(tool, dict) else None
    return function if isinstance(function, dict) else {}


def _applying(tools: list[Any], question: str) -> list[dict[str, Any]]:
    """The functions whose names the question mentions, else the first one."""
    words = set(re.findall(r"[a-z0-9]+", question.lower()))
    functions = [_function(tool) for tool in tools]
    named = [
        function
        for function in functions
        if any(
            len(part) >= _NAME_PART and part in words
            for part in re.split(r"[_\-]+", str(function.get("name", "")).lower())
        )
    ]
    return named or functions[:1]


def _tool_calls(body: dict[str, Any], question: str, seed: bytes) -> tuple[ToolCallReply, ...]:
    """The calls the mock makes for this request, by the rules in the module docstring."""
    tools, choice = body.get("tools") or [], body.get("tool_choice", "auto")
    if not tools or choice == "none":
        return ()
    if isinstance(choice, dict):
        name = choice["function"]["name"]
        functions = [
            next((f for f in map(_function, tools) if f.get("name") == name), {"name": name})
        ]
    elif choice == "required" or body["messages"][-1]["role"] == "user":
        functions = _applying(tools, question)
        if body.get("parallel_tool_calls") is False:
            functions = functions[:1]
    else:
        return ()
    calls = []
    for index, function in enumerate(functions):
        call_seed = seed + index.to_bytes(2, "big")
        parameters = function.get("parameters", {"type": "object", "properties": {}})
        arguments = json.dumps(instance(parameters, call_seed))
        call_id = "call_" + hashlib.sha256(call_seed).hexdigest()[:24]
        calls.append(ToolCallReply(call_id, str(function["name"]), arguments))
    return tuple(calls)


def _schema_in(messages: list[dict[str, Any]]) -> Any:
    """The last JSON Schema written in the conversation's text, if any."""
    decoder = json.JSONDecoder()
    found = None
    for message in messages:
        text = _text_of(message.get("content"))
        starts = [match.start() for match in re.finditer(r"\{", text)][:_SCHEMA_SEARCH]
        position = 0
        for start in starts:
            if start < position:
                continue  # inside a value already read
            try:
                value, position = decoder.raw_decode(text, start)
            except ValueError:
                continue
            if isinstance(value, dict) and ("properties" in value or "$defs" in value):
                found = value
    return found


def _formatted(body: dict[str, Any], text: str, seed: bytes) -> str:
    """The content under ``response_format``: prose, or JSON text of the asked shape."""
    response_format = body.get("response_format") or {}
    kind = response_format.get("type")
    if kind == "json_schema":
        schema = (response_format.get("json_schema") or {}).get("schema", {"type": "object"})
        return json.dumps(instance(schema, seed))
    if kind == "json_object":
        schema = _schema_in(body["messages"])
        value = instance(schema, seed) if schema is not None else None
        return json.dumps(value if isinstance(value, dict) else {"answer": text})
    return text


def write_reply(body: dict[str, Any]) -> Reply:
    """The reply to a chat request the spec's schema accepts.

    Like the schema, the mock takes a ``tool`` message answering no
    earlier call and a ``tool_choice`` naming a function not in ``tools``
    (called with arguments of no declared schema: ``{}``).
    """
    messages = body["messages"]
    last = next((_text_of(m.get("content")) for m in reversed(messages) if m["role"] == "user"), "")
    digest = hashlib.sha256(json.dumps(messages, sort_keys=True).encode()).digest()
    # Values depend on everything that shapes them, so one request always gets one reply.
    shaping = {k: body.get(k) for k in ("tools", "tool_choice", "response_format")}
    seed = hashlib.sha256(digest + json.dumps(shaping, sort_keys=True).encode()).digest()
    words = [_WORDS[byte % len(_WORDS)] for byte in digest[: 8 + digest[0] % 8]]
    topic = " ".join(last.split()[:8]) or "your message"
    if messages[-1]["role"] == "tool":
        result = " ".join(_text_of(messages[-1].get("content")).split()[:8])
        content = f"Mock reply to: {topic}, with the result {result}. "
    else:
        content = f"Mock reply to: {topic}. "
    content += " ".join(words).capitalize() + "."
    reasoning = f"The user asked about {topic}." if body.get("include_thoughts", True) else None
    return Reply(
        completion_id="chatcmpl_" + digest.hex()[:16],
        model=body["model"],
        content=_formatted(body, content, seed),
        reasoning=reasoning,
        prompt_tokens=sum(len(_text_of(m.get("content")).split()) for m in messages),
        created=int(time.time()),
        tool_calls=_tool_calls(body, last, seed),
    )


def completion(reply: Reply, credits: float) -> dict[str, Any]:
    """The non-streamed ``chat.completion`` object."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    if reply.tool_calls:
        calls = [call.to_dict() for call in reply.tool_calls]
        message = {"role": "assistant", "content": None, "tool_calls": calls}
    if reply.reasoning is not None:
        message["reasoning_content"] = reply.reasoning
    return {
        "id": reply.completion_id,
        "object": "chat.completion",
        "created": reply.created,
        "model": reply.model,
        "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
        "usage": reply.usage(),
        "credits_consumed": credits,
    }


def stream_events(reply: Reply, credits: float, *, include_usage: bool) -> Iterator[dict[str, Any]]:
    """``chat.completion.chunk`` objects: role, reasoning, text or tool call deltas, finish, usage.

    Tool calls come as OpenAI streams them: each call's id, type and name
    first, then its arguments in pieces, under the call's ``index``.
    """

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            "id": reply.completion_id,
            "object": "chat.completion.chunk",
            "created": reply.created,
            "model": reply.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    yield chunk({"role": "assistant", "content": None if reply.tool_calls else ""})
    if reply.reasoning is not None:
        yield chunk({"reasoning_content": reply.reasoning})
    if not reply.tool_calls:
        for index, word in enumerate(reply.content.split(" ")):
            yield chunk({"content": word if index == 0 else " " + word})
    for index, call in enumerate(reply.tool_calls):
        function = {"name": call.name, "arguments": ""}
        head = {"index": index, "id": call.call_id, "type": "function", "function": function}
        yield chunk({"tool_calls": [head]})
        for piece in call.pieces():
            yield chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
    yield chunk({}, reply.finish_reason)
    if include_usage:
        yield {
            "id": reply.completion_id,
            "object": "chat.completion.chunk",
            "created": reply.created,
            "model": reply.model,
            "choices": [],
            "usage": reply.usage(),
            "credits_consumed": credits,
        }
