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

These are the rules of ``aio conformance`` and of the SDK's answer
validation alike (``connect(validate=...)``), so this core module is the one
place they live. Each way an answer breaks them is a ``Problem`` whose
``pointer`` is a JSON pointer into the answer as a recording writes it:
``/status``, ``/headers/retry-after``, ``/body/data/status``,
``/events/0/data/choices`` (inside the JSON an event's data carries). Every
schema is compiled once into a fast yes/no check (``_schema_check``);
``jsonschema`` explains only the values that check rejects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import httpx
import jsonschema
from jsonschema import validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ._event_frames import Frames
from ._operations import OperationFacts
from ._schema_check import Check, Unsupported, compile_schema
from ._schema_structs import struct_check
from ._sse import SSEFramer, block_fields
from ._wire import EVENT_STREAM, is_json, media_type

__all__ = ["Answer", "Contract", "EventCheck", "Expectation", "Problem", "SSESplitter"]

_SPEC_URI = "urn:api-in-one:conformance"
_MAX_PROBLEMS = 5
_QUOTE = 120
"""The most characters of a received value a problem quotes."""


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
_FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


@dataclass(frozen=True)
class Problem:
    """One way an answer breaks the spec: where, what the spec says, what came, and the line
    a report prints."""

    pointer: str
    expected: str
    received: str
    message: str

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, str]:
        """The problem as JSON-ready fields."""
        return {
            "pointer": self.pointer,
            "expected": self.expected,
            "received": self.received,
            "message": self.message,
        }


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
        return media_type(self.headers)

    def json(self) -> Any:
        """The decoded JSON body; raises ``ValueError`` when it is not JSON."""
        return json.loads(self.body)


@dataclass(frozen=True)
class Expectation:
    """What the spec declares for one operation, status and media type: the part of an answer
    known before its body is read."""

    declared: Mapping[str, Any] | None
    """The resolved response object, None for an undeclared status."""
    problems: tuple[Problem, ...]
    """An undeclared status or media type."""
    headers: tuple[tuple[str, Mapping[str, Any]], ...]
    body: str | None
    """``json``, ``stream`` or None (no body to check)."""
    pointer: str | None
    """The ``#/...`` pointer to the body's (or each event's) schema."""


