"""Deterministic chat completions in OpenAI's formats, JSON and SSE, tool calls included.

The rule for tool calls (also in openapi.yaml): with ``tools`` in the
request, ``tool_choice`` other than ``none``, and a last message from the
user, the mock calls a function instead of answering: the one
``tool_choice`` names, else the first of ``tools``, with the arguments
``{"query": <the user's text>}``. A ``tool`` message as the last one (a
function's result) gets a text answer.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

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
    tool_call: ToolCallReply | None = None

    @property
    def completion_tokens(self) -> int:
        """Words in the answer, or argument pieces of a call (the mock's token count)."""
        if self.tool_call is not None:
            return len(self.tool_call.pieces())
        return len(self.content.split())

    @property
    def finish_reason(self) -> str:
        """``tool_calls`` when the reply calls a function, else ``stop``."""
        return "stop" if self.tool_call is None else "tool_calls"

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


def _tool_call(body: dict[str, Any], question: str, digest: bytes) -> ToolCallReply | None:
    """The call the mock makes for this request, by the rule in the module docstring."""
    tools, choice = body.get("tools") or [], body.get("tool_choice", "auto")
    if not tools or choice == "none" or body["messages"][-1]["role"] != "user":
        return None
    name = choice["function"]["name"] if isinstance(choice, dict) else tools[0]["function"]["name"]
    arguments = json.dumps({"query": question})
    return ToolCallReply(call_id="call_" + digest.hex()[16:32], name=name, arguments=arguments)


def write_reply(body: dict[str, Any]) -> Reply:
    """The reply to a chat request the spec's schema accepts.

    Like the schema, the mock takes a ``tool`` message answering no
    earlier call and a ``tool_choice`` naming a function not in ``tools``.
    """
    messages = body["messages"]
    last = next((_text_of(m.get("content")) for m in reversed(messages) if m["role"] == "user"), "")
    digest = hashlib.sha256(json.dumps(messages, sort_keys=True).encode()).digest()
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
        content=content,
        reasoning=reasoning,
        prompt_tokens=sum(len(_text_of(m.get("content")).split()) for m in messages),
        created=int(time.time()),
        tool_call=_tool_call(body, last, digest),
    )


def completion(reply: Reply, credits: float) -> dict[str, Any]:
    """The non-streamed ``chat.completion`` object."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    if reply.tool_call is not None:
        message = {"role": "assistant", "content": None, "tool_calls": [reply.tool_call.to_dict()]}
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

    A tool call comes as OpenAI streams it: its id, type and name first,
    then its arguments in pieces, all under ``index`` 0.
    """

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            "id": reply.completion_id,
            "object": "chat.completion.chunk",
            "created": reply.created,
            "model": reply.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    call = reply.tool_call
    yield chunk({"role": "assistant", "content": "" if call is None else None})
    if reply.reasoning is not None:
        yield chunk({"reasoning_content": reply.reasoning})
    if call is None:
        for index, word in enumerate(reply.content.split(" ")):
            yield chunk({"content": word if index == 0 else " " + word})
    else:
        function = {"name": call.name, "arguments": ""}
        yield chunk(
            {
                "tool_calls": [
                    {"index": 0, "id": call.call_id, "type": "function", "function": function}
                ]
            }
        )
        for piece in call.pieces():
            yield chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
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
