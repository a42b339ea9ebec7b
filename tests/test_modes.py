"""One mode per client: the other mode's calls raise TypeError; derived clients keep transport."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from api_in_one import (
    ApiInOneClient,
    InternalServerError,
    NotFoundError,
    aconnect,
    async_download_results,
    async_stream_chat,
    async_wait_for_task,
    connect,
    download_results,
    stream_chat,
    task_id_of,
    wait_for_task,
)
from api_in_one.mock import DEMO_KEY, RunningMock
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.api.tasks import get_task
from api_in_one_client.models import ImageGenerationRequest, Task, TaskCreated

CAT = ImageGenerationRequest(model="flux-2", prompt="a cat on a windowsill")
DONE = Task(task_id="n0_done", status="SUCCESS", response=["https://files.example/a.png"])
HELLO = {"model": "gpt-5.4", "messages": [{"role": "user", "content": "hi"}]}
GATEWAY = "https://apiin.one/api/v1"

SYNC_USES: dict[str, Callable[[ApiInOneClient, Path], object]] = {
    "generated .sync": lambda client, _: get_task.sync("n0_missing", client=client),
    "wait_for_task": lambda client, _: wait_for_task(client, "n0_missing"),
    "stream_chat": lambda client, _: stream_chat(client, HELLO),
    "download_results": lambda client, folder: download_results(client, DONE, folder),
    "with": lambda client, _: client.__enter__(),
}
ASYNC_USES: dict[str, Callable[[ApiInOneClient, Path], Awaitable[object]]] = {
    "generated .asyncio": lambda client, _: get_task.asyncio("n0_missing", client=client),
    "async_wait_for_task": lambda client, _: async_wait_for_task(client, "n0_missing"),
    "async_stream_chat": lambda client, _: async_stream_chat(client, HELLO),
    "async_download_results": lambda client, folder: async_download_results(client, DONE, folder),
    "async with": lambda client, _: client.__aenter__(),
}


@pytest.mark.parametrize("use", SYNC_USES)
def test_sync_calls_on_an_async_client_name_connect(
    use: str, aio_mock: RunningMock, tmp_path: Path
) -> None:
    client = aconnect(DEMO_KEY, base_url=aio_mock.base_url)
    with pytest.raises(TypeError, match=r"async-only: await .*or make a sync client with connect"):
        SYNC_USES[use](client, tmp_path)
    assert aio_mock.state.stats.requests.total() == 0


@pytest.mark.anyio
@pytest.mark.parametrize("use", ASYNC_USES)
async def test_async_calls_on_a_sync_client_name_aconnect(
    use: str, aio_mock: RunningMock, tmp_path: Path
) -> None:
    client = connect(DEMO_KEY, base_url=aio_mock.base_url)
    with pytest.raises(TypeError, match=r"sync-only: call .*or make an async client with aconnect"):
        await ASYNC_USES[use](client, tmp_path)
    assert aio_mock.state.stats.requests.total() == 0


def _answers(*statuses: int) -> Callable[[httpx.Request], httpx.Response]:
    """A server answering with ``statuses`` in turn (a task for 200, an error envelope else)."""
    turn = itertools.chain(statuses, itertools.repeat(statuses[-1]))

    def answer(request: httpx.Request) -> httpx.Response:
        status = next(turn)
        if status == 200:
            task = {"task_id": "n0_t", "status": "pending"}
            return httpx.Response(200, json={"code": 200, "message": "ok", "data": task})
        return httpx.Response(status, json={"error": {"message": "no", "type": "x", "code": 1}})

    return answer


class CountingBudget:
    """A rate budget that lets everything through and counts what it let through."""

    def __init__(self) -> None:
        self.acquired = 0

    def acquire(self) -> None:
        self.acquired += 1

    async def acquire_async(self) -> None:
        self.acquired += 1


def test_derived_clients_keep_the_transport_budget_and_task_log() -> None:
    budget = CountingBudget()
    seen: list[httpx.Request] = []
    server = _answers(200)

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return server(request)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with connect(DEMO_KEY, base_url=GATEWAY, httpx_client=http, rate_budget=budget) as client:
        derived = [
            client.with_headers({"X-Team": "a"}),
            client.with_timeout(httpx.Timeout(5.0)),
            client.with_options(timeout=5.0, max_retries=0),
            client,
        ]
        for each in derived:
            created = create_image_generation.sync(client=each, body=CAT)
            assert isinstance(created, TaskCreated)
            assert client.task_log.get(task_id_of(created)) is not None
    assert budget.acquired == 4
    # with_headers leaves the client it was called on as it was.
    assert [request.headers.get("X-Team") for request in seen] == ["a", None, None, None]


def test_with_options_sets_retries_and_timeout_for_its_calls_only() -> None:
    seen: list[httpx.Request] = []
    server = _answers(503, 503, 503, 200)

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return server(request)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    with connect(DEMO_KEY, base_url=GATEWAY, httpx_client=http, backoff_base=0) as client:
        hasty = client.with_options(timeout=2.5, max_retries=0)
        with pytest.raises(InternalServerError):
            get_task.sync("n0_t", client=hasty)
        assert [each.extensions["timeout"]["read"] for each in seen] == [2.5]
        seen.clear()
        get_task.sync("n0_t", client=client)
    assert [each.extensions["timeout"]["read"] for each in seen] == [60.0] * 3


@pytest.mark.anyio
async def test_async_with_options_keeps_the_transport() -> None:
    budget = CountingBudget()
    http = httpx.AsyncClient(transport=httpx.MockTransport(_answers(503, 200)))
    client = aconnect(
        DEMO_KEY, base_url=GATEWAY, httpx_client=http, rate_budget=budget, backoff_base=0
    )
    async with client:
        with pytest.raises(InternalServerError):
            await get_task.asyncio("n0_t", client=client.with_options(max_retries=0))
        assert await get_task.asyncio("n0_t", client=client.with_headers({"X-Team": "a"}))
    assert budget.acquired == 2


def _mounted(answer: Callable[[httpx.Request], httpx.Response], **kwargs: Any) -> dict[str, Any]:
    return {"mounts": {"https://apiin.one": httpx.MockTransport(answer)}, **kwargs}


def test_a_caller_clients_mounts_go_through_the_wrapper() -> None:
    http = httpx.Client(**_mounted(_answers(503, 404)))
    client = connect(DEMO_KEY, base_url=GATEWAY, httpx_client=http, backoff_base=0)
    with client, pytest.raises(NotFoundError):
        get_task.sync("n0_t", client=client)
    assert http.is_closed


@pytest.mark.anyio
async def test_an_async_caller_clients_mounts_go_through_the_wrapper() -> None:
    http = httpx.AsyncClient(**_mounted(_answers(503, 404)))
    async with aconnect(DEMO_KEY, base_url=GATEWAY, httpx_client=http, backoff_base=0) as client:
        with pytest.raises(NotFoundError):
            await get_task.asyncio("n0_t", client=client)
    assert http.is_closed
