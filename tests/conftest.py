"""Shared test settings; the api_in_one pytest plugin provides the mock fixtures."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from clocks import Clock

# Fails a whole-suite run in which a response the spec declares was never produced.
pytest_plugins = ["contract_coverage"]


@pytest.fixture
def clock() -> Clock:
    """A clock at 1000.0 that moves only when the test moves it."""
    return Clock()


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio, the loop the SDK supports."""
    return "asyncio"


INSTALL_HINT = "run `make system-packages` (it installs Debian's redis-server package)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_ping(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Poll PING until the server answers; fail at once if it exits, or after a deadline."""
    deadline = time.monotonic() + 10.0
    with redis.Redis(port=port, socket_connect_timeout=1.0) as client:
        while True:
            if process.poll() is not None:
                pytest.fail(f"redis-server exited at start:\n{log.read_text()}", pytrace=False)
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    pytest.fail(f"redis-server never answered PING:\n{log.read_text()}")
                time.sleep(0.01)


@contextmanager
def running_redis(folder: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A redis-server on a free loopback port with ``options``: its URL and its process."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail(f"redis-server is not installed: {INSTALL_HINT}", pytrace=False)
    port = _free_port()
    log = folder / f"redis-{port}.log"
    command = [server, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
    command += ["--save", "", *options]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for_ping(process, port, log)
        yield f"redis://127.0.0.1:{port}/0", process
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway redis-server on a free loopback port for the session.

    With AOF on: a Redis journal refuses a server that would lose what it writes.
    """
    with running_redis(tmp_path_factory.mktemp("redis"), "--appendonly", "yes") as (url, _):
        yield url


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on."""
    return _free_port()


def _in_threads(count: int, target: Callable[[], None]) -> None:
    """Run ``target`` in ``count`` threads at once and wait for all of them."""
    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.fixture
def in_threads() -> Callable[[int, Callable[[], None]], None]:
    """``in_threads(count, target)``: run ``target`` in that many threads at once, then join."""
    return _in_threads


_SECRETS_IN_RECORDINGS = re.compile(r'aio_[A-Za-z0-9_]{8,}|"authorization"', re.IGNORECASE)
"""What no recording may hold: anything shaped like a key (every key of the tests is), and an
``Authorization`` header (no request header is ever written)."""


@pytest.fixture
def recordings(tmp_path: Path) -> Iterator[Path]:
    """A folder for the test's recordings (``connect(record=...)``); after the test, every
    file in it is searched for keys and ``Authorization``, and the test fails on a find."""
    folder = tmp_path / "recordings"
    folder.mkdir()
    yield folder
    for path in folder.rglob("*"):
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        found = _SECRETS_IN_RECORDINGS.findall(text)
        assert not found, f"{path.name} holds {found}"
