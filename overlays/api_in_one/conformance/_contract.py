"""What openapi.yaml promises about each answer, checked against one answer actually received.

Status, media type, declared headers, the JSON body, and each Server-Sent
Event of a stream with the JSON it carries. A string the spec leaves open
but lists known values for (its ``examples``, as ``TaskStatusValue`` does)
counts as drift when it holds a value the spec never names: such a value is
exactly what should start the "edit the spec, regenerate" loop. So does a
declared header the server does not send, even one the spec calls optional
(the 429's rate-limit headers): clients reading the spec may look for it.
A header marked ``x-absent-is-drift: false`` is one the gateway is not
expected to send (the request id, which clients make themselves).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import jsonschema
from jsonschema import validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .. import _wire
from .._operations import OperationFacts
from ..chat._sse import SSEFramer, block_fields

__all__ = ["Answer", "Contract"]

_SPEC_URI = "urn:api-in-one:conformance"
_MAX_PROBLEMS = 5


def _known_values(
    validator: Any, examples: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[jsonschema.ValidationError]:
    """The ``examples`` of an open string are its known values: anything else is reported."""
    if (
        schema.get("type") == "string"
        and "enum" not in schema
        and isinstance(instance, str)
        and isinstance(examples, list)
        and instance.casefold() not in {str(known).casefold() for known in examples}
    ):
        known = ", ".join(map(str, examples))
        yield jsonschema.ValidationError(f"{instance!r} is none of the documented values {known}")


_AnswerValidator = validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator, {"examples": _known_values}, type_checker=None
)


@dataclass(frozen=True)
class Answer:
    """One HTTP answer as received: enough to check it and to quote it in a report."""

    method: str
    path: str
    """The path under the base URL, e.g. ``/tasks/n1abc``."""
    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def media_type(self) -> str:
        """The media type of ``Content-Type``, lower case, without parameters."""
        return _wire.media_type(self.headers)

    def json(self) -> Any:
        """The decoded JSON body; raises ``ValueError`` when it is not JSON."""
        return json.loads(self.body)


class Contract:
    """The responses openapi.yaml declares, and validators for them."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = spec
        self._registry: Registry[Any] = Registry().with_resource(
            _SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT202012)
        )
        self._validators: dict[str, jsonschema.protocols.Validator] = {}

    def responses(self, facts: OperationFacts) -> dict[str, Any]:
        """The operation's responses by status code (strings, as in the spec), resolved."""
        raw = self.spec["paths"][facts.path][facts.method.lower()].get("responses", {})
        return {status: self.resolve(response) for status, response in raw.items()}

    def parameter_schemas(self, facts: OperationFacts) -> dict[str, Any]:
        """The schemas of the operation's path parameters, by name."""
        raw = self.spec["paths"][facts.path][facts.method.lower()].get("parameters", [])
        found = {}
        for parameter in map(self.resolve, raw):
            if parameter.get("in") == "path":
                found[parameter["name"]] = self.resolve(parameter.get("schema", {}))
        return found

    def request_errors(self, facts: OperationFacts, body: Any) -> list[str]:
        """Why ``body`` breaks the operation's request schema (empty when it is valid)."""
        if facts.request_schema is None:
            return []
        pointer = f"#/components/schemas/{facts.request_schema}"
        return [error.message for error in self._validator(pointer).iter_errors(body)]

    def schema(self, pointer: str) -> Any:
        """The node at ``#/...`` in the spec."""
        return self._registry.resolver().lookup(_SPEC_URI + pointer).contents

    def check(self, facts: OperationFacts, answer: Answer) -> list[str]:
        """Every way ``answer`` breaks what the spec declares for the operation."""
        responses = self.responses(facts)
        declared = responses.get(str(answer.status)) or responses.get(f"{answer.status // 100}XX")
        declared = declared or responses.get("default")
        if declared is None:
            return [
                f"HTTP {answer.status} is not a declared response of {facts.operation_id} "
                f"(declared: {', '.join(responses)})"
            ]
        problems = list(self._header_problems(declared.get("headers", {}), answer.headers))
        content = declared.get("content", {})
        if not content:
            return problems
        media = content.get(answer.media_type)
        if media is None:
            problems.append(
                f"Content-Type {answer.media_type or '(none)'!r} is not declared for "
                f"HTTP {answer.status} (declared: {', '.join(content)})"
            )
            return problems
        pointer = self._pointer_of(
            facts, answer.status, declared, answer.media_type, media.get("schema", {})
        )
        if _wire.is_event_stream(answer.media_type):
            problems += self._stream_problems(pointer, answer.body)
        elif _wire.is_json(answer.media_type):
            problems += self._json_problems(pointer, answer.body)
        return problems

    def _header_problems(
        self, headers: Mapping[str, Any], received: httpx.Headers
    ) -> Iterator[str]:
        for name, raw in headers.items():
            header = self.resolve(raw)
            value = received.get(name)
            if value is None:
                if header.get("x-absent-is-drift", True):
                    yield f"header {name} is declared but was not sent"
                continue
            schema = self.resolve(header.get("schema", {}))
            if schema.get("type") == "integer" and not re.fullmatch(r"-?[0-9]+", value.strip()):
                yield f"header {name}: {value!r} is not an integer"

    def _json_problems(self, pointer: str | None, body: bytes) -> list[str]:
        try:
            value = json.loads(body)
        except ValueError as error:
            return [f"the body is not JSON: {error}"]
        return [] if pointer is None else self._schema_problems(pointer, value, "body")

    def _stream_problems(self, pointer: str | None, body: bytes) -> list[str]:
        problems: list[str] = []
        ends, contents = self._event_data(pointer)
        ended = False
        for number, event in enumerate(_events(body), start=1):
            where = f"event {number}"
            if ended:
                problems.append(f"{where}: arrives after the stream's end marker")
                break
            if pointer is not None:
                problems += self._schema_problems(pointer, event, where)
            data = event.get("data")
            if data in ends:
                ended = True
                continue
            if not contents:
                continue
            try:
                value = json.loads(data) if isinstance(data, str) else None
            except ValueError as error:
                problems.append(f"{where}: data is not JSON: {error}")
                continue
            found: list[list[str]] = [
                self._schema_problems(content, value, f"{where} data") for content in contents
            ]
            if all(found):
                shortest: list[str] = min(found, key=len)
                problems += shortest
        if ends and not ended:
            problems.append(f"the stream ended without {' or '.join(map(str, ends))}")
        return problems[:_MAX_PROBLEMS]

    def _event_data(self, pointer: str | None) -> tuple[list[Any], list[str]]:
        """The end markers (``const``) and JSON content schemas of an event's ``data``."""
        if pointer is None:
            return [], []
        event = self.schema(pointer)
        data_pointer = f"{pointer}/properties/data"
        data = event.get("properties", {}).get("data", {})
        ends, contents = [], []
        for index, branch in enumerate(data.get("anyOf", [data])):
            if "const" in branch:
                ends.append(branch["const"])
            elif "contentSchema" in branch and branch.get("contentMediaType", "").endswith("json"):
                suffix = f"/anyOf/{index}" if "anyOf" in data else ""
                contents.append(f"{data_pointer}{suffix}/contentSchema")
        return ends, contents

    def _schema_problems(self, pointer: str, value: Any, where: str) -> list[str]:
        errors = sorted(self._validator(pointer).iter_errors(value), key=lambda e: e.path)
        return [f"{where}{_location(error)}: {_message(error)}" for error in errors][:_MAX_PROBLEMS]

    def _validator(self, pointer: str) -> jsonschema.protocols.Validator:
        found = self._validators.get(pointer)
        if found is None:
            found = _AnswerValidator(
                {"$ref": _SPEC_URI + pointer},
                registry=self._registry,
                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
            )
            self._validators[pointer] = found
        return found

    def _pointer_of(
        self,
        facts: OperationFacts,
        status: int,
        declared: Mapping[str, Any],
        media_type: str,
        schema: Mapping[str, Any],
    ) -> str | None:
        """A ``#/...`` pointer to the schema of the answer's body, or None when there is none."""
        if not schema:
            return None
        reference = schema.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/"):
            return reference
        raw = self.spec["paths"][facts.path][facts.method.lower()]["responses"][str(status)]
        base = raw["$ref"] if "$ref" in raw else _escape_path(facts, status)
        return f"{base}/content/{media_type.replace('/', '~1')}/schema"

    def resolve(self, node: Any) -> Any:
        """The node a ``$ref`` names (followed until it names none); others as they are."""
        while isinstance(node, Mapping) and "$ref" in node:
            node = self.schema(node["$ref"])
        return node


def _escape_path(facts: OperationFacts, status: int) -> str:
    path = facts.path.replace("~", "~0").replace("/", "~1")
    return f"#/paths/{path}/{facts.method.lower()}/responses/{status}"


def _message(error: jsonschema.ValidationError) -> str:
    """The error's message; for a failed ``anyOf``/``oneOf``, the likeliest branch's reason."""
    if not error.context:
        return error.message
    closest = jsonschema.exceptions.best_match(error.context)
    if closest is None:
        return error.message
    inner = _location(closest).lstrip(".")
    return f"{inner + ': ' if inner else ''}{closest.message} (matches no allowed shape)"


def _location(error: jsonschema.ValidationError) -> str:
    return "".join(f"[{part!r}]" if isinstance(part, int) else f".{part}" for part in error.path)


def _events(body: bytes) -> Iterator[dict[str, Any]]:
    """The Server-Sent Events in a whole stream, each as ``{"data": ..., "event": ...}``,
    framed as the SDK's own stream reader frames them."""
    framer = SSEFramer()
    for block in [*framer.feed(body), *framer.end()]:
        event = block_fields(block)
        if event:
            yield event
