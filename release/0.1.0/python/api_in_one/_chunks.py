"""Building ``ChatCompletionChunk`` models fast: from a usual chunk's dict, or from its text alone.

The generated ``from_dict`` chain costs several times the JSON parse of a
chunk. A usual chunk (plain fields only: no usage, tool calls or unknown
fields) is built here with the same models, straight from its parts.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs

from api_in_one_client.models import (
    ChatCompletionChunk,
    ChatCompletionChunkChoice,
    ChatCompletionDelta,
)
from api_in_one_client.types import UNSET

__all__ = ["Frame", "learn_frame", "plain_choices", "plain_chunk"]

_CHUNK_KEYS = frozenset({"id", "choices", "object", "created", "model"})
_CHOICE_KEYS = frozenset({"delta", "index", "finish_reason"})
_DELTA_KEYS = frozenset({"role", "content", "reasoning_content"})
_WHITESPACE = " \t\n\r"
# The C string scanner behind json.loads (typeshed leaves it out):
# (text, index after the opening quote) -> (value, index after the closing quote).
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_PROBE = '\u00e9\\"\n'
"""Text with an escape, a quote and a non-ASCII letter: what a frame must carry unchanged."""


def _positional(cls: type, names: tuple[str, ...]) -> None:
    """Fail at import if ``cls`` no longer takes ``names`` first, in this order.

    Chunk models are built with positional arguments (keywords cost twice as
    much per chunk); a regenerated model with another field order must stop
    the import rather than swap values.
    """
    if tuple(field.name for field in attrs.fields(cls))[: len(names)] != names:
        raise ImportError(f"{cls.__name__} fields are no longer {names}: update _chunks.py")


_positional(ChatCompletionChunk, ("id", "choices", "object_", "created", "model"))
_positional(ChatCompletionChunkChoice, ("delta", "index", "finish_reason"))
_positional(ChatCompletionDelta, ("role", "content", "reasoning_content"))


def plain_choices(payload: Any) -> list[dict[str, Any]] | None:
    """The choices of a usual chunk, else None."""
    choices = payload.get("choices") if type(payload) is dict else None
    if type(choices) is not list or not payload.keys() <= _CHUNK_KEYS:
        return None
    for choice in choices:
        plain = type(choice) is dict and choice.keys() <= _CHOICE_KEYS
        delta = choice.get("delta") if plain else None
        if type(delta) is not dict or not delta.keys() <= _DELTA_KEYS:
            return None
    return choices


def plain_chunk(payload: dict[str, Any], choices: list[dict[str, Any]]) -> ChatCompletionChunk:
    """``ChatCompletionChunk.from_dict(payload)`` for a usual chunk, built directly."""
    typed = []
    for choice in choices:
        delta = choice["delta"]
        typed.append(
            ChatCompletionChunkChoice(
                ChatCompletionDelta(
                    delta.get("role", UNSET),
                    delta.get("content", UNSET),
                    delta.get("reasoning_content", UNSET),
                ),
                choice.get("index", UNSET),
                choice.get("finish_reason", UNSET),
            )
        )
    return ChatCompletionChunk(
        payload["id"],
        typed,
        payload.get("object", UNSET),
        payload.get("created", UNSET),
        payload.get("model", UNSET),
    )


class Frame:
    """The bytes of a usual chunk around its text, learnt from one parsed chunk.

    The chunks of a stream repeat id, object, created, model, index and
    finish reason byte for byte; only the text changes. An event made of the
    frame's prefix, one JSON string and its suffix parses to the learnt chunk
    with that string as its text (``learn_frame`` checks this once), so
    reading the string alone gives the same chunk as parsing the event.
    """

    __slots__ = ("_fields", "_prefix", "_suffix", "finish_reason", "reasoning")

    def __init__(
        self,
        prefix: bytes,
        suffix: bytes,
        reasoning: bool,
        payload: dict[str, Any],
        choice: dict[str, Any],
    ) -> None:
        self._prefix, self._suffix = prefix, suffix
        self.reasoning = reasoning
        """True when the text is ``reasoning_content``, else it is ``content``."""
        delta = choice["delta"]
        finish_reason = choice.get("finish_reason", UNSET)
        self.finish_reason: str | None = finish_reason if type(finish_reason) is str else None
        """The chunk's finish reason when it has one."""
        other = "content" if reasoning else "reasoning_content"
        self._fields = (
            payload["id"],
            payload.get("object", UNSET),
            payload.get("created", UNSET),
            payload.get("model", UNSET),
            delta.get("role", UNSET),
            delta.get(other, UNSET),
            choice.get("index", UNSET),
            finish_reason,
        )

    def text(self, data: bytes) -> str | None:
        """The text of event ``data`` if it is this frame around one JSON string, else None."""
        start, end = len(self._prefix), len(data) - len(self._suffix)
        if end - start < 2 or not data.startswith(self._prefix) or not data.endswith(self._suffix):
            return None
        try:
            literal = data[start:end].decode()
            text, stop = _scanstring(literal, 1)
        except ValueError:
            return None
        return text if literal[0] == '"' and stop == len(literal) else None

    def chunk(self, text: str) -> ChatCompletionChunk:
        """The typed chunk of this frame with ``text``."""
        id_, object_, created, model, role, other, index, finish_reason = self._fields
        if self.reasoning:
            delta = ChatCompletionDelta(role, other, text)
        else:
            delta = ChatCompletionDelta(role, text, other)
        return ChatCompletionChunk(
            id_, [ChatCompletionChunkChoice(delta, index, finish_reason)], object_, created, model
        )


def learn_frame(
    data: bytes, payload: dict[str, Any], choices: list[dict[str, Any]]
) -> Frame | None:
    """The frame of a usual one-choice chunk whose text is a string, else None.

    ``payload`` is the parse of ``data``; it is left as it was.
    """
    if len(choices) != 1:
        return None
    choice = choices[0]
    delta = choice["delta"]
    texts = [key for key in ("content", "reasoning_content") if type(delta.get(key)) is str]
    if len(texts) != 1:
        return None
    [key] = texts
    try:
        event = data.decode()
    except ValueError:
        return None
    opening = _string_after_key(event, key)
    if opening is None:
        return None
    try:
        value, closing = _scanstring(event, opening + 1)
    except ValueError:
        return None
    prefix, suffix = event[:opening], event[closing:]
    if value != delta[key] or not _frames_any_text(prefix, suffix, payload, delta, key):
        return None
    return Frame(prefix.encode(), suffix.encode(), key == "reasoning_content", payload, choice)


def _string_after_key(event: str, key: str) -> int | None:
    """Where the string value of the last ``"key":`` in ``event`` opens, or None."""
    position = event.rfind(f'"{key}"')
    if position < 0:
        return None
    position += len(key) + 2
    while position < len(event) and event[position] in _WHITESPACE:
        position += 1
    if event[position : position + 1] != ":":
        return None
    position += 1
    while position < len(event) and event[position] in _WHITESPACE:
        position += 1
    return position if event[position : position + 1] == '"' else None


def _frames_any_text(
    prefix: str, suffix: str, payload: dict[str, Any], delta: dict[str, Any], key: str
) -> bool:
    """True if another text between ``prefix`` and ``suffix`` parses to ``payload`` with it."""
    original = delta[key]
    delta[key] = _PROBE
    try:
        probed: Any = json.loads(prefix + json.dumps(_PROBE) + suffix)
        return bool(probed == payload)
    except ValueError:
        return False
    finally:
        delta[key] = original
