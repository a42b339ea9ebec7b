"""openapi.yaml says what the docs page says, in the shape the rest of the project relies on."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from api_in_one._operations import KINDS, OperationFacts, of_kind, operations
from api_in_one._spec import load_spec

SPEC = load_spec()
REGISTRY: Registry[Any] = Registry().with_resource(
    "openapi.yaml", Resource.from_contents(SPEC, default_specification=DRAFT202012)
)

# Pins the docs page on purpose: the nine operations it documents, with their tags.
PAGE_OPERATIONS = {
    "createImageGeneration": ("post", "/images/generations", "images"),
    "createVideoGeneration": ("post", "/videos/generations", "videos"),
    "createMusic": ("post", "/audio/music", "audio"),
    "createSpeech": ("post", "/audio/speech", "audio"),
    "createChatCompletion": ("post", "/chat/completions", "chat"),
    "removeImageBackground": ("post", "/images/tools/remove-bg", "tools"),
    "swapFace": ("post", "/images/tools/face-swap", "tools"),
    "removeVideoBackground": ("post", "/videos/tools/bg-remover", "tools"),
    "getTask": ("get", "/tasks/{task_id}", "tasks"),
}
# Pins the docs page on purpose: the costs it states.
PAGE_COSTS = {
    ("createImageGeneration", "flux-2"): 5,
    ("createChatCompletion", "gemini"): 2,
    ("removeImageBackground", None): 1,
    ("swapFace", None): 4,
    ("removeVideoBackground", None): 10,
}
FACTS = operations()
BY_ID = {facts.operation_id: facts for facts in FACTS}


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = REGISTRY.resolver().lookup("openapi.yaml" + node["$ref"]).contents
    return node


def _operations() -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            yield operation["operationId"], method, path, operation


def _validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        {"$ref": "openapi.yaml" + schema["$ref"]} if "$ref" in schema else schema,
        registry=REGISTRY,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def _raw(facts: OperationFacts) -> dict[str, Any]:
    operation: dict[str, Any] = SPEC["paths"][facts.path][facts.method.lower()]
    return operation


def _request_validator(operation_id: str) -> jsonschema.Draft202012Validator:
    body = _raw(BY_ID[operation_id])["requestBody"]["content"]["application/json"]
    return _validator(body["schema"])


def _examples() -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(where, schema, value) for every named example in the document."""
    for operation_id, _, _, operation in _operations():
        if "requestBody" in operation:
            for media_type, content in operation["requestBody"]["content"].items():
                for name, example in content["examples"].items():
                    where = f"{operation_id} request {media_type} {name}"
                    yield where, content["schema"], example["value"]
        for status, response in operation["responses"].items():
            for media_type, content in _resolve(response)["content"].items():
                for name, example in content["examples"].items():
                    where = f"{operation_id} {status} {media_type} {name}"
                    yield where, content["schema"], example["value"]


def test_document_has_the_nine_operations_of_the_page() -> None:
    """Pins the docs page on purpose: its nine operations, methods, paths and tags."""
    found = {f.operation_id: (f.method.lower(), f.path, f.tag) for f in FACTS}
    assert found.items() >= PAGE_OPERATIONS.items()
    assert SPEC["openapi"] == "3.1.0"


@pytest.mark.parametrize("facts", FACTS, ids=lambda facts: facts.operation_id)
def test_operation_is_tagged_named_and_described(facts: OperationFacts) -> None:
    operation = _raw(facts)
    assert len(operation["tags"]) == 1
    assert operation["tags"][0] in {tag["name"] for tag in SPEC["tags"]}
    assert re.fullmatch(r"[a-z]+(?:[A-Z][a-z]*)+", facts.operation_id)
    assert operation["summary"].strip()
    assert len(operation["description"].split()) >= 8


@pytest.mark.parametrize("facts", FACTS, ids=lambda facts: facts.operation_id)
def test_every_response_and_request_has_named_examples(facts: OperationFacts) -> None:
    operation = _raw(facts)
    operation_id = facts.operation_id
    contents = [_resolve(r)["content"] for r in operation["responses"].values()]
    if "requestBody" in operation:
        contents.append(operation["requestBody"]["content"])
    for content in contents:
        for media in content.values():
            assert media["examples"], f"{operation_id}: no named examples"