class Contract:
    """The responses openapi.yaml declares, and validators for them."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = spec
        self._registry: Registry[Any] = Registry().with_resource(
            _SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT202012)
        )
        self._validators: dict[str, jsonschema.protocols.Validator] = {}
        self._checks: dict[str, Check] = {}
        self._expectations: dict[tuple[str, int, str], Expectation] = {}

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
        """Every way ``answer`` breaks what the spec declares for the operation, as report
        lines."""
        return [problem.message for problem in self.problems(facts, answer)]

    def problems(self, facts: OperationFacts, answer: Answer) -> list[Problem]:
        """Every way a whole ``answer`` breaks what the spec declares for the operation."""
        expected = self.expect(facts, answer.status, answer.media_type)
        problems = [*expected.problems, *self.header_problems(expected, answer.headers)]
        if expected.body == "stream":
            events = self.events(expected)
            splitter = SSESplitter()
            for event in [*splitter.feed(answer.body), *splitter.end()]:
                problems += events.event(event)
            problems += events.end()
        elif expected.body == "json":
            try:
                value = json.loads(answer.body)
            except (ValueError, RecursionError) as error:
                problems.append(
                    Problem("/body", "JSON", _quote(answer.body), f"the body is not JSON: {error}")
                )
            else:
                problems += self.body_problems(expected, value)
        return problems

    def expect(self, facts: OperationFacts, status: int, media_type: str) -> Expectation:
        """What the spec declares for an answer of ``status`` and ``media_type`` (cached)."""
        key = (facts.operation_id, status, media_type)
        found = self._expectations.get(key)
        if found is None:
            found = self._expectations[key] = self._expectation(facts, status, media_type)
        return found

    def _expectation(self, facts: OperationFacts, status: int, kind: str) -> Expectation:
        responses = self.responses(facts)
        declared = responses.get(str(status)) or responses.get(f"{status // 100}XX")
        declared = declared or responses.get("default")
        if declared is None:
            listed = ", ".join(responses)
            problem = Problem(
                "/status",
                f"one of {listed}",
                str(status),
                f"HTTP {status} is not a declared response of {facts.operation_id} "
                f"(declared: {listed})",
            )
            return Expectation(None, (problem,), (), None, None)
        headers = tuple(
            (name, self.resolve(raw)) for name, raw in declared.get("headers", {}).items()
        )
        content = declared.get("content", {})
        if not content:
            return Expectation(declared, (), headers, None, None)
        media = content.get(kind)
        if media is None:
            listed = ", ".join(content)
            problem = Problem(
                "/headers/content-type",
                listed,
                kind or "(none)",
                f"Content-Type {kind or '(none)'!r} is not declared for "
                f"HTTP {status} (declared: {listed})",
            )
            return Expectation(declared, (problem,), headers, None, None)
        pointer = self._pointer_of(facts, status, kind, media.get("schema", {}))
        body = "stream" if kind == EVENT_STREAM else "json" if is_json(kind) else None
        return Expectation(declared, (), headers, body, pointer)

    def header_problems(self, expected: Expectation, received: httpx.Headers) -> list[Problem]:
        """The declared headers the answer lacks or sends in another form."""
        problems = []
        for name, header in expected.headers:
            value = received.get(name)
            pointer = f"/headers/{name.lower()}"
            if value is None:
                if header.get("x-absent-is-drift", True):
                    message = f"header {name} is declared but was not sent"
                    problems.append(Problem(pointer, "present", "absent", message))
                continue
            schema = self.resolve(header.get("schema", {}))
            if schema.get("type") == "integer" and not re.fullmatch(r"-?[0-9]+", value.strip()):
                message = f"header {name}: {value!r} is not an integer"
                problems.append(Problem(pointer, "an integer", _quote(value), message))
        return problems

    def body_problems(self, expected: Expectation, value: Any) -> list[Problem]:
        """Why the decoded JSON body breaks its schema (empty when it does not)."""
        if expected.pointer is None:
            return []
        return self._schema_problems(expected.pointer, value, "/body", "body")

    def events(self, expected: Expectation) -> EventCheck:
        """A check of one stream's events, fed as they arrive."""
        ends, contents = self._event_data(expected.pointer)
        return EventCheck(self, expected.pointer, ends, contents)

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

    def is_valid(self, pointer: str, value: Any) -> bool:
        """The fast yes/no answer: does ``value`` fit the schema at ``pointer``?"""
        check = self._checks.get(pointer)
        if check is None:
            try:
                check = compile_schema(pointer, self.schema, _FORMATS.conforms)
            except Unsupported:
                check = self._validator(pointer).is_valid
            self._checks[pointer] = check
        return check(value)

    def _schema_problems(self, pointer: str, value: Any, at: str, where: str) -> list[Problem]:
        if self.is_valid(pointer, value):
            return []
        errors = sorted(self._validator(pointer).iter_errors(value), key=lambda e: e.path)
        return [_problem(error, at, where) for error in errors][:_MAX_PROBLEMS]

    def _validator(self, pointer: str) -> jsonschema.protocols.Validator:
        found = self._validators.get(pointer)
        if found is None:
            found = _AnswerValidator(
                {"$ref": _SPEC_URI + pointer},
                registry=self._registry,
                format_checker=_FORMATS,
            )
            self._validators[pointer] = found
        return found

    def _pointer_of(
        self, facts: OperationFacts, status: int, kind: str, schema: Mapping[str, Any]
    ) -> str | None:
        """A ``#/...`` pointer to the schema of the answer's body, or None when there is none."""
        if not schema:
            return None
        reference = schema.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/"):
            return reference
        raw = self.spec["paths"][facts.path][facts.method.lower()]["responses"][str(status)]
        base = raw["$ref"] if "$ref" in raw else _escape_path(facts, status)
        return f"{base}/content/{kind.replace('/', '~1')}/schema"

    def resolve(self, node: Any) -> Any:
        """The node a ``$ref`` names (followed until it names none); others as they are."""
        while isinstance(node, Mapping) and "$ref" in node:
            node = self.schema(node["$ref"])
        return node


