"""The hostile part of ``make soak``: a broken or hostile server, a full disk, bad bytes.

A small HTTP server in this process answers as a hostile gateway would;
each check runs in a worker process of its own, under a deadline (and an
address-space cap where memory is at stake), so a failing check can neither
hang the soak nor take the machine's memory.

1. The task-status call answered with 1 MB of gzip that inflates to 1 GiB: a typed
   error, the worker's peak memory under 512 MB.
2. A result URL that streams forever, and one that trickles: the download
   caps end them with a typed error and no ``.part`` left.
3. A download onto a full disk (a 1 MiB file-size limit): a typed error,
   no ``.part``.
4. One 32 MB SSE event: decoded whole within 10 s (linear decoding).
5. An SSE stream sent with ``Content-Encoding: gzip``: its text arrives.
6. ``aio batch run`` on a full disk for its journal, on a UTF-16 or Latin-1
   input, on a corrupt journal, with an argument not in UTF-8: exit 2, no
   traceback.
"""

from __future__ import annotations

import gzip
import json
import resource
import signal
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from api_in_one import ApiInOneError, connect, download_results, stream_chat, wait_for_task
from api_in_one.mock import DEMO_KEY, MockConfig, serve
from api_in_one_client.models import Task
from scripts.soak_support import MODEL, ROOT, SOAK, Checks, aio, write_input

DEADLINE = 60.0
BOMB_BYTES = 1 << 30
EVENT_BYTES = 32 << 20
GZIP_TEXT = "hello from a compressed stream"


def _bomb() -> bytes:
    """Gzip of a JSON task answer padded with 1 GiB of spaces (JSON whitespace): about 1 MB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = b'{"code": 200, "message": "success", '
    tail = b'"data": {"task_id": "bomb", "status": "SUCCESS", "response": []}}'
    parts = [packer.compress(head)]
    spaces = b" " * (1 << 20)
    parts += [packer.compress(spaces) for _ in range(BOMB_BYTES >> 20)]
    parts += [packer.compress(tail), packer.flush()]
    return b"".join(parts)


def _chunk(content: str) -> bytes:
    event = {
        "id": "chatcmpl-soak",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": MODEL,
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}],
    }
    return b"data: " + json.dumps(event).encode() + b"\n\n"


class _Hostile(BaseHTTPRequestHandler):
    """The hostile gateway and storage host."""

    bomb = b""
    protocol_version = "HTTP/1.1"

    def log_message(self, *_: Any) -> None:
        return None

    def _head(self, status: int, kind: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("content-type", kind)
        self.send_header("x-request-id", self.headers.get("x-request-id", "soak"))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()

    def do_GET(self) -> None:
        if self.path.endswith("/tasks/bomb"):
            self._head(
                200, "application/json", content_encoding="gzip", content_length=str(len(self.bomb))
            )
            self.wfile.write(self.bomb)
        elif self.path == "/files/forever.bin":
            self._head(200, "application/octet-stream", connection="close")
            block = b"\0" * (1 << 16)
            while True:  # until the client hangs up
                self.wfile.write(block)
        elif self.path == "/files/trickle.bin":
            self._head(200, "application/octet-stream", connection="close")
            for _ in range(600):
                self.wfile.write(b"\0" * 1024)
                self.wfile.flush()
                time.sleep(0.1)
        elif self.path == "/files/big.bin":
            self._head(200, "application/octet-stream", content_length=str(5 << 20))
            self.wfile.write(b"\0" * (5 << 20))
        else:
            self._head(404, "application/json", content_length="2")
            self.wfile.write(b"{}")

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
        if body.get("messages", [{}])[0].get("content") == "gzip":
            stream = _chunk(GZIP_TEXT) + b"data: [DONE]\n\n"
            packed = gzip.compress(stream)
            self._head(
                200, "text/event-stream", content_encoding="gzip", content_length=str(len(packed))
            )
            self.wfile.write(packed)
            return
        stream = _chunk("x" * EVENT_BYTES) + b"data: [DONE]\n\n"
        self._head(200, "text/event-stream", content_length=str(len(stream)))
        self.wfile.write(stream)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: the clients here hang up mid-answer on purpose (that is the cap working)."""


