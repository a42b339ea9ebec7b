"""A yes in C for JSON text of a schema made of structure and plain types: msgspec structs.

A stream event whose keys come in a new order every time fits no frame
(``_event_frames``), and the full check (decode, then walk the schema) costs
several times what reading it does. When a schema uses only ``type``,
``properties``, ``required``, ``additionalProperties`` (true or false),
``items``, ``$ref`` and ``anyOf``/``oneOf`` of different JSON types, msgspec
can decode a text into structs written from it, checking each key and type
as it reads, in any key order. msgspec is the stricter of the two (``1.0`` is
no integer to it, a duplicate key must fit each time), so a text it reads is
valid and one it refuses is left to the full check, which gives the verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

__all__ = ["struct_check"]

Lookup = Callable[[str], Any]

_ANNOTATIONS = frozenset(
    {"description", "title", "default", "deprecated", "readOnly", "writeOnly", "$comment"}
    | {"example", "examples", "contentMediaType", "contentSchema", "contentEncoding"}
)
_KEYWORDS = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "anyOf", "oneOf"}
)
_PLAIN: dict[str, Any] = {
    "string": str,
    "integer": int,
    "number": int | float,
    "boolean": bool,
    "null": None,
}
_MAX_DEPTH = 16


class _Unsupported(Exception):
    """A keyword or a form whose verdict msgspec does not give."""


def struct_check(pointer: str, lookup: Lookup) -> Callable[[str], bool] | None:
    """A function from JSON text to True when msgspec reads it as the schema at ``pointer``
    (then it is valid; False says nothing), or None for a schema of other keywords."""
    node = lookup(pointer)
    while isinstance(node, dict) and set(node) - _ANNOTATIONS == {"$ref"}:
        node = lookup(node["$ref"])
    # Valid when any branch is: each is a decoder of its own, as a union of objects is one
    # msgspec cannot tell apart.
    branches = node["anyOf"] if isinstance(node, dict) and set(node) == {"anyOf"} else [node]
    types = _Types(lookup)
    try:
        decoders = [msgspec.json.Decoder(types.of(branch, 0)).decode for branch in branches]
    except (_Unsupported, TypeError):  # TypeError: a union msgspec cannot tell apart
        return None

    def passes(text: str) -> bool:
        for decode in decoders:
            try:
                decode(text)
            except (msgspec.DecodeError, RecursionError):
                continue
            return True
        return False

    return passes


class _Types:
    def __init__(self, lookup: Lookup) -> None:
        self.lookup = lookup
        self.count = 0

    def of(self, node: Any, depth: int) -> Any:
        """The msgspec type of the schema ``node``."""
        if depth > _MAX_DEPTH or not isinstance(node, dict):
            raise _Unsupported(node)
        keys = set(node) - _ANNOTATIONS
        if "$ref" in node:
            if keys != {"$ref"}:
                raise _Unsupported("$ref beside other keywords")
            return self.of(self.lookup(node["$ref"]), depth + 1)
        if not keys <= _KEYWORDS:
            raise _Unsupported(sorted(keys - _KEYWORDS))
        branches = node.get("anyOf", node.get("oneOf"))
        if branches is not None:
            if keys - {"anyOf", "oneOf"} or len(keys) != 1:
                raise _Unsupported("a union beside other keywords")
            if "oneOf" in node and not self.one_of_null(branches):
                raise _Unsupported("oneOf whose branches may overlap")
            union: Any = None
            for branch in branches:
                member = self.of(branch, depth + 1)
                union = member if union is None else union | member
            return union
        declared = node.get("type")
        if declared is None and "properties" not in node and "items" not in node:
            return Any
        names = [declared] if isinstance(declared, str) else declared
        if names is None:
            names = ["object"] if "properties" in node else ["array"]
        kinds: Any = None
        for name in names:
            kind = self.kind(name, node, depth)
            kinds = kind if kinds is None else kinds | kind
        return kinds

    def one_of_null(self, branches: list[Any]) -> bool:
        """Whether the ``oneOf`` is a schema of one JSON type, or null: never both at once."""
        named = []
        for branch in branches:
            while isinstance(branch, dict) and "$ref" in branch:
                branch = self.lookup(branch["$ref"])
            named.append(branch.get("type") if isinstance(branch, dict) else None)
        return len(named) == 2 and "null" in named and all(isinstance(n, str) for n in named)

    def kind(self, name: str, node: dict[str, Any], depth: int) -> Any:
        if name in _PLAIN:
            return _PLAIN[name]
        if name == "array":
            return list[self.of(node["items"], depth + 1)] if "items" in node else list  # type: ignore[misc]
        if name != "object":
            raise _Unsupported(name)
        extra = node.get("additionalProperties", True)
        properties = node.get("properties", {})
        required = node.get("required", [])
        if extra not in (True, False) or not set(required) <= set(properties):
            raise _Unsupported("additionalProperties or required")
        if not properties:
            if extra is False:
                raise _Unsupported("an object with no keys")
            return dict[str, Any]
        fields: list[Any] = []
        for index, (key, schema) in enumerate(properties.items()):
            kind = self.of(schema, depth + 1)
            fields.append((f"f{index}", kind) if key in required else (f"f{index}", kind, None))
        self.count += 1
        return msgspec.defstruct(
            f"S{self.count}",
            fields,
            kw_only=True,
            forbid_unknown_fields=extra is False,
            rename={f"f{index}": key for index, key in enumerate(properties)},
        )
