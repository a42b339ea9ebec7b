"""Saving a finished task's result files: streamed, safely named, never half-written.

A result URL that has expired (403 or 404 from storage) is fetched again
through the task-status call, once per download, for fresh URLs.
"""

from __future__ import annotations

import mimetypes
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from api_in_one_client import AuthenticatedClient
from api_in_one_client.api.tasks import get_task
from api_in_one_client.models import Task, TaskStatusResponse

from .._errors import APIConnectionError, ApiInOneError, error_from_response
from .._operations import operations
from .._task_log import last_request_id
from .._telemetry import traced_async_download, traced_download
from .._tls import tls_context
from .._wire import REQUEST_ID_HEADER, media_type, new_request_id

__all__ = ["async_download_results", "download_results"]

ProgressCallback = Callable[[Path, int, int | None], None]
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_EXPIRED = frozenset({403, 404})


def _urls(client: AuthenticatedClient, task: Task) -> list[str]:
    urls = task.response
    if not isinstance(urls, list) or not urls:
        raise ApiInOneError(
            f"Task {task.task_id} has no result URLs (status {task.status}): download a task "
            "after it succeeded.",
            request_id=last_request_id(client, task.task_id),
        )
    return urls


def _safe_name(task_id: str, index: int, url: str, kind: str = "") -> str:
    """``<task id>-<index><.ext>``, from characters that cannot climb out of the folder.

    The extension is the URL's, or else the one of the answer's media type ``kind``.
    """
    basename = httpx.URL(url).path.rsplit("/", 1)[-1]
    stem, dot, extension = basename.rpartition(".")
    if not (dot and stem):
        extension = _extension_of(kind)
    suffix = "." + _UNSAFE.sub("", extension)[:10] if extension else ""
    return f"{_UNSAFE.sub('_', task_id).strip('._') or 'task'}-{index}{suffix.lower()}"


def _extension_of(media_type: str) -> str:
    """The spec's extension for a result media type, else the system's, else none."""
    for facts in operations():
        if facts.results is not None and facts.results.media_type == media_type:
            return facts.results.extension
    return (mimetypes.guess_extension(media_type) or "").lstrip(".")


class _Expired(Exception):
    """Storage answered 403 or 404: the result URL may have expired."""

    def __init__(self, error: ApiInOneError) -> None:
        self.error = error


def _refreshed(client: AuthenticatedClient, answer: object, task: Task) -> list[str]:
    if not isinstance(answer, TaskStatusResponse):
        raise ApiInOneError(f"Unexpected answer fetching task {task.task_id}: {answer!r:.200}")
    return _urls(client, answer.data)


def _timeout(client: AuthenticatedClient) -> httpx.Timeout:
    return client.get_httpx_client().timeout


@traced_download
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
    to = _Destination.made(dest_dir, task, on_progress)
    paths = []
    # A separate client: result hosts are not the API and must never see the key.
    urls, fresh = _urls(client, task), False
    with httpx.Client(
        timeout=_timeout(client), follow_redirects=True, verify=tls_context()
    ) as http:
        for index in range(len(urls)):
            try:
                paths.append(_save(http, urls[index], index, to))
            except _Expired as expired:
                if fresh:
                    raise expired.error from None
                answer = get_task.sync(task.task_id, client=client)
                urls, fresh = _refreshed(client, answer, task), True
                try:
                    paths.append(_save(http, urls[index], index, to))
                except _Expired as again:
                    raise again.error from None
    return paths


def _save(http: httpx.Client, url: str, index: int, to: _Destination) -> Path:
    # The storage host may not know the header, but its errors then quote the client's id.
    request_id = new_request_id()
    try:
        with http.stream("GET", url, headers={REQUEST_ID_HEADER: request_id}) as response:
            if response.status_code >= 400:
                response.read()
            target = to.target(response, url, index, request_id)
            with _Partial(target, _total(response), to.on_progress) as partial:
                for data in response.iter_bytes():
                    partial.write(data)
    except httpx.TransportError as error:
        raise APIConnectionError(
            f"Downloading {url} failed: {error}", request_id=request_id
        ) from None
    return target


