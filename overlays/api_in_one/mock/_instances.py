"""JSON values that satisfy a JSON Schema, as a model asked for one writes them.

The mock fills a tool's ``parameters`` and a ``response_format`` schema with
these. Every choice (an enum member, a number, a word) is drawn from a seed,
so one request always gets the same value. Covered: ``type`` (one or a
list), ``enum``, ``const``, ``properties`` with ``required`` (every declared
property is given, nothing else, so ``additionalProperties: false`` holds),
``additionalProperties`` as a schema, ``items`` and ``prefixItems`` with
``minItems``/``maxItems``, string lengths and common formats, number bounds
and ``multipleOf``, local ``$ref`` (pydantic's ``$defs``), ``anyOf``,
``oneOf`` and ``allOf``. ``pattern`` is not followed: no model can be held
to it either.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

__all__ = ["instance"]

_WORDS = ("harbour", "amber", "lantern", "meadow", "copper", "willow", "summit", "ember")
_MAX_DEPTH = 12
"""Schemas nested deeper (a recursive ``$ref``) get the least value that may satisfy them."""
_FORMATS = {
    "date-time": "2025-01-{day:02d}T12:00:00Z",
    "date": "2025-01-{day:02d}",
    "time": "12:{day:02d}:00",
    "email": "{word}@example.com",
    "uri": "https://example.com/{word}",
    "url": "https://example.com/{word}",
    "hostname": "{word}.example.com",
    "ipv4": "192.0.2.{day}",
    "uuid": "00000000-0000-4000-8000-0000000000{day:02d}",
}


def instance(schema: Any, seed: bytes) -> Any:
    """A value valid against ``schema`` (a JSON Schema as parsed JSON), the same for one seed."""
    return _Writer(schema, seed).value(schema, 0)


class _Writer:
    def __init__(self, root: Any, seed: bytes) -> None:
        self.root, self.seed, self.drawn = root, seed, 0

    def draw(self, choices: int) -> int:
        """The next deterministic number in ``range(choices)``."""
        self.drawn += 1
        digest = hashlib.sha256(self.seed + self.drawn.to_bytes(4, "big")).digest()
        return int.from_bytes(digest[:4], "big") % max(choices, 1)

    def value(self, schema: Any, depth: int) -> Any:
        if not isinstance(schema, dict):
            return self.word() if schema is not False else None
        schema = self.resolved(schema, depth)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return schema["enum"][self.draw(len(schema["enum"]))]
        for combined in ("anyOf", "oneOf"):
            branches = schema.get(combined)
            if isinstance(branches, list) and branches:
                return self.value(_first_not_null(branches), depth + 1)
        kind = self.kind(schema)
        if kind == "object":
            return self.object(schema, depth)
        if kind == "array":
            return self.array(schema, depth)
        if kind == "integer":
            return self.integer(schema)
        if kind == "number":
            return self.number(schema)
        if kind == "boolean":
            return self.draw(2) == 0
        if kind == "null":
            return None
        return self.string(schema)

    def resolved(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        """``schema`` with its local ``$ref`` and ``allOf`` parts merged in."""
        merged = dict(schema)
        for _ in range(_MAX_DEPTH):
            reference = merged.pop("$ref", None)
            parts = merged.pop("allOf", None)
            if not isinstance(reference, str) and not isinstance(parts, list):
                break
            if isinstance(reference, str):
                merged = {**self.pointed(reference), **merged}
            for part in parts if isinstance(parts, list) else []:
                part = self.resolved(part, depth + 1) if isinstance(part, dict) else {}
                properties = {**part.get("properties", {}), **merged.get("properties", {})}
                required = [*part.get("required", []), *merged.get("required", [])]
                merged = {**part, **merged}
                if properties:
                    merged["properties"], merged["required"] = properties, required
        return merged

    def pointed(self, reference: str) -> dict[str, Any]:
        """The schema a local ``#/...`` reference points at; ``{}`` for any other."""
        if not reference.startswith("#"):
            return {}
        target: Any = self.root
        for token in filter(None, reference[1:].split("/")):
            token = token.replace("~1", "/").replace("~0", "~")
            target = target.get(token) if isinstance(target, dict) else None
        return target if isinstance(target, dict) else {}

    @staticmethod
    def kind(schema: dict[str, Any]) -> str:
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), kind[0] if kind else None)
        if isinstance(kind, str):
            return kind
        if "properties" in schema or "additionalProperties" in schema:
            return "object"
        if "items" in schema or "prefixItems" in schema:
            return "array"
        return "string"

    def object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        properties = schema.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        required = [name for name in schema.get("required", []) if isinstance(name, str)]
        if depth >= _MAX_DEPTH:
            names = required  # the least a deep recursion may stop at
        else:
            names = [*properties, *(name for name in required if name not in properties)]
        result = {name: self.value(properties.get(name, {}), depth + 1) for name in names}
        extra = schema.get("additionalProperties")
        if not properties and isinstance(extra, dict) and depth < _MAX_DEPTH:
            result[self.word()] = self.value(extra, depth + 1)
        return result

    def array(self, schema: dict[str, Any], depth: int) -> list[Any]:
        low, high = _limit(schema.get("minItems")) or 0, _limit(schema.get("maxItems"))
        prefix = schema.get("prefixItems")
        prefix = prefix if isinstance(prefix, list) else []
        count = max(low, len(prefix), 0 if depth >= _MAX_DEPTH else 1 + self.draw(2))
        if high is not None:
            count = min(count, high)
        items = schema.get("items", {})
        values = [
            self.value(prefix[index] if index < len(prefix) else items, depth + 1)
            for index in range(count)
        ]
        if schema.get("uniqueItems"):
            values = [value for index, value in enumerate(values) if value not in values[:index]]
        return values

    def integer(self, schema: dict[str, Any]) -> int:
        low, high = _bounds(schema)
        first = None if low is None else math.floor(low[0]) + 1 if low[1] else math.ceil(low[0])
        last = None if high is None else math.ceil(high[0]) - 1 if high[1] else math.floor(high[0])
        if first is None:
            first = 1 if last is None or last >= 1 else last
        if last is None:
            last = first + 99
        step = schema.get("multipleOf")
        if isinstance(step, int) and not isinstance(step, bool) and step > 0:
            start = math.ceil(first / step) * step
            return start + step * self.draw(max((last - start) // step + 1, 1))
        return first + self.draw(max(last - first + 1, 1))

    def number(self, schema: dict[str, Any]) -> float | int:
        if isinstance(schema.get("multipleOf"), int):
            return self.integer(schema)
        low, high = _bounds(schema)
        first = low[0] if low is not None else (high[0] - 100.0 if high is not None else 0.0)
        last = high[0] if high is not None else first + 100.0
        # Strictly inside the bounds, so exclusive ones hold too.
        fraction = (1 + self.draw(999)) / 1000
        return round(first + (last - first) * fraction, 6) if last > first else first

    def string(self, schema: dict[str, Any]) -> str:
        template = _FORMATS.get(str(schema.get("format")))
        day = 1 + self.draw(28)
        text = template.format(day=day, word=self.word()) if template else self.word()
        low, high = _limit(schema.get("minLength")) or 0, _limit(schema.get("maxLength"))
        while len(text) < low:
            text += " " + self.word()
        return text[:high] if high is not None else text

    def word(self) -> str:
        return _WORDS[self.draw(len(_WORDS))]


def _first_not_null(branches: list[Any]) -> Any:
    """The first branch that is not the ``null`` of an optional value."""
    return next((b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")), {})


def _limit(value: Any) -> int | None:
    """A count bound of the schema (``minItems``, ``maxLength``…), if it is one."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _bounds(schema: dict[str, Any]) -> tuple[tuple[float, bool] | None, tuple[float, bool] | None]:
    """The lower and upper bound of a number, each with whether it is exclusive."""
    bounds: list[tuple[float, bool] | None] = []
    for inclusive, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        strict, plain = _number(schema.get(exclusive)), _number(schema.get(inclusive))
        if strict is not None:
            bounds.append((strict, True))
        else:
            bounds.append(None if plain is None else (plain, False))
    return bounds[0], bounds[1]