@pytest.mark.parametrize(("where", "schema", "value"), list(_examples()), ids=lambda x: str(x)[:60])
def test_every_example_validates_against_its_schema(where: str, schema: Any, value: Any) -> None:
    errors = [error.message for error in _validator(schema).iter_errors(value)]
    assert not errors, f"{where}: {errors}"


def test_stream_example_events_carry_chunks_and_end_with_done() -> None:
    chat = SPEC["paths"]["/chat/completions"]["post"]["responses"]["200"]["content"]
    assert list(chat) == ["application/json", "text/event-stream"]
    chunk = _validator({"$ref": "#/components/schemas/ChatCompletionChunk"})
    events = [
        example["value"]["data"] for example in chat["text/event-stream"]["examples"].values()
    ]
    assert events[-1] == "[DONE]"
    for event in events[:-1]:
        chunk.validate(json.loads(event))


@pytest.mark.parametrize(
    "facts", [f for f in FACTS if f.creates_task], ids=lambda facts: facts.operation_id
)
def test_task_operations_link_to_the_task_status(facts: OperationFacts) -> None:
    link = _resolve(_raw(facts)["responses"]["200"])["links"]["GetTask"]
    link = _resolve(link)
    assert link["operationId"] == of_kind("task-status").operation_id
    assert link["parameters"] == {"task_id": "$response.body#/data/task_id"}


@pytest.mark.parametrize("status", ["400", "401", "402", "404", "429", "500", "503"])
def test_error_responses_share_the_error_envelope(status: str) -> None:
    for facts in FACTS:
        response = _raw(facts)["responses"].get(status)
        if response is None:
            # Reading a task costs nothing; an operation without models has nothing to miss.
            assert (status == "402" and facts.kind == "task-status") or (
                status == "404" and facts.creates_task and not facts.models
            ), (facts.operation_id, status)
            continue
        assert response["$ref"].startswith("#/components/responses/")
        schema = _resolve(response)["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Error"}


