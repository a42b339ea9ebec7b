"""The mock behaves like the gateway: auth, validation, credits, rate limit, tasks, chat, faults."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from clocks import Clock

from api_in_one._operations import OperationFacts, operation, operations
from api_in_one._spec import load_spec
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock, serve
from api_in_one.mock._server import mock_host

ROOT = Path(__file__).resolve().parent.parent
AUTH = {"Authorization": f"Bearer {DEMO_KEY}"}
IMAGE = {"model": "flux-2", "prompt": "a lighthouse at dusk"}
CHAT = {"model": "gemini", "messages": [{"role": "user", "content": "Name a colour"}]}


@pytest.fixture
def mock(clock: Clock) -> Iterator[RunningMock]:
    config = MockConfig(keys={DEMO_KEY: 100.0, "aio_poor": 3.0}, clock=clock)
    with serve(config) as running:
        yield running


@pytest.fixture
def http(mock: RunningMock) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock.base_url, headers=AUTH) as client:
        yield client


def _error(response: httpx.Response, status: int, kind: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"]["code"] == status
    assert body["error"]["type"] == kind
    return str(body["error"]["message"])


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer sk-1"},
        {"Authorization": "Bearer aio_x"},
    ],
    ids=["missing", "not-bearer", "not-aio", "unknown"],
)
def test_requests_without_a_valid_key_get_401(mock: RunningMock, headers: dict[str, str]) -> None:
    response = httpx.post(mock.base_url + "/images/generations", json=IMAGE, headers=headers)
    _error(response, 401, "authentication_error")
    assert mock.state.stats.tasks_created.total() == 0


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"model": "flux-2", "prompt": "ab"}, "prompt: 'ab' has 2 characters (minLength 3)"),
        ({"prompt": "a cat"}, "model: is required"),
        ({**IMAGE, "seed": "7"}, "seed: '7' is not of type integer (type)"),
        ({**IMAGE, "input_urls": ["not a url"]}, "input_urls.0: 'not a url' is not a valid uri"),
    ],
)
def test_invalid_bodies_get_400_naming_the_field_and_rule(
    http: httpx.Client, body: dict[str, Any], expected: str
) -> None:
    assert _error(http.post("/images/generations", json=body), 400, "invalid_request").startswith(
        expected
    )


BODIES = [facts for facts in operations() if facts.request_schema and facts.examples]


@pytest.mark.parametrize("facts", BODIES, ids=lambda facts: facts.operation_id)
def test_rules_come_from_the_spec_for_every_operation(
    http: httpx.Client, facts: OperationFacts
) -> None:
    """The operation's first request example, less each required field in turn, is a 400."""
    example = next(iter(facts.examples.values()))
    assert facts.request_schema is not None
    required = load_spec()["components"]["schemas"][facts.request_schema]["required"]
    assert required
    for name in required:
        body = {key: value for key, value in example.items() if key != name}
        message = _error(http.post(facts.path, json=body), 400, "invalid_request")
        assert name in message


NASTY: list[tuple[str, str, bytes, dict[str, str]]] = [
    ("POST", "/images/generations", b"{not json", {"Content-Type": "application/json"}),
    ("POST", "/images/generations", b"[]", {"Content-Type": "application/json"}),
    ("POST", "/images/generations", b"null", {"Content-Type": "application/json"}),
    ("POST", "/images/generations", b"\xff\xfe", {"Content-Type": "application/json"}),
    ("POST", "/images/generations", json.dumps(IMAGE).encode(), {"Content-Type": "text/plain"}),
    ("POST", "/images/generations", json.dumps(IMAGE).encode(), {}),
    (
        "POST",
        "/images/generations",
        b'{"prompt": "' + b"x" * 2_000_000 + b'"}',
        {"Content-Type": "application/json"},
    ),
    (
        "POST",
        "/chat/completions",
        b'{"model": "gemini", "messages": [{"role": "user"}]}',
        {"Content-Type": "application/json"},
    ),
    (
        "POST",
        "/audio/speech",
        b'{"model": 5, "dialogue": "hi"}',
        {"Content-Type": "application/json"},
    ),
    ("GET", "/tasks/%00%ff..%2f", b"", {}),
    ("GET", "/tasks/" + "x" * 5000, b"", {}),
    ("GET", "/no/such/endpoint", b"", {}),
    ("DELETE", "/tasks/abc", b"", {}),
    ("PUT", "/images/generations", b"{}", {"Content-Type": "application/json"}),
]


