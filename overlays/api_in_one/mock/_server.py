"""Run the mock on a loopback port in a background thread, for tests and the demo."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ._app import API_PREFIX, create_app
from ._config import MockConfig
from ._state import MockState

__all__ = ["RunningMock", "base_url_of", "listening_socket", "serve"]


@dataclass(frozen=True)
class RunningMock:
    """A mock server that is accepting connections."""

    base_url: str
    """The API base URL, e.g. ``http://127.0.0.1:54321/api/v1``."""
    state: MockState
    """The live state the server uses: balances, tasks, faults and counters."""


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound and listening, so connections wait in the backlog until served."""
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that name it,
    # and without it every answer waits out the client's delayed ACK (~40 ms).
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def base_url_of(sock: socket.socket) -> str:
    """The API base URL of a mock served on ``sock``."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{API_PREFIX}"


@contextmanager
def _serving(app: ASGIApp, host: str, port: int) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a thread until the block ends; yields the base URL."""
    sock = listening_socket(host, port)
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield base_url_of(sock)
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


@contextmanager
def serve(
    config: MockConfig | None = None, *, host: str = "127.0.0.1", port: int = 0
) -> Iterator[RunningMock]:
    """Serve a fresh mock with uvicorn until the ``with`` block ends.

    The socket is bound and listening before this yields, so the first request
    waits in the backlog rather than failing; ``port=0`` picks a free port.
    """
    app = create_app(config)
    with _serving(app, host, port) as base_url:
        yield RunningMock(base_url, app.state.mock)


class MockHost:
    """One server whose ``mount(config)`` swaps in a fresh mock, for a test session.

    Starting and stopping uvicorn costs about 0.2 s (its shutdown waits out
    two 0.1 s ticks); mounting a new mock on a running server costs nothing,
    and each test still gets state of its own. Between ``unmount()`` and the
    next ``mount``, requests (say, from a thread a finished test left behind)
    get 503 instead of reaching, and counting in, the next test's mock.
    """

    def __init__(self) -> None:
        self.base_url = ""
        self._target: ASGIApp | None = None

    def mount(self, config: MockConfig) -> RunningMock:
        """Serve a fresh mock built from ``config``; returns it, running."""
        app = create_app(config)
        self._target = app
        return RunningMock(self.base_url, app.state.mock)

    def unmount(self) -> None:
        """Stop serving the current mock."""
        self._target = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        target = self._target or JSONResponse(
            {"error": {"code": 503, "message": "No mock is mounted", "type": "server_error"}},
            status_code=503,
        )
        await target(scope, receive, send)


@contextmanager
def mock_host(host: str = "127.0.0.1", port: int = 0) -> Iterator[MockHost]:
    """Run a ``MockHost`` on a loopback port until the block ends."""
    hosted = MockHost()
    with _serving(hosted, host, port) as base_url:
        hosted.base_url = base_url
        yield hosted
