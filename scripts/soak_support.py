"""What the parts of ``make soak`` share: checks, inputs, the mock's counters, a Redis server.

The mock runs in the soak's own process, which outlives every run it
starts and kills, so its counters are the truth about what was created:
each input line writes its custom_id into the prompt, and a line with two
tasks on the mock is a duplicate.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import redis

from api_in_one._operations import operation
from api_in_one.mock import DEMO_KEY, RunningMock

IMAGE = operation("image")
MODEL = str(IMAGE.default_model)
IMAGE_COST = IMAGE.cost({"model": MODEL}) or 0.0
POLL = "0.05"
ROOT = Path(__file__).resolve().parent.parent
SOAK = [sys.executable, "-m", "scripts.soak"]
"""The command of the soak's own worker processes, run from ``ROOT``."""


class Checks:
    """Collects failed checks instead of stopping at the first."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def that(self, ok: bool, what: str) -> None:
        """Record ``what`` as failed unless ``ok``."""
        if not ok:
            self.failed.append(what)
            print(f"  FAILED: {what}", flush=True)


def write_input(path: Path, count: int, start: int = 0) -> None:
    """``count`` image lines with custom_ids ``start``, ``start + 1``... written into prompts."""
    with path.open("w") as out:
        for i in range(start, start + count):
            body = {"model": MODEL, "prompt": f"soak picture [{i:04}]"}
            out.write(json.dumps({"custom_id": f"{i:04}", "operation": "image", "body": body}))
            out.write("\n")


def tasks_per_line(mock: RunningMock, key: str = DEMO_KEY) -> Counter[str]:
    """The mock's tasks by the custom_id in their prompt."""
    found: Counter[str] = Counter()
    for task in list(mock.state.tasks.values()):
        if task.key == key:
            prompt = str(task.request.get("prompt", ""))
            found[prompt[prompt.index("[") + 1 : prompt.index("]")]] += 1
    return found


def output(path: Path) -> list[dict[str, Any]]:
    """The rows of a batch's output file."""
    return [json.loads(line) for line in path.read_text().splitlines()]


def aio(mock: RunningMock, *args: str, key: str = DEMO_KEY) -> list[str]:
    """The command line of ``aio batch run`` against the mock."""
    command = [sys.executable, "-m", "api_in_one.cli"]
    common = ["--api-key", key, "--base-url", mock.base_url, "--json"]
    return [*command, "batch", "run", *args, *common, "--poll-interval", POLL]


def wait_until(mock: RunningMock, tasks: int, timeout: float) -> None:
    """Until the mock holds ``tasks`` tasks (a moment mid-run to break something)."""
    deadline = time.monotonic() + timeout
    while len(mock.state.tasks) < tasks:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the soak waited {timeout:g} s for {tasks} tasks")
        time.sleep(0.02)


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RedisServer:
    """A redis-server of the soak's own, on a fixed port and folder: killed, paused, restarted."""

    def __init__(self, folder: Path, *options: str) -> None:
        server = shutil.which("redis-server")
        if server is None:
            raise SystemExit("redis-server is not installed: run `make system-packages`")
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.command = [server, "--port", str(self.port), "--bind", "127.0.0.1"]
        self.command += ["--dir", str(folder), "--save", "", *options]
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def start(self) -> None:
        """Start it (again, on the same port and folder) and wait for PING."""
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL)
        with redis.Redis(port=self.port, socket_connect_timeout=1) as client:
            for _ in range(500):
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    time.sleep(0.01)
        raise SystemExit(f"redis-server never answered on port {self.port}")

    def kill(self) -> None:
        """SIGKILL: whatever it had not written is gone."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def signal(self, sig: signal.Signals) -> None:
        """Send ``sig`` (SIGSTOP, SIGCONT)."""
        assert self.process is not None
        os.kill(self.process.pid, sig)

    def stop(self) -> None:
        """Stop it if it runs."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)

    def client(self) -> redis.Redis:
        """A client of its own."""
        return redis.Redis(port=self.port)
