"""connect()/aconnect(): settings, typed errors on every generated call, and the public surface."""

from __future__ import annotations

import inspect
from pathlib import Path

import httpx
import pytest

import api_in_one
from api_in_one import (
    ApiInOneClient,
    ApiInOneError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    InsufficientCreditsError,
    InternalServerError,
    NotFoundError,
    TaskCreation,
    TaskLog,
    aconnect,
    async_download_results,
    async_wait_for_task,
    connect,
    download_results,
    task_id_of,
    wait_for_task,
)
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock
from api_in_one_client.api.chat import create_chat_completion
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.api.tasks import get_task
from api_in_one_client.models import (
    ChatCompletion,
    ChatCompletionRequest,
    ChatMessage,
    ImageGenerationRequest,
    TaskCreated,
)

CAT = ImageGenerationRequest(model="flux-2", prompt="a cat on a windowsill")


@pytest.fixture
def aio_mock_config() -> MockConfig:
    return MockConfig(time_scale=0.01, keys={DEMO_KEY: 1000.0, "aio_poor": 1.0})


def test_key_and_base_url_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, aio_mock: RunningMock
) -> None:
    monkeypatch.setenv("API_IN_ONE_API_KEY", DEMO_KEY)
    monkeypatch.setenv("API_IN_ONE_BASE_URL", aio_mock.base_url)
    with connect() as client:
        created = create_image_generation.sync(client=client, body=CAT)
    assert isinstance(created, TaskCreated)


def test_missing_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("API_IN_ONE_API_KEY", raising=False)
    with pytest.raises(ApiInOneError, match="API_IN_ONE_API_KEY"):
        connect()
    with pytest.raises(ApiInOneError, match="API_IN_ONE_API_KEY"):
        aconnect()


