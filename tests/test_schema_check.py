"""The compiled schema checks and the stream frames give exactly jsonschema's verdict.

Every response schema of openapi.yaml is checked on its examples and on
each way of breaking them one field at a time (another type, an unknown
value, a missing key, an unknown key): the compiled yes/no check must agree
with the ``jsonschema`` validator the contract explains rejections with.
The frames are checked against the full check on streams whose token
strings hold what JSON must escape.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from api_in_one._contract import Contract, SSESplitter
from api_in_one._event_frames import _tokens
from api_in_one._operations import of_kind, operations
from api_in_one._schema_check import Unsupported, compile_schema
from api_in_one._schema_structs import struct_check
from api_in_one._spec import load_spec
from bench._shapes import SHAPES, events

CONTRACT = Contract(load_spec())
REPLACEMENTS: list[Any] = [None, 0, 1.5, True, "", "QUEUED", [], {}, [1], {"x": 1}]


def _examples() -> Iterator[tuple[str, Any]]:
    """(schema pointer, example body) for every JSON response example of the spec."""
    for facts in operations():
        for status, response in CONTRACT.responses(facts).items():
            media = response.get("content", {}).get("application/json")
            if not media or not status.isdigit():
                continue
            expected = CONTRACT.expect(facts, int(status), "application/json")
            assert expected.pointer is not None
            for example in media.get("examples", {}).values():
                yield expected.pointer, CONTRACT.resolve(example)["value"]


def _variants(value: Any) -> Iterator[Any]:
    """``value`` broken one place at a time: each leaf replaced, each key dropped or added."""
    yield value
    if isinstance(value, dict):
        yield {**value, "unknown_key": 1}
        for key in value:
            yield {name: item for name, item in value.items() if name != key}
            for replacement in [*REPLACEMENTS, *_variants(value[key])]:
                yield {**value, key: replacement}
    elif isinstance(value, list):
        for index, item in enumerate(value):
            for replacement in [*REPLACEMENTS, *_variants(item)]:
                yield [*value[:index], replacement, *value[index + 1 :]]


EXAMPLES = list(_examples())


def test_the_spec_has_response_examples_to_break() -> None:
    assert len(EXAMPLES) >= len(operations())


@pytest.mark.parametrize(("pointer", "example"), EXAMPLES)
def test_the_compiled_check_agrees_with_jsonschema(pointer: str, example: Any) -> None:
    validator = CONTRACT._validator(pointer)
    compiled = compile_schema(pointer, CONTRACT.schema, lambda value, name: True)
    with_formats = CONTRACT.is_valid
    disagreements = [
        variant
        for variant in _variants(example)
        if with_formats(pointer, variant) != validator.is_valid(variant)
    ]
    assert not disagreements, disagreements[:3]
    assert compiled(example)


def test_a_keyword_the_compiler_does_not_know_falls_back_to_jsonschema() -> None:
    with pytest.raises(Unsupported, match="uniqueItems"):
        compile_schema("#/x", lambda pointer: {"type": "array", "uniqueItems": True}, None)  # type: ignore[arg-type]
    assert not CONTRACT.is_valid("#/components/schemas/Task", {"task_id": "t"})


def _stream(tokens: list[str]) -> bytes:
    chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    events = [
        {**chunk, "choices": [{"index": 0, "delta": {"content": token}, "finish_reason": None}]}
        for token in tokens
    ]
    lines = [b"data: " + json.dumps(event, separators=(",", ":")).encode() for event in events]
    return b"\n\n".join([*lines, b"data: [DONE]", b""])


def _problems(body: bytes, *, undecoded: bool) -> list[str]:
    expected = CONTRACT.expect(of_kind("chat"), 200, "text/event-stream")
    events, splitter = CONTRACT.events(expected), SSESplitter()
    found = []
    for start in range(0, len(body), 97):  # events split across reads
        piece = body[start : start + 97]
        if undecoded:
            found += events.blocks(splitter.blocks(piece))
        else:
            found += [p for event in splitter.feed(piece) for p in events.event(event)]
    return [problem.pointer for problem in found + events.end()]


TRICKY = ["a", "b", ' "quoted"', "back\\slash", "tab\t", "é ü 雪", "\u2028", "}", '"},{"x":1']


@pytest.mark.parametrize("token", TRICKY)
def test_frames_pass_exactly_what_the_full_check_passes(token: str) -> None:
    body = _stream(["one", "two", "three", token, "four"])
    assert _problems(body, undecoded=True) == _problems(body, undecoded=False) == []


def test_a_frame_never_hides_a_broken_event() -> None:
    body = _stream(["one", "two", "three"]).replace(b'"created":1,', b'"created":"1",', 1)
    broken = _stream(["one", "two", "three"]).rsplit(b"\n\ndata: [DONE]", 1)[0]
    late = broken.rsplit(b"\n\n", 1)[-1].replace(b'"index":0', b'"index":"0"')
    stream = broken + b"\n\n" + late + b"\n\ndata: [DONE]\n\n"
    assert _problems(stream, undecoded=True) == ["/events/3/data/choices/0/index"]
    assert _problems(body, undecoded=True) == ["/events/0/data/created"]


@pytest.mark.parametrize(
    "literal",
    ['"a\\"b\\\\"', '"\\u00e9\\n"', '"' + "x" * (4 << 20) + '"'],
    ids=["escaped quote", "escaped unicode", "4 MB"],
)
def test_a_frame_reads_each_string_as_one_token_however_long(literal: str) -> None:
    tokens = _tokens('{"content": ' + literal + "}")
    assert tokens is not None
    assert [token for token, _ in tokens] == ["{", '"content"', ":", " ", literal, "}"]
    assert isinstance(json.loads(literal), str)


CHUNK_CONTENT = CONTRACT.events(CONTRACT.expect(of_kind("chat"), 200, "text/event-stream"))


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_what_the_struct_check_reads_is_valid(shape: str) -> None:
    """Every chunk shape and each way of breaking it: a text the structs read is one the full
    check passes, and the shape's own chunks are read in C."""
    [pointer] = CHUNK_CONTENT.contents
    passes = struct_check(pointer, CONTRACT.schema)
    assert passes is not None
    payloads = SHAPES[shape](5)
    wrong = [
        variant
        for payload in payloads
        for variant in _variants(payload)
        if passes(json.dumps(variant)) and not CONTRACT.is_valid(pointer, variant)
    ]
    assert not wrong, wrong[:3]
    assert all(passes(json.dumps(payload)) for payload in payloads)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "enum": ["a"]},
        {"type": "integer", "minimum": 0},
        {"type": "object", "additionalProperties": {"type": "string"}},
        {"oneOf": [{"type": "integer"}, {"type": "number"}]},
        {"type": "array", "items": {"type": "string"}, "maxItems": 2},
    ],
    ids=["enum", "bound", "typed extra keys", "overlapping oneOf", "array length"],
)
def test_a_schema_with_rules_structs_do_not_check_gets_no_struct_check(schema: Any) -> None:
    assert struct_check("#/x", lambda pointer: schema) is None


def test_events_in_a_new_key_order_each_are_still_checked_in_full() -> None:
    """Shuffled keys fit no frame: the structs pass the good ones, the full check finds the
    broken one."""
    payloads = SHAPES["shuffled-keys"](8)
    payloads[5]["choices"][0]["index"] = "0"
    body = events(payloads)
    assert _problems(body, undecoded=True) == _problems(body, undecoded=False)
    assert _problems(body, undecoded=True) == ["/events/5/data/choices/0/index"]