@contextmanager
def _hostile_server() -> Iterator[str]:
    _Hostile.bomb = _bomb()
    server = _Server(("127.0.0.1", 0), _Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _task(url: str) -> Task:
    return Task.from_dict({"task_id": "soak_task", "status": "SUCCESS", "response": [url]})


def hostile_worker(kind: str, base: str, folder: str) -> int:
    """One check in a process of its own (``soak hostile-worker KIND BASE FOLDER``).

    Prints ``{"error": <type or null>, "message", "peak_mb", "seconds", "text"}``.
    """
    began = time.monotonic()
    found: dict[str, Any] = {"error": None, "message": "", "text": ""}
    try:
        with connect(DEMO_KEY, base_url=f"{base}/api/v1", requests_per_minute=None) as client:
            if kind == "bomb":
                wait_for_task(client, "bomb", timeout=30, poll_interval=0.05)
            elif kind in ("forever", "trickle", "full-disk"):
                name = {"forever": "forever", "trickle": "trickle", "full-disk": "big"}[kind]
                seconds = 1.0 if kind == "trickle" else 30.0
                url = f"{base}/files/{name}.bin"
                download_results(
                    client, _task(url), folder, max_bytes=16 << 20, max_seconds=seconds
                )
            else:
                content = "gzip" if kind == "sse-gzip" else "huge"
                body = {"model": MODEL, "messages": [{"role": "user", "content": content}]}
                with stream_chat(client, body) as stream:
                    for _ in stream:
                        pass
                    found["text"] = stream.result.text[:40] + f"... {len(stream.result.text)}"
    except ApiInOneError as error:
        found["error"], found["message"] = type(error).__name__, error.message[:200]
    except Exception as error:  # not the SDK's own: the verdict says so
        found["error"], found["message"] = f"untyped {type(error).__name__}", str(error)[:200]
    found["seconds"] = time.monotonic() - began
    found["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(found), flush=True)
    return 0


def _limits(address_space: int | None = None, file_size: int | None = None) -> Any:
    def apply() -> None:
        if address_space is not None:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        if file_size is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails, EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    return apply


class _Hostility:
    def __init__(self, checks: Checks, base: str, folder: Path) -> None:
        self.checks, self.base, self.folder = checks, base, folder
        self.tracebacks = self.hangs = 0

    def worker(self, kind: str, deadline: float = DEADLINE, **limits: int) -> dict[str, Any]:
        folder = self.folder / kind
        folder.mkdir()
        command = [*SOAK, "hostile-worker", kind, self.base, str(folder)]
        try:
            done = subprocess.run(
                command,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=deadline,
                preexec_fn=_limits(**limits),
            )
        except subprocess.TimeoutExpired:
            self.hangs += 1
            return {
                "error": "hung",
                "message": f"past {deadline:g} s",
                "seconds": deadline,
                "text": "",
                "left": [],
            }
        if "Traceback" in done.stderr:
            self.tracebacks += 1
        lines = done.stdout.strip().splitlines()
        found: dict[str, Any] = json.loads(lines[-1]) if lines else {"error": "died"}
        found["left"] = sorted(path.name for path in folder.iterdir())
        return found

    def that(self, kind: str, ok: bool, what: str) -> None:
        label = f"{kind}: {what}"
        self.checks.that(ok, label)
        print(f"  {'ok  ' if ok else 'FAIL'} {label}", flush=True)


def hostile(checks: Checks, folder: Path) -> str:
    """Every hostile check; returns the part's summary line."""
    with _hostile_server() as base:
        h = _Hostility(checks, base, folder)
        bomb = h.worker("bomb", address_space=2 << 30)
        h.that(
            "bomb",
            bomb["error"] is not None
            and not bomb["error"].startswith(("untyped", "hung", "died"))
            and bomb.get("peak_mb", 1e9) < 512,
            f"1 GiB gzip bomb: {bomb['error']}, peak {bomb.get('peak_mb', 0):.0f} MB",
        )
        for kind in ("forever", "trickle"):
            got = h.worker(kind)
            h.that(
                kind,
                got["error"] == "ApiInOneError" and not got["left"] and got["seconds"] < 40,
                f"{got['message'][:90]} in {got['seconds']:.1f} s; left {got['left']}",
            )
        disk = h.worker("full-disk", file_size=1 << 20)
        h.that(
            "full-disk",
            disk["error"] == "ApiInOneError" and not disk["left"],
            f"download onto a full disk: {disk['message'][:60]}; left {disk['left']}",
        )
        event = h.worker("sse-event", deadline=15)  # linear: about 1 s
        h.that(
            "sse-event",
            event["error"] is None
            and event.get("seconds", DEADLINE) < 10
            and event["text"].endswith(str(EVENT_BYTES)),
            f"one 32 MB SSE event: {event['error'] or 'decoded'} in {event['seconds']:.1f} s",
        )
        packed = h.worker("sse-gzip")
        h.that(
            "sse-gzip",
            packed["error"] is None and packed["text"].startswith(GZIP_TEXT),
            f"gzip SSE: {packed['error'] or packed['text'][:30]}",
        )
    exits = _bad_bytes(h, folder)
    h.that("cli", all(code == 2 for code in exits.values()), f"aio exits {exits}")
    return (
        f"hostile: 1 gzip bomb, 2 endless downloads, 1 full disk, 2 SSE, {len(exits)} bad inputs; "
        f"{h.tracebacks} tracebacks, {h.hangs} hangs"
    )


def _bad_bytes(h: _Hostility, folder: Path) -> dict[str, int]:
    """``aio batch run`` on a full disk, bad encodings, a corrupt journal, a bad argument."""
    cases = folder / "cli"
    cases.mkdir()
    source = cases / "in.jsonl"
    write_input(source, 3000)
    text = source.read_text()
    (cases / "utf16.jsonl").write_text(text[:2000], encoding="utf-16")
    (cases / "latin1.jsonl").write_bytes(text[:200].replace("soak", "s\xf6ak").encode("latin-1"))
    (cases / "corrupt.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x07" * 4000)
    exits: dict[str, int] = {}
    with serve(MockConfig(time_scale=0.01, requests_per_minute=1_000_000)) as mock:
        runs: dict[str, tuple[list[Any], Any]] = {
            "journal disk full": (
                aio(
                    mock,
                    str(source),
                    "--journal",
                    str(cases / "full.sqlite"),
                    "--out",
                    str(cases / "o"),
                ),
                _limits(file_size=256 << 10),
            ),
            "UTF-16 input": (
                aio(
                    mock,
                    str(cases / "utf16.jsonl"),
                    "--journal",
                    str(cases / "a"),
                    "--out",
                    str(cases / "o"),
                ),
                None,
            ),
            "Latin-1 input": (
                aio(
                    mock,
                    str(cases / "latin1.jsonl"),
                    "--journal",
                    str(cases / "b"),
                    "--out",
                    str(cases / "o"),
                ),
                None,
            ),
            "corrupt journal": (
                aio(
                    mock,
                    str(source),
                    "--journal",
                    str(cases / "corrupt.sqlite"),
                    "--out",
                    str(cases / "o"),
                ),
                None,
            ),
            "non-UTF-8 argument": (
                [
                    sys.executable,
                    "-m",
                    "api_in_one.cli",
                    "image",
                    "--model",
                    MODEL,
                    "--prompt",
                    b"caf\xe9",
                    "--api-key",
                    DEMO_KEY,
                    "--base-url",
                    mock.base_url,
                ],
                None,
            ),
        }
        for label, (command, limits) in runs.items():
            done = subprocess.run(
                command,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=DEADLINE,
                preexec_fn=limits,
            )
            exits[label] = done.returncode
            if "Traceback" in done.stderr:
                h.tracebacks += 1
                print(f"  FAIL {label}: {done.stderr.strip().splitlines()[-1]}", flush=True)
        created = mock.state.stats.tasks_created[DEMO_KEY]
    h.that("cli", created == 0, f"{created} creates sent from bad inputs")
    return exits
