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

msgspec cannot keep a key a struct does not declare, so ``LearningReader``
declares the unknown keys a server sends once it has seen them: the caller
hands it each model it built from a refused text, and the keys in the
models' ``additional_properties`` become fields of any JSON type, copied
into ``additional_properties`` again. Servers send the same few extra keys
in every event, so after the first such event the rest are read by structs
too, whatever their values; the learned keys are bounded, and a text with
a key not learned is refused and built from dicts as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import attrs
import msgspec

from api_in_one_client.types import UNSET

from ._builders import fields

__all__ = ["LearningReader", "struct_reader"]


Learned = Mapping[type[Any], tuple[str, ...]]
"""Per model, the keys its struct declares beyond the spec's, kept in ``additional_properties``."""

_MAX_LEARNED = 32
"""Unknown keys learned per reader, over all its models: each one compiles the reader anew."""


def struct_reader(model: type[Any], learned: Learned | None = None) -> Callable[[str], Any]:
    """JSON text to ``model``; raises ``msgspec.DecodeError`` (``ValidationError``) otherwise."""
    writer = _Writer(learned or {})
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


class LearningReader:
    """``struct_reader(model)``, whose structs learn the unknown keys of the texts it refused.

    ``read`` is compiled on first use, as compiling reads the spec.
    """

    def __init__(self, model: type[Any]) -> None:
        self.model = model
        self.learned: dict[type[Any], tuple[str, ...]] = {}
        self.read: Callable[[str], Any] = self._compile_then_read

    def learn(self, built: Any) -> None:
        """Declare the unknown keys of ``built``, a model made from a text ``read`` refused."""
        room = _MAX_LEARNED - sum(map(len, self.learned.values()))
        if room <= 0:
            return
        learned = dict(self.learned)
        for model, key in _unknown_keys(built):
            if room > 0 and key not in learned.get(model, ()):
                learned[model] = (*learned.get(model, ()), key)
                room -= 1
        if learned != self.learned:
            # Both replaced whole: a thread reading meanwhile uses the old reader, still right.
            self.read = struct_reader(self.model, learned)
            self.learned = learned

    def _compile_then_read(self, text: str) -> Any:
        self.read = struct_reader(self.model, self.learned)
        return self.read(text)


def _unknown_keys(value: Any) -> list[tuple[type[Any], str]]:
    """``(model, key)`` for each key in the ``additional_properties`` of the models in
    ``value`` that have structs (a model only ``from_dict`` builds keeps every key there)."""
    found: list[tuple[type[Any], str]] = []
    pending = [value]
    while pending:
        item = pending.pop()
        if type(item) is list:
            pending += item
            continue
        kind: type = type(item)
        if not _has_struct(kind):
            continue
        found += [(kind, key) for key in item.additional_properties]
        pending += [getattr(item, field.name) for field in attrs.fields(kind) if field.init]
    return found


@cache
def _has_struct(kind: type) -> bool:
    return attrs.has(kind) and fields(kind) is not None


class _Writer:
    def __init__(self, learned: Learned) -> None:
        self.names: dict[str, Any] = {}
        self.structs: dict[type[Any], Any] = {}
        self.learned = learned
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
        # Fields are named by position and renamed to their keys: a key need not be a name.
        members: list[Any] = []
        for _, kind, inner, required, schema in declared:
            kind_type: Any = _plain_type(schema)
            if kind == "model":
                kind_type = self.struct(inner)
            elif kind == "list":
                kind_type = list[self.struct(inner)]  # type: ignore[misc]
            elif kind == "union":
                kind_type = self.struct(inner) | None
            field = f"f{len(members)}"
            members.append((field, kind_type) if required else (field, kind_type, UNSET))
        learned = self.learned.get(model, ())
        members += [(f"f{len(members) + index}", object, UNSET) for index in range(len(learned))]
        keys = [key for key, *_ in declared] + list(learned)
        struct = msgspec.defstruct(
            model.__name__,
            members,
            forbid_unknown_fields=True,
            rename={f"f{index}": key for index, key in enumerate(keys)},
        )
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
        lines = [f"{pad}{value} = {source}.f{index}" for index, value in enumerate(arguments)]
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
        # Read before the model is built: it may take the name the struct is in.
        kept = {key: self.fresh() for key in self.learned.get(model, ())}
        lines += [
            f"{pad}{value} = {source}.f{index}"
            for index, value in enumerate(kept.values(), start=len(declared))
        ]
        lines.append(f"{pad}{target} = {self.name(model)}({', '.join(arguments)})")
        if kept:
            bag = self.fresh()
            lines.append(f"{pad}{bag} = {{}}")
            for key, value in kept.items():
                lines += [f"{pad}if {value} is not UNSET:", f"{pad}    {bag}[{key!r}] = {value}"]
            lines += [f"{pad}if {bag}:", f"{pad}    {target}.additional_properties = {bag}"]
        return lines
