"""Frames: the events of a stream that are a checked one with other values in free places.

A chat stream's chunks repeat one text with other values in the same
places: ``{"id":"c1","created":17...,"choices":[{"delta":{"content":" river"}}]}``.
Checking each chunk in full (decode, walk the schema) costs several times
what reading it does. A *frame* is learned from two valid events of the
same shape (the same keys and structure): their text, with a slot at each
string or integer value they differ in, when the schema puts no rule on
that value (``type: string`` or ``integer`` and nothing else: no enum,
pattern, format, bound, length or known values). An event that is the
frame with any JSON string or integer in its slots
has the same keys, structure and constrained values, so it is valid too,
and is passed by one regular-expression match on its framed text. Learning
is bounded (8 frames, 8 misses), and an event that fits no frame gets the
full check, so the verdict is always the full check's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Frames"]

# Any JSON string: runs of plain characters between valid escapes, one way to match each.
_STRING_SLOT = r'"[^"\\\x00-\x1f]*(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*)*"'
_INTEGER_SLOT = r"-?(?:0|[1-9][0-9]*)"
# A string is unrolled as runs of plain characters between escapes: a run is one
# single-character repeat, linear in the text, where an alternation per character
# grows faster than the text and took seconds on one multi-megabyte event.
_TOKEN = re.compile(
    r'"[^"\\]*(?:\\.[^"\\]*)*"|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|[{}\[\]:,]|\s+'
)
_MAX_FRAMES, _MAX_MISSES = 8, 8
_ANNOTATIONS = frozenset(
    {"description", "title", "default", "deprecated", "readOnly", "writeOnly", "$comment"}
    | {"example", "contentMediaType", "contentSchema", "contentEncoding"}
)
_STRUCTURE = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems"}
)
"""Keywords of a schema around a slot whose verdict the slot's value cannot change."""

Lookup = Callable[[str], Any]
IsValid = Callable[[str, Any], bool]


