"""Stoplight Prism agrees with openapi.yaml, the generated client and the mock (`make prism-check`).

1. Prism mocks the spec: every operation is called through the generated
   client with each of the spec's request examples, and every answer must
   parse to the operation's typed 200 model.
2. Prism validates the traffic between the SDK and the project's mock
   (``prism proxy --errors``): every task operation with the spec's
   examples, each task waited for until it finishes, chat as JSON and as
   SSE, and the 400, 401, 402 and 404 answers.

Any violation Prism reports (the ``sl-violations`` header, its own error
answers, or its log) fails the step's test. Two violations are expected and
checked for: the deliberately invalid request of the 400 steps, and "body
must be object" on the SSE answer, because Prism validates an event stream
as one document while openapi.yaml describes each event (OAS 3.1 has no
per-event schema; the contract suite checks every event).

The tour runs once per test session, even when xdist spreads the tests over
workers: the first worker to need it runs it under a file lock and leaves
its report for the others. ``PRISM_SPEC`` names another spec for Prism to
check the mock against (tests/test_prism_check.py uses it). Prism is the
one package-lock.json locks (``make install`` runs npm ci); every process
started here is ended.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from once import once_per_session, session_folder

from api_in_one import (
    ApiInOneError,
    AuthenticationError,
    BadRequestError,
    InsufficientCreditsError,
    NotFoundError,
    connect,
    stream_chat,
    wait_for_task,
)
from api_in_one._operations import OperationFacts, of_kind, operations
from api_in_one._spec import load_spec, spec_path
from api_in_one.mock import DEMO_KEY, MockConfig, serve
from api_in_one_client import AuthenticatedClient, models
from scripts import node_tools

ROOT = Path(__file__).resolve().parents[2]
PRISM = node_tools.command("prism")
HOST = "127.0.0.1"
# Prism starts in seconds; a busy machine may take many times that.
START_TIMEOUT = 120.0
POOR_KEY = "aio_prism_check_no_credits_000"
UNKNOWN_KEY = "aio_prism_check_unknown_key_00"
MISSING_TASK = "n00xxxx_nope"
# What Prism logs when it checks the SSE answer as one document (see above).
WHOLE_STREAM_LOG = "Violation: response.body Response body must be object"
LOG_PROBLEM = re.compile(r"Violation:|terminated with error|\[VALIDATOR\].*(error|warning)")

E = TypeVar("E", bound=Exception)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = load_spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _examples(facts: OperationFacts) -> list[tuple[str, Any]]:
    """The request examples, or one call with the path parameters' examples."""
    return list(facts.examples.items()) if facts.request_schema else [("parameters", None)]


def _path_parameters(facts: OperationFacts) -> dict[str, Any]:
    raw = load_spec()["paths"][facts.path][facts.method.lower()]
    parameters = [_resolve(p) for p in raw.get("parameters", [])]
    return {p["name"]: p["example"] for p in parameters if p["in"] == "path"}


def _response_model(facts: OperationFacts) -> Any:
    raw = load_spec()["paths"][facts.path][facts.method.lower()]
    schema = _resolve(raw["responses"]["200"])["content"]["application/json"]["schema"]
    return getattr(models, schema["$ref"].rsplit("/", 1)[-1])


def _call(
    facts: OperationFacts, client: AuthenticatedClient, example: Any, *, detailed: bool
) -> Any:
    call = facts.call(example, **_path_parameters(facts))
    return call.sync_detailed(client) if detailed else call.sync(client)


def _invalid_request() -> tuple[OperationFacts, dict[str, Any], list[str]]:
    """A task request the spec forbids: the first string property with a minLength, too short.

    Returns the operation, the body and where Prism locates the violation.
    """
    for facts in operations():
        if not (facts.creates_task and facts.request_schema and facts.examples):
            continue
        schema = load_spec()["components"]["schemas"][facts.request_schema]
        example = next(iter(facts.examples.values()))
        for name in schema.get("required", []):
            limit = _resolve(schema["properties"][name]).get("minLength", 0)
            if limit > 0 and isinstance(example.get(name), str):
                return facts, {**example, name: "x" * (limit - 1)}, ["request", "body", name]
    raise LookupError("no task request of openapi.yaml has a required string with a minLength")