@pytest.mark.parametrize(("method", "path", "content", "headers"), NASTY)
def test_malformed_input_never_gets_a_500(
    http: httpx.Client, method: str, path: str, content: bytes, headers: dict[str, str]
) -> None:
    response = http.request(method, path, content=content, headers=headers)
    assert response.status_code in {400, 404, 405}, response.text
    assert set(response.json()["error"]) == {"code", "message", "type"}


def test_not_enough_credits_gets_402_and_creates_nothing(mock: RunningMock) -> None:
    headers = {"Authorization": "Bearer aio_poor"}
    response = httpx.post(mock.base_url + "/images/generations", json=IMAGE, headers=headers)
    message = _error(response, 402, "insufficient_credits")
    assert "5 needed, 3 available" in message
    assert mock.state.stats.tasks_created["aio_poor"] == 0
    assert mock.state.balances["aio_poor"] == 3.0


def test_unknown_model_and_model_of_another_kind_get_404(http: httpx.Client) -> None:
    _error(http.post("/images/generations", json={**IMAGE, "model": "nope"}), 404, "not_found")
    message = _error(
        http.post("/images/generations", json={**IMAGE, "model": "kling-3"}), 404, "not_found"
    )
    assert "not offered by createImageGeneration, but by createVideoGeneration" in message


def test_rate_limit_is_a_sliding_window_with_headers(clock: Clock) -> None:
    with (
        serve(MockConfig(requests_per_minute=3, clock=clock)) as mock,
        httpx.Client(base_url=mock.base_url, headers=AUTH) as http,
    ):
        for _ in range(3):  # at t, t+10 and t+20
            assert http.get("/tasks/none").status_code == 404
            clock.now += 10
        limited = http.get("/tasks/none")  # at t+30: the window holds three
        _error(limited, 429, "rate_limit")
        assert limited.headers["Retry-After"] == "30"
        assert limited.headers["X-RateLimit-Limit"] == "3"
        assert limited.headers["X-RateLimit-Remaining"] == "0"
        assert limited.headers["X-RateLimit-Reset"] == "30"
        clock.now += 30  # the first request leaves the window
        assert http.get("/tasks/none").status_code == 404
        assert http.get("/tasks/none").status_code == 429
        assert mock.state.stats.statuses[429] == 2


def test_task_lifecycle_follows_the_clock_and_results_are_real_files(
    http: httpx.Client, mock: RunningMock, clock: Clock
) -> None:
    created = http.post("/images/generations", json=IMAGE).json()
    assert created["code"] == 200
    assert created["message"] == "success"
    task_id = created["data"]["task_id"]
    assert created["data"]["status"] == "pending"
    duration = operation("createImageGeneration").models["flux-2"].mock_seconds
    clock.now += duration / 2
    running = http.get(f"/tasks/{task_id}").json()["data"]
    assert (running["status"], running["response"]) == ("IN_PROGRESS", None)
    clock.now += duration
    done = http.get(f"/tasks/{task_id}").json()["data"]
    assert done["status"] == "SUCCESS"
    assert done["consumed_credits"] == 5
    assert mock.state.balances[DEMO_KEY] == 95
    assert done["request"] == IMAGE
    assert done["created_at"].endswith("Z")
    [url] = done["response"]
    assert httpx.get(url).content.startswith(b"\x89PNG\r\n\x1a\n")


