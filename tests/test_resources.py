"""The generated resources (``client.<tag>.<operation>``) on the two client types, over the mock."""

from __future__ import annotations

import dataclasses
import inspect
import json
import platform
from importlib.metadata import version
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

import api_in_one
from api_in_one import (
    AsyncApiInOneClient,
    SyncApiInOneClient,
    _client,
    aconnect,
    connect,
    request_id_of,
)
from api_in_one.mock import DEMO_KEY, RunningMock
from api_in_one_client import AuthenticatedClient
from api_in_one_client.api.tasks import Tasks, get_task
from api_in_one_client.errors import UnexpectedStatus
from api_in_one_client.models import (
    ChatMessage,
    ImageGenerationRequest,
    Task,
    TaskReference,
    TaskStatusResponse,
)


def test_a_create_returns_the_unwrapped_reference_and_the_raw_answer_its_request_id(
    aio_client: SyncApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    created = aio_client.images.create_image_generation(model="flux-2", prompt="A red fox")
    assert isinstance(created, TaskReference)
    raw = aio_client.tasks.with_raw_response.get_task(created.task_id)
    assert raw.status_code == 200
    assert raw.request_id == raw.http_response.request.headers["X-Request-Id"]
    assert raw.headers["content-type"].startswith("application/json")
    assert isinstance(raw.parsed, Task)
    assert raw.parsed.task_id == created.task_id
    task = aio_client.tasks.wait(created, poll_interval=0.01)
    assert task.status == "SUCCESS"
    assert [path.parent for path in aio_client.tasks.download(task, tmp_path)] == [tmp_path]


def test_a_parsed_answer_keeps_its_request_id_outside_equality_and_to_dict(
    aio_client: SyncApiInOneClient,
) -> None:
    created = aio_client.images.create_image_generation(model="flux-2", prompt="A red fox")
    assert (request_id_of(created) or "").startswith("req_")
    # The task a wait polled for came from no resource method; a finished one answers alike.
    assert request_id_of(aio_client.tasks.wait(created, poll_interval=0.01)) is None
    first = aio_client.tasks.get_task(created.task_id)
    raw = aio_client.tasks.with_raw_response.get_task(created.task_id)
    assert request_id_of(raw.parsed) == raw.request_id
    assert len({request_id_of(created), request_id_of(first), raw.request_id}) == 3
    assert first == raw.parsed
    assert first.to_dict() == raw.parsed.to_dict()
    assert Task.from_dict(first.to_dict()) == first
    assert str(request_id_of(first)) not in repr(first)
    answer = aio_client.chat.create_chat_completion(
        model="gemini", messages=[{"role": "user", "content": "Hi"}]
    )
    assert request_id_of(answer)
    # Nor did a generated function's answer.
    status = get_task.sync(created.task_id, client=aio_client)
    assert isinstance(status, TaskStatusResponse)
    assert request_id_of(status.data) is None


@pytest.mark.anyio
async def test_the_async_client_awaits_the_same_resources(
    aio_async_client: AsyncApiInOneClient, tmp_path: Path
) -> None:
    created = await aio_async_client.images.create_image_generation(
        body=ImageGenerationRequest(model="flux-2", prompt="A red fox")
    )
    raw = await aio_async_client.tasks.with_raw_response.get_task(created.task_id)
    assert raw.parsed.task_id == created.task_id
    assert raw.request_id
    assert request_id_of(raw.parsed) == raw.request_id
    assert request_id_of(created) not in {None, raw.request_id}
    task = await aio_async_client.tasks.wait(created, poll_interval=0.01)
    assert len(await aio_async_client.tasks.download(task, tmp_path)) == 1
    async with aio_async_client.chat.stream(
        model="gemini", messages=[{"role": "user", "content": "Hi"}]
    ) as stream:
        chunks = [chunk async for chunk in stream]
    assert chunks
    assert stream.result.text.startswith("Mock reply to: Hi")


def test_chat_takes_message_dicts_and_models_alike(aio_client: SyncApiInOneClient) -> None:
    answer = aio_client.chat.create_chat_completion(
        model="gemini",
        messages=[
            {"role": "system", "content": "Be brief"},
            ChatMessage(role="user", content="Hi"),
        ],
    )
    assert answer.choices[0].message.content
    with aio_client.chat.stream(
        model="gemini",
        messages=[{"role": "user", "content": "Hi"}],
        stream_options={"include_usage": True},
    ) as stream:
        assert [chunk.object_ for chunk in stream]
    assert stream.result.credits_consumed is not None


def test_bad_arguments_raise_a_type_error_unsent(
    aio_client: SyncApiInOneClient, aio_mock: RunningMock
) -> None:
    body = ImageGenerationRequest(model="flux-2", prompt="A red fox")
    create: Any = aio_client.images.create_image_generation  # calls a checker would refuse
    with pytest.raises(TypeError, match="not both"):
        create(body=body, prompt="Another")
    with pytest.raises(TypeError, match="missing: 'prompt'"):
        create(model="flux-2")
    with pytest.raises(TypeError, match="colour"):
        create(model="flux-2", prompt="A fox", colour="red")
    assert aio_mock.state.stats.received == 0


def test_an_error_answer_raises_on_a_client_that_does_not() -> None:
    """A plain generated client returns ``Error`` models; its resources raise instead."""

    def not_found(request: httpx.Request) -> httpx.Response:
        error = {"code": 404, "message": "Task not found", "data": None}
        return httpx.Response(404, json={**error, "error": {"type": "not_found", **error}})

    plain = AuthenticatedClient(
        base_url="https://gateway.test", token="aio_x", transport=httpx.MockTransport(not_found)
    )
    with pytest.raises(UnexpectedStatus) as raised:
        Tasks(plain).get_task("n0_missing")
    assert raised.value.status_code == 404


@pytest.mark.parametrize(
    ("answered", "expected"), [({"X-Request-Id": "gw-7f3a"}, "gw-7f3a"), ({}, "sent")]
)
def test_the_request_id_of_an_answer_is_the_gateway_s_else_the_one_sent(
    answered: dict[str, str], expected: str
) -> None:
    """A server of its own, answering with its own request id header or none, sync and async."""
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers.get("X-Request-Id", ""))
        task = {"task_id": "t1", "status": "SUCCESS"}
        body = {"code": 200, "message": "success", "data": task}
        return httpx.Response(200, json=body, headers=answered)

    transport = httpx.MockTransport(answer)
    with connect(
        "aio_x", base_url="https://gateway.test", httpx_client=httpx.Client(transport=transport)
    ) as client:
        task = client.tasks.get_task("t1")

    async def get() -> Task:
        http = httpx.AsyncClient(transport=transport)
        async with aconnect("aio_x", base_url="https://gateway.test", httpx_client=http) as client:
            return await client.tasks.get_task("t1")

    async_task = anyio.run(get)
    assert [request_id_of(task), request_id_of(async_task)] == (
        [expected] * 2 if expected != "sent" else sent[:2]
    )
    plain = AuthenticatedClient(base_url="https://gateway.test", token="aio_x", transport=transport)
    assert request_id_of(Tasks(plain).get_task("t1")) is None  # it knows no request id header


def test_requests_carry_the_sdk_user_agent_and_the_version_is_the_package_s() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        task = {"task_id": "t1", "status": "SUCCESS"}
        return httpx.Response(200, json={"code": 200, "message": "success", "data": task})

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with connect("aio_x", base_url="https://gateway.test", httpx_client=http) as client:
        assert client.tasks.get_task("t1").status == "SUCCESS"
    assert api_in_one.__version__ == version("api-in-one")
    assert seen[0].headers["User-Agent"] == (
        f"api-in-one/{api_in_one.__version__} python/{platform.python_version()} "
        f"httpx/{httpx.__version__}"
    )
    assert json.loads(seen[0].content or b"null") is None


@pytest.mark.parametrize("make", [connect, aconnect])
def test_connect_passes_every_setting_by_name(make: Any) -> None:
    """Each parameter of connect/aconnect but the httpx client is a Settings field, same default."""
    parameters = {
        name: parameter.default
        for name, parameter in inspect.signature(make).parameters.items()
        if name != "httpx_client"
    }
    fields = {field.name: field.default for field in dataclasses.fields(_client.Settings)}
    assert parameters == fields
    assert isinstance(make(DEMO_KEY, base_url="http://127.0.0.1:1"), _client.ApiInOneClient)
