"""A JSON Schema compiled into one fast yes/no function, for the checks every answer pays for.

``jsonschema`` builds an error tree as it walks, which costs a few hundred
microseconds for a task status answer: more than a third of a loopback
request. Answers are nearly always valid, so the contract asks this function
first and lets ``jsonschema`` explain only the answers it rejects. The
function says exactly what ``jsonschema`` (Draft 2020-12, the contract's
``examples`` rule, its format checker) would: a schema holding a keyword it
does not know raises ``Unsupported``, and the contract then keeps
``jsonschema`` for that schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Check", "Unsupported", "compile_schema"]

Check = Callable[[Any], bool]
Lookup = Callable[[str], Any]
"""The schema at a ``#/...`` pointer."""
Conforms = Callable[[Any, str], bool]
"""Whether a value conforms to a ``format``: ``FormatChecker.conforms``."""

_ANNOTATIONS = frozenset(
    {
        "$comment",
        "contentEncoding",
        "contentMediaType",
        "contentSchema",
        "default",
        "deprecated",
        "description",
        "example",
        "readOnly",
        "title",
        "writeOnly",
    }
)
"""Keywords that never make a value invalid (``contentSchema`` is checked by the stream rules)."""


_FORMAT_VERDICTS = 256
"""Format verdicts kept per ``format`` keyword, by value."""


class Unsupported(ValueError):
    """The schema uses a keyword this compiler does not check."""


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_TYPES: Mapping[str, Check] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
}


_PYTHON_TYPES: Mapping[str, type] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def _equal(one: Any, other: Any) -> bool:
    """JSON equality as ``jsonschema`` has it: ``true`` is not ``1``, ``1`` is ``1.0``."""
    if isinstance(one, bool) or isinstance(other, bool):
        return isinstance(one, bool) and isinstance(other, bool) and one == other
    if isinstance(one, dict) and isinstance(other, dict):
        return one.keys() == other.keys() and all(_equal(one[k], other[k]) for k in one)
    if isinstance(one, list) and isinstance(other, list):
        return len(one) == len(other) and all(map(_equal, one, other))
    if isinstance(one, dict | list) or isinstance(other, dict | list):
        return False
    return bool(one == other)


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


def _all(checks: list[Check]) -> Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]

    def every(value: Any) -> bool:
        # A loop, not all(): a generator costs a frame per value on every answer.
        for check in checks:  # noqa: SIM110
            if not check(value):
                return False
        return True

    return every


class _Compiler:
    def __init__(self, lookup: Lookup, conforms: Conforms) -> None:
        self.lookup, self.conforms = lookup, conforms
        self.references: dict[str, Check] = {}

    def reference(self, pointer: str) -> Check:
        found = self.references.get(pointer)
        if found is not None:
            return found
        compiled: list[Check] = []

        def deferred(value: Any) -> bool:  # a schema that refers to itself, through its pointer
            return compiled[0](value)

        self.references[pointer] = deferred
        compiled.append(self.schema(self.lookup(pointer)))
        self.references[pointer] = compiled[0]
        return compiled[0]

    def schema(self, schema: Any) -> Check:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, Mapping):
            raise Unsupported(f"not a schema: {schema!r}")
        unknown = [
            key
            for key in schema
            if key not in _KEYWORDS and key not in _ANNOTATIONS and not key.startswith("x-")
        ]
        if unknown:
            raise Unsupported(", ".join(unknown))
        checks: list[Check] = []
        for keyword, build in _KEYWORDS.items():
            if keyword in schema:
                check = build(self, schema)
                if check is not None:
                    checks.append(check)
        return _all(checks)


def _ref(compiler: _Compiler, schema: Mapping[str, Any]) -> Check:
    pointer = schema["$ref"]
    if not isinstance(pointer, str) or not pointer.startswith("#/"):
        raise Unsupported(f"$ref {pointer!r}")
    return compiler.reference(pointer)


def _type(compiler: _Compiler, schema: Mapping[str, Any]) -> Check:
    names = schema["type"]
    names = [names] if isinstance(names, str) else list(names)
    if len(names) == 1:
        return _TYPES[names[0]]
    # One isinstance for the types Python tells apart by class; numbers exclude bool.
    plain = tuple(_PYTHON_TYPES[name] for name in names if name in _PYTHON_TYPES)
    numeric = next((_TYPES[name] for name in ("number", "integer") if name in names), None)
    if numeric is None:
        return lambda value: isinstance(value, plain)
    return lambda value: isinstance(value, plain) or numeric(value)


def _enum(compiler: _Compiler, schema: Mapping[str, Any]) -> Check:
    allowed = list(schema["enum"])
    return lambda value: any(_equal(value, known) for known in allowed)


def _const(compiler: _Compiler, schema: Mapping[str, Any]) -> Check:
    constant = schema["const"]
    return lambda value: _equal(value, constant)


def _object(compiler: _Compiler, schema: Mapping[str, Any]) -> Check | None:
    """``properties``, ``required`` and ``additionalProperties`` in one pass over the keys."""
    properties = {name: compiler.schema(sub) for name, sub in schema.get("properties", {}).items()}
    required = tuple(schema.get("required", ()))
    extra_schema = schema.get("additionalProperties", True)
    extra = None if extra_schema is True else compiler.schema(extra_schema)

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for name in required:
            if name not in value:
                return False
        for name, item in value.items():
            found = properties.get(name)
            if found is None:
                if extra is not None and not extra(item):
                    return False
            elif not found(item):
                return False
        return True

    return check