def test_default_base_url_is_the_gateway(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("API_IN_ONE_BASE_URL", raising=False)
    with connect(DEMO_KEY) as client:
        assert str(client.get_httpx_client().base_url) == "https://apiin.one/api/v1/"


@pytest.mark.parametrize(
    "url", ["http://apiin.one/api/v1", "http://10.0.0.8/api/v1", "ftp://apiin.one", "apiin.one"]
)
def test_plain_http_and_odd_urls_are_refused(url: str) -> None:
    with pytest.raises(ApiInOneError, match=r"Base URL|plain-HTTP"):
        connect(DEMO_KEY, base_url=url)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.5.5.5", "localhost", "[::1]"])
def test_plain_http_is_allowed_on_loopback(host: str) -> None:
    connect(DEMO_KEY, base_url=f"http://{host}:8765/api/v1").close()


def test_the_key_stays_out_of_reprs() -> None:
    client = connect(DEMO_KEY, base_url="http://127.0.0.1:1/api/v1")
    http = client.get_httpx_client()
    for text in (repr(client), str(client), repr(http.headers), repr(http)):
        assert DEMO_KEY not in text
    http.close()


def test_documented_errors_raise_typed_exceptions(aio_mock: RunningMock) -> None:
    with connect(DEMO_KEY, base_url=aio_mock.base_url) as client:
        with pytest.raises(BadRequestError, match="prompt") as bad:
            create_image_generation.sync(client=client, body=ImageGenerationRequest("flux-2", "ab"))
        assert (bad.value.status, bad.value.code, bad.value.type) == (400, 400, "invalid_request")
        with pytest.raises(NotFoundError, match="Task not found"):
            get_task.sync("n0_missing", client=client)
    with (
        connect("aio_unknown", base_url=aio_mock.base_url) as stranger,
        pytest.raises(AuthenticationError),
    ):
        create_image_generation.sync(client=stranger, body=CAT)
    with connect("aio_poor", base_url=aio_mock.base_url) as poor:
        with pytest.raises(InsufficientCreditsError, match="5 needed") as poor_error:
            create_image_generation.sync(client=poor, body=CAT)
        assert not poor_error.value.may_have_created_task
    assert aio_mock.state.stats.tasks_created.total() == 0


@pytest.mark.anyio
async def test_documented_errors_raise_typed_exceptions_async(aio_mock: RunningMock) -> None:
    async with aconnect("aio_poor", base_url=aio_mock.base_url) as client:
        with pytest.raises(InsufficientCreditsError):
            await create_image_generation.asyncio(client=client, body=CAT)
        with pytest.raises(NotFoundError):
            await get_task.asyncio("n0_missing", client=client)


def test_non_json_error_body_still_explains_itself() -> None:
    request = httpx.Request("GET", "https://apiin.one/api/v1/tasks/x")
    response = httpx.Response(502, text="<html><h1>Bad Gateway</h1></html>", request=request)
    error = api_in_one._errors.error_from_response(response)
    assert isinstance(error, InternalServerError)
    assert "HTTP 502 Bad Gateway: <html><h1>Bad Gateway</h1></html>" in str(error)
    assert (error.status, error.type) == (502, None)


def test_unknown_error_type_is_kept() -> None:
    envelope = {"error": {"code": 409, "message": "Busy", "type": "conflict"}}
    error = api_in_one._errors.error_from_envelope(409, envelope, fallback="")
    assert type(error) is APIStatusError
    assert (error.type, error.code, error.status_code) == ("conflict", 409, 409)
    assert error.message.startswith("Busy (conflict, HTTP 409). Check the request")


def test_generated_chat_call_gets_a_typed_completion_not_a_stream(
    aio_client: ApiInOneClient,
) -> None:
    # The generated request model sends stream=true by default; the SDK asks for JSON.
    body = ChatCompletionRequest(model="gemini", messages=[ChatMessage(role="user", content="Hi")])
    assert body.to_dict()["stream"] is True
    completion = create_chat_completion.sync(client=aio_client, body=body)
    assert isinstance(completion, ChatCompletion)
    assert completion.credits_consumed == 2
    assert isinstance(completion.choices[0].message.content, str)


@pytest.mark.anyio
async def test_generated_chat_call_gets_a_typed_completion_async(
    aio_async_client: ApiInOneClient,
) -> None:
    body = ChatCompletionRequest(model="gemini", messages=[ChatMessage(role="user", content="Hi")])
    completion = await create_chat_completion.asyncio(client=aio_async_client, body=body)
    assert isinstance(completion, ChatCompletion)


def test_the_task_log_notes_created_tasks_and_nothing_else(aio_client: ApiInOneClient) -> None:
    log = aio_client.task_log
    assert log is not None
    created = create_image_generation.sync(client=aio_client, body=CAT)
    assert isinstance(created, TaskCreated)
    chat = ChatCompletionRequest(model="gemini", messages=[ChatMessage(role="user", content="Hi")])
    create_chat_completion.sync(client=aio_client, body=chat)
    get_task.sync(created.data.task_id, client=aio_client)
    assert len(log) == 1
    noted = log.get(created.data.task_id)
    assert noted is not None
    assert noted.kind == "/api/v1/images/generations flux-2"


@pytest.mark.anyio
async def test_the_task_log_notes_async_creations(aio_async_client: ApiInOneClient) -> None:
    created = await create_image_generation.asyncio(client=aio_async_client, body=CAT)
    assert isinstance(created, TaskCreated)
    assert aio_async_client.task_log is not None
    assert aio_async_client.task_log.get(created.data.task_id) is not None


def test_the_task_log_keeps_the_latest_tasks() -> None:
    log = TaskLog(limit=2)
    request = httpx.Request("POST", "https://apiin.one/api/v1/audio/speech", json={"text": "hi"})
    for task_id in ["a", "b", "c"]:
        log.record(request, {"id": task_id, "status": "pending"})
    assert [log.get(task_id) is None for task_id in ["a", "b", "c"]] == [True, False, False]
    noted = log.get("c")
    assert isinstance(noted, TaskCreation)
    assert noted.kind == "/api/v1/audio/speech "


def test_close_releases_the_connections(aio_mock: RunningMock) -> None:
    client = connect(DEMO_KEY, base_url=aio_mock.base_url)
    assert isinstance(create_image_generation.sync(client=client, body=CAT), TaskCreated)
    client.close()
    assert client.get_httpx_client().is_closed
    with pytest.raises(RuntimeError, match="closed"):
        create_image_generation.sync(client=client, body=CAT)


@pytest.mark.anyio
async def test_aclose_releases_the_async_connections(aio_mock: RunningMock) -> None:
    client = aconnect(DEMO_KEY, base_url=aio_mock.base_url)
    assert isinstance(await create_image_generation.asyncio(client=client, body=CAT), TaskCreated)
    await client.aclose()
    assert client.get_async_httpx_client().is_closed


def test_given_httpx_client_is_configured_and_wrapped(aio_mock: RunningMock) -> None:
    seen: list[httpx.Request] = []
    http = httpx.Client(event_hooks={"request": [seen.append]})
    client = connect(DEMO_KEY, base_url=aio_mock.base_url, httpx_client=http)
    with client, pytest.raises(NotFoundError):
        get_task.sync("n0_missing", client=client)
    assert seen[0].headers["Authorization"] == f"Bearer {DEMO_KEY}"


def test_create_wait_download_in_three_lines(aio_client: ApiInOneClient, tmp_path: Path) -> None:
    created = create_image_generation.sync(client=aio_client, body=CAT)
    task = wait_for_task(aio_client, created, poll_interval=0.01)
    [path] = download_results(aio_client, task, tmp_path)
    assert path.read_bytes().startswith(b"\x89PNG")
    assert path.parent == tmp_path
    assert path.name.startswith(task_id_of(created))


@pytest.mark.anyio
async def test_create_wait_download_in_three_lines_async(
    aio_async_client: ApiInOneClient, tmp_path: Path
) -> None:
    created = await create_image_generation.asyncio(client=aio_async_client, body=CAT)
    task = await async_wait_for_task(aio_async_client, created, poll_interval=0.01)
    [path] = await async_download_results(aio_async_client, task, tmp_path)
    assert path.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("n1_abc", "n1_abc"),
        ({"code": 200, "message": "success", "data": {"task_id": "n2", "status": "pending"}}, "n2"),
        ({"id": "task_abc123", "status": "pending", "model": "kling-3"}, "task_abc123"),
        (TaskCreated.from_dict({"code": 200, "message": "ok", "data": {"task_id": "n3"}}), "n3"),
    ],
)
def test_task_ids_are_read_from_either_wire_shape(value: object, expected: str) -> None:
    assert task_id_of(value) == expected  # type: ignore[arg-type]


def test_task_id_of_rejects_what_holds_no_id() -> None:
    with pytest.raises(TypeError, match="Cannot find a task id"):
        task_id_of({"data": {"status": "pending"}})
    with pytest.raises(TypeError, match="not a task"):
        task_id_of(None)


def test_exports_are_exactly_the_documented_public_names() -> None:
    public = {name for name in dir(api_in_one) if not name.startswith("_")}
    modules = {name for name in public if inspect.ismodule(getattr(api_in_one, name))}
    assert set(api_in_one.__all__) == public - modules
    assert api_in_one.__all__ == sorted(api_in_one.__all__, key=lambda n: (not n.isupper(), n))
    for name in api_in_one.__all__:
        value = getattr(api_in_one, name)
        if not isinstance(value, str):
            assert inspect.getdoc(value), f"{name} has no docstring"
