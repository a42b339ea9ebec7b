"""Saving a finished task's result files: streamed, safely named, never half-written."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from api_in_one_client import AuthenticatedClient
from api_in_one_client.models import Task

from ._errors import APIConnectionError, ApiInOneError, error_from_response

__all__ = ["async_download_results", "download_results"]

ProgressCallback = Callable[[Path, int, int | None], None]
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _urls(task: Task) -> list[str]:
    urls = task.response
    if not isinstance(urls, list) or not urls:
        raise ApiInOneError(f"Task {task.task_id} has no result URLs (status {task.status})")
    return urls


def _safe_name(task_id: str, index: int, url: str) -> str:
    """``<task id>-<index><.ext>``, from characters that cannot climb out of the folder."""
    basename = httpx.URL(url).path.rsplit("/", 1)[-1]
    stem, dot, extension = basename.rpartition(".")
    suffix = "." + _UNSAFE.sub("", extension)[:10] if dot and stem else ""
    return f"{_UNSAFE.sub('_', task_id).strip('._') or 'task'}-{index}{suffix.lower()}"


def _timeout(client: AuthenticatedClient) -> httpx.Timeout:
    return client.get_httpx_client().timeout


def download_results(
    client: AuthenticatedClient,
    task: Task,
    dest_dir: str | os.PathLike[str],
    *,
    on_progress: ProgressCallback | None = None,
) -> list[Path]:
    """Stream each result URL of a finished task into ``dest_dir``; return the file paths.

    Files are named from the task id, their position and their URL's extension.
    Each is written to a temporary file beside its final name and renamed when
    complete. The API key is never sent to the result host.
    """
    folder = Path(dest_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    # A separate client: result hosts are not the API and must never see the key.
    with httpx.Client(timeout=_timeout(client), follow_redirects=True) as http:
        for index, url in enumerate(_urls(task)):
            target = folder / _safe_name(task.task_id, index, url)
            try:
                with http.stream("GET", url) as response:
                    if response.status_code >= 400:
                        response.read()
                        raise error_from_response(response)
                    _write(target, response.iter_bytes(), _total(response), on_progress)
            except httpx.TransportError as error:
                raise APIConnectionError(f"Downloading {url} failed: {error}") from None
            paths.append(target)
    return paths


async def async_download_results(
    client: AuthenticatedClient,
    task: Task,
    dest_dir: str | os.PathLike[str],
    *,
    on_progress: ProgressCallback | None = None,
) -> list[Path]:
    """Async ``download_results``. Local file writes are small and stay on the event loop."""
    folder = Path(dest_dir)
    os.makedirs(folder, exist_ok=True)
    paths = []
    timeout = client.get_async_httpx_client().timeout
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=True) as http:
        for index, url in enumerate(_urls(task)):
            target = folder / _safe_name(task.task_id, index, url)
            try:
                async with http.stream("GET", url) as response:
                    if response.status_code >= 400:
                        await response.aread()
                        raise error_from_response(response)
                    with _Partial(target) as partial:
                        async for data in response.aiter_bytes():
                            partial.write(data, _total(response), on_progress)
            except httpx.TransportError as error:
                raise APIConnectionError(f"Downloading {url} failed: {error}") from None
            paths.append(target)
    return paths


def _total(response: httpx.Response) -> int | None:
    length = response.headers.get("content-length")
    return int(length) if length and length.isdigit() else None


class _Partial:
    """A temporary file beside ``target``, renamed onto it only when writing finished."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.done = 0
        handle, name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
        self.file = os.fdopen(handle, "wb")
        self.temporary = Path(name)

    def __enter__(self) -> _Partial:
        return self

    def write(self, data: bytes, total: int | None, on_progress: ProgressCallback | None) -> None:
        self.file.write(data)
        self.done += len(data)
        if on_progress is not None:
            on_progress(self.target, self.done, total)

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.file.close()
        if exc_type is None:
            os.replace(self.temporary, self.target)
        else:
            self.temporary.unlink(missing_ok=True)


def _write(
    target: Path,
    chunks: Iterator[bytes],
    total: int | None,
    on_progress: ProgressCallback | None,
) -> None:
    with _Partial(target) as partial:
        for data in chunks:
            partial.write(data, total, on_progress)