@dataclass
class EventCheck:
    """The checks of one event stream, fed event by event (``event``), then ``end``.

    Each event is checked against the event schema and its data against the
    JSON content schemas; an event after the end marker, and a stream ending
    without one, are drift. At most five problems are reported per stream.
    """

    contract: Contract
    pointer: str | None
    ends: list[Any]
    contents: list[str]
    seen: int = 0
    ended: bool = False
    reported: int = 0
    _after_end: bool = field(default=False, repr=False)
    _frames: Frames | None = field(default=None, repr=False)
    _data_free: bool = field(default=False, repr=False)
    """Whether the event schema allows any string as ``data`` (checked once, on a valid event)."""
    _structs: list[Callable[[str], bool]] = field(default_factory=list, repr=False)
    """The content schemas' msgspec checks (``_schema_structs``), made with the frames."""

    def event(self, event: Mapping[str, Any]) -> list[Problem]:
        """The problems of the next event (``{"data": ..., "event": ...}``)."""
        number, self.seen = self.seen, self.seen + 1
        if self._after_end:
            return []
        data = event.get("data")
        fits = self._line_fits()
        if fits is not None and len(event) == 1 and isinstance(data, str) and fits("data: " + data):
            return []
        if isinstance(data, str) and self._structs_pass(event, data):
            return []
        at, where = f"/events/{number}", f"event {number + 1}"
        if self.ended:
            self._after_end = True
            message = f"{where}: arrives after the stream's end marker"
            return self._capped([Problem(at, "no event", "an event", message)])
        problems = []
        if self.pointer is not None:
            problems += self.contract._schema_problems(self.pointer, event, at, where)
        if data in self.ends:
            self.ended = True
            return self._capped(problems)
        if not self.contents:
            return self._capped(problems)
        try:
            value = json.loads(data) if isinstance(data, str) else None
        except (ValueError, RecursionError) as error:
            message = f"{where}: data is not JSON: {error}"
            return self._capped([*problems, Problem(f"{at}/data", "JSON", _quote(data), message)])
        found = []
        for content in self.contents:
            branch = self.contract._schema_problems(content, value, f"{at}/data", f"{where} data")
            if not branch:
                if not problems and len(event) == 1 and isinstance(data, str):
                    self._learn(event, data, value)
                return self._capped(problems)
            found.append(branch)
        return self._capped(problems + min(found, key=len))

    def blocks(self, blocks: list[str]) -> list[Problem]:
        """The problems of the event blocks ``SSESplitter.blocks`` gave: those that fit a frame
        pass undecoded, the others as ``event`` checks them."""
        problems: list[Problem] = []
        fits = self._line_fits()
        last = self._frames.last if fits is not None and self._frames else None
        for block in blocks:
            # The frame that matched last, straight; then the others (which may change it).
            if last is not None and last(block) is not None:
                self.seen += 1
                continue
            if fits is not None and fits(block):
                self.seen += 1
                last = self._frames.last if self._frames else None
                continue
            # One data line (SSE's usual event) read by the structs, without parsing fields.
            if "\n" not in block and block.startswith("data: "):
                data = block[6:]
                if self._structs_pass({"data": data}, data):
                    self.seen += 1
                    fits = self._line_fits()
                    last = self._frames.last if fits is not None and self._frames else None
                    continue
            event = _event(block)
            if event:
                problems += self.event(event)
                fits = self._line_fits()
                last = self._frames.last if fits is not None and self._frames else None
        return problems

    def _structs_pass(self, event: Mapping[str, Any], data: str) -> bool:
        """Whether the data of an event no frame fits (keys in a new order, say) is valid by
        the content schemas' structs, which read it in C."""
        if not self._data_free or len(event) != 1 or self.ended or data in self.ends:
            return False
        if not any(passes(data) for passes in self._structs):
            return False
        if self._frames is not None and self._frames.learning:
            self._learn(event, data, json.loads(data))  # a frame costs less still
        return True

    def _line_fits(self) -> Callable[[str], bool] | None:
        frames = self._frames
        if frames is None or not frames.frames or not self._data_free or self.ended:
            return None
        return frames.fits

    def _learn(self, event: Mapping[str, Any], data: str, value: Any) -> None:
        if self._frames is None:
            contract = self.contract
            self._frames = Frames(contract.schema, contract.is_valid, self.contents)
            self._data_free = self.pointer is None or self._frames.free(
                self.pointer, ["data"], dict(event)
            )
            checks = [struct_check(pointer, contract.schema) for pointer in self.contents]
            self._structs = [check for check in checks if check is not None]
        self._frames.checked(data, value)

    def end(self) -> list[Problem]:
        """The problem of a stream that ended without its end marker, if it did."""
        if self.ends and not self.ended:
            markers = " or ".join(map(str, self.ends))
            return self._capped(
                [
                    Problem(
                        f"/events/{self.seen}",
                        markers,
                        "the end of the stream",
                        f"the stream ended without {markers}",
                    )
                ]
            )
        return []

    def _capped(self, problems: list[Problem]) -> list[Problem]:
        kept = problems[: max(0, _MAX_PROBLEMS - self.reported)]
        self.reported += len(kept)
        return kept