def _steps() -> list[str]:
    """Every step of the tour, in order: each names the operation it exercises."""
    chat, status = of_kind("chat"), of_kind("task-status")
    task_operations = [facts for facts in operations() if facts.creates_task]
    return [
        *(
            f"mock {facts.operation_id} ({name})"
            for facts in operations()
            for name, _ in _examples(facts)
        ),
        *(
            f"proxy {facts.operation_id} ({name})"
            for facts in task_operations
            for name, _ in _examples(facts)
        ),
        f"proxy {chat.operation_id} JSON",
        f"proxy {status.operation_id} 404",
        "proxy 400 (Prism rejects it)",
        f"proxy {chat.operation_id} SSE",
        "proxy 400 (mock answers)",
        f"proxy {status.operation_id} 401",
        f"proxy {chat.operation_id} 402",
    ]


@dataclass
class Prism:
    """One Prism process, in its own process group so any child it starts ends with it."""

    name: str
    args: list[str]
    log: Path
    expected_log: tuple[str, ...] = ()
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Where Prism serves the spec's paths (without the servers' ``/api/v1``)."""
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [*PRISM, *self.args, "-h", HOST, "-p", str(self.port)],
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait(self, deadline: float) -> None:
        """Poll the port until Prism listens; fail if it exits first or the deadline passes."""
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Prism ({self.name}) exited early:\n{self.tail()}")
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"Prism ({self.name}) did not listen in time:\n{self.tail()}")

    def stop(self) -> None:
        """End the process group: politely, then for good."""
        if self.process is None or self.process.returncode is not None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(5.0)
                return
            except subprocess.TimeoutExpired:
                continue

    def tail(self, lines: int = 20) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def log_problems(self) -> list[str]:
        """Violations and errors in the log that no expected request explains."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [
            f"prism {self.name} log: {line.strip()}"
            for line in text.splitlines()
            if LOG_PROBLEM.search(line) and not any(mark in line for mark in self.expected_log)
        ]


@dataclass
class Recorder:
    """Collects what Prism says about each answer, attributed to the step that caused it."""

    step: str = "setup"
    invalid_at: list[str] | None = None
    event_stream: bool = False
    calls: int = 0
    problems: dict[str, list[str]] = field(default_factory=dict)
    expected: list[list[str]] = field(default_factory=list)
    stream_bodies: int = 0

    def problem(self, text: str) -> None:
        self.problems.setdefault(self.step, []).append(text)

    def record(self, request: httpx.Request, response: httpx.Response) -> None:
        """Read ``sl-violations`` and Prism's own error answers off one raw response."""
        self.calls += 1
        where = f"{request.method} {request.url.path}"
        violations = json.loads(response.headers.get("sl-violations", "[]"))
        if response.headers.get("content-type", "").startswith("application/problem"):
            response.read()
            problem = response.json()
            # A rejected request lists its violations in the body only, located without "request".
            rejected = str(problem.get("type", "")).endswith("UNPROCESSABLE_ENTITY")
            for violation in problem.get("validation", []):
                if rejected:
                    violation = {**violation, "location": ["request", *violation["location"]]}
                if violation not in violations:
                    violations.append(violation)
            if not problem.get("validation"):
                self.problem(f"{where} -> {response.status_code}: {response.text}")
        for violation in violations:
            location = [str(part) for part in violation.get("location", [])]
            if self.invalid_at is not None and location[:1] == ["request"]:
                self.expected.append(location)
                continue
            if self._whole_stream_checked(response, location, violation):
                self.stream_bodies += 1
                continue
            self.problem(
                f"{where} -> {response.status_code}: {'.'.join(location)}: "
                f"{violation.get('message')} ({violation.get('severity')})"
            )

    def _whole_stream_checked(
        self, response: httpx.Response, location: list[str], violation: dict[str, Any]
    ) -> bool:
        """Is this Prism checking a whole SSE body against the per-event schema?"""
        return (
            self.event_stream
            and response.headers.get("content-type", "").startswith("text/event-stream")
            and location == ["response", "body"]
            and violation.get("message") == "Response body must be object"
        )

    @contextlib.contextmanager
    def stage(
        self, name: str, *, invalid_at: list[str] | None = None, event_stream: bool = False
    ) -> Iterator[None]:
        """Run one step; its failure is recorded and the tour goes on."""
        self.step, self.invalid_at, self.event_stream = name, invalid_at, event_stream
        self.problems.setdefault(name, [])
        try:
            yield
        except (ApiInOneError, AssertionError, httpx.HTTPError) as error:
            self.problem(f"{type(error).__name__}: {error}")
        finally:
            self.step, self.invalid_at, self.event_stream = "setup", None, False


