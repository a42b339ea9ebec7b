"""Hostile input and broken servers: the mock never answers 5xx, the SDK raises only its own errors.

The mock is probed as an attacker would (deep nesting, huge numbers, NaN,
unpaired surrogates, odd methods and paths, then arbitrary requests from
hypothesis); the SDK is pointed at servers that break the contract (a
proxy's HTML page, JSON of another shape, dropped and reset connections);
keys with line ends and control characters are fed everywhere a key goes.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from clocks import Clock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.types import Receive, Scope, Send

from api_in_one import (
    APIConnectionError,
    ApiInOneClient,
    ApiInOneError,
    APIResponseValidationError,
    NotFoundError,
    RateLimitError,
    aconnect,
    connect,
)
from api_in_one._operations import operations
from api_in_one._transport import RetryPolicy, RetryTransport
from api_in_one.cli import main
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock
from api_in_one.mock._server import MockHost, _serving
from api_in_one_client.api.chat import create_chat_completion
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.api.tasks import get_task
from api_in_one_client.models import ChatCompletionRequest, ImageGenerationRequest

AUTH = {"Authorization": f"Bearer {DEMO_KEY}"}
IMAGE = {"model": "flux-2", "prompt": "a lighthouse at dusk"}
CAT = ImageGenerationRequest(model="flux-2", prompt="a cat in the rain")
CHAT = ChatCompletionRequest.from_dict(
    {"model": "gemini", "messages": [{"role": "user", "content": "Hello"}]}
)
FAST: dict[str, Any] = {"backoff_base": 0.001, "requests_per_minute": None}


SECRET = "SeCrEt42"
SECRET_KEY = f"aio_{SECRET}"


@pytest.fixture
def aio_mock_config(clock: Clock) -> MockConfig:
    return MockConfig(
        keys={DEMO_KEY: 1000.0, SECRET_KEY: 100.0},
        clock=clock,
        time_scale=0.001,
        finished_task_ttl=60.0,
        max_finished_tasks=3,
    )


@pytest.fixture
def mock(aio_mock: RunningMock) -> RunningMock:
    return aio_mock


@pytest.fixture
def http(mock: RunningMock) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock.base_url, headers=AUTH) as client:
        yield client


def _envelope(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == status
    assert set(error) == {"code", "message", "type"}
    return str(error["message"])


def _post_image(http: httpx.Client, raw: bytes) -> httpx.Response:
    return http.post(
        "/images/generations", content=raw, headers={"Content-Type": "application/json"}
    )


def _with(field: str, raw_value: bytes) -> bytes:
    """The image request with one more field whose value is written as raw JSON text."""
    return json.dumps(IMAGE).encode()[:-1] + b', "' + field.encode() + b'": ' + raw_value + b"}"


# --- the mock: every bad body is a 400 in the envelope, and nothing is created or charged ---

BAD_BODIES = {
    "nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "nested 1000 deep in a field": _with("extra", b"[" * 1000 + b"]" * 1000),
    "nested over the limit in a field": _with("extra", b'{"a":' * 40 + b"1" + b"}" * 40),
    "an integer of 5000 digits": _with("seed", b"9" * 5000),
    "an integer of 101 digits in a free field": _with("extra", b"1" * 101),
    "NaN in a free field": _with("extra", b"NaN"),
    "Infinity": _with("extra", b"Infinity"),
    "-Infinity": _with("extra", b"-Infinity"),
    "a number that overflows to infinity": _with("extra", b"1e999"),
    "an unpaired surrogate": _with("prompt_extra", b'"\\ud800"'),
    "an unpaired surrogate as a key": b'{"model": "flux-2", "prompt": "abcd", "\\udfff": 1}',
    "an unpaired surrogate in the prompt": b'{"model": "flux-2", "prompt": "ab\\udc00cd"}',
    "invalid UTF-8": b'{"model": "flux-2", "prompt": "\xc3\x28abc"}',
    "a UTF-16 body": json.dumps(IMAGE).encode("utf-16"),
    "an empty body": b"",
    "a lone value": b"7",
    "trailing garbage": json.dumps(IMAGE).encode() + b" x",
}


@pytest.mark.parametrize("raw", BAD_BODIES.values(), ids=BAD_BODIES)
def test_bad_bodies_get_400_and_create_nothing(
    http: httpx.Client, mock: RunningMock, raw: bytes
) -> None:
    _envelope(_post_image(http, raw), 400)
    assert mock.state.stats.tasks_created.total() == 0
    assert mock.state.balances[DEMO_KEY] == 1000.0
    assert not mock.state.stats.statuses.keys() - {400}


def test_json_within_the_limits_is_accepted_and_stored_safely(http: httpx.Client) -> None:
    nested = b'{"a":' * 30 + b"1" + b"}" * 30  # 31 levels with the body itself
    for raw in (_with("extra", nested), _with("extra", b"1" * 100), _with("extra", b"1.5e300")):
        created = _post_image(http, raw)  # the image request's schema allows more fields
        assert created.status_code == 200, created.text
        task_id = created.json()["data"]["task_id"]
        assert http.get(f"/tasks/{task_id}").json()["data"]["request"]["extra"]


@pytest.mark.parametrize("method", ["PROPFIND", "FOO", "PATCH", "TRACE", "OPTIONS"])
def test_unknown_methods_get_405_in_the_envelope_with_allow(
    http: httpx.Client, method: str
) -> None:
    message = _envelope(http.request(method, "/images/generations"), 405)
    assert method in message
    assert http.request(method, "/images/generations").headers["allow"] == "POST"
    assert http.request(method, "/tasks/n1").headers["allow"] == "GET"


def test_the_files_route_and_paths_outside_the_api_answer_in_the_envelope(
    mock: RunningMock,
) -> None:
    root = mock.base_url.removesuffix("/api/v1")
    posted = httpx.post(f"{root}/files/n1_flux2-0.png", content=b"x")
    _envelope(posted, 405)
    assert set(posted.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
    for path in ("/", "/api", "/api/v2/tasks/x", "/files", "/files/a/b", "/%ff%00"):
        _envelope(httpx.get(root + path), 404)
    _envelope(httpx.request("BREW", root + "/coffee"), 404)


def test_a_session_host_without_a_mock_answers_503_in_the_envelope(
    request: pytest.FixtureRequest,
) -> None:
    host: MockHost = request.getfixturevalue("_aio_mock_host")  # the plugin's, with none mounted
    _envelope(httpx.get(host.base_url + "/tasks/n1"), 503)


def test_the_files_route_serves_only_results_that_exist(
    http: httpx.Client, mock: RunningMock, clock: Clock
) -> None:
    root = mock.base_url.removesuffix("/api/v1")
    task_id = http.post("/images/generations", json=IMAGE).json()["data"]["task_id"]
    name = f"{task_id}-0.png"
    _envelope(httpx.get(f"{root}/files/{name}"), 404)  # not finished yet
    clock.now += 30
    url = http.get(f"/tasks/{task_id}").json()["data"]["response"][0]
    assert url == f"{root}/files/{name}"
    assert httpx.get(url).content.startswith(b"\x89PNG")
    for other in (f"{task_id}-1.png", f"{task_id}-0.mp4", "n999_flux2-0.png", "x.png", "png"):
        _envelope(httpx.get(f"{root}/files/{other}"), 404)


def test_finished_tasks_expire_after_the_ttl_and_beyond_the_count(
    http: httpx.Client, mock: RunningMock, clock: Clock
) -> None:
    def create() -> str:
        task_id: str = http.post("/images/generations", json=IMAGE).json()["data"]["task_id"]
        return task_id

    stuck_config = mock.state.faults
    stuck_config.stuck_next_tasks = 1
    stuck, first = create(), create()
    clock.now += 100  # first finished, then lived out the 60 s TTL
    _envelope(http.get(f"/tasks/{first}"), 404)
    assert http.get(f"/tasks/{stuck}").json()["data"]["status"] == "IN_PROGRESS"

    ids = [create() for _ in range(5)]
    clock.now += 30  # all five finished, within the TTL, but only 3 are kept
    for task_id in ids:
        clock.now += 0.001
        http.get(f"/tasks/{task_id}")  # each lookup expires what is over the count
    statuses = [http.get(f"/tasks/{task_id}").status_code for task_id in ids]
    assert statuses.count(404) == 2
    assert statuses.count(200) == 3
    assert http.get(f"/tasks/{stuck}").status_code == 200  # unfinished tasks are kept
    assert len(mock.state.tasks) == 4
    assert len({*ids, first, stuck}) == 7  # ids never repeat once tasks are forgotten


def test_random_paths_do_not_grow_the_request_counters(
    http: httpx.Client, mock: RunningMock
) -> None:
    for index in range(20):
        http.get(f"/no/such/path/{index}")
    assert len(mock.state.stats.requests) == 1


# --- the mock under arbitrary requests: never a 5xx, always JSON ---


def _spec_requests() -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, example body) for every example body the spec gives."""
    return [
        (facts.method, facts.path, example)
        for facts in operations()
        for example in facts.examples.values()
    ]


