"""Chunk typing: one event's data to a checked ``ChatCompletionChunk``, at a cost that does not
depend on what the chunks before it looked like.

The data is decoded by orjson, a few times faster than ``json.loads`` on chat
chunks of every shape (bench/README.md has the figures), and built by a
builder compiled from the spec (``_builders``) that equals the generated
``ChatCompletionChunk.from_dict`` with the nested models built inline. Then
the fields a ``ChatResult`` is made of are checked for their types, since
``from_dict`` takes any value: an event that is JSON but no chunk raises
``NotAChunk``.

orjson refuses a few texts ``json.loads`` takes (``NaN``, integers past 64
bits, lone surrogates); those are decoded by ``json.loads`` instead, so the
decoder accepts what it always did.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from api_in_one_client.models import ChatCompletionChunk, CompletionUsage, FunctionCall, ToolCall
from api_in_one_client.types import UNSET

from ._builders import builder

__all__ = ["MalformedEvent", "NotAChunk", "loads", "typed_chunk"]

_NOT_BUILT = (KeyError, TypeError, AttributeError, ValueError)
"""What ``ChatCompletionChunk.from_dict`` raises for JSON of another shape."""


class MalformedEvent(Exception):
    """The event's data is not JSON."""


class NotAChunk(Exception):
    """The event's data is JSON but no chat completion chunk; ``payload`` is that JSON."""

    def __init__(self, payload: Any) -> None:
        super().__init__("not a chat completion chunk")
        self.payload = payload


def loads(data: str) -> Any:
    """``json.loads(data)``, by orjson where it agrees; ``MalformedEvent`` if it is not JSON."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        raise MalformedEvent(data) from None


def typed_chunk(data: str) -> ChatCompletionChunk:
    """The chunk in one event's data, its fields checked; raises ``MalformedEvent`` or
    ``NotAChunk``."""
    payload = loads(data)
    try:
        chunk = _build(payload)
    except _NOT_BUILT:
        raise NotAChunk(payload) from None
    if not _well_typed(chunk):
        raise NotAChunk(payload)
    return chunk


def _first_build(payload: Any) -> ChatCompletionChunk:
    """Compile the chunk builder on first use (it reads the spec), then build with it."""
    global _build
    _build = builder(ChatCompletionChunk)
    return _build(payload)  # type: ignore[no-any-return]


_build = _first_build


def _text(value: object) -> bool:
    return type(value) is str or value is None or value is UNSET


def _well_typed(chunk: ChatCompletionChunk) -> bool:
    """Whether every field a result is assembled from has its declared type."""
    if type(chunk.id) is not str:
        return False
    for choice in chunk.choices:
        delta = choice.delta
        if not (
            _text(delta.content) and _text(delta.reasoning_content) and _text(choice.finish_reason)
        ):
            return False
        calls = delta.tool_calls
        if calls is not UNSET and not (type(calls) is list and all(map(_well_typed_call, calls))):
            return False
    usage, credits = chunk.usage, chunk.credits_consumed
    if usage is None or usage is UNSET:
        return True
    if type(usage) is not CompletionUsage:
        return False
    return type(credits) in (int, float) or credits is None or credits is UNSET


def _well_typed_call(call: object) -> bool:
    if type(call) is not ToolCall or type(call.index) is not int:
        return False
    if not (_text(call.id) and _text(call.type_)):
        return False
    function = call.function
    if function is UNSET or function is None:
        return True
    return type(function) is FunctionCall and _text(function.name) and _text(function.arguments)
