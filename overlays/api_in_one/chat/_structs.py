"""Typed decoding of generated models: JSON text to msgspec structs in C, then the attrs models.

``struct_reader(ChatCompletionChunk)`` returns a function from JSON text to
what ``ChatCompletionChunk.from_dict(json.loads(text))`` builds. msgspec
decodes the text straight into structs written from the spec (one per
model, one field per property, of the property's JSON types where they are
plain ones), so no dict is made, no key is looked up and no type checked in
Python; the models
are then built from the structs' attributes by code compiled from the same
fields (``_builders.fields``). The structs refuse unknown keys: a text with
a key the spec does not declare, or a value of another type than the spec
says, raises ``msgspec.ValidationError``, and the caller builds it from the
decoded dict instead, which keeps unknown keys in ``additional_properties``
(and leaves a wrong type for the caller to judge).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from api_in_one_client.types import UNSET

from ._builders import fields

__all__ = ["struct_reader"]


def struct_reader(model: type[Any]) -> Callable[[str], Any]:
    """JSON text to ``model``; raises ``msgspec.DecodeError`` (``ValidationError``) otherwise."""
    writer = _Writer()
    struct = writer.struct(model)
    lines = ["def read(text):", "    s = decode(text)", *writer.model(model, "s", "out", 1)]
    namespace = {**writer.names, "UNSET": UNSET, "decode": msgspec.json.Decoder(struct).decode}
    exec("\n".join([*lines, "    return out"]), namespace)  # code written here from the spec
    read: Callable[[str], Any] = namespace["read"]
    return read


_JSON_TYPES: dict[str, Any] = {
    "string": str,
    "integer": int,
    "number": int | float,
    "boolean": bool,
    "null": None,
}


def _plain_type(schema: Any) -> Any:
    """The Python type of a property of plain JSON types, for msgspec to check in C; ``object``
    (anything) for a property of another kind."""
    declared = schema.get("type") if isinstance(schema, dict) else None
    names = [declared] if isinstance(declared, str) else declared
    if not isinstance(names, list) or not all(name in _JSON_TYPES for name in names):
        return object
    kinds: Any = None
    for name in names:
        kinds = _JSON_TYPES[name] if kinds is None else kinds | _JSON_TYPES[name]
    return kinds


class _Writer:
    def __init__(self) -> None:
        self.names: dict[str, Any] = {}
        self.structs: dict[type[Any], Any] = {}
        self.count = 0

    def name(self, value: object) -> str:
        for name, known in self.names.items():
            if known is value:
                return name
        name = f"c{len(self.names)}"
        self.names[name] = value
        return name

    def fresh(self) -> str:
        self.count += 1
        return f"v{self.count}"

    def struct(self, model: type[Any]) -> Any:
        """The msgspec struct of ``model``, or ``object`` for a model only ``from_dict`` builds."""
        if model in self.structs:
            return self.structs[model]
        declared = fields(model)
        if declared is None:
            return object
        members: list[Any] = []
        for key, kind, inner, required, schema in declared:
            kind_type: Any = _plain_type(schema)
            if kind == "model":
                kind_type = self.struct(inner)
            elif kind == "list":
                kind_type = list[self.struct(inner)]  # type: ignore[misc]
            elif kind == "union":
                kind_type = self.struct(inner) | None
            members.append((key, kind_type) if required else (key, kind_type, UNSET))
        struct = msgspec.defstruct(model.__name__, members, forbid_unknown_fields=True)
        self.structs[model] = struct
        return struct

    def model(self, model: type[Any], source: str, target: str, indent: int) -> list[str]:
        """Lines that build ``model`` from the struct in ``source`` into ``target``."""
        pad = "    " * indent
        struct = self.structs.get(model, object)
        if struct is object:
            # Decoded as plain JSON: built by its from_dict when it is an object.
            return [
                f"{pad}if isinstance({source}, dict):",
                f"{pad}    {source} = {self.name(model.from_dict)}({source})",
                *([f"{pad}{target} = {source}"] if target != source else []),
            ]
        declared = fields(model) or []
        arguments = [self.fresh() for _ in declared]
        lines = [
            f"{pad}{value} = {source}.{key}"
            for (key, *_), value in zip(declared, arguments, strict=True)
        ]
        for (_, kind, inner, required, _), value in zip(declared, arguments, strict=True):
            if kind == "plain":
                continue
            inside = indent
            if not required:
                inside += 1
                lines.append(f"{pad}if {value} is not UNSET and {value} is not None:")
            if kind == "list":
                items, item, built = self.fresh(), self.fresh(), self.fresh()
                inner_pad = "    " * inside
                lines += [
                    f"{inner_pad}{items} = []",
                    f"{inner_pad}for {item} in {value}:",
                    *self.model(inner, item, built, inside + 1),
                    f"{inner_pad}    {items}.append({built})",
                    f"{inner_pad}{value} = {items}",
                ]
            else:
                lines += self.model(inner, value, value, inside)
        lines.append(f"{pad}{target} = {self.name(model)}({', '.join(arguments)})")
        return lines