def _items(compiler: _Compiler, schema: Mapping[str, Any]) -> Check:
    each = compiler.schema(schema["items"])
    return lambda value: not isinstance(value, list) or all(map(each, value))


def _sized(
    kind: type[str] | type[list[Any]], keyword: str, fits: Callable[[int, int], bool]
) -> Any:
    def build(compiler: _Compiler, schema: Mapping[str, Any]) -> Check:
        limit = schema[keyword]
        return lambda value: not isinstance(value, kind) or fits(len(value), limit)

    return build


def _bound(keyword: str, fits: Callable[[Any, Any], bool]) -> Any:
    def build(compiler: _Compiler, schema: Mapping[str, Any]) -> Check:
        limit = schema[keyword]
        return lambda value: not _is_number(value) or fits(value, limit)

    return build


def _pattern(compiler: _Compiler, schema: Mapping[str, Any]) -> Check:
    search = re.compile(schema["pattern"]).search
    return lambda value: not isinstance(value, str) or search(value) is not None


def _format(compiler: _Compiler, schema: Mapping[str, Any]) -> Check:
    # A task's polls repeat its timestamps and URLs: the verdicts are kept, a bounded few.
    name, conforms, known = schema["format"], compiler.conforms, dict[str, bool]()

    def check(value: Any) -> bool:
        if not isinstance(value, str):
            return conforms(value, name)
        verdict = known.get(value)
        if verdict is None:
            if len(known) >= _FORMAT_VERDICTS:
                known.clear()
            verdict = known[value] = conforms(value, name)
        return verdict

    return check


def _examples(compiler: _Compiler, schema: Mapping[str, Any]) -> Check | None:
    """The contract's rule: an open string's ``examples`` are its known values."""
    examples = schema["examples"]
    if schema.get("type") != "string" or "enum" in schema or not isinstance(examples, list):
        return None
    known = frozenset(str(example).casefold() for example in examples)
    return lambda value: not isinstance(value, str) or value.casefold() in known


def _any_of(compiler: _Compiler, schema: Mapping[str, Any]) -> Check:
    branches = [compiler.schema(sub) for sub in schema["anyOf"]]
    return lambda value: any(branch(value) for branch in branches)


def _one_of(compiler: _Compiler, schema: Mapping[str, Any]) -> Check:
    branches = [compiler.schema(sub) for sub in schema["oneOf"]]
    return lambda value: sum(1 for branch in branches if branch(value)) == 1


def _all_of(compiler: _Compiler, schema: Mapping[str, Any]) -> Check:
    return _all([compiler.schema(sub) for sub in schema["allOf"]])


def _not(compiler: _Compiler, schema: Mapping[str, Any]) -> Check:
    inner = compiler.schema(schema["not"])
    return lambda value: not inner(value)


def _if(compiler: _Compiler, schema: Mapping[str, Any]) -> Check:
    condition = compiler.schema(schema["if"])
    then = compiler.schema(schema.get("then", True))
    otherwise = compiler.schema(schema.get("else", True))
    return lambda value: then(value) if condition(value) else otherwise(value)


def _handled_elsewhere(compiler: _Compiler, schema: Mapping[str, Any]) -> None:
    return None


_KEYWORDS: Mapping[str, Callable[[_Compiler, Mapping[str, Any]], Check | None]] = {
    "$ref": _ref,
    "type": _type,
    "enum": _enum,
    "const": _const,
    "properties": _object,
    "required": lambda compiler, schema: (
        None if "properties" in schema else _object(compiler, schema)
    ),
    "additionalProperties": lambda compiler, schema: (
        None if "properties" in schema or "required" in schema else _object(compiler, schema)
    ),
    "items": _items,
    "minItems": _sized(list, "minItems", lambda size, limit: size >= limit),
    "maxItems": _sized(list, "maxItems", lambda size, limit: size <= limit),
    "minLength": _sized(str, "minLength", lambda size, limit: size >= limit),
    "maxLength": _sized(str, "maxLength", lambda size, limit: size <= limit),
    "minimum": _bound("minimum", lambda value, limit: value >= limit),
    "maximum": _bound("maximum", lambda value, limit: value <= limit),
    "exclusiveMinimum": _bound("exclusiveMinimum", lambda value, limit: value > limit),
    "exclusiveMaximum": _bound("exclusiveMaximum", lambda value, limit: value < limit),
    "pattern": _pattern,
    "format": _format,
    "examples": _examples,
    "anyOf": _any_of,
    "oneOf": _one_of,
    "allOf": _all_of,
    "not": _not,
    "if": _if,
    "then": _handled_elsewhere,
    "else": _handled_elsewhere,
}


def compile_schema(pointer: str, lookup: Lookup, conforms: Conforms) -> Check:
    """The yes/no check of the schema at ``pointer``; raises ``Unsupported`` (see the module)."""
    return _Compiler(lookup, conforms).reference(pointer)
