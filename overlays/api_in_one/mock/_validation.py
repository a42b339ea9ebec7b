"""Request validation from openapi.yaml: the spec's own schemas, not a second copy of the rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .._operations import operations, routes
from .._spec import load_spec

__all__ = ["Operation", "Operations", "describe_error"]

_SPEC_URI = "urn:api-in-one:openapi"


@dataclass(frozen=True)
class Operation:
    """One operation of the spec, with validators for its path parameters and body."""

    operation_id: str
    method: str
    template: str
    parameters: dict[str, jsonschema.Draft202012Validator]
    body: jsonschema.Draft202012Validator | None


class Operations:
    """Finds the operation for a method and path, and validates against the spec.

    Paths are matched by ``_operations.routes``, the matcher the client's
    transport uses too.
    """

    def __init__(self, spec: dict[str, Any] | None = None) -> None:
        spec = load_spec() if spec is None else spec
        registry: Registry[Any] = Registry().with_resource(
            _SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT202012)
        )
        self._routes = routes(spec)
        self._by_id: dict[str, Operation] = {}
        for facts in operations(spec):
            operation = spec["paths"][facts.path][facts.method.lower()]
            self._by_id[facts.operation_id] = Operation(
                operation_id=facts.operation_id,
                method=facts.method,
                template=facts.path,
                parameters={
                    parameter["name"]: _validator(parameter["schema"], registry)
                    for parameter in map(
                        lambda p: _resolve(spec, p), operation.get("parameters", [])
                    )
                },
                body=_body_validator(operation, registry),
            )

    def match(self, method: str, path: str) -> tuple[Operation | None, dict[str, str], list[str]]:
        """(operation, path parameters, methods allowed on the path); operation None if no match.

        ``path`` is under the base URL, without its prefix.
        """
        found = self._routes.match(path, under_prefix=False)
        if found is None:
            return None, {}, []
        facts = found.by_method.get(method)
        operation = None if facts is None else self._by_id[facts.operation_id]
        return operation, dict(found.parameters), sorted(found.by_method)


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    if "$ref" not in node:
        return node
    target: Any = spec
    for part in node["$ref"].removeprefix("#/").split("/"):
        target = target[part]
    return dict(target)


def _validator(schema: dict[str, Any], registry: Registry[Any]) -> jsonschema.Draft202012Validator:
    if "$ref" in schema:
        schema = {"$ref": _SPEC_URI + schema["$ref"]}
    return jsonschema.Draft202012Validator(
        schema, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _body_validator(
    operation: dict[str, Any], registry: Registry[Any]
) -> jsonschema.Draft202012Validator | None:
    body = operation.get("requestBody")
    if body is None:
        return None
    return _validator(body["content"]["application/json"]["schema"], registry)


def describe_error(
    validator: jsonschema.Draft202012Validator, value: Any, where: str
) -> str | None:
    """A one-line message naming the field and the rule broken, or None when ``value`` is valid."""
    error = jsonschema.exceptions.best_match(validator.iter_errors(value))
    if error is None:
        return None
    field = ".".join(str(part) for part in error.absolute_path) or where
    rule, limit, instance = error.validator, error.validator_value, error.instance
    if rule == "required":
        missing = next(name for name in limit if name not in instance)
        return (
            f"{field}.{missing}: is required" if error.absolute_path else f"{missing}: is required"
        )
    if rule in {"minLength", "maxLength"}:
        return f"{field}: {_short(instance)} has {len(instance)} characters ({rule} {limit})"
    if rule in {"minItems", "maxItems"}:
        return f"{field}: has {len(instance)} items ({rule} {limit})"
    if rule == "type":
        return f"{field}: {_short(instance)} is not of type {limit} (type)"
    if rule == "enum":
        return f"{field}: {_short(instance)} is not one of {limit} (enum)"
    if rule == "format":
        return f"{field}: {_short(instance)} is not a valid {limit} (format)"
    if rule in {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "pattern", "const"}:
        return f"{field}: {_short(instance)} breaks {rule} {limit!r}"
    return f"{field}: {_short(instance)} is not valid ({rule})"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