class SSESplitter:
    """Server-Sent Events from a stream's bytes as they arrive, each as ``{"data": ..., ...}``.

    The contract's reading of a stream: ``feed`` each chunk, then ``end``. The
    framing is the SDK's own (``_sse``), so the contract sees the events the
    stream reader does, line ends, byte order mark and a cut-off last event alike.
    """

    def __init__(self) -> None:
        self._framer = SSEFramer()

    def feed(self, chunk: bytes) -> list[dict[str, Any]]:
        """The events completed by ``chunk``."""
        return [event for block in self._framer.feed(chunk) if (event := _event(block))]

    def blocks(self, chunk: bytes) -> list[str]:
        """The event blocks completed by ``chunk`` (``_sse``'s), for ``EventCheck.blocks``."""
        return self._framer.feed(chunk)

    def end(self) -> list[dict[str, Any]]:
        """The events the stream's last bytes complete."""
        return [event for block in self._framer.end() if (event := _event(block))]


def _event(block: str) -> dict[str, Any]:
    if block.startswith("data: ") and "\n" not in block:  # the usual one-line event
        return {"data": block[6:]}
    return block_fields(block)


def _escape_path(facts: OperationFacts, status: int) -> str:
    path = facts.path.replace("~", "~0").replace("/", "~1")
    return f"#/paths/{path}/{facts.method.lower()}/responses/{status}"


def _problem(error: jsonschema.ValidationError, at: str, where: str) -> Problem:
    """A ``jsonschema`` error as a problem, pointed at the likeliest cause of a failed
    ``anyOf``/``oneOf``, and a missing property at where it belongs."""
    message = f"{where}{_location(list(error.path))}: {_message(error)}"
    cause = _cause(error)
    path, rule = list(cause.absolute_path), cast(Any, cause.validator_value)
    if cause.validator == "required" and isinstance(cause.instance, dict):
        missing = [name for name in rule if name not in cause.instance]
        if missing:
            return Problem(_pointer(at, [*path, missing[0]]), "present", "absent", message)
    expected = f"{cause.validator}: {_quote(rule)}"
    if cause.validator == "examples":
        expected = f"one of {', '.join(map(str, rule))}"
    return Problem(_pointer(at, path), expected, _quote(cause.instance), message)


def _pointer(at: str, path: list[Any]) -> str:
    return at + "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _quote(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= _QUOTE else text[: _QUOTE - 1] + "…"


def _message(error: jsonschema.ValidationError) -> str:
    """The error's message; for a failed ``anyOf``/``oneOf``, the likeliest branch's reason."""
    cause = _cause(error)
    if cause is error:
        return error.message
    inner = _location(list(cause.absolute_path)[len(error.absolute_path) :]).lstrip(".")
    return f"{inner + ': ' if inner else ''}{cause.message} (matches no allowed shape)"


def _cause(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """Down a failed ``anyOf``/``oneOf``, the branch the value nearly fits: the one with the
    fewest errors, then the deepest, then the first declared; and its deepest error."""
    while error.context:
        branches: dict[Any, list[jsonschema.ValidationError]] = {}
        for inner in error.context:
            branch = inner.relative_schema_path[0] if inner.relative_schema_path else 0
            branches.setdefault(branch, []).append(inner)

        def rank(item: tuple[Any, list[jsonschema.ValidationError]]) -> tuple[int, int, int]:
            index, errors = item
            depth = max(len(inner.absolute_path) for inner in errors)
            return len(errors), -depth, index if isinstance(index, int) else 0

        _, errors = min(branches.items(), key=rank)
        error = max(errors, key=lambda inner: len(inner.absolute_path))
    return error


def _location(path: list[Any]) -> str:
    return "".join(f"[{part!r}]" if isinstance(part, int) else f".{part}" for part in path)
