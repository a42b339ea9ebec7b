"""Chunk typing: one event's data to a checked ``ChatCompletionChunk``, at a cost that does not
depend on what the chunks before it looked like.

msgspec decodes the text straight into structs written from the spec, and the
chunk is built from them (``_structs``): no dict, no key looked up in
Python, a few times less work than ``json.loads`` followed by ``from_dict``
(bench/README.md has the figures). Data with keys the structs do not declare,
or of another shape, is decoded to dicts and built by ``_builders``, equal to
``from_dict``, so unknown keys land in ``additional_properties``; the structs
then learn those keys, so the events after it that bring them are read by
structs as well. Either way the chunk equals
``ChatCompletionChunk.from_dict(json.loads(data))``.

On the struct path msgspec checks every plain value against the spec's type;
on the dict path, which checks none, the fields a ``ChatResult`` is made of
are checked: an event that is JSON but no chunk raises ``NotAChunk``.

msgspec refuses a few texts ``json.loads`` takes (``NaN``, lone surrogates);
those are decoded by ``json.loads``, so the decoder accepts what it always
did.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import msgspec

from api_in_one_client.models import ChatCompletionChunk, CompletionUsage, FunctionCall, ToolCall
from api_in_one_client.types import UNSET

from ._builders import builder
from ._structs import LearningReader

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
    """``json.loads(data)``, by msgspec where it agrees; ``MalformedEvent`` if it is not JSON."""
    try:
        return _decode(data)
    except (msgspec.DecodeError, RecursionError):
        pass
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        raise MalformedEvent(data) from None


def typed_chunk(data: str) -> ChatCompletionChunk:
    """The chunk in one event's data, its fields checked; raises ``MalformedEvent`` or
    ``NotAChunk``."""
    try:
        return _reader.read(data)  # type: ignore[no-any-return]  # its types checked by msgspec
    except msgspec.DecodeError:  # unknown keys, other types, or JSON msgspec does not take
        pass
    payload = loads(data)
    try:
        chunk: ChatCompletionChunk = _build(payload)
    except _NOT_BUILT:
        raise NotAChunk(payload) from None
    if not _well_typed(chunk):
        raise NotAChunk(payload)
    _reader.learn(chunk)
    return chunk


def _first_build(payload: Any) -> ChatCompletionChunk:
    """Compile the dict builder on first use (it reads the spec), then build with it."""
    global _build
    _build = builder(ChatCompletionChunk)
    return _build(payload)  # type: ignore[no-any-return]


_decode = msgspec.json.Decoder().decode
_reader = LearningReader(ChatCompletionChunk)
_build: Callable[[Any], Any] = _first_build


_TEXT = frozenset((str, type(None), type(UNSET)))
"""The types of a text field: a string, null, or absent."""


def _well_typed(chunk: ChatCompletionChunk) -> bool:
    """Whether every field a result is assembled from has its declared type."""
    if type(chunk.id) is not str:
        return False
    for choice in chunk.choices:
        delta = choice.delta
        if not (
            type(delta.content) in _TEXT
            and type(delta.reasoning_content) in _TEXT
            and type(choice.finish_reason) in _TEXT
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
    if type(call.id) not in _TEXT or type(call.type_) not in _TEXT:
        return False
    function = call.function
    if function is UNSET or function is None:
        return True
    return (
        type(function) is FunctionCall
        and type(function.name) in _TEXT
        and type(function.arguments) in _TEXT
    )
