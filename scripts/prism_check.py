"""Cross-check openapi.yaml, the generated client and the mock with Stoplight Prism.

    .venv/bin/python scripts/prism_check.py [--spec PATH]

1. Prism mocks the spec: every operation is called through the generated
   client with each of the spec's request examples, and every answer must
   parse to the operation's typed 200 model.
2. Prism validates the traffic between the SDK and the project's mock
   (``prism proxy --errors``): every create operation with the spec's
   examples, polling until the tasks finish, chat as JSON and as SSE, and
   the 400, 401, 402 and 404 answers.

Any violation Prism reports (the ``sl-violations`` header, its own error
answers, or its log) fails the check: exit status 1 with every violation
printed, 0 with a one-line summary. Two violations are expected and checked
for: the deliberately invalid request of the 400 step, and "body must be
object" on the SSE answer, because Prism validates an event stream as one
document while openapi.yaml describes each event (``ChatCompletionStreamEvent``;
OAS 3.1 has no per-event schema); the contract suite checks every event.
Prism comes from the npm registry through ``npx``; every process started
here is ended on exit.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any, TypeVar

import httpx
import yaml

from api_in_one import (
    ApiInOneError,
    AuthenticationError,
    BadRequestError,
    InsufficientCreditsError,
    NotFoundError,
    connect,
    stream_chat,
    wait_for_tasks,
)
from api_in_one.mock import DEMO_KEY, MockConfig, serve
from api_in_one_client import AuthenticatedClient, models
from api_in_one_client.api.chat import create_chat_completion
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.api.tasks import get_task

ROOT = Path(__file__).resolve().parent.parent
# The newest 5.x whose package.json accepts Node 20: 5.15 and later require Node 24.
PRISM_VERSION = "5.14.2"
PRISM = ["npx", "--yes", f"@stoplight/prism-cli@{PRISM_VERSION}"]
HOST = "127.0.0.1"
# Long enough for npx to download Prism into an empty cache.
START_TIMEOUT = 180.0
POOR_KEY = "aio_prism_check_no_credits_000"
UNKNOWN_KEY = "aio_prism_check_unknown_key_00"
MISSING_TASK = "n00xxxx_nope"
INVALID_IMAGE = {"model": "flux-2", "prompt": "ab"}  # prompt has minLength 3
# What the deliberately invalid request makes Prism say, in its header and in its logs.
EXPECTED_LOCATION = ["request", "body", "prompt"]
EXPECTED_LOG = ("UNPROCESSABLE_ENTITY", "Violation: request.body.prompt")
# What Prism logs when it checks the SSE answer as one document (see above).
WHOLE_STREAM_LOG = "Violation: response.body Response body must be object"
LOG_PROBLEM = re.compile(r"Violation:|terminated with error|\[VALIDATOR\].*(error|warning)")


E = TypeVar("E", bound=Exception)


class CheckFailed(Exception):
    """The check cannot go on (a process did not start, a step broke the script)."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _snake(operation_id: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()


@dataclass
class Prism:
    """One Prism process, in its own process group so all of npx's children end with it."""

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
        """Launch Prism; ``wait`` tells when it answers."""
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
                raise CheckFailed(f"Prism ({self.name}) exited early:\n{self.tail()}")
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise CheckFailed(f"Prism ({self.name}) did not listen in time:\n{self.tail()}")

    def stop(self) -> None:
        """End the process group: politely, then for good."""
        if self.process is None or self.process.returncode is not None:
            return
        for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            try:
                self.process.wait(grace)
                return
            except subprocess.TimeoutExpired:
                continue

    def tail(self, lines: int = 20) -> str:
        """The end of the log, for error messages."""
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
    allow_request_violations: bool = False
    event_stream: bool = False
    calls: int = 0
    problems: list[str] = field(default_factory=list)
    expected: list[list[str]] = field(default_factory=list)
    stream_bodies: int = 0

    def record(self, request: httpx.Request, response: httpx.Response) -> None:
        """Read ``sl-violations`` and Prism's own error answers off one raw response."""
        self.calls += 1
        where = f"{self.step}: {request.method} {request.url.path}"
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
                self.problems.append(f"{where} -> {response.status_code}: {response.text}")
        for violation in violations:
            location = [str(part) for part in violation.get("location", [])]
            if self.allow_request_violations and location[:1] == ["request"]:
                self.expected.append(location)
                continue
            if self._whole_stream_checked(response, location, violation):
                self.stream_bodies += 1
                continue
            self.problems.append(
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
        self, name: str, *, invalid_request: bool = False, event_stream: bool = False
    ) -> Iterator[None]:
        """Run one step; its failure is recorded and the tour goes on."""
        self.step, self.allow_request_violations = name, invalid_request
        self.event_stream = event_stream
        try:
            yield
        except (ApiInOneError, AssertionError, httpx.HTTPError) as error:
            self.problems.append(f"{name}: {type(error).__name__}: {error}")
        finally:
            self.step, self.allow_request_violations, self.event_stream = "setup", False, False


