"""Frames: the events of one chat stream repeat their bytes except for a few values.

Whatever the server (OpenAI, Gemini, the gateway), the chunks of a stream
are written alike: the same keys in the same order, the same id and model,
and only the text, and perhaps an id or a time, changing. A ``Frame`` is
learnt from two such events: the text they share, as literal pieces, and
the places of the values that differed. An event made of the same pieces
around new values parses to the learnt payload with those values in their
places, so reading the values alone (with the C scanner behind
``json.loads``) gives the same payload as parsing the whole event.

No field is known here: frames serve any chunk shape. What a frame builds
is what ``ChatCompletionChunk.from_dict`` builds, checked on the event the
frame is learnt from; other events go through ``from_dict`` itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import attrs

from api_in_one_client.types import Unset

__all__ = ["Frame", "Layout", "learn_frame", "read_layout", "scan"]

_WHITESPACE = " \t\n\r"
# The C scanners behind json.loads (typeshed leaves them out):
# scan(text, start) -> (value, end) for any value; scanstring(text, index after
# the opening quote) -> (string, index after the closing quote).
scan: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[attr-defined]
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]

Place = tuple[Any, Any]
"""A container of a payload (dict or list) and the key or index of one of its values."""


@dataclass(frozen=True)
class _Value:
    """Where one value of an event is, in its text and in its payload."""

    start: int
    end: int
    place: Place
    scalar: bool


@dataclass
class Layout:
    """An event parsed with the places of its values: ``payload`` equals ``json.loads``."""

    text: str
    payload: Any
    values: list[_Value]

    def pieces(self) -> list[str]:
        """The text between the scalar values: equal for events that differ only in those."""
        pieces, end = [], 0
        for value in self.values:
            if value.scalar:
                pieces.append(self.text[end : value.start])
                end = value.end
        pieces.append(self.text[end:])
        return pieces

    def scalars(self) -> list[_Value]:
        return [value for value in self.values if value.scalar]


def read_layout(text: str) -> Layout | None:
    """The layout of one JSON text, or None if it is not JSON (or has a trailing rest)."""
    values: list[_Value] = []
    try:
        payload, end = _read(text, _skip(text, 0), values, (None, None))
    except (ValueError, StopIteration, IndexError, RecursionError):
        return None
    return Layout(text, payload, values) if _skip(text, end) == len(text) else None


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in _WHITESPACE:
        position += 1
    return position


def _read(text: str, position: int, values: list[_Value], place: Place) -> tuple[Any, int]:
    """Parse the value at ``position`` like ``json.loads``, noting where each value is."""
    opening = text[position]
    if opening not in "{[":
        value, end = scan(text, position)
        values.append(_Value(position, end, place, scalar=True))
        return value, end
    container: Any = {} if opening == "{" else []
    closing = "}" if opening == "{" else "]"
    position = _skip(text, position + 1)
    if text[position] == closing:
        values.append(_Value(position - 1, position + 1, place, scalar=False))
        return container, position + 1
    start = position - 1
    while True:
        if opening == "{":
            if text[position] != '"':
                raise ValueError("expected a key")
            key, position = _scanstring(text, position + 1)
            position = _skip(text, position)
            if text[position] != ":":
                raise ValueError("expected ':'")
            position = _skip(text, position + 1)
            container[key], position = _read(text, position, values, (container, key))
        else:
            container.append(None)
            index = len(container) - 1
            container[index], position = _read(text, position, values, (container, index))
        position = _skip(text, position)
        if text[position] == closing:
            values.append(_Value(start, position + 1, place, scalar=False))
            return container, position + 1
        if text[position] != ",":
            raise ValueError("expected ',' or the end of a container")
        position = _skip(text, position + 1)


Frame = Callable[[str], Any]
"""A frame's reader: what ``build(json.loads(text))`` gives if ``text`` is the frame
around new values, else None; it raises ``StopIteration`` where a value should be
and none is.

