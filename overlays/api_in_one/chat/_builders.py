"""Builders of generated models from decoded JSON, compiled once from the spec and the models.

``builder(ChatCompletionChunk)`` returns a function equal to
``ChatCompletionChunk.from_dict``, with the nested models of required and
list properties built inline rather than through a ``from_dict`` call each:
for a stream's chunk that is three calls fewer, a good part of its cost. The
code is written from the model's schema in ``openapi.yaml`` (the JSON key of
each attrs field) and the attrs field types (which properties hold models),
so it follows the spec like the generated code does, and knows no field of
its own. A property of any other kind, or a model the spec does not name,
is built by its generated ``from_dict``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import islice
from operator import itemgetter
from typing import Any

import attrs

from api_in_one_client import models
from api_in_one_client.types import UNSET

from .._spec import load_spec

__all__ = ["builder", "fields"]

_INLINE_DEPTH = 3
"""Models nested deeper than this are built by a call to their own builder."""


def builder(model: type[Any]) -> Callable[[Any], Any]:
    """A function building ``model`` from a decoded JSON object as its ``from_dict`` does."""
    writer = _Writer()
    lines = ["def build(d):", *writer.model(model, "d", "out", 1, 0), "    return out"]
    namespace = {**writer.names, "UNSET": UNSET}
    exec("\n".join(lines), namespace)  # only code written above from the spec's names
    built: Callable[[Any], Any] = namespace["build"]
    return built


class _Writer:
    def __init__(self) -> None:
        self.names: dict[str, Any] = {}
        self.count = 0

    def name(self, value: object, prefix: str = "c") -> str:
        """A name for ``value`` in the builder's namespace."""
        for name, known in self.names.items():
            if known is value:
                return name
        name = f"{prefix}{len(self.names)}"
        self.names[name] = value
        return name

    def fresh(self) -> str:
        self.count += 1
        return f"v{self.count}"

    def listed(self, model: type[Any], value: str, indent: int, depth: int) -> list[str]:
        """Lines that replace the list in ``value`` by a list of ``model`` built from its items."""
        pad = "    " * indent
        items, item, built = self.fresh(), self.fresh(), self.fresh()
        return [
            f"{pad}{items} = []",
            f"{pad}for {item} in {value}:",
            *self.model(model, item, built, indent + 1, depth + 1),
            f"{pad}    {items}.append({built})",
            f"{pad}{value} = {items}",
        ]

    def model(
        self, model: type[Any], source: str, target: str, indent: int, depth: int
    ) -> list[str]:
        """Lines that build ``model`` from the dict in ``source`` into ``target``."""
        pad = "    " * indent
        declared = fields(model)
        if declared is None or depth > _INLINE_DEPTH:
            return [f"{pad}{target} = {self.name(model.from_dict)}({source})"]
        # The declared keys with UNSET, overlaid with the object's own: one C-level merge and
        # one itemgetter read every field, where a .get per field costs several times more.
        defaults = self.name(dict.fromkeys([key for key, *_ in declared], UNSET), "d")
        getter = self.name(itemgetter(*[key for key, *_ in declared]), "g")
        merged, arguments = self.fresh(), [self.fresh() for _ in declared]
        unpacked = ", ".join(arguments) + ("," if len(arguments) == 1 else "")
        single = "(" if len(arguments) == 1 else ""
        lines = [
            f"{pad}{merged} = {defaults} | {source}",
            f"{pad}{unpacked} = {single}{getter}({merged}){',)' if single else ''}",
        ]
        for (key, kind, inner, required, _), value in zip(declared, arguments, strict=True):
            if required:
                lines += [f"{pad}if {value} is UNSET:", f"{pad}    raise KeyError({key!r})"]
            if kind == "plain":
                continue
            # A required value is built as it is; an optional one only when present.
            inside = indent if required else indent + 1
            if not required:
                test = f"isinstance({value}, dict)" if kind == "union" else f"{value} is not UNSET"
                lines.append(f"{pad}if {test}:")
            if kind == "list":
                lines += self.listed(inner, value, inside, depth)
            else:
                lines += self.model(inner, value, value, inside, depth + 1)
        built = self.fresh() if target == source else target
        # The merge put the declared keys first: the object's own unknown keys follow, in its
        # order, and are copied in C.
        lines += [
            f"{pad}{built} = {self.name(model)}({', '.join(arguments)})",
            f"{pad}if len({merged}) != {len(declared)}:",
            f"{pad}    {built}.additional_properties = "
            f"dict({self.name(islice, 'f')}({merged}.items(), {len(declared)}, None))",
        ]
        if built != target:
            lines.append(f"{pad}{target} = {built}")
        return lines


def fields(model: type[Any]) -> list[tuple[str, str, Any, bool, Any]] | None:
    """``(JSON key, kind, nested model, required, property schema)`` per field in constructor
    order, or None when some field is of a kind only the model's ``from_dict`` builds."""
    schema = load_spec()["components"]["schemas"].get(model.__name__)
    if not attrs.has(model) or not isinstance(schema, dict) or not schema.get("properties"):
        return None
    properties = schema["properties"]
    keys = {}
    for key in properties:
        name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()
        keys[name] = keys[f"{name}_"] = key  # the generator adds "_" to reserved names
    fields = []
    for field in attrs.fields(model):
        if not field.init:
            continue
        key = keys.get(field.name)
        kind_and_model = _kind(str(field.type))
        if key is None or kind_and_model is None:
            return None
        required = field.default is attrs.NOTHING
        fields.append((key, *kind_and_model, required, properties[key]))
    return fields


def _kind(annotation: str) -> tuple[str, Any] | None:
    """How a field of this type is read: a plain value, a model, a list of models, or a model
    or a plain value (the generated code's ``isinstance(value, dict)`` union)."""
    members = [member.strip() for member in annotation.split("|")]
    plain = {"None", "Unset", "str", "int", "float", "bool", "Any"}
    found = [member for member in members if member not in plain]
    if not found:
        return ("plain", None)
    if len(found) > 1:
        return None
    [member] = found
    listed = re.fullmatch(r"list\[(\w+)\]", member)
    model = getattr(models, listed.group(1) if listed else member, None)
    if not isinstance(model, type):
        return None
    if listed:
        return ("list", model)
    # Required, optional (present unless UNSET), or a model or null (built from a dict only).
    return ("model", model) if members == [member] or "None" not in members else ("union", model)
