"""Request bodies and path parameters that break the spec's own constraints, for free 400 checks.

Each starts from a valid request (the operation's first example) and breaks
one rule the schema states: a required property left out, a string too
short or too long, a number out of range, a value outside an ``enum``, a
malformed ``format``, an empty list where items are required, or a value of
the wrong type. A server that follows the spec answers each with 400.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Invalid", "invalid_bodies", "invalid_parameter"]

_WRONG_TYPE: Mapping[str, Any] = {
    "string": 12345,
    "integer": "many",
    "number": "many",
    "boolean": "yes",
    "array": "not a list",
    "object": "not an object",
}
_BAD_FORMAT: Mapping[str, str] = {
    "uri": "not a url",
    "date-time": "yesterday",
    "email": "nobody",
}


@dataclass(frozen=True)
class Invalid:
    """A request that breaks one rule, and that rule in words."""

    rule: str
    """E.g. ``prompt too short (minLength 3)``."""
    value: Any
    """The whole body, or the parameter's value."""


Resolver = Callable[[Any], Any]


def invalid_bodies(
    schema: Mapping[str, Any],
    valid: Mapping[str, Any],
    resolve: Resolver,
    is_invalid: Callable[[Any], bool],
    *,
    limit: int = 3,
) -> list[Invalid]:
    """Up to ``limit`` bodies, each breaking a different kind of rule of ``schema``.

    ``resolve`` follows a ``$ref`` node to the schema it names; ``is_invalid``
    tells whether the spec rejects a body (a broken rule inside a ``oneOf``
    may leave another branch that accepts it).
    """
    candidates = [c for c in _candidates(schema, valid, resolve) if is_invalid(c[2].value)]
    found: list[Invalid] = []
    kinds: set[str] = set()
    # First one rule per property, for variety; then any property for the kinds still missing.
    for fresh_properties in (True, False):
        used: set[str] = set()
        for kind, name, invalid in candidates:
            if len(found) == limit:
                return found
            if kind in kinds or (fresh_properties and name in used):
                continue
            kinds.add(kind)
            used.add(name)
            found.append(invalid)
    return found


def invalid_parameter(name: str, schema: Mapping[str, Any]) -> Invalid | None:
    """A value of a path parameter that breaks its schema, or None when none can be built."""
    if isinstance(schema.get("maxLength"), int):
        length = schema["maxLength"] + 1
        return Invalid(f"{name} too long (maxLength {schema['maxLength']})", "a" * length)
    return None


def _candidates(
    schema: Mapping[str, Any], valid: Mapping[str, Any], resolve: Resolver
) -> Iterator[tuple[str, str, Invalid]]:
    """(kind of rule, property, the invalid body) for every rule the schema lets us break."""
    schema = resolve(schema)
    for name in schema.get("required", []):
        if name in valid:
            body = {key: value for key, value in valid.items() if key != name}
            yield "required", name, Invalid(f"required {name} missing", body)
            break
    properties: Mapping[str, Any] = schema.get("properties", {})
    for name, raw in properties.items():
        for kind, rule, value in _broken_values(name, resolve(raw)):
            body = copy.deepcopy(dict(valid))
            body[name] = value
            yield kind, name, Invalid(rule, body)


def _broken_values(name: str, node: Mapping[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(kind of rule, the rule in words, a value breaking it) for one property's schema."""
    minimum_length = node.get("minLength")
    if isinstance(minimum_length, int) and minimum_length > 0:
        yield "length", f"{name} too short (minLength {minimum_length})", "x" * (minimum_length - 1)
    if isinstance(node.get("maxLength"), int):
        limit = node["maxLength"]
        yield "length", f"{name} too long (maxLength {limit})", "x" * (limit + 1)
    if isinstance(node.get("minItems"), int) and node["minItems"] > 0:
        yield "items", f"{name} with too few items (minItems {node['minItems']})", []
    for rule, step in (("minimum", -1), ("maximum", 1), ("exclusiveMinimum", 0)):
        bound = node.get(rule)
        if isinstance(bound, int | float) and not isinstance(bound, bool):
            yield "range", f"{name} out of range ({rule} {bound:g})", bound + step
    if isinstance(node.get("enum"), list):
        yield "enum", f"{name} not one of its enum values", "not-a-documented-value"
    if node.get("format") in _BAD_FORMAT:
        yield "format", f"{name} not a valid {node['format']}", _BAD_FORMAT[node["format"]]
    kind = node.get("type")
    if isinstance(kind, str) and kind in _WRONG_TYPE:
        yield "type", f"{name} of the wrong type (not {kind})", _WRONG_TYPE[kind]