class RecordingTransport(httpx.BaseTransport):
    """Shows every raw answer to a recorder, below the SDK's layer that turns errors into raises."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder, self.inner = recorder, httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self.recorder.record(request, response)
        return response

    def close(self) -> None:
        self.inner.close()


def _expect(kind: type[E], call: Callable[[], object]) -> E:
    try:
        call()
    except kind as error:
        return error
    raise AssertionError(f"expected {kind.__name__}")


def _through_mock(prism: Prism, recorder: Recorder) -> None:
    """Step 1: the spec's request examples against Prism's mock, through the generated client."""
    client = AuthenticatedClient(
        base_url=prism.url, token=DEMO_KEY, httpx_args={"transport": RecordingTransport(recorder)}
    )
    with client:
        for facts in operations():
            for name, example in _examples(facts):
                with recorder.stage(f"mock {facts.operation_id} ({name})"):
                    response = _call(facts, client, example, detailed=True)
                    assert response.status_code == 200, (response.status_code, response.content)
                    assert isinstance(response.parsed, _response_model(facts)), response.parsed


def _through_proxies(strict: Prism, lenient: Prism, recorder: Recorder) -> None:
    """Step 2: the SDK against the mock, through Prism's validating proxy."""

    def sdk(url: str, key: str = DEMO_KEY) -> Any:
        http = httpx.Client(transport=RecordingTransport(recorder))
        return connect(
            key, base_url=url, max_retries=0, requests_per_minute=None, httpx_client=http
        )

    chat, status = of_kind("chat"), of_kind("task-status")
    chat_examples = list(chat.examples.values())
    one_shot = next(body for body in chat_examples if body.get("stream") is False)
    streamed = next(body for body in chat_examples if body.get("stream") is not False)
    chat_call, missing_task = chat.call(one_shot), status.call(task_id=MISSING_TASK)
    invalid, invalid_body, invalid_at = _invalid_request()
    with sdk(strict.url) as client:
        for facts in operations():
            if not facts.creates_task:
                continue
            for name, example in _examples(facts):
                with recorder.stage(f"proxy {facts.operation_id} ({name})"):
                    created = _call(facts, client, example, detailed=False)
                    assert isinstance(created, models.TaskCreated), created
                    task = wait_for_task(client, created, timeout=30.0, poll_interval=0.05)
                    assert task.status == "SUCCESS", task
        with recorder.stage(f"proxy {chat.operation_id} JSON"):
            completion = chat_call.sync(client)
            assert isinstance(completion, _response_model(chat)), completion
        with recorder.stage(f"proxy {status.operation_id} 404"):
            _expect(NotFoundError, lambda: missing_task.sync(client))
        with recorder.stage("proxy 400 (Prism rejects it)", invalid_at=invalid_at):
            rejected = _expect(
                ApiInOneError, lambda: _call(invalid, client, invalid_body, detailed=False)
            )
            assert rejected.status == 422, rejected
    with sdk(lenient.url) as client:
        # The strict proxy would replace the stream with its complaint about the whole body.
        with recorder.stage(f"proxy {chat.operation_id} SSE", event_stream=True):
            result = stream_chat(client, streamed).until_done()
            assert result.text, result
            assert result.usage is not None, result
        with recorder.stage("proxy 400 (mock answers)", invalid_at=invalid_at):
            answered = _expect(
                BadRequestError, lambda: _call(invalid, client, invalid_body, detailed=False)
            )
            assert invalid_at[-1] in answered.message, answered
    with sdk(strict.url, UNKNOWN_KEY) as client, recorder.stage(f"proxy {status.operation_id} 401"):
        _expect(AuthenticationError, lambda: missing_task.sync(client))
    with sdk(strict.url, POOR_KEY) as client, recorder.stage(f"proxy {chat.operation_id} 402"):
        _expect(InsufficientCreditsError, lambda: chat_call.sync(client))
    if recorder.stream_bodies != 1:
        recorder.problem(f"expected one whole-stream report, got {recorder.stream_bodies}")
    if recorder.expected != [invalid_at, invalid_at]:
        recorder.problem(
            f"the invalid body should be reported once per proxy at "
            f"{'.'.join(invalid_at)}, got {recorder.expected}"
        )