MAGIC = {"png": b"PNG", "jpeg": b"JFIF", "webp": b"WEBP", "wav": b"WAVE", "mp4": b"ftyp"}
"""What the first bytes of a real file of each extension contain."""


def _result_requests() -> Iterator[Any]:
    """Each task operation's request examples, and one request per value of its format option."""
    for facts in operations():
        if not facts.creates_task:
            continue
        for name, example in facts.examples.items():
            yield pytest.param(facts, example, id=f"{facts.operation_id} {name}")
        results = facts.results
        if results is not None and results.format_from is not None:
            assert facts.request_schema is not None
            schema = load_spec()["components"]["schemas"][facts.request_schema]
            first = next(iter(facts.examples.values()))
            for value in schema["properties"][results.format_from]["enum"]:
                body = {**first, results.format_from: value}
                yield pytest.param(facts, body, id=f"{facts.operation_id} {value}")


@pytest.mark.parametrize(("facts", "body"), list(_result_requests()))
def test_results_are_the_files_the_spec_declares(
    http: httpx.Client, clock: Clock, facts: OperationFacts, body: dict[str, Any]
) -> None:
    """As many files as ``x-results`` says, of its media type, real files of their format."""
    assert facts.results is not None
    task_id = http.post(facts.path, json=body).json()["data"]["task_id"]
    clock.now += 1000
    urls = http.get(f"/tasks/{task_id}").json()["data"]["response"]
    assert len(urls) == facts.results.count
    extension = facts.results.extension_for(body)
    for url in urls:
        assert url.endswith("." + extension)
        answer = httpx.get(url)
        assert answer.headers["content-type"] == facts.results.media_type_for(body)
        assert MAGIC[extension] in answer.content[:12]


def test_tasks_are_private_to_their_key_and_unknown_ids_get_404(mock: RunningMock) -> None:
    with httpx.Client(base_url=mock.base_url, headers=AUTH) as http:
        task_id = http.post("/images/generations", json=IMAGE).json()["data"]["task_id"]
        _error(http.get("/tasks/n0_nope"), 404, "not_found")
    other = httpx.get(
        f"{mock.base_url}/tasks/{task_id}", headers={"Authorization": "Bearer aio_poor"}
    )
    _error(other, 404, "not_found")


def test_chat_json_answer_is_openai_shaped_and_deterministic(http: httpx.Client) -> None:
    first = http.post("/chat/completions", json={**CHAT, "stream": False}).json()
    again = http.post("/chat/completions", json={**CHAT, "stream": False}).json()
    assert first["object"] == "chat.completion"
    assert first["choices"][0]["message"]["content"] == again["choices"][0]["message"]["content"]
    assert first["choices"][0]["finish_reason"] == "stop"
    assert first["choices"][0]["message"]["reasoning_content"]
    assert first["credits_consumed"] == 2
    usage = first["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def _events(response: httpx.Response) -> list[str]:
    assert response.headers["content-type"].startswith("text/event-stream")
    return [line[6:] for line in response.text.split("\n\n") if line.startswith("data: ")]


def test_chat_streams_by_default_in_openai_chunk_format(http: httpx.Client) -> None:
    body = {**CHAT, "stream_options": {"include_usage": True}, "include_thoughts": False}
    events = _events(http.post("/chat/completions", json=body))
    assert events[-1] == "[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert {chunk["object"] for chunk in chunks} == {"chat.completion.chunk"}
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["completion_tokens"] > 0
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks[:-1])
    whole = http.post("/chat/completions", json={**body, "stream": False}).json()
    assert text == whole["choices"][0]["message"]["content"]


