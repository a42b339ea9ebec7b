"""Frames: the events of a stream that differ from a checked one only inside one string.

A chat stream's chunks repeat one text with another token in the same
place: ``{"id":"c1",...,"delta":{"content":" river"},...}``. Checking each
chunk in full (decode, walk the schema) costs several times what reading
it does. A *frame* is learned from two valid events: the text before and
after the one string value they differ in. When the schema puts no rule on
that string beyond being one (``type: string``, no enum, pattern, format,
length or known values), every event that is the frame with any other
plain string content there is valid too, and is passed after two string
comparisons. Learning is bounded (4 frames, 8 misses), and an event that
fits no frame gets the full check, so the answer is always the full
check's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Frames"]

_PLAIN = re.compile(r'[^"\\\x00-\x1f]*')
"""String content that needs no escape: any of it keeps a JSON string literal the same shape."""
_PLAIN_BYTES = re.compile(rb'[^"\\\x00-\x1f]*')
"""The same in UTF-8, whose multi-byte characters hold no ASCII byte."""
_SLOT = "\\u0001aio-slot"
_SLOT_VALUE = "\x01aio-slot"
_MAX_FRAMES, _MAX_MISSES = 4, 8
_ANNOTATIONS = frozenset(
    {"description", "title", "default", "deprecated", "readOnly", "writeOnly", "$comment"}
    | {"example", "contentMediaType", "contentSchema", "contentEncoding"}
)
_STRUCTURE = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems"}
)
"""Keywords of a schema around the slot whose verdict the slot's string content cannot change."""

Lookup = Callable[[str], Any]
IsValid = Callable[[str, Any], bool]


class Frames:
    """The frames of one stream's event data, checked against the JSON content schemas."""

    def __init__(self, lookup: Lookup, is_valid: IsValid, pointers: list[str]) -> None:
        self.lookup, self.is_valid, self.pointers = lookup, is_valid, pointers
        self.frames: list[tuple[str, str, int]] = []
        self.line: re.Pattern[bytes] | None = None
        """The frames as one-line SSE events (``data: ...``), to match blocks undecoded."""
        self.misses = 0
        self.last: str | None = None

    def fits(self, data: str) -> bool:
        """Whether ``data`` is a learned frame with another plain string in its slot."""
        size = len(data)
        for prefix, suffix, fixed in self.frames:
            if (
                size >= fixed
                and data.startswith(prefix)
                and data.endswith(suffix)
                and _PLAIN.fullmatch(data, len(prefix), size - len(suffix)) is not None
            ):
                return True
        return False

    def fits_line(self, block: bytes) -> bool:
        """Whether the raw event ``block`` is ``data: `` and a frame, as ``fits`` says."""
        return self.line is not None and self.line.fullmatch(block) is not None

    def checked(self, data: str, value: Any) -> None:
        """Learn from ``data``, which passed the full check and decoded to ``value``."""
        previous, self.last = self.last, data
        if previous is None or len(self.frames) >= _MAX_FRAMES or self.misses >= _MAX_MISSES:
            return
        frame = self._frame(previous, data, value)
        if frame is None:
            self.misses += 1
            return
        self.frames.append(frame)
        self.line = re.compile(
            b"|".join(
                re.escape(b"data: " + prefix.encode())
                + _PLAIN_BYTES.pattern
                + re.escape(suffix.encode())
                for prefix, suffix, _ in self.frames
            )
        )

    def _frame(self, one: str, other: str, value: Any) -> tuple[str, str, int] | None:
        if one == other:
            return None
        start = _common(one, other)
        end = _common(one[start:][::-1], other[start:][::-1])
        prefix, suffix = one[:start], one[len(one) - end :] if end else ""
        opening, closing = prefix.rfind('"'), suffix.find('"')
        if opening < 0 or closing < 0:
            return None
        prefix, suffix = prefix[: opening + 1], suffix[closing:]
        for text in (one, other):
            if _PLAIN.fullmatch(text, len(prefix), len(text) - len(suffix)) is None:
                return None
        try:
            probe = json.loads(prefix + _SLOT + suffix)
        except (ValueError, RecursionError):
            return None
        paths = list(_paths_of(probe, _SLOT_VALUE, []))
        if len(paths) != 1 or paths[0] is None:
            return None
        if not any(
            self.is_valid(pointer, value) and self.free(pointer, paths[0], value)
            for pointer in self.pointers
        ):
            return None
        return prefix, suffix, len(prefix) + len(suffix)

    def free(self, pointer: str, path: list[Any], instance: Any) -> bool:
        """Whether any string at ``path`` keeps ``instance`` valid against the schema, given
        that ``instance`` is."""
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
                and self.free(f"{pointer}/anyOf/{index}", path, instance)
                for index in range(len(node["anyOf"]))
            )
        if not keys <= _STRUCTURE:
            return False
        if not path:
            kinds = node.get("type", "string")
            return keys <= {"type"} and "string" in ([kinds] if isinstance(kinds, str) else kinds)
        head, rest = path[0], path[1:]
        if isinstance(head, int):
            if "items" not in node:
                return True
            return self.free(f"{pointer}/items", rest, instance[head])
        properties = node.get("properties", {})
        if head in properties:
            name = head.replace("~", "~0").replace("/", "~1")
            return self.free(f"{pointer}/properties/{name}", rest, instance[head])
        extra = node.get("additionalProperties", True)
        if extra is True:
            return True
        return extra is not False and self.free(
            f"{pointer}/additionalProperties", rest, instance[head]
        )


def _common(one: str, other: str) -> int:
    """The length of the longest common prefix, by halving (a few slice comparisons)."""
    low, high = 0, min(len(one), len(other))
    while low < high:
        middle = (low + high + 1) // 2
        if one[:middle] == other[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _paths_of(value: Any, wanted: str, path: list[Any]) -> Any:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == wanted:
                yield None  # the slot is a key: it shapes the object, so no frame
            yield from _paths_of(item, wanted, [*path, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths_of(item, wanted, [*path, index])
    elif value == wanted:
        yield path