Each reader is compiled once for its frame (see ``_reader_source``): it checks
each piece in turn, scans each value with the C scanner and builds the chunk by
calling the same model classes as ``from_dict``, with the same constants, so
reading an event costs the scans and the constructors' calls and nothing more.
"""


def _reader_source(pieces: list[str], build: str) -> str:
    """The source of ``read(text)``: the values between ``pieces``, put into ``build``.

    ``build`` is an expression of ``v0``, ``v1``…; the pieces themselves
    are ``p0``, ``p1``… in the namespace the code runs in.
    """
    lines = ["def read(text):", "    if not text.startswith(p0):", "        return None"]
    lines.append(f"    position = {len(pieces[0])}")
    for index in range(1, len(pieces)):
        lines += [
            f"    v{index - 1}, position = scan(text, position)",
            f"    if not text.startswith(p{index}, position):",
            "        return None",
            f"    position += {len(pieces[index])}",
        ]
    lines += ["    if position != len(text):", "        return None", f"    return {build}"]
    return "\n".join(lines)


def learn_frame(previous: Layout, current: Layout, build: Callable[[Any], Any]) -> Frame | None:
    """The frame of two events that differ only in scalar values, else None.

    ``build`` turns a payload into a model (``from_dict``); the frame
    builds the same models with new values in the places of the values
    that differed.
    """
    if previous.pieces() != current.pieces() or not isinstance(current.payload, dict):
        return None
    places = {(id(value.place[0]), value.place[1]) for value in current.values}
    if len(places) != len(current.values):
        return None  # a key given twice: its last value counts, not the one read in its place
    old, new = previous.scalars(), current.scalars()
    differing = [
        value
        for before, value in zip(old, new, strict=True)
        if previous.text[before.start : before.end] != current.text[value.start : value.end]
    ]
    expected = build(current.payload)
    # Read again: markers go into a payload no chunk was built from.
    fresh = read_layout(current.text)
    if fresh is None:
        return None
    differing = [fresh.values[current.values.index(value)] for value in differing]
    pieces, end = [], 0
    for value in differing:
        pieces.append(current.text[end : value.start])
        end = value.end
    pieces.append(current.text[end:])
    # Each differing value is replaced by a marker, to find where the model keeps it.
    markers = [_Marker() for _ in differing]
    for value, marker in zip(differing, markers, strict=True):
        container, key = value.place
        container[key] = marker
    source = _Source(markers)
    namespace = source.namespace
    namespace.update({f"p{index}": piece for index, piece in enumerate(pieces)}, scan=scan)
    try:
        code = _reader_source(pieces, source.expression(build(fresh.payload)))
        # Only names made here are in the code; pieces, constants and classes are in its namespace.
        exec(code, namespace)
        frame: Frame = namespace["read"]
        built = frame(current.text)
    except (StopIteration, *_CANNOT_BUILD):
        return None
    return frame if source.found == len(markers) and built == expected else None


class _Marker:
    """Stands for a value that changes from one event to the next."""


class _NotBuildable(Exception):
    """The model holds something a compiled builder cannot make afresh."""


_CANNOT_BUILD = (
    _NotBuildable,
    # from_dict refusing a marker where it checks a value, e.g. a closed enum
    KeyError,
    TypeError,
    AttributeError,
    ValueError,
    # a model nested deeper than the recursion limit or the parser's nesting limit
    RecursionError,
    SyntaxError,
    MemoryError,
)


class _Source:
    """The Python expression that builds a model again, with markers as arguments."""

    def __init__(self, markers: list[_Marker]) -> None:
        self.markers = {id(marker): index for index, marker in enumerate(markers)}
        self.namespace: dict[str, Any] = {"_with_extra": _with_extra}
        self.found = 0

    def _name(self, value: object) -> str:
        name = f"c{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def expression(self, built: object) -> str:
        index = self.markers.get(id(built))
        if index is not None:
            self.found += 1
            return f"v{index}"
        kind = type(built)
        if attrs.has(kind):
            fields = attrs.fields(kind)
            arguments = [self.expression(getattr(built, f.name)) for f in fields if f.init]
            if any(not f.init and f.name != "additional_properties" for f in fields):
                raise _NotBuildable(kind.__name__)
            call = f"{self._name(kind)}({', '.join(arguments)})"
            extra = getattr(built, "additional_properties", None)
            return f"_with_extra({call}, {self.expression(extra)})" if extra else call
        if kind is list:
            return f"[{', '.join(self.expression(item) for item in built)}]"  # type: ignore[attr-defined]
        if kind is dict:
            items = built.items()  # type: ignore[attr-defined]
            return "{" + ", ".join(f"{self._name(k)}: {self.expression(v)}" for k, v in items) + "}"
        if kind in (str, int, float, bool, type(None), Unset):
            return self._name(built)
        raise _NotBuildable(kind.__name__)


def _with_extra(model: Any, extra: dict[str, Any]) -> Any:
    model.additional_properties = extra
    return model
