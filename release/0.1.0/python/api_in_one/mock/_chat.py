"""Deterministic chat completions in OpenAI's formats, JSON and SSE."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["Reply", "completion", "stream_events", "write_reply"]

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


@dataclass(frozen=True)
class Reply:
    """What the mock answers to one request: the same request always gets the same reply."""

    completion_id: str
    model: str
    content: str
    reasoning: str | None
    prompt_tokens: int
    created: int

    @property
    def completion_tokens(self) -> int:
        """Words in the answer (the mock's token count)."""
        return len(self.content.split())

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


def write_reply(body: dict[str, Any]) -> Reply:
    """The reply to a validated chat request."""
    messages = body["messages"]
    last = next((_text_of(m.get("content")) for m in reversed(messages) if m["role"] == "user"), "")
    digest = hashlib.sha256(json.dumps(messages, sort_keys=True).encode()).digest()
    words = [_WORDS[byte % len(_WORDS)] for byte in digest[: 8 + digest[0] % 8]]
    topic = " ".join(last.split()[:8]) or "your message"
    content = f"Mock reply to: {topic}. " + " ".join(words).capitalize() + "."
    reasoning = f"The user asked about {topic}." if body.get("include_thoughts", True) else None
    return Reply(
        completion_id="chatcmpl_" + digest.hex()[:16],
        model=body["model"],
        content=content,
        reasoning=reasoning,
        prompt_tokens=sum(len(_text_of(m.get("content")).split()) for m in messages),
        created=int(time.time()),
    )


def completion(reply: Reply, credits: float) -> dict[str, Any]:
    """The non-streamed ``chat.completion`` object."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.content}
    if reply.reasoning is not None:
        message["reasoning_content"] = reply.reasoning
    return {
        "id": reply.completion_id,
        "object": "chat.completion",
        "created": reply.created,
        "model": reply.model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": reply.usage(),
        "credits_consumed": credits,
    }


def stream_events(reply: Reply, credits: float, *, include_usage: bool) -> Iterator[dict[str, Any]]:
    """``chat.completion.chunk`` objects: role, reasoning and content deltas, finish, usage."""

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            "id": reply.completion_id,
            "object": "chat.completion.chunk",
            "created": reply.created,
            "model": reply.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    yield chunk({"role": "assistant", "content": ""})
    if reply.reasoning is not None:
        yield chunk({"reasoning_content": reply.reasoning})
    for index, word in enumerate(reply.content.split(" ")):
        yield chunk({"content": word if index == 0 else " " + word})
    yield chunk({}, "stop")
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