def test_error_responses_document_the_optional_request_id() -> None:
    for name, response in SPEC["components"]["responses"].items():
        if response["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }:
            header = response["headers"]["X-Request-Id"]
            assert header == {"$ref": "#/components/headers/RequestId"}, name
    assert SPEC["components"]["headers"]["RequestId"]["schema"] == {"type": "string"}


def test_rate_limit_response_documents_optional_headers() -> None:
    headers = SPEC["components"]["responses"]["TooManyRequests"]["headers"]
    assert set(headers) == {
        "X-Request-Id",
        "Retry-After",
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
        "X-RateLimit-Reset",
    }
    assert not any(_resolve(h).get("required") for h in headers.values())


def test_fields_the_server_may_extend_are_open_strings() -> None:
    schemas = SPEC["components"]["schemas"]
    for name in ("TaskStatusValue", "ModelSlug"):
        assert schemas[name]["type"] == "string"
        assert "enum" not in schemas[name]
    assert "enum" not in schemas["ErrorDetail"]["properties"]["type"]
    assert set(schemas["TaskStatusValue"]["examples"]) == {
        "pending",
        "IN_PROGRESS",
        "SUCCESS",
        "FAILED",
    }


def test_servers_and_security() -> None:
    urls = [server["url"] for server in SPEC["servers"]]
    assert urls == ["https://apiin.one/api/v1", "http://127.0.0.1:{port}/api/v1"]
    assert "port" in SPEC["servers"][1]["variables"]
    scheme = SPEC["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert "aio_" in scheme["description"]
    assert SPEC["security"] == [{"bearerAuth": []}]


def test_schema_names_are_pascal_case_and_properties_are_wire_names() -> None:
    for name, schema in SPEC["components"]["schemas"].items():
        assert re.fullmatch(r"(?:[A-Z][a-z0-9]*)+", name), name
        for prop in schema.get("properties", {}):
            # generateAudio is camelCase on the wire (Seedance), as the page spells it.
            assert prop == "generateAudio" or re.fullmatch(r"[a-z][a-z0-9_]*", prop), prop


URL = "https://example.com/a.jpg"
VALID = [
    ("createImageGeneration", {"model": "flux-2", "prompt": "abc"}),
    ("createImageGeneration", {"model": "flux-2", "prompt": "x" * 5000, "seed": 7}),
    ("createImageGeneration", {"model": "gpt-image", "prompt": "a cat", "quality": "high"}),
    ("createImageGeneration", {"model": "seedream", "prompt": "edit", "input_urls": [URL]}),
    ("createVideoGeneration", {"model": "kling-3", "prompt": "p", "duration": 15}),
    ("createVideoGeneration", {"model": "kling-3", "prompt": "p", "duration": "10"}),
    ("createVideoGeneration", {"model": "seedance", "prompt": "p", "generateAudio": True}),
    ("createVideoGeneration", {"model": "kling-3", "prompt": "x" * 2500, "resolution": "1080p"}),
    ("createVideoGeneration", {"model": "pixverse", "prompt": "p", "aspect_ratio": "9:16"}),
    ("createMusic", {"model": "suno", "gpt_description_prompt": "x" * 400}),
    (
        "createMusic",
        {"model": "suno", "prompt": "x" * 3000, "style": "x" * 1000, "title": "x" * 80},
    ),
    ("createMusic", {"model": "chirp-v4-5", "prompt": "x" * 5000}),
    ("createMusic", {"model": "minimax-music", "prompt": "lyrics"}),
    ("createSpeech", {"model": "elevenlabs-v3", "dialogue": [{"text": "hi"}]}),
    ("createSpeech", {"model": "elevenlabs-v3", "dialogue": [{"text": "hi"}], "stability": 1}),
    ("createChatCompletion", {"model": "gemini", "messages": [{"role": "user", "content": "hi"}]}),
    (
        "createChatCompletion",
        {
            "model": "gemini",
            "messages": [{"role": "developer", "content": "be brief"}],
            "reasoning_effort": "low",
            "response_format": {"type": "json_object"},
            "tools": [{"type": "function", "function": {"name": "get_weather"}}],
        },
    ),
    ("removeImageBackground", {"image": URL}),
    ("swapFace", {"image": URL, "face_image": URL, "target_index": 10, "output_format": "webp"}),
    ("removeVideoBackground", {"video": URL}),
    ("removeVideoBackground", {"video": URL, "background_image": URL}),
]
INVALID = [
    ("createImageGeneration", {"prompt": "a cat"}, "model"),
    ("createImageGeneration", {"model": "flux-2"}, "prompt"),
    ("createImageGeneration", {"model": "flux-2", "prompt": "ab"}, "too short"),
    ("createImageGeneration", {"model": "flux-2", "prompt": "x" * 5001}, "too long"),
    ("createImageGeneration", {"model": "flux-2", "prompt": "abc", "input_urls": "x"}, "array"),
    ("createVideoGeneration", {"model": "kling-3", "prompt": "x" * 2501}, "too long"),
    ("createVideoGeneration", {"model": "kling-3", "prompt": "p", "aspect_ratio": "4:3"}, "4:3"),
    ("createVideoGeneration", {"model": "kling-3", "prompt": "p", "sound": "yes"}, "boolean"),
    ("createVideoGeneration", {"model": "kling-3", "prompt": "p", "duration": -1}, "duration"),
    ("createMusic", {"prompt": "lyrics"}, "model"),
    ("createMusic", {"model": "suno", "title": "x" * 81}, "too long"),
    ("createMusic", {"model": "suno", "style": "x" * 1001}, "too long"),
    ("createMusic", {"model": "suno", "gpt_description_prompt": "x" * 401}, "too long"),
    ("createMusic", {"model": "suno", "prompt": "x" * 3001}, "too long"),
    ("createMusic", {"model": "chirp-v4-5", "prompt": "x" * 5001}, "too long"),
    ("createSpeech", {"model": "elevenlabs-v3"}, "dialogue"),
    ("createSpeech", {"model": "elevenlabs-v3", "dialogue": "hi"}, "array"),
    ("createSpeech", {"model": "elevenlabs-v3", "dialogue": [{"voice": "a"}]}, "text"),
    (
        "createSpeech",
        {"model": "elevenlabs-v3", "dialogue": [{"text": "a"}], "stability": 1.5},
        "maximum",
    ),
    ("createChatCompletion", {"model": "gemini"}, "messages"),
    (
        "createChatCompletion",
        {"model": "gemini", "messages": [{"role": "robot", "content": "x"}]},
        "",
    ),
    (
        "createChatCompletion",
        {
            "model": "gemini",
            "messages": [{"role": "user", "content": "x"}],
            "reasoning_effort": "mid",
        },
        "mid",
    ),
    ("createChatCompletion", {"model": "gemini", "messages": [], "stream": False}, "non-empty"),
    ("removeImageBackground", {}, "image"),
    ("removeImageBackground", {"image": "not a url"}, "uri"),
    ("swapFace", {"image": URL}, "face_image"),
    ("swapFace", {"image": URL, "face_image": URL, "target_index": 11}, "maximum"),
    ("swapFace", {"image": URL, "face_image": URL, "output_format": "gif"}, "gif"),
    ("removeVideoBackground", {"background_image": URL}, "video"),
]


@pytest.mark.parametrize(("operation_id", "body"), VALID)
def test_spec_accepts_what_the_page_allows(operation_id: str, body: dict[str, Any]) -> None:
    """Pins the docs page on purpose: requests its rules allow, per operation."""
    _request_validator(operation_id).validate(body)


@pytest.mark.parametrize(("operation_id", "body", "hint"), INVALID)
def test_spec_rejects_what_the_page_forbids(
    operation_id: str, body: dict[str, Any], hint: str
) -> None:
    """Pins the docs page on purpose: requests its rules forbid, per operation."""
    errors = list(_request_validator(operation_id).iter_errors(body))
    assert errors
    assert any(hint in (e.message + " " + ".".join(map(str, e.path))) for e in errors)


@pytest.mark.parametrize("facts", FACTS, ids=lambda facts: facts.operation_id)
def test_every_operation_documents_what_the_mock_can_answer(facts: OperationFacts) -> None:
    documented = set(_raw(facts)["responses"])
    assert {"200", "400", "401", "429", "500"} <= documented
    if facts.models:
        assert "404" in documented  # an unknown model


@pytest.mark.parametrize("facts", FACTS, ids=lambda facts: facts.operation_id)
def test_every_operation_carries_the_facts_the_toolkit_reads(facts: OperationFacts) -> None:
    assert facts.kind in KINDS
    assert facts.command
    assert re.fullmatch(r"[a-z][a-z0-9-]*", facts.command)
    if facts.creates_task:
        assert facts.results is not None
        assert facts.results.count >= 1
        assert facts.request_schema is not None
        assert facts.examples
    takes_model = (
        facts.request_schema is not None
        and "model" in (SPEC["components"]["schemas"][facts.request_schema]["properties"])
    )
    if takes_model:
        assert facts.models, "an operation that takes a model lists the ones the mock serves"
        for example in facts.examples.values():
            assert example["model"] in facts.models
    elif facts.kind != "task-status":
        assert facts.credits is not None, "an operation without models states its cost"


def test_commands_are_unique_and_one_operation_reads_tasks_and_one_chats() -> None:
    commands = [facts.command for facts in FACTS]
    assert len(commands) == len(set(commands))
    assert of_kind("task-status").path.endswith("{task_id}")
    assert of_kind("chat").default_model in of_kind("chat").models


def test_costs_stated_on_the_page() -> None:
    """Pins the docs page on purpose: every cost it states, and only those, is ``documented``."""
    for (operation_id, slug), credits in PAGE_COSTS.items():
        facts = BY_ID[operation_id]
        assert facts.cost({"model": slug} if slug else {}) == credits
        if slug:
            assert facts.models[slug].documented
    documented = {
        (facts.operation_id, slug)
        for facts in FACTS
        for slug, model in facts.models.items()
        if model.documented
    }
    assert documented == {key for key in PAGE_COSTS if key[1] is not None}
