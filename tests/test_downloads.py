"""download_results: streamed to safe names, never half-written, never sent the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from api_in_one import (
    APIConnectionError,
    ApiInOneClient,
    NotFound,
    async_download_results,
    download_results,
)
from api_in_one.mock import DEMO_KEY, RunningMock
from api_in_one_client.models import Task


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
    with pytest.raises(NotFound):
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
