"""Saving a finished task's result files: streamed, safely named, bounded, never half-written.

A result URL that has expired (403 or 404 from storage) is fetched again
through the task-status call, once per download, for fresh URLs. Each file
is capped in size (``max_bytes``) and time (``max_seconds``): a result that
streams forever ends in an ``ApiInOneError``, and on any failure (a full
disk too) the temporary file is removed.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import secrets
import time
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
_LONGEST_STEM = 100
"""Characters of a task id kept in a file name: far below any file system's 255 bytes."""
DEFAULT_MAX_BYTES = 4 * 1024**3
"""The largest result file saved by default: 4 GiB."""
DEFAULT_MAX_SECONDS = 1800.0
"""The longest a result file's download may take by default: 30 minutes."""


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
    name = _UNSAFE.sub("_", task_id).strip("._") or "task"
    if len(name) > _LONGEST_STEM:  # shortened, and told apart by a hash of the whole id
        name = f"{name[:_LONGEST_STEM]}_{hashlib.sha256(task_id.encode()).hexdigest()[:12]}"
    return f"{name}-{index}{suffix.lower()}"


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
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
) -> list[Path]:
    """Stream each result URL of a finished task into ``dest_dir``; return the file paths.

    Files are named from the task id, their position and their URL's extension.
    Each is written to a temporary file beside its final name and renamed when
    complete; one larger than ``max_bytes`` or slower than ``max_seconds``, an
    unparsable URL or a file that cannot be written raise ``ApiInOneError``
    and leave nothing behind. The API key is never sent to the result host.
    """
    to = _Destination.made(dest_dir, task, on_progress, max_bytes, max_seconds)
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
            with to.partial(target, response, url) as partial:
                for data in response.iter_bytes():
                    partial.write(data)
    except httpx.TransportError as error:
        raise APIConnectionError(
            f"Downloading {url} failed: {error}", request_id=request_id
        ) from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
        raise _bad_url(url, error) from None
    return target


@traced_async_download
async def async_download_results(
    client: AuthenticatedClient,
    task: Task,
    dest_dir: str | os.PathLike[str],
    *,
    on_progress: ProgressCallback | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
) -> list[Path]:
    """Async ``download_results``. Local file writes are small and stay on the event loop."""
    to = _Destination.made(dest_dir, task, on_progress, max_bytes, max_seconds)
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
            with to.partial(target, response, url) as partial:
                async for data in response.aiter_bytes():
                    partial.write(data)
    except httpx.TransportError as error:
        raise APIConnectionError(
            f"Downloading {url} failed: {error}", request_id=request_id
        ) from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
        raise _bad_url(url, error) from None
    return target


def _bad_url(url: str, error: Exception) -> ApiInOneError:
    return ApiInOneError(f"The result URL {url!r:.300} cannot be fetched: {error}")


@dataclass(frozen=True)
class _Destination:
    """Where a task's results are saved, and who hears of the bytes written."""

    folder: Path
    task: Task
    on_progress: ProgressCallback | None
    max_bytes: int
    max_seconds: float

    @classmethod
    def made(
        cls,
        dest_dir: str | os.PathLike[str],
        task: Task,
        on_progress: ProgressCallback | None,
        max_bytes: int,
        max_seconds: float,
    ) -> _Destination:
        """The destination, its folder created if missing."""
        folder = Path(dest_dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ApiInOneError(f"Cannot make the folder {folder}: {error.strerror}") from None
        return cls(folder, task, on_progress, max_bytes, max_seconds)

    def partial(self, target: Path, response: httpx.Response, url: str) -> _Partial:
        """The temporary file a result is streamed into, with this destination's caps."""
        total = _total(response)
        if total is not None and total > self.max_bytes:
            raise ApiInOneError(
                f"The result {url!r:.300} is {total} bytes, over the {self.max_bytes}-byte cap "
                "(max_bytes): not downloaded."
            )
        deadline = time.monotonic() + self.max_seconds
        return _Partial(target, total, self.on_progress, _Caps(url, self.max_bytes, deadline))

    def target(self, response: httpx.Response, url: str, index: int, request_id: str) -> Path:
        """Where a result is saved; raises the typed error of a refused download (read already)."""
        if response.status_code >= 400:
            error = error_from_response(response, request_id=request_id)
            raise _Expired(error) if response.status_code in _EXPIRED else error
        return self.folder / _safe_name(self.task.task_id, index, url, media_type(response))


def _total(response: httpx.Response) -> int | None:
    length = response.headers.get("content-length")
    return int(length) if length and length.isdigit() else None


@dataclass(frozen=True)
class _Caps:
    """How large and how long one result's download may grow."""

    url: str
    max_bytes: int
    deadline: float
    """On the ``time.monotonic()`` clock."""

    def check(self, done: int) -> None:
        if done > self.max_bytes:
            raise ApiInOneError(
                f"The result {self.url!r:.300} passed the {self.max_bytes}-byte cap "
                "(max_bytes): not saved."
            )
        if time.monotonic() > self.deadline:
            raise ApiInOneError(
                f"The result {self.url!r:.300} took longer than the download's time cap "
                "(max_seconds): not saved."
            )


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
    """A temporary file beside ``target``, renamed onto it only when writing finished.

    The temporary file goes on any failure, a full disk included; the
    file system's errors are ``ApiInOneError``.
    """

    def __init__(
        self,
        target: Path,
        total: int | None,
        on_progress: ProgressCallback | None,
        caps: _Caps,
    ) -> None:
        self.target, self.total, self.on_progress, self.caps = target, total, on_progress, caps
        self.done = 0
        try:
            self.temporary, handle = _create_beside(target)
        except OSError as error:
            raise self._failed(error) from None
        self.file = os.fdopen(handle, "wb")

    def _failed(self, error: OSError) -> ApiInOneError:
        return ApiInOneError(f"Saving {self.target} failed: {error.strerror or error}")

    def __enter__(self) -> _Partial:
        return self

    def write(self, data: bytes) -> None:
        self.done += len(data)
        self.caps.check(self.done)
        try:
            self.file.write(data)
        except OSError as error:
            raise self._failed(error) from None
        if self.on_progress is not None:
            self.on_progress(self.target, self.done, self.total)

    def __exit__(self, exc_type: object, *rest: object) -> None:
        try:
            self.file.close()  # flushes: a full disk may only show here
            if exc_type is None:
                os.replace(self.temporary, self.target)
        except OSError as error:
            raise self._failed(error) from None
        finally:
            self.temporary.unlink(missing_ok=True)