def test_fault_injection_and_counters(http: httpx.Client, mock: RunningMock, clock: Clock) -> None:
    faults = mock.state.faults
    faults.fail_next_tasks = 1
    failed = http.post("/images/generations", json=IMAGE).json()["data"]["task_id"]
    faults.stuck_next_tasks = 1
    stuck = http.post("/images/generations", json=IMAGE).json()["data"]["task_id"]
    clock.now += 1000
    failed_task = http.get(f"/tasks/{failed}").json()["data"]
    assert failed_task["status"] == "FAILED"
    assert failed_task["error_message"]
    assert http.get(f"/tasks/{stuck}").json()["data"]["status"] == "IN_PROGRESS"
    faults.unknown_status = "QUEUED"
    assert http.get(f"/tasks/{stuck}").json()["data"]["status"] == "QUEUED"

    faults.error_burst, faults.error_status = 2, 502
    assert [http.get(f"/tasks/{failed}").status_code for _ in range(3)] == [502, 502, 200]
    faults.error_after_processing = 1
    _error(http.post("/images/generations", json=IMAGE), 500, "server_error")
    assert mock.state.stats.tasks_created[DEMO_KEY] == 3

    faults.drop_connections = 1
    with pytest.raises(httpx.RemoteProtocolError):
        http.get(f"/tasks/{failed}")
    assert http.get(f"/tasks/{failed}").status_code == 200
    assert mock.state.stats.requests["POST /images/generations"] == 3
    assert mock.state.stats.requests["GET /tasks/{task_id}"] == 7
    assert mock.state.stats.dropped == 1


class _Messages(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_a_dropped_connection_is_not_logged_as_an_app_error(
    http: httpx.Client, mock: RunningMock
) -> None:
    server_log, seen = logging.getLogger("uvicorn.error"), _Messages()
    server_log.addHandler(seen)
    try:
        mock.state.faults.drop_connections = 1
        with pytest.raises(httpx.RemoteProtocolError):
            http.get("/tasks/none")
        # The next answer comes after the server has finished with the dropped one.
        assert http.get("/tasks/none").status_code == 404
    finally:
        server_log.removeHandler(seen)
    assert seen.messages == []


def test_stream_faults_truncate_or_send_an_error_event(
    http: httpx.Client, mock: RunningMock
) -> None:
    mock.state.faults.truncate_stream_after = 2
    assert len(_events(http.post("/chat/completions", json=CHAT))) == 2
    mock.state.faults.truncate_stream_after = None
    mock.state.faults.stream_error_after = 1
    events = _events(http.post("/chat/completions", json=CHAT))
    assert json.loads(events[-1])["error"]["type"] == "server_error"
    assert "[DONE]" not in events


def test_slow_responses_wait_before_answering(http: httpx.Client, mock: RunningMock) -> None:
    mock.state.faults.slow_seconds = 0.5
    with pytest.raises(httpx.ReadTimeout):
        http.get("/tasks/none", timeout=0.05)


def test_module_command_line_describes_itself() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "api_in_one.mock", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--requests-per-minute" in run.stdout
    assert DEMO_KEY in run.stdout


def test_built_wheel_carries_the_spec_for_the_mock(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
    )
    [wheel] = tmp_path.glob("api_in_one-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "site")
        assert archive.read("api_in_one/openapi.yaml") == (ROOT / "openapi.yaml").read_bytes()
    probe = "from api_in_one._spec import spec_path; print(spec_path())"
    where = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(tmp_path / 'site')!r}); {probe}",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert where.stdout.strip() == str(tmp_path / "site" / "api_in_one" / "openapi.yaml")


def test_a_session_host_gives_each_mount_its_own_state() -> None:
    """The pytest plugin's server: stray requests between tests reach no mock."""
    with mock_host() as host:
        first = host.mount(MockConfig())
        with httpx.Client(base_url=first.base_url, headers=AUTH) as http:
            assert http.get("/tasks/n0_none").status_code == 404
            host.unmount()
            assert http.get("/tasks/n0_none").status_code == 503
            second = host.mount(MockConfig())
            assert http.get("/tasks/n0_none").status_code == 404
    assert first.state.stats.requests["GET /tasks/{task_id}"] == 1
    assert second.state.stats.requests["GET /tasks/{task_id}"] == 1
    assert second.base_url == first.base_url
