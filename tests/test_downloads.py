"""download_results: streamed to safe names, never half-written, never sent the key."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from api_in_one import (
    APIConnectionError,
    ApiInOneClient,
    NotFoundError,
    async_download_results,
    async_wait_for_task,
    download_results,
    wait_for_task,
)
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock
from api_in_one.mock._app import API_PREFIX
from api_in_one.mock._server import _serving
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.models import ImageGenerationRequest, Task


@pytest.fixture
def aio_mock_config() -> MockConfig:
    """Fast tasks, and a rate limit the polls of a finished task do not wait on."""
    return MockConfig(time_scale=0.01, requests_per_minute=10_000)


def _task(task_id: str, urls: list[str]) -> Task:
    return Task(task_id=task_id, status="SUCCESS", response=urls)


def _result_urls(mock: RunningMock, path: str, body: dict[str, Any]) -> list[str]:
    """The result URLs of a task the mock finishes at once (it serves only real results)."""
    with httpx.Client(
        base_url=mock.base_url, headers={"Authorization": f"Bearer {DEMO_KEY}"}
    ) as http:
        task_id = http.post(path, json=body).json()["data"]["task_id"]
        mock.state.tasks[task_id].duration = 0.0
        urls: list[str] = http.get(f"/tasks/{task_id}").json()["data"]["response"]
    return urls


def _image_url(mock: RunningMock) -> str:
    return _result_urls(mock, "/images/generations", {"model": "flux-2", "prompt": "a cat"})[0]


def test_results_are_saved_under_safe_names_with_progress(
    aio_client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    music = _result_urls(aio_mock, "/audio/music", {"model": "suno", "gpt_description_prompt": "x"})
    task = _task("../../etc/n1 evil", [music[0], _image_url(aio_mock) + "?x=/../y"])
    progress: list[tuple[str, int, int | None]] = []
    paths = download_results(
        aio_client,
        task,
        tmp_path / "out",
        on_progress=lambda p, done, total: progress.append((p.name, done, total)),
    )
    assert [p.name for p in paths] == ["etc_n1_evil-0.wav", "etc_n1_evil-1.png"]
    assert all(p.parent == tmp_path / "out" for p in paths)
    assert paths[0].read_bytes()[8:12] == b"WAVE"
    assert paths[1].read_bytes().startswith(b"\x89PNG")
    assert progress[-1] == ("etc_n1_evil-1.png", paths[1].stat().st_size, paths[1].stat().st_size)
    assert aio_mock.state.stats.file_requests == 2
    assert aio_mock.state.stats.file_requests_with_auth == 0


def test_a_failed_download_leaves_no_partial_file(
    aio_client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    files = aio_mock.base_url.removesuffix("/api/v1") + "/files"
    with pytest.raises(NotFoundError):
        download_results(
            aio_client, _task("n1", [_image_url(aio_mock), f"{files}/missing"]), tmp_path
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n1-0.png"]
    with pytest.raises(APIConnectionError):
        download_results(aio_client, _task("n2", ["http://127.0.0.1:9/x.png"]), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n1-0.png"]


def test_a_task_without_results_is_refused(aio_client: ApiInOneClient, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="has no result URLs"):
        download_results(aio_client, Task(task_id="n1", status="FAILED"), tmp_path)


@pytest.mark.anyio
async def test_async_download(
    aio_async_client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    video = {"model": "kling-3", "prompt": "waves"}
    [url] = _result_urls(aio_mock, "/videos/generations", video)
    [path] = await async_download_results(aio_async_client, _task("n3", [url]), tmp_path)
    assert path.read_bytes()[4:8] == b"ftyp"
    assert aio_mock.state.stats.file_requests_with_auth == 0


async def _storage(scope: Scope, receive: Receive, send: Send) -> None:
    """A result host: ``/plain/<type>/<subtype>`` answers with that content type and no
    extension in the URL; ``/cut`` promises 1000 bytes and sends 10."""
    assert scope["type"] == "http"
    path: str = scope["path"]
    if path.startswith("/plain/"):
        body = b"\x89PNG-ish"
        headers = [(b"content-type", path.removeprefix("/plain/").encode())]
    else:
        body, headers = b"0123456789", [(b"content-length", b"1000")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def storage() -> Iterator[str]:
    with _serving(_storage, "127.0.0.1", 0) as base_url:
        yield base_url.removesuffix(API_PREFIX)


def test_a_url_without_an_extension_gets_the_content_types(
    aio_client: ApiInOneClient, storage: str, tmp_path: Path
) -> None:
    urls = [f"{storage}/plain/image/png", f"{storage}/plain/audio/wav", f"{storage}/plain/x/y"]
    paths = download_results(aio_client, _task("n7", urls), tmp_path)
    assert [path.name for path in paths] == ["n7-0.png", "n7-1.wav", "n7-2"]


def test_an_interrupted_download_leaves_nothing_under_any_name(
    aio_client: ApiInOneClient, storage: str, tmp_path: Path
) -> None:
    with pytest.raises(APIConnectionError):
        download_results(aio_client, _task("n8", [f"{storage}/cut.png"]), tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.anyio
async def test_an_interrupted_async_download_leaves_nothing_either(
    aio_async_client: ApiInOneClient, storage: str, tmp_path: Path
) -> None:
    with pytest.raises(APIConnectionError):
        await async_download_results(aio_async_client, _task("n8", [f"{storage}/cut"]), tmp_path)
    assert os.listdir(tmp_path) == []


def _finished_task(client: ApiInOneClient) -> Task:
    body = ImageGenerationRequest.from_dict({"model": "flux-2", "prompt": "a red bicycle"})
    return wait_for_task(
        client, create_image_generation.sync(client=client, body=body), poll_interval=0.02
    )


def test_an_expired_result_url_is_fetched_again_through_get_task_once(
    aio_client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    task = _finished_task(aio_client)
    assert isinstance(task.response, list)
    fresh = task.response[0]
    expired = _task(task.task_id, [fresh.replace(".png", "-expired")])
    polls = aio_mock.state.stats.requests["GET /tasks/{task_id}"]
    [path] = download_results(aio_client, expired, tmp_path)
    assert path.read_bytes().startswith(b"\x89PNG")
    assert aio_mock.state.stats.requests["GET /tasks/{task_id}"] == polls + 1
    # A URL of a task the gateway no longer knows: the fresh fetch fails, once.
    gone = _task("n9_unknown", [fresh.replace(".png", "-expired")])
    with pytest.raises(NotFoundError):
        download_results(aio_client, gone, tmp_path / "gone")
    assert aio_mock.state.stats.requests["GET /tasks/{task_id}"] == polls + 2


@pytest.mark.anyio
async def test_an_expired_result_url_is_fetched_again_async(
    aio_async_client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    body = ImageGenerationRequest.from_dict({"model": "flux-2", "prompt": "a red bicycle"})
    created = await create_image_generation.asyncio(client=aio_async_client, body=body)
    task = await async_wait_for_task(aio_async_client, created, poll_interval=0.02)
    assert isinstance(task.response, list)
    expired = _task(task.task_id, [task.response[0].replace(".png", "")])
    [path] = await async_download_results(aio_async_client, expired, tmp_path)
    assert path.name == f"{task.task_id}-0.png"


@pytest.fixture
def umask() -> Iterator[None]:
    """Umask 022, a common default; the test's own process umask is restored after."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.usefixtures("umask")
def test_downloads_follow_the_umask_as_any_created_file(
    aio_client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    [path] = download_results(aio_client, _task("n4", [_image_url(aio_mock)]), tmp_path)
    assert path.stat().st_mode & 0o777 == 0o644
    os.umask(0o077)
    [private] = download_results(aio_client, _task("n5", [_image_url(aio_mock)]), tmp_path)
    assert private.stat().st_mode & 0o777 == 0o600


@pytest.mark.anyio
@pytest.mark.usefixtures("umask")
async def test_async_downloads_follow_the_umask(
    aio_async_client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    [path] = await async_download_results(
        aio_async_client, _task("n6", [_image_url(aio_mock)]), tmp_path
    )
    assert path.stat().st_mode & 0o777 == 0o644