class RecordingTransport(httpx.BaseTransport):
    """Shows every raw answer to a recorder, below the SDK's layer that turns errors into raises."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder, self.inner = recorder, httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send, then record."""
        response = self.inner.handle_request(request)
        self.recorder.record(request, response)
        return response

    def close(self) -> None:
        """Close the connection pool."""
        self.inner.close()


@dataclass(frozen=True)
class Operation:
    """An operation of the spec with what the check needs from it."""

    operation_id: str
    module: ModuleType
    request_model: Any
    response_model: Any
    examples: list[tuple[str, Any]]
    path_parameters: dict[str, Any]


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _model(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    return getattr(models, schema["$ref"].rsplit("/", 1)[-1])


def operations(spec: dict[str, Any]) -> list[Operation]:
    """Every operation, with its generated module, typed models and request examples."""
    found = []
    for path_item in spec["paths"].values():
        for operation in path_item.values():
            operation_id = operation["operationId"]
            module = importlib.import_module(
                f"api_in_one_client.api.{operation['tags'][0]}.{_snake(operation_id)}"
            )
            ok = _resolve(spec, operation["responses"]["200"])["content"]["application/json"]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            parameters = [_resolve(spec, p) for p in operation.get("parameters", [])]
            found.append(
                Operation(
                    operation_id=operation_id,
                    module=module,
                    request_model=_model(spec, body["schema"]) if body else None,
                    response_model=_model(spec, ok["schema"]),
                    examples=[(n, e["value"]) for n, e in body["examples"].items()]
                    if body
                    else [("parameters", None)],
                    path_parameters={
                        p["name"]: p["example"] for p in parameters if p["in"] == "path"
                    },
                )
            )
    return found


def _call(
    operation: Operation, client: AuthenticatedClient, example: Any, *, detailed: bool
) -> Any:
    kwargs: dict[str, Any] = dict(operation.path_parameters)
    if operation.request_model is not None:
        kwargs["body"] = operation.request_model.from_dict(example)
    call: Callable[..., Any] = operation.module.sync_detailed if detailed else operation.module.sync
    return call(client=client, **kwargs)


def check_examples(prism: Prism, spec: dict[str, Any], recorder: Recorder) -> int:
    """Step 1: the spec's request examples against Prism's mock, through the generated client."""
    client = AuthenticatedClient(
        base_url=prism.url,
        token=DEMO_KEY,
        httpx_args={"transport": RecordingTransport(recorder)},
    )
    calls = 0
    with client:
        for operation in operations(spec):
            for name, example in operation.examples:
                with recorder.stage(f"mock {operation.operation_id} ({name})"):
                    response = _call(operation, client, example, detailed=True)
                    calls += 1
                    assert response.status_code == 200, (response.status_code, response.content)
                    assert isinstance(response.parsed, operation.response_model), response.parsed
    return calls


def _expect(kind: type[E], call: Callable[[], object]) -> E:
    try:
        call()
    except kind as error:
        return error
    raise AssertionError(f"expected {kind.__name__}")


def _create_invalid_image(client: AuthenticatedClient) -> object:
    body = models.ImageGenerationRequest.from_dict(INVALID_IMAGE)
    return create_image_generation.sync(client=client, body=body)


def tour(strict: Prism, lenient: Prism, spec: dict[str, Any], recorder: Recorder) -> int:
    """Step 2: the SDK against the mock, through Prism's validating proxy."""

    def sdk(url: str, key: str = DEMO_KEY) -> Any:
        http = httpx.Client(transport=RecordingTransport(recorder))
        return connect(
            key, base_url=url, max_retries=0, requests_per_minute=None, httpx_client=http
        )

    all_operations = {op.operation_id: op for op in operations(spec)}
    tasks: list[str] = []
    with sdk(strict.url) as client:
        for operation in all_operations.values():
            if operation.operation_id in {"getTask", "createChatCompletion"}:
                continue
            for name, example in operation.examples:
                with recorder.stage(f"proxy {operation.operation_id} ({name})"):
                    created = _call(operation, client, example, detailed=False)
                    assert isinstance(created, models.TaskCreated), created
                    tasks.append(created.data.task_id)
        with recorder.stage("proxy wait for tasks"):
            finished = wait_for_tasks(client, tasks, timeout=30.0, poll_interval=0.05)
            assert [task.status for task in finished] == ["SUCCESS"] * len(tasks), finished
        chat = all_operations["createChatCompletion"]
        bodies = dict(chat.examples)
        with recorder.stage("proxy chat JSON"):
            body = models.ChatCompletionRequest.from_dict(bodies["oneShot"])
            completion = create_chat_completion.sync(client=client, body=body)
            assert isinstance(completion, models.ChatCompletion), completion
        with recorder.stage("proxy 404 getTask"):
            _expect(NotFoundError, lambda: get_task.sync(MISSING_TASK, client=client))
        with recorder.stage("proxy 400 (Prism rejects it)", invalid_request=True):
            rejected = _expect(ApiInOneError, lambda: _create_invalid_image(client))
            assert rejected.status == 422, rejected
    with sdk(lenient.url) as client:
        # The strict proxy would replace the stream with its complaint about the whole body.
        with recorder.stage("proxy chat SSE", event_stream=True):
            result = stream_chat(client, bodies["streamed"]).until_done()
            assert result.text, result
            assert result.usage is not None, result
        with recorder.stage("proxy 400 (mock answers)", invalid_request=True):
            answered = _expect(BadRequestError, lambda: _create_invalid_image(client))
            assert "prompt" in answered.message, answered
    with sdk(strict.url, UNKNOWN_KEY) as client, recorder.stage("proxy 401"):
        _expect(AuthenticationError, lambda: get_task.sync(MISSING_TASK, client=client))
    with sdk(strict.url, POOR_KEY) as client, recorder.stage("proxy 402"):
        body = models.ChatCompletionRequest.from_dict(bodies["oneShot"])
        _expect(
            InsufficientCreditsError, lambda: create_chat_completion.sync(client=client, body=body)
        )
    if recorder.stream_bodies != 1:
        recorder.problems.append(f"expected one whole-stream report, got {recorder.stream_bodies}")
    expected = [EXPECTED_LOCATION, EXPECTED_LOCATION]
    if recorder.expected != expected:
        recorder.problems.append(
            f"the invalid body should be reported once per proxy at "
            f"{'.'.join(EXPECTED_LOCATION)}, got {recorder.expected}"
        )
    return len(tasks)


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(1)


def main(argv: list[str] | None = None) -> int:
    """Run both checks; 0 when Prism found nothing, 1 otherwise."""
    cli = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    cli.add_argument("--spec", type=Path, default=ROOT / "openapi.yaml", help="spec Prism reads")
    args = cli.parse_args(argv)
    signal.signal(signal.SIGTERM, _on_sigterm)
    started = time.monotonic()
    spec_path = str(args.spec.resolve())
    spec = yaml.safe_load(args.spec.read_text())
    recorder = Recorder()
    config = MockConfig(
        time_scale=0.01, requests_per_minute=10_000, keys={DEMO_KEY: 1000.0, POOR_KEY: 0.0}
    )
    with (
        tempfile.TemporaryDirectory(prefix="prism-check-") as logs,
        serve(config) as mock,
        contextlib.ExitStack() as stack,
    ):
        upstream = mock.base_url
        prisms = [
            Prism("mock", ["mock", spec_path], Path(logs, "mock.log")),
            Prism(
                "proxy --errors",
                ["proxy", spec_path, upstream, "--errors"],
                Path(logs, "strict.log"),
                EXPECTED_LOG,
            ),
            Prism(
                "proxy",
                ["proxy", spec_path, upstream],
                Path(logs, "lenient.log"),
                (*EXPECTED_LOG, WHOLE_STREAM_LOG),
            ),
        ]
        for prism in prisms:
            stack.callback(prism.stop)
            prism.start()
        try:
            deadline = time.monotonic() + START_TIMEOUT
            for prism in prisms:
                prism.wait(deadline)
            examples = check_examples(prisms[0], spec, recorder)
            tasks = tour(prisms[1], prisms[2], spec, recorder)
        except CheckFailed as error:
            print(f"prism-check: {error}", file=sys.stderr)
            return 1
        finally:
            stack.close()
        problems = recorder.problems + [p for prism in prisms for p in prism.log_problems()]
    seconds = time.monotonic() - started
    if problems:
        print(f"prism-check: {len(problems)} violation(s) or failure(s):", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(
        f"prism-check: OK, Prism {PRISM_VERSION}: {examples} spec examples through the generated "
        f"client, {recorder.calls} answers validated ({tasks} tasks, chat JSON and SSE, "
        f"400/401/402/404), 0 violations in {seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