SPEC_REQUESTS = _spec_requests()
PATHS = sorted({facts.path for facts in operations()})

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and infinities included: json.dumps writes them as bare words
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _mutated(example: dict[str, Any]) -> st.SearchStrategy[bytes]:
    """The example with one of its fields (or a new one) set to arbitrary JSON."""
    return st.tuples(st.sampled_from([*example, "extra"]), json_values).map(
        lambda change: json.dumps({**example, change[0]: change[1]}).encode()
    )


bodies = (
    st.binary(max_size=200)
    | json_values.map(lambda value: json.dumps(value).encode())
    | st.sampled_from(SPEC_REQUESTS).flatmap(lambda request: _mutated(request[2]))
)
"""Raw bytes, arbitrary JSON (NaN and infinities included), or a spec example mutated."""

header_values = st.text(st.characters(min_codepoint=0x21, max_codepoint=0xFF), max_size=40).map(
    lambda text: text.encode("latin-1")
)
segments = st.text(min_size=1, max_size=30).map(lambda text: quote(text, safe=""))


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, str, dict[str, bytes], bytes]:
    """Half near a real request (a spec operation, the key, JSON), half anything at all."""
    if draw(st.booleans()):
        method, path, example = draw(st.sampled_from(SPEC_REQUESTS))
        accept = draw(st.sampled_from([b"application/json", b"text/event-stream", b"*/*"]))
        headers = {
            "Authorization": AUTH["Authorization"].encode(),
            "Content-Type": b"application/json",
            "Accept": accept,
        }
        return method, path, headers, draw(_mutated(example))
    method = draw(
        st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
        | st.from_regex(r"\A[A-Z]{1,12}\Z")
    )
    path = draw(
        st.sampled_from(PATHS).flatmap(lambda p: segments.map(lambda s: p.replace("{task_id}", s)))
        | st.lists(segments, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts))
    )
    choices = {
        "Authorization": st.sampled_from([AUTH["Authorization"], "Bearer aio_x"]).map(str.encode),
        "Content-Type": st.sampled_from(["application/json", "text/plain"]).map(str.encode),
        "Accept": st.just(b"text/event-stream"),
    }
    optional = {name: strategy | header_values for name, strategy in choices.items()}
    headers = draw(st.fixed_dictionaries({}, optional={**optional, "X-Anything": header_values}))
    return method, path, headers, draw(bodies)


