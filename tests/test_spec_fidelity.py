"""Where the docs page leaves a rule open, openapi.yaml decides it once and the mock follows.

Each case is a value the page allows, forbids or leaves to the model, sent
to the bundled mock, whose validation is the spec's own schemas: a value the
spec accepts creates a task, one it refuses gets the 400 envelope naming the
field and creates nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from api_in_one import ApiInOneClient, InternalServerError
from api_in_one._operations import operations
from api_in_one._spec import load_spec
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock, serve
from api_in_one_client import AuthenticatedClient
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.models import Error, ImageGenerationRequest

SPEC = load_spec()
AUTH = {"Authorization": f"Bearer {DEMO_KEY}"}
IMAGE = {"model": "flux-2", "prompt": "a lighthouse at dusk"}
VIDEO = {"model": "kling-3", "prompt": "waves at night"}
SPEECH = {"model": "elevenlabs-v3"}
FACES = {"image": "https://x.io/a.png", "face_image": "https://x.io/b.png"}


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    config = MockConfig(keys={DEMO_KEY: 1e9}, requests_per_minute=10**9, time_scale=0.0)
    with serve(config) as running:
        yield running


@pytest.fixture(scope="module")
def http(mock: RunningMock) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock.base_url, headers=AUTH) as client:
        yield client


def _created(mock: RunningMock) -> int:
    return mock.state.stats.tasks_created.total()


ACCEPTED = [
    # "Model-specific, e.g. 480p, 720p, 1080p": examples, not a closed list.
    ("/videos/generations", {**VIDEO, "resolution": "540p"}),
    ("/videos/generations", {**VIDEO, "resolution": "4K"}),
    # The page gives no minimum for these.
    ("/videos/generations", {**VIDEO, "prompt": ""}),
    ("/audio/speech", {**SPEECH, "dialogue": []}),
    ("/audio/speech", {**SPEECH, "dialogue": [{"text": ""}]}),
    ("/videos/generations", {**VIDEO, "duration": "0.5"}),
    ("/videos/generations", {**VIDEO, "duration": "15"}),
    # "e.g. 1:1, 16:9, 9:16": examples, not a format.
    ("/images/generations", {**IMAGE, "aspect_ratio": "auto"}),
    ("/images/generations", {**IMAGE, "aspect_ratio": "2.39:1"}),
    # Whole numbers written as JSON numbers with a fraction part are integers.
    ("/images/generations", {**IMAGE, "seed": 7.0}),
    ("/images/tools/face-swap", {**FACES, "target_index": 2.0}),
    # Suno versions through `model`, each with the page's prompt limit.
    ("/audio/music", {"model": "suno", "prompt": "x" * 3000}),
    ("/audio/music", {"model": "chirp-v3-5", "prompt": "x" * 3000}),
    ("/audio/music", {"model": "chirp-v4", "prompt": "x" * 3000}),
    ("/audio/music", {"model": "chirp-v4-5", "prompt": "x" * 5000}),
    # The page gives no prompt limit for MiniMax Music.
    ("/audio/music", {"model": "minimax-music", "prompt": "x" * 6000}),
]


@pytest.mark.parametrize(("path", "body"), ACCEPTED, ids=lambda value: str(value)[:40])
def test_what_the_page_leaves_to_the_model_creates_a_task(
    http: httpx.Client, mock: RunningMock, path: str, body: dict[str, Any]
) -> None:
    before = _created(mock)
    answer = http.post(path, json=body)
    assert answer.status_code == 200, answer.text
    task = http.get(f"/tasks/{answer.json()['data']['task_id']}").json()["data"]
    assert task["request"] == body
    assert _created(mock) == before + 1


REFUSED = [
    ("/videos/generations", {**VIDEO, "duration": "0"}, "duration"),
    ("/videos/generations", {**VIDEO, "duration": "0.0"}, "duration"),
    ("/videos/generations", {**VIDEO, "duration": 0}, "duration"),
    ("/videos/generations", {**VIDEO, "duration": "-5"}, "duration"),
    ("/images/generations", {**IMAGE, "seed": 1.5}, "seed"),
    ("/images/tools/face-swap", {**FACES, "target_index": 1.5}, "target_index"),
    ("/audio/music", {"model": "suno", "prompt": "x" * 3001}, "prompt"),
    ("/audio/music", {"model": "chirp-v4", "prompt": "x" * 3001}, "prompt"),
    ("/audio/music", {"model": "chirp-v4-5", "prompt": "x" * 5001}, "prompt"),
    # A later version the spec does not list still has v4.5's limit.
    ("/audio/music", {"model": "chirp-v9", "prompt": "x" * 5001}, "prompt"),
]


@pytest.mark.parametrize(("path", "body", "field"), REFUSED, ids=lambda value: str(value)[:40])
def test_what_the_spec_refuses_gets_400_naming_the_field_and_creates_nothing(
    http: httpx.Client, mock: RunningMock, path: str, body: dict[str, Any], field: str
) -> None:
    before = _created(mock)
    answer = http.post(path, json=body)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert (error["code"], error["type"]) == (400, "invalid_request")
    assert error["message"].startswith(f"{field}: ")
    assert _created(mock) == before


@pytest.mark.parametrize("task_id", ["a.b", "n41xxxx_flux2", "x" * 300, "a b", "タスク"])
def test_any_id_of_no_task_is_the_pages_404_not_a_400(http: httpx.Client, task_id: str) -> None:
    answer = http.get(f"/tasks/{task_id}")
    assert answer.status_code == 404, answer.text
    assert answer.json()["error"] == {
        "code": 404,
        "message": f"Task not found: {task_id}",
        "type": "not_found",
    }


def test_an_id_no_route_can_match_still_gets_the_404_envelope(http: httpx.Client) -> None:
    answer = http.get("/tasks/a%0Ab")  # a newline, which Starlette's path routes never match
    assert answer.status_code == 404, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["error"]["type"] == "not_found"


@pytest.mark.parametrize("model", ["", "x" * 200, "chirp-v9"])
def test_any_unknown_model_slug_is_404(http: httpx.Client, model: str) -> None:
    answer = http.post("/audio/music", json={"model": model, "prompt": "calm"})
    assert answer.status_code == 404, answer.text
    assert answer.json()["error"]["type"] == "not_found"


def test_the_bad_request_example_is_what_the_mock_says(http: httpx.Client) -> None:
    example = SPEC["components"]["responses"]["BadRequest"]["content"]["application/json"]
    expected = example["examples"]["invalidRequest"]["value"]
    answer = http.post("/images/generations", json={"model": "flux-2", "prompt": "ab"})
    assert answer.status_code == 400
    assert answer.json() == expected


def _error_validator() -> jsonschema.Draft202012Validator:
    registry: Registry[Any] = Registry().with_resource(
        "spec", Resource.from_contents(SPEC, default_specification=DRAFT202012)
    )
    return jsonschema.Draft202012Validator(
        {"$ref": "spec#/components/schemas/Error"}, registry=registry
    )


def test_every_operation_declares_the_503_the_mock_injects(
    http: httpx.Client, mock: RunningMock
) -> None:
    validator = _error_validator()
    for facts in operations():
        response = SPEC["paths"][facts.path][facts.method.lower()]["responses"]["503"]
        assert response == {"$ref": "#/components/responses/ServiceUnavailable"}
        mock.state.faults.error_burst, mock.state.faults.error_status = 1, 503
        answer = http.request(facts.method, facts.path.replace("{task_id}", "n0"), json={})
        assert answer.status_code == 503, facts.operation_id
        validator.validate(answer.json())
        assert answer.json()["error"]["type"] == "server_error"


def test_a_method_no_operation_declares_gets_405_allowing_the_declared_ones(
    http: httpx.Client,
) -> None:
    for path, item in SPEC["paths"].items():
        declared = sorted(method.upper() for method in item)
        other = "GET" if "GET" not in declared else "DELETE"
        answer = http.request(other, path.replace("{task_id}", "n0"))
        assert answer.status_code == 405, path
        assert answer.headers["Allow"] == ", ".join(declared)
        assert answer.json()["error"]["type"] == "invalid_request"


def test_the_generated_client_parses_a_503_into_the_error_model(mock: RunningMock) -> None:
    mock.state.faults.error_burst, mock.state.faults.error_status = 1, 503
    with AuthenticatedClient(base_url=mock.base_url, token=DEMO_KEY) as raw:
        parsed = create_image_generation.sync(
            client=raw, body=ImageGenerationRequest.from_dict(IMAGE)
        )
    assert isinstance(parsed, Error)
    assert (parsed.error.code, parsed.error.type_) == (503, "server_error")


def test_the_sdk_still_raises_a_503_before_the_generated_parser_runs(
    aio_mock: RunningMock, aio_client: ApiInOneClient
) -> None:
    aio_mock.state.faults.error_burst, aio_mock.state.faults.error_status = 1, 503
    with pytest.raises(InternalServerError) as raised:
        create_image_generation.sync(
            client=aio_client, body=ImageGenerationRequest.from_dict(IMAGE)
        )
    assert raised.value.status == 503
    assert raised.value.may_have_created_task


@pytest.mark.anyio
async def test_the_async_sdk_still_raises_a_503_before_the_generated_parser_runs(
    aio_mock: RunningMock, aio_async_client: ApiInOneClient
) -> None:
    aio_mock.state.faults.error_burst, aio_mock.state.faults.error_status = 1, 503
    with pytest.raises(InternalServerError) as raised:
        await create_image_generation.asyncio(
            client=aio_async_client, body=ImageGenerationRequest.from_dict(IMAGE)
        )
    assert raised.value.status == 503
