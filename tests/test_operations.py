"""api_in_one._operations reads the spec's x- extensions, and says clearly when one is wrong.

The specs here are small documents written for the test, not openapi.yaml:
the reader must work on any spec a maintainer writes.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from api_in_one._operations import (
    DEFAULT_MOCK_SECONDS,
    ResultFacts,
    SpecExtensionError,
    of_kind,
    operation,
    operations,
    routes,
)

SPEC: dict[str, Any] = {
    "paths": {
        "/things": {
            "post": {
                "operationId": "makeThing",
                "tags": ["things"],
                "summary": "Make a thing",
                "x-operation-kind": "task",
                "x-cli-command": "thing",
                "x-results": {"media-type": "model/gltf-binary", "extension": "glb", "count": 3},
                "x-models": {
                    "maker-1": {"credits": 7, "mock-seconds": 2},
                    "maker-2": {"credits": 9},
                },
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/ThingRequest"},
                            "examples": {"small": {"value": {"model": "maker-2", "size": 1}}},
                        }
                    }
                },
            }
        },
        "/things/{id}": {
            "get": {"operationId": "getThing", "x-operation-kind": "task-status"},
            "parameters": [],
        },
    }
}


def _changed(change: dict[str, Any]) -> dict[str, Any]:
    spec = copy.deepcopy(SPEC)
    spec["paths"]["/things"]["post"].update(change)
    return spec


def test_facts_of_a_spec_the_project_did_not_write() -> None:
    made, status = operations(SPEC)
    assert (made.operation_id, made.method, made.path, made.tag) == (
        "makeThing",
        "POST",
        "/things",
        "things",
    )
    assert made.creates_task
    assert made.module == "api_in_one_client.api.things.make_thing"
    assert made.request_schema == "ThingRequest"
    assert made.results == ResultFacts("model/gltf-binary", "glb", count=3)
    assert made.default_model == "maker-2"
    assert made.cost({"model": "maker-1"}) == 7
    assert made.cost({"model": "unknown"}) is None
    assert made.models["maker-2"].mock_seconds == DEFAULT_MOCK_SECONDS
    assert (status.kind, status.command, status.tag) == ("task-status", None, "default")
    assert operation("thing", SPEC) == made
    assert of_kind("task-status", SPEC) == status


def test_an_operation_without_models_costs_its_own_credits() -> None:
    spec = _changed({"x-models": None, "x-credits": 3, "x-mock-seconds": 0.5})
    del spec["paths"]["/things"]["post"]["x-models"]
    made = operation("makeThing", spec)
    assert made.cost({}) == 3
    assert made.mock_seconds == 0.5
    assert made.default_model == "maker-2"  # the example's, though no x-models lists it


def test_results_may_follow_a_request_property() -> None:
    results = ResultFacts("image/jpeg", "jpeg", format_from="output_format")
    assert results.extension_for({}) == "jpeg"
    assert results.extension_for({"output_format": "avif"}) == "avif"
    assert results.media_type_for({"output_format": "avif"}) == "image/avif"
    assert results.media_type_for({"output_format": None}) == "image/jpeg"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"x-operation-kind": "batch"}, "x-operation-kind 'batch' is not one of"),
        ({"x-results": {"media-type": "image/png"}}, "x-results: needs media-type and extension"),
        ({"x-results": {"media-type": 1, "extension": "png"}}, "media-type must be a str"),
        ({"x-models": {"maker-1": {"mock-seconds": 1}}}, "x-models.maker-1: needs credits"),
        ({"x-models": {"maker-1": {"credits": "five"}}}, "credits must be a float"),
        ({"x-cli-command": 5}, "x-cli-command must be a str"),
    ],
)
def test_a_wrong_extension_names_the_operation_and_the_part(
    change: dict[str, Any], message: str
) -> None:
    with pytest.raises(SpecExtensionError, match="POST /things \\(makeThing\\)") as raised:
        operations(_changed(change))
    assert message in str(raised.value)


def test_an_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match="known: getThing, thing"):
        operation("teleport", SPEC)
    with pytest.raises(KeyError, match="0 operations of kind 'chat'"):
        of_kind("chat", SPEC)


def test_paths_are_matched_to_templates_under_any_prefix() -> None:
    spec = copy.deepcopy(SPEC)
    spec["paths"]["/things/latest"] = {"get": {"operationId": "latestThing"}}
    matcher = routes(spec)
    found = matcher.match("/api/v2/things/t1")
    assert found is not None
    assert (found.template, dict(found.parameters)) == ("/things/{id}", {"id": "t1"})
    assert found.by_method["GET"].operation_id == "getThing"
    latest = matcher.match("/things/latest")  # a literal path wins over a template
    assert latest is not None
    assert latest.by_method["GET"].operation_id == "latestThing"
    assert matcher.match("/api/v2/things/t1", under_prefix=False) is None
    assert matcher.match("/things/t1", under_prefix=False) is not None
    for elsewhere in ["/things/t1/parts", "/morethings", "/api/things/"]:
        assert matcher.match(elsewhere) is None, elsewhere


def test_a_call_is_built_from_an_operation_and_a_body() -> None:
    image = next(facts for facts in operations() if facts.creates_task and facts.examples)
    example = dict(next(iter(image.examples.values())))
    call = image.call(example)
    assert call.module.__name__ == image.module
    assert call.arguments["body"].to_dict() == example
    status = of_kind("task-status").call(task_id="n1abc")
    assert dict(status.arguments) == {"task_id": "n1abc"}
    with pytest.raises(KeyError):
        image.call({})  # the request model's from_dict refuses a body missing its fields