def run_tour(spec: Path, logs: Path) -> dict[str, list[str]]:
    """Start the mock and three Prisms, run both steps; problems by step (``logs`` for the rest)."""
    recorder = Recorder()
    invalid_log = ("UNPROCESSABLE_ENTITY", f"Violation: {'.'.join(_invalid_request()[2])}")
    config = MockConfig(
        time_scale=0.01, requests_per_minute=10_000, keys={DEMO_KEY: 1000.0, POOR_KEY: 0.0}
    )
    with serve(config) as mock, contextlib.ExitStack() as stack:
        prisms = [
            Prism("mock", ["mock", str(spec)], logs / "mock.log"),
            Prism(
                "proxy --errors",
                ["proxy", str(spec), mock.base_url, "--errors"],
                logs / "strict.log",
                invalid_log,
            ),
            Prism(
                "proxy",
                ["proxy", str(spec), mock.base_url],
                logs / "lenient.log",
                (*invalid_log, WHOLE_STREAM_LOG),
            ),
        ]
        for prism in prisms:
            stack.callback(prism.stop)
            prism.start()
        deadline = time.monotonic() + START_TIMEOUT
        for prism in prisms:
            prism.wait(deadline)
        _through_mock(prisms[0], recorder)
        _through_proxies(prisms[1], prisms[2], recorder)
        stack.close()
        recorder.step = "logs"
        for problem in (p for prism in prisms for p in prism.log_problems()):
            recorder.problem(problem)
    for step in ("setup", "logs"):
        recorder.problems.setdefault(step, [])
    return recorder.problems


@pytest.fixture(scope="session")
def report(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> dict[str, list[str]]:
    """The tour's problems by step, from the one run of this session."""
    spec = Path(os.environ.get("PRISM_SPEC") or spec_path()).resolve()
    logs = session_folder(tmp_path_factory, worker_id) / "prism-logs"

    def tour() -> dict[str, list[str]]:
        logs.mkdir(exist_ok=True)
        try:
            return run_tour(spec, logs)
        except (OSError, RuntimeError) as error:  # Prism or the mock did not start
            return {"setup": [f"{type(error).__name__}: {error}"]}

    problems: dict[str, list[str]] = once_per_session(
        tmp_path_factory, worker_id, "prism-report", tour
    )
    return problems


@pytest.mark.parametrize("step", [*_steps(), "setup", "logs"])
def test_prism_finds_no_violation(report: dict[str, list[str]], step: str) -> None:
    assert step in report, f"the step never ran; ran: {sorted(report)}"
    assert not report[step], "\n".join(report[step])