def _is_stream(method: str, path: str, response: httpx.Response) -> bool:
    """Chat's documented answer, the one 200 that is not JSON."""
    return (
        method == "POST"
        and path == "/chat/completions"
        and response.status_code == 200
        and response.headers["content-type"].startswith("text/event-stream")
    )


def test_arbitrary_requests_never_get_a_5xx_or_a_non_json_answer(mock: RunningMock) -> None:
    mock.state.config.requests_per_minute = 1_000_000
    mock.state.balances[DEMO_KEY] = 1e9
    statuses: list[int] = []
    with httpx.Client(base_url=mock.base_url) as http:

        @settings(
            max_examples=100,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(requests())
        def probe(request: tuple[str, str, dict[str, bytes], bytes]) -> None:
            method, path, headers, content = request
            raw_headers = {name.encode(): value for name, value in headers.items()}
            response = http.request(method, path, headers=raw_headers, content=content)
            statuses.append(response.status_code)
            assert response.status_code < 500, response.text
            if method == "HEAD" or _is_stream(method, path, response):
                return
            assert response.headers["content-type"] == "application/json", response.text
            document = response.json()
            if response.status_code >= 400:
                assert set(document["error"]) == {"code", "message", "type"}

        probe()
        # Every task the probe created can still be read: nothing it stored breaks an answer.
        for task_id in list(mock.state.tasks):
            answer = http.get(f"/tasks/{task_id}", headers=AUTH)
            assert answer.status_code == 200, answer.text
    assert len(set(statuses)) > 3  # the probe reached past the first check


# --- the SDK against servers that break the contract ---


def _through(answer: httpx.Response | Exception) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    return handler


def _call(client: ApiInOneClient, call: str) -> None:
    """Get a task, create an image task or ask for a chat completion."""
    if call == "get":
        get_task.sync("n1", client=client)
    elif call == "create":
        create_image_generation.sync(client=client, body=CAT)
    else:
        create_chat_completion.sync(client=client, body=CHAT)


async def _async_call(client: ApiInOneClient, call: str) -> None:
    if call == "get":
        await get_task.asyncio("n1", client=client)
    elif call == "create":
        await create_image_generation.asyncio(client=client, body=CAT)
    else:
        await create_chat_completion.asyncio(client=client, body=CHAT)


def _sync_error(answer: httpx.Response | Exception, call: str) -> ApiInOneError:
    sent: list[httpx.Request] = []
    handler = _through(answer)

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return handler(request)

    http = httpx.Client(transport=httpx.MockTransport(record))
    client = connect(DEMO_KEY, base_url="https://apiin.one/api/v1", httpx_client=http, **FAST)
    with client, pytest.raises(ApiInOneError) as raised:
        _call(client, call)
    if isinstance(answer, httpx.Response):
        assert len(sent) == 1  # a successful answer, however broken, is never retried
    return raised.value


def _async_error(answer: httpx.Response | Exception, call: str) -> ApiInOneError:
    async def run() -> ApiInOneError:
        handler = _through(answer)

        async def respond(request: httpx.Request) -> httpx.Response:
            return handler(request)

        http = httpx.AsyncClient(transport=httpx.MockTransport(respond))
        client = aconnect(DEMO_KEY, base_url="https://apiin.one/api/v1", httpx_client=http, **FAST)
        async with client:
            with pytest.raises(ApiInOneError) as raised:
                await _async_call(client, call)
        return raised.value

    return asyncio.run(run())


BROKEN_ANSWERS = {
    "a proxy's HTML page": httpx.Response(200, html="<html><body>Welcome to the hotel Wi-Fi"),
    "plain text": httpx.Response(200, text="OK"),
    "an empty 200": httpx.Response(200),
    "204 No Content": httpx.Response(204),
    "201 with JSON": httpx.Response(201, json={"created": True}),
    "a redirect": httpx.Response(302, headers={"Location": "https://login.example/"}),
    "malformed JSON": httpx.Response(
        200, headers={"Content-Type": "application/json"}, content=b'{"code": 200,'
    ),
    "JSON nested 100,000 deep": httpx.Response(
        200, headers={"Content-Type": "application/json"}, content=b"[" * 100_000
    ),
    "an integer of 5000 digits": httpx.Response(
        200, headers={"Content-Type": "application/json"}, content=b"9" * 5000
    ),
    "an event stream": httpx.Response(
        200, headers={"Content-Type": "text/event-stream"}, content=b"data: {}\n\n"
    ),
    "JSON null": httpx.Response(200, json=None),
    "a JSON number": httpx.Response(200, json=7),
    "a JSON string": httpx.Response(200, json="success"),
    "a JSON array": httpx.Response(200, json=[{"code": 200}]),
    "an empty object": httpx.Response(200, json={}),
    "an envelope without data": httpx.Response(200, json={"code": 200, "message": "ok"}),
    "data of the wrong type": httpx.Response(200, json={"code": 200, "message": "ok", "data": []}),
    "data without a task id": httpx.Response(
        200, json={"code": 200, "message": "ok", "data": {"status": "SUCCESS"}}
    ),
    "choices that are not a list": httpx.Response(200, json={"id": "x", "choices": 5}),
}


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("call", ["get", "create", "chat"])
@pytest.mark.parametrize("answer", BROKEN_ANSWERS.values(), ids=BROKEN_ANSWERS)
def test_a_broken_successful_answer_raises_a_typed_error_with_status_and_excerpt(
    answer: httpx.Response, call: str, mode: str
) -> None:
    error = (_sync_error if mode == "sync" else _async_error)(answer, call)
    assert isinstance(error, APIResponseValidationError)
    assert error.status == answer.status_code
    assert str(answer.status_code) in error.message
    excerpt = " ".join(answer.text.split())[:40]
    assert excerpt in error.message
    assert error.may_have_created_task is (call != "get")
    if call == "chat":
        assert "may have been charged" in error.message
    if call == "create":
        assert "may have created a task" in error.message


ODD_ERROR_BODIES = {
    "a string for the error": {"error": "boom"},
    "fields of the wrong types": {"error": {"code": "x", "message": ["a"], "type": 5}},
    "a null error": {"error": None},
    "an array": [],
    "5 MB of text": "x" * 5_000_000,
    "an HTML page": "<html><title>502 Bad Gateway</title></html>",
}


@pytest.mark.parametrize("status", [400, 401, 402, 404, 418, 500])
@pytest.mark.parametrize("body", ODD_ERROR_BODIES.values(), ids=ODD_ERROR_BODIES)
def test_an_error_answer_of_any_shape_gives_the_typed_error_of_its_status(
    status: int, body: Any
) -> None:
    content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    error = _sync_error(httpx.Response(status, content=content), "create")
    assert (
        type(error).__name__
        == {
            400: "BadRequestError",
            401: "AuthenticationError",
            402: "InsufficientCreditsError",
            404: "NotFoundError",
            418: "APIStatusError",
            500: "InternalServerError",
        }[status]
    )
    assert error.status == status
    assert str(status) in error.message
    assert len(error.message) < 500


RETRY_AFTERS = ["nan", "-inf", "-5", "", "soon", "inf", "1e999", "Fri, 01 Jan 9999 00:00:00 GMT"]
OVER_THE_CAP = {"inf", "1e999", "Fri, 01 Jan 9999 00:00:00 GMT"}


@pytest.mark.parametrize("retry_after", RETRY_AFTERS)
def test_a_hostile_retry_after_never_makes_the_client_wait_past_the_cap(retry_after: str) -> None:
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": retry_after}),
            httpx.Response(200, json={"code": 200, "message": "ok", "data": {"task_id": "n1"}}),
        ]
    )
    slept: list[float] = []
    transport = RetryTransport(
        httpx.MockTransport(lambda request: next(answers)),
        RetryPolicy(max_retries=1, backoff_base=0.001, retry_after_cap=60.0),
        sleep=slept.append,
    )
    http = httpx.Client(transport=transport)
    with connect(DEMO_KEY, base_url="https://apiin.one/api/v1", httpx_client=http) as client:
        if retry_after in OVER_THE_CAP:
            with pytest.raises(RateLimitError, match="over the 60 s cap"):
                create_image_generation.sync(client=client, body=CAT)
            assert not slept
        else:
            create_image_generation.sync(client=client, body=CAT)
            assert len(slept) == 1
            assert 0 <= slept[0] <= 60