@traced_async_download
async def async_download_results(
    client: AuthenticatedClient,
    task: Task,
    dest_dir: str | os.PathLike[str],
    *,
    on_progress: ProgressCallback | None = None,
) -> list[Path]:
    """Async ``download_results``. Local file writes are small and stay on the event loop."""
    to = _Destination.made(dest_dir, task, on_progress)
    paths = []
    timeout = client.get_async_httpx_client().timeout
    urls, fresh = _urls(client, task), False
    async with httpx.AsyncClient(
        timeout=timeout, follow_redirects=True, verify=tls_context()
    ) as http:
        for index in range(len(urls)):
            try:
                paths.append(await _async_save(http, urls[index], index, to))
            except _Expired as expired:
                if fresh:
                    raise expired.error from None
                answer = await get_task.asyncio(task.task_id, client=client)
                urls, fresh = _refreshed(client, answer, task), True
                try:
                    paths.append(await _async_save(http, urls[index], index, to))
                except _Expired as again:
                    raise again.error from None
    return paths


async def _async_save(http: httpx.AsyncClient, url: str, index: int, to: _Destination) -> Path:
    request_id = new_request_id()
    try:
        async with http.stream("GET", url, headers={REQUEST_ID_HEADER: request_id}) as response:
            if response.status_code >= 400:
                await response.aread()
            target = to.target(response, url, index, request_id)
            with _Partial(target, _total(response), to.on_progress) as partial:
                async for data in response.aiter_bytes():
                    partial.write(data)
    except httpx.TransportError as error:
        raise APIConnectionError(
            f"Downloading {url} failed: {error}", request_id=request_id
        ) from None
    return target


@dataclass(frozen=True)
class _Destination:
    """Where a task's results are saved, and who hears of the bytes written."""

    folder: Path
    task: Task
    on_progress: ProgressCallback | None

    @classmethod
    def made(
        cls, dest_dir: str | os.PathLike[str], task: Task, on_progress: ProgressCallback | None
    ) -> _Destination:
        """The destination, its folder created if missing."""
        folder = Path(dest_dir)
        folder.mkdir(parents=True, exist_ok=True)
        return cls(folder, task, on_progress)

    def target(self, response: httpx.Response, url: str, index: int, request_id: str) -> Path:
        """Where a result is saved; raises the typed error of a refused download (read already)."""
        if response.status_code >= 400:
            error = error_from_response(response, request_id=request_id)
            raise _Expired(error) if response.status_code in _EXPIRED else error
        return self.folder / _safe_name(self.task.task_id, index, url, media_type(response))


def _total(response: httpx.Response) -> int | None:
    length = response.headers.get("content-length")
    return int(length) if length and length.isdigit() else None


def _create_beside(target: Path) -> tuple[Path, int]:
    """A new file beside ``target`` and its descriptor, created with the user's umask
    (mode 0644 under umask 022, as any download), unlike ``mkstemp``'s 0600."""
    for _ in range(100):
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
        try:
            return temporary, os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")


class _Partial:
    """A temporary file beside ``target``, renamed onto it only when writing finished."""

    def __init__(
        self, target: Path, total: int | None, on_progress: ProgressCallback | None
    ) -> None:
        self.target, self.total, self.on_progress = target, total, on_progress
        self.done = 0
        self.temporary, handle = _create_beside(target)
        self.file = os.fdopen(handle, "wb")

    def __enter__(self) -> _Partial:
        return self

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.done += len(data)
        if self.on_progress is not None:
            self.on_progress(self.target, self.done, self.total)

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.file.close()
        if exc_type is None:
            os.replace(self.temporary, self.target)
        else:
            self.temporary.unlink(missing_ok=True)