class Frames:
    """The frames of one stream's event data, checked against the JSON content schemas."""

    def __init__(self, lookup: Lookup, is_valid: IsValid, pointers: list[str]) -> None:
        self.lookup, self.is_valid, self.pointers = lookup, is_valid, pointers
        self.frames: list[Callable[[str], object]] = []
        """Each frame's ``fullmatch`` of a one-line SSE event block (``data: ...``)."""
        self.misses = 0
        self.last: Callable[[str], object] = lambda block: None
        """The ``fullmatch`` of the frame that matched last."""
        self._shapes: dict[tuple[str, ...], list[tuple[str, tuple[Any, ...] | None]]] = {}
        """The last event of each shape seen (its keys and structure), to learn frames from."""

    @property
    def learning(self) -> bool:
        """Whether ``checked`` may still learn a frame."""
        return len(self.frames) < _MAX_FRAMES and self.misses < _MAX_MISSES

    def fits(self, block: str) -> bool:
        """Whether the event ``block`` (as ``_sse`` frames it) is a frame with other free
        values: the frame that matched last is tried first, as a stream sends runs of one
        shape."""
        if self.last(block) is not None:
            return True
        for match in self.frames:
            if match(block) is not None:
                self.last = match
                return True
        return False

    def checked(self, data: str, value: Any) -> None:
        """Learn from ``data``, which passed the full check and decoded to ``value``: with the
        last event of the same shape, it makes a frame whose slots are where the two differ."""
        if not self.learning:
            return
        tokens = _tokens(data)
        if tokens is None:
            self.misses += 1
            return
        shape = tuple(text if path is None else _kind(text) for text, path in tokens)
        previous = self._shapes.get(shape)
        if previous is None and len(self._shapes) >= _MAX_FRAMES:
            self.misses += 1  # a new shape each event (keys in a new order, say): learning stops
            return
        self._shapes[shape] = tokens
        pointer = next((p for p in self.pointers if self.is_valid(p, value)), None)
        if previous is None or pointer is None:
            return
        changed = {
            index
            for index, ((text, path), (before, _)) in enumerate(zip(tokens, previous, strict=True))
            if path is not None and text != before
        }
        if not changed:
            return
        for index in changed:
            text, path = tokens[index]
            kind = _kind(text)
            if kind == "other" or not self.free(pointer, list(path or ()), value, kind):
                self.misses += 1
                return
        parts = [re.escape("data: ")]
        for index, (text, _) in enumerate(tokens):
            if index in changed:
                parts.append(_STRING_SLOT if _kind(text) == "string" else _INTEGER_SLOT)
            else:
                parts.append(re.escape(text))
        self.frames.append(re.compile("".join(parts)).fullmatch)

    def free(self, pointer: str, path: list[Any], instance: Any, kind: str = "string") -> bool:
        """Whether any ``kind`` value at ``path`` keeps ``instance`` valid against the schema,
        given that ``instance`` is valid."""
        node = self.lookup(pointer)
        while isinstance(node, Mapping) and "$ref" in node:
            if set(node) - _ANNOTATIONS - {"$ref"}:
                return False
            pointer = node["$ref"]
            node = self.lookup(pointer)
        if node is True:
            return True
        if not isinstance(node, Mapping):
            return False
        keys = set(node) - _ANNOTATIONS
        if "anyOf" in node:
            if keys != {"anyOf"}:
                return False
            return any(
                self.is_valid(f"{pointer}/anyOf/{index}", instance)
                and self.free(f"{pointer}/anyOf/{index}", path, instance, kind)
                for index in range(len(node["anyOf"]))
            )
        if not keys <= _STRUCTURE:
            return False
        if not path:
            kinds = node.get("type", kind)
            allowed = [kinds] if isinstance(kinds, str) else kinds
            return keys <= {"type"} and (
                kind in allowed or (kind == "integer" and "number" in allowed)
            )
        head, rest = path[0], path[1:]
        if isinstance(head, int):
            if "items" not in node:
                return True
            return self.free(f"{pointer}/items", rest, instance[head], kind)
        properties = node.get("properties", {})
        if head in properties:
            name = head.replace("~", "~0").replace("/", "~1")
            return self.free(f"{pointer}/properties/{name}", rest, instance[head], kind)
        extra = node.get("additionalProperties", True)
        if extra is True:
            return True
        return extra is not False and self.free(
            f"{pointer}/additionalProperties", rest, instance[head], kind
        )


def _kind(text: str) -> str:
    if text.startswith('"'):
        return "string"
    if text[-1].isdigit() and not any(mark in text for mark in ".eE"):
        return "integer"
    return "other"


def _tokens(data: str) -> list[tuple[str, tuple[Any, ...] | None]] | None:
    """The JSON text's tokens, each value's with its path; None when it is not JSON this reads."""
    found: list[tuple[str, tuple[Any, ...] | None]] = []
    position = 0
    stack: list[list[Any]] = []  # per open container: the key (or index) being read
    for token in _TOKEN.finditer(data):
        if token.start() != position:
            return None
        position, text = token.end(), token.group()
        path: tuple[Any, ...] | None = None
        if text in ("{", "["):
            stack.append([None if text == "{" else 0, text == "{"])
        elif text in ("}", "]"):
            if not stack:
                return None
            stack.pop()
            if stack and stack[-1][1]:
                stack[-1][0] = None
        elif text == ",":
            if stack and not stack[-1][1]:
                stack[-1][0] += 1
        elif text == ":" or text.isspace():
            pass
        elif stack and stack[-1][1] and stack[-1][0] is None:  # a key
            if "\\" in text:
                return None
            stack[-1][0] = text[1:-1]
        else:
            path = tuple(at for at, _ in stack)
            if stack and stack[-1][1]:
                stack[-1][0] = None
        found.append((text, path))
    return found if position == len(data) else None
