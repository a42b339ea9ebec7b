"""The loopback server of the speed benchmarks, in a process of its own.

A server in the benchmark's own process would share its GIL and add its
work to every measured request; in a separate process it takes the other
core. Its answers are built once at start, so it costs next to nothing:

- ``POST /sse/{shape}/{n}`` + the chat path streams ``n`` ``chat.completion.chunk``
  events in one of the shapes of ``_shapes.SHAPES`` and ``data: [DONE]``, in large writes;
- ``GET /api/v1/<the task-status path>`` answers the spec's ``succeeded`` example of it.

Run ``python -m bench._servers --chunks N [N ...]``: it prints the port it
listens on, then serves until it is terminated.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.types import Receive, Scope, Send

from api_in_one._operations import of_kind
from api_in_one._spec import load_spec
from api_in_one.mock._server import listening_socket

from ._build import ROOT
from ._shapes import SHAPES, body

__all__ = ["CHAT_PATH", "KEY", "TASK_ID", "TASK_PATH", "loopback_server", "sse_body", "task_body"]

KEY = "aio_bench_0000000000000000"
"""The API key the benchmarks send (the server does not check it)."""


_WRITE = 256 * 1024


def sse_body(shape: str, chunks: int) -> bytes:
    """The SSE chat stream of ``chunks`` events of ``shape``, then ``[DONE]``."""
    return body(shape, chunks)


def _succeeded() -> dict[str, Any]:
    """The ``succeeded`` example answer of the task-status operation in openapi.yaml."""
    status = of_kind("task-status")
    operation = load_spec()["paths"][status.path][status.method.lower()]
    examples = operation["responses"]["200"]["content"]["application/json"]["examples"]
    value: dict[str, Any] = examples["succeeded"]["value"]
    return value


def task_body() -> bytes:
    """The ``succeeded`` example answer of the task-status operation, as JSON bytes."""
    return json.dumps(_succeeded()).encode()


TASK_ID: str = _succeeded()["data"]["task_id"]
"""The id in the spec's example answer of the task-status operation."""
TASK_PATH = of_kind("task-status").path.replace("{task_id}", TASK_ID)
"""Where that task is read, under the base URL."""
CHAT_PATH = of_kind("chat").path


class _App:
    """A raw ASGI app: no framework between the socket and the prebuilt answers."""

    def __init__(self, chunk_counts: list[int]) -> None:
        self.streams = {(shape, n): sse_body(shape, n) for shape in SHAPES for n in chunk_counts}
        self.task = task_body()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        path: str = scope["path"]
        parts = path.strip("/").split("/")
        if path.endswith(CHAT_PATH) and parts[0] == "sse":
            await self._stream(send, self.streams[parts[1], int(parts[2])])
        elif path == "/api/v1" + TASK_PATH:
            await self._answer(send, 200, b"application/json", self.task)
        else:
            await self._answer(send, 404, b"text/plain", b"not found")

    @staticmethod
    async def _answer(send: Send, status: int, media_type: bytes, body: bytes) -> None:
        headers = [(b"content-type", media_type), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    async def _stream(send: Send, body: bytes) -> None:
        headers = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for start in range(0, len(body), _WRITE):
            piece = body[start : start + _WRITE]
            await send({"type": "http.response.body", "body": piece, "more_body": True})
        await send({"type": "http.response.body", "body": b""})


@contextmanager
def loopback_server(chunk_counts: list[int]) -> Iterator[str]:
    """Start the server in a child process; yield its root URL, ``http://127.0.0.1:PORT``."""
    command = [sys.executable, "-m", "bench._servers", "--chunks", *map(str, chunk_counts)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert child.stdout is not None
        port = child.stdout.readline().strip()
        if not port.isdigit():
            raise RuntimeError(f"bench server did not start (exit code {child.wait()})")
        yield f"http://127.0.0.1:{port}"
    finally:
        child.terminate()
        child.wait()


def main() -> None:
    """Serve on a free loopback port, printed first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, nargs="*", default=[])
    app = _App(parser.parse_args().chunks)
    sock = listening_socket("127.0.0.1", 0)
    print(sock.getsockname()[1], flush=True)
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