def test_a_header_h11_refuses_is_neither_sent_again_nor_quoted_nor_flagged(
    mock: RunningMock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for call in ("get", "create", "chat"):
        client = connect(DEMO_KEY, base_url=mock.base_url, **FAST)
        client.get_httpx_client().headers["X-Trace"] = f"{SECRET_KEY}\r\nX-Evil: 1"
        with client, pytest.raises(APIConnectionError) as raised:
            _call(client, call)
        assert not raised.value.may_have_created_task
        assert "was not sent" in raised.value.message
        assert SECRET not in str(raised.value)

    async def run() -> APIConnectionError:
        client = aconnect(DEMO_KEY, base_url=mock.base_url, **FAST)
        client.get_async_httpx_client().headers["X-Trace"] = f" {SECRET_KEY}\x00"
        async with client:
            with pytest.raises(APIConnectionError) as raised:
                await _async_call(client, "create")
        return raised.value

    error = asyncio.run(run())
    assert not error.may_have_created_task
    assert "X-Trace header" in error.message
    assert SECRET not in str(error)
    assert mock.state.stats.received == 0
    assert SECRET not in caplog.text


@pytest.fixture
def resetting_server() -> Iterator[str]:
    """A server that reads each request, then resets the connection (an RST, no answer)."""
    server = socket.create_server(("127.0.0.1", 0))

    def serve_forever() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    thread = threading.Thread(target=serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/api/v1"
    server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
    server.close()
    thread.join()


def test_a_reset_connection_names_its_reason_sync_and_async(resetting_server: str) -> None:
    client = connect(DEMO_KEY, base_url=resetting_server, max_retries=0)
    with client, pytest.raises(APIConnectionError) as raised:
        get_task.sync("n1", client=client)
    assert "reset by peer." in raised.value.message

    async def run() -> APIConnectionError:
        client = aconnect(DEMO_KEY, base_url=resetting_server, max_retries=0)
        async with client:
            with pytest.raises(APIConnectionError) as raised:
                await get_task.asyncio("n1", client=client)
        return raised.value

    error = asyncio.run(run())
    assert "ReadError" in error.message
    assert "reset by peer." in error.message


def test_a_dropped_chat_may_have_been_charged_not_created_a_task(mock: RunningMock) -> None:
    mock.state.faults.drop_connections = 2
    client = connect(DEMO_KEY, base_url=mock.base_url, **FAST)
    with client, pytest.raises(APIConnectionError) as raised:
        create_chat_completion.sync(client=client, body=CHAT)
    assert raised.value.may_have_created_task
    assert "may have been charged" in raised.value.message
    assert "task" not in raised.value.message

    async def run() -> ApiInOneError:
        client = aconnect(DEMO_KEY, base_url=mock.base_url, **FAST)
        async with client:
            with pytest.raises(APIConnectionError) as raised:
                await create_chat_completion.asyncio(client=client, body=CHAT)
        return raised.value

    assert "may have been charged" in asyncio.run(run()).message
    assert mock.state.stats.dropped == 2


def test_a_small_rate_budget_lowers_the_burst_instead_of_failing(mock: RunningMock) -> None:
    client = connect(DEMO_KEY, base_url=mock.base_url, requests_per_minute=5)
    with client:
        with pytest.raises(NotFoundError):
            get_task.sync("n1", client=client)
        budget = client.get_httpx_client()._transport.budget  # type: ignore[attr-defined]
    assert (budget.limit, budget.burst) == (5, 4)
    nowhere = "http://127.0.0.1:9/api/v1"
    for limit, burst in ((1, 5), (-3, 5), (60, 0)):
        with pytest.raises(ApiInOneError, match="requests_per_minute"):
            connect(DEMO_KEY, base_url=nowhere, requests_per_minute=limit, burst=burst)


# --- keys that cannot leak ---

STRIPPED_KEYS = [f"{SECRET_KEY}\r\n", f" {SECRET_KEY}\n", f"\t{SECRET_KEY}\r", f"{SECRET_KEY} "]
REFUSED_KEYS = [f"{SECRET_KEY}\rX", "aio_Se\nCrEt42", f"{SECRET_KEY}\x00", "aio_Se CrEt42"]


class Shown:
    """All a user could see in a test: its messages, the command line's output, the logs."""

    def __init__(self, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture):
        self.texts: list[str] = []
        self._capsys, self._caplog = capsys, caplog

    def output(self) -> tuple[str, str]:
        """What was printed since the last call: (stdout, stderr)."""
        out, err = self._capsys.readouterr()
        self.texts += [out, err]
        return out, err

    def assert_no_key(self) -> None:
        """Not a piece of the secret key anywhere, raw or escaped."""
        pieces = (SECRET, "Se\nCrEt42", "Se CrEt42", "Se\\nCrEt42")
        texts = [*self.texts, self._caplog.text]
        assert not any(piece in text for text in texts for piece in pieces)


@pytest.fixture
def shown(capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> Shown:
    caplog.set_level(logging.DEBUG)
    return Shown(capsys, caplog)


@pytest.mark.parametrize("key", REFUSED_KEYS, ids=["CR", "LF", "NUL", "space"])
def test_a_key_with_control_characters_is_refused_at_connect_without_showing_it(
    key: str, shown: Shown, monkeypatch: pytest.MonkeyPatch
) -> None:
    for make in (connect, aconnect):
        with pytest.raises(ApiInOneError) as raised:
            make(key, base_url="http://127.0.0.1:9/api/v1")
        shown.texts += [str(raised.value), repr(raised.value), raised.value.message]
        assert "U+00" in raised.value.message
    if "\x00" not in key:  # no environment variable can hold a NUL
        monkeypatch.setenv("API_IN_ONE_API_KEY", key)
        with pytest.raises(ApiInOneError) as raised:
            connect(base_url="http://127.0.0.1:9/api/v1")
        shown.texts.append(str(raised.value))
        monkeypatch.delenv("API_IN_ONE_API_KEY")
    code = main(["task", "get", "n1", "--api-key", key, "--base-url", "http://127.0.0.1:9/api/v1"])
    _, err = shown.output()
    assert code == 2
    assert "API key" in err
    shown.assert_no_key()


@pytest.mark.parametrize("key", STRIPPED_KEYS, ids=["CRLF", "spaces-LF", "tab-CR", "space"])
def test_a_key_with_surrounding_whitespace_is_stripped_and_works(
    key: str, mock: RunningMock, shown: Shown, monkeypatch: pytest.MonkeyPatch
) -> None:
    with connect(key, base_url=mock.base_url) as client, pytest.raises(NotFoundError) as raised:
        get_task.sync("n1", client=client)
    shown.texts += [str(raised.value), repr(client)]
    monkeypatch.setenv("API_IN_ONE_API_KEY", key)
    monkeypatch.setenv("API_IN_ONE_BASE_URL", mock.base_url)
    code = main(["task", "get", "n_missing"])
    _, err = shown.output()
    assert code == 1
    assert "NotFoundError" in err
    code = main(["image", "--model", "flux-2", "--prompt", "a red fox", "--json"])
    _, err = shown.output()
    assert code == 0, err
    assert mock.state.stats.tasks_created[SECRET_KEY] == 1
    assert mock.state.stats.statuses.keys() <= {200, 404}  # never a 401
    shown.assert_no_key()


# --- the command line against a broken server: exit 1, a typed message, no traceback ---


ESCAPE = "\x1b]0;pwned\x07\x1b[2J"
BROKEN_ANSWERS_BY_TASK: dict[str, tuple[int, str, bytes]] = {
    "html": (200, "text/html", b"<html>Sign in to the Wi-Fi</html>"),
    "shape": (200, "application/json", b'{"data": 1}'),
    "markup": (
        200,
        "application/json",
        json.dumps(
            {
                "code": 200,
                "message": "ok",
                "data": {"task_id": "[/bold][link=x]" + ESCAPE, "status": "[red]" + ESCAPE},
            }
        ).encode(),
    ),
    "escapes": (
        400,
        "application/json",
        json.dumps(
            {"error": {"code": 400, "message": "bad" + ESCAPE, "type": "invalid_request"}}
        ).encode(),
    ),
}


async def _broken_server(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers ``GET .../tasks/<case>`` with the broken answer of that case."""
    status, content_type, body = BROKEN_ANSWERS_BY_TASK[scope["path"].rsplit("/", 1)[-1]]
    headers = [(b"content-type", content_type.encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def broken_server() -> Iterator[str]:
    with _serving(_broken_server, "127.0.0.1", 0) as base_url:
        yield base_url


@pytest.mark.parametrize(
    ("case", "code", "expected"),
    [
        ("html", 1, "APIResponseValidationError: Not JSON (text/html)"),
        ("shape", 1, "APIResponseValidationError: JSON not of the documented shape"),
        ("markup", 0, ""),
        ("escapes", 1, "BadRequestError: bad"),
    ],
)
def test_the_cli_prints_no_traceback_and_no_escape_sequence_from_a_broken_server(
    broken_server: str, case: str, code: int, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["task", "get", case, "--api-key", DEMO_KEY, "--base-url", broken_server]
    assert main(argv) == code
    out, err = capsys.readouterr()
    assert expected in err
    assert "Traceback" not in out + err
    assert "\x1b" not in out + err
    assert "\x07" not in out + err
    if case == "markup":
        assert "[/bold][link=x]\\x1b]0;pwned" in out
