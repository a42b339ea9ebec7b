"""Every error carries a request id: the gateway's when it sends one, else the client's own."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.types import Receive, Scope, Send

import api_in_one as aio
from api_in_one import aconnect, connect
from api_in_one._operations import operation
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock
from api_in_one.mock._server import _serving
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.api.tasks import get_task
from api_in_one_client.models import ImageGenerationRequest, Task, TaskCreated

CAT = ImageGenerationRequest(model="flux-2", prompt="a cat on a windowsill")
GATEWAY = "https://apiin.one/api/v1"

# Which key and body make the mock answer with each documented error status.
CASES: dict[type[aio.APIStatusError], tuple[str, ImageGenerationRequest]] = {
    aio.BadRequestError: (DEMO_KEY, ImageGenerationRequest(model="flux-2", prompt="ab")),
    aio.AuthenticationError: ("aio_stranger", CAT),
    aio.InsufficientCreditsError: ("aio_poor", CAT),
    aio.NotFoundError: (DEMO_KEY, ImageGenerationRequest(model="no-such-model", prompt="a cat")),
}


@pytest.fixture
def aio_mock_config() -> MockConfig:
    return MockConfig(
        time_scale=0.01, keys={DEMO_KEY: 1000.0, "aio_poor": 1.0}, requests_per_minute=100_000
    )


def _check(error: aio.ApiInOneError) -> None:
    assert error.request_id is not None
    assert error.request_id.startswith("req_")
    assert f"(request id {error.request_id})" in str(error)
    if isinstance(error, aio.APIStatusError):
        assert error.response is not None
        assert error.response.headers["X-Request-Id"] == error.request_id


@pytest.mark.parametrize("kind", CASES, ids=lambda kind: kind.__name__)
def test_status_errors_carry_the_request_id(
    kind: type[aio.APIStatusError], aio_mock: RunningMock
) -> None:
    key, body = CASES[kind]
    client = connect(key, base_url=aio_mock.base_url, max_retries=0)
    with client, pytest.raises(kind) as raised:
        create_image_generation.sync(client=client, body=body)
    _check(raised.value)


@pytest.mark.anyio
@pytest.mark.parametrize("kind", CASES, ids=lambda kind: kind.__name__)
async def test_status_errors_carry_the_request_id_async(
    kind: type[aio.APIStatusError], aio_mock: RunningMock
) -> None:
    key, body = CASES[kind]
    async with aconnect(key, base_url=aio_mock.base_url, max_retries=0) as client:
        with pytest.raises(kind) as raised:
            await create_image_generation.asyncio(client=client, body=body)
    _check(raised.value)


@pytest.mark.parametrize("status", [429, 503])
def test_limits_and_server_failures_carry_the_request_id(
    status: int, aio_mock: RunningMock
) -> None:
    aio_mock.state.faults.error_burst, aio_mock.state.faults.error_status = 1, status
    client = connect(DEMO_KEY, base_url=aio_mock.base_url, max_retries=0)
    with (
        client,
        pytest.raises(aio.RateLimitError if status == 429 else aio.InternalServerError) as raised,
    ):
        get_task.sync("n0_any", client=client)
    _check(raised.value)


def _server(answer: Callable[[httpx.Request], httpx.Response]) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(answer))


def _fails(error: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        raise error("no answer", request=request)

    return answer


@pytest.mark.parametrize(
    ("failure", "kind"),
    [(httpx.ConnectError, aio.APIConnectionError), (httpx.ReadTimeout, aio.APITimeoutError)],
)
def test_connection_errors_carry_the_request_id_that_was_sent(
    failure: type[httpx.TransportError], kind: type[aio.APIConnectionError]
) -> None:
    http = _server(_fails(failure))
    client = connect(DEMO_KEY, base_url=GATEWAY, httpx_client=http, max_retries=0)
    with client, pytest.raises(kind) as raised:
        get_task.sync("n0_any", client=client)
    assert raised.value.request_id is not None
    assert raised.value.request_id.startswith("req_")


@pytest.mark.anyio
async def test_connection_errors_carry_the_request_id_async() -> None:
    async def answer(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    async with aconnect(DEMO_KEY, base_url=GATEWAY, httpx_client=http, max_retries=0) as client:
        with pytest.raises(aio.APITimeoutError, match=r"allow longer.*request id req_"):
            await get_task.asyncio("n0_any", client=client)


def test_the_gateways_own_id_wins_and_retries_keep_the_clients() -> None:
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["X-Request-Id"])
        envelope = {"error": {"code": 503, "message": "Busy", "type": "server_error"}}
        return httpx.Response(503, json=envelope, headers={"X-Request-Id": "gw_7f3a"})

    http = _server(answer)
    client = connect(DEMO_KEY, base_url=GATEWAY, httpx_client=http, backoff_base=0)
    with (
        client,
        pytest.raises(aio.InternalServerError, match=r"Try again later.*request id gw_7f3a"),
    ):
        get_task.sync("n0_any", client=client)
    assert len(sent) == 3
    assert len(set(sent)) == 1


# Errors after a call returned: streams, waits, downloads. The mock answers every API
# request with the X-Request-Id it received, so the ids noted here are those it saw.

CHAT = {"model": "gemini", "messages": [{"role": "user", "content": "Describe the sea"}]}
STREAM_FAULTS: dict[str, type[aio.ApiInOneError]] = {
    "truncate_stream_after": aio.StreamInterruptedError,
    "stream_error_after": aio.InternalServerError,
}


class Seen:
    """The request ids the server answered with, by request line."""

    def __init__(self) -> None:
        self.ids: list[tuple[str, str]] = []

    def note(self, response: httpx.Response) -> None:
        line = f"{response.request.method} {response.request.url.path}"
        self.ids.append((line, response.headers["X-Request-Id"]))

    async def anote(self, response: httpx.Response) -> None:
        self.note(response)

    def last(self, method: str) -> str:
        return [request_id for line, request_id in self.ids if line.startswith(method)][-1]


def _watched(mock: RunningMock, seen: Seen) -> aio.ApiInOneClient:
    http = httpx.Client(event_hooks={"response": [seen.note]})
    return connect(DEMO_KEY, base_url=mock.base_url, httpx_client=http, requests_per_minute=None)


def _awatched(mock: RunningMock, seen: Seen) -> aio.ApiInOneClient:
    http = httpx.AsyncClient(event_hooks={"response": [seen.anote]})
    return aconnect(DEMO_KEY, base_url=mock.base_url, httpx_client=http, requests_per_minute=None)


def _check_seen(error: aio.ApiInOneError, seen: Seen, method: str) -> None:
    request_id = seen.last(method)
    assert request_id.startswith("req_")
    assert error.request_id == request_id
    assert f"(request id {request_id})" in str(error)


@pytest.mark.parametrize("fault", STREAM_FAULTS)
def test_stream_errors_carry_the_streams_request_id(fault: str, aio_mock: RunningMock) -> None:
    setattr(aio_mock.state.faults, fault, 2)
    seen = Seen()
    with _watched(aio_mock, seen) as client, pytest.raises(STREAM_FAULTS[fault]) as raised:
        aio.stream_chat(client, CHAT).until_done()
    _check_seen(raised.value, seen, "POST")


@pytest.mark.anyio
@pytest.mark.parametrize("fault", STREAM_FAULTS)
async def test_stream_errors_carry_the_streams_request_id_async(
    fault: str, aio_mock: RunningMock
) -> None:
    setattr(aio_mock.state.faults, fault, 2)
    seen = Seen()
    async with _awatched(aio_mock, seen) as client:
        stream = await aio.async_stream_chat(client, CHAT)
        with pytest.raises(STREAM_FAULTS[fault]) as raised:
            await stream.until_done()
    _check_seen(raised.value, seen, "POST")


FIRST = {
    "id": "chatcmpl-1",
    "object": "chat.completion.chunk",
    "created": 1,
    "model": "gpt-4o",
    "choices": [{"index": 0, "delta": {"content": "The sea"}, "finish_reason": None}],
}
SSE = {"content-type": "text/event-stream"}


class Answer:
    """A server breaking the stream in one way; ``sent`` is the id each request carried.

    ``silent`` sends a chunk then nothing (an idle timeout), with its own id;
    ``junk`` sends JSON that is no chunk and ``json`` answers with no stream
    at all, both without an id of their own.
    """

    def __init__(self, how: str) -> None:
        self.how = how
        self.sent: list[str] = []

    def events(self) -> Iterator[bytes]:
        yield b"data: " + json.dumps(FIRST).encode() + b"\n\n"
        if self.how == "silent":
            raise httpx.ReadTimeout("nothing came")
        yield b'data: {"unexpected": true}\n\n'

    async def aevents(self) -> AsyncIterator[bytes]:
        for event in self.events():
            yield event

    def answer(
        self, request: httpx.Request, content: Iterator[bytes] | AsyncIterator[bytes]
    ) -> httpx.Response:
        self.sent.append(request.headers["X-Request-Id"])
        if self.how == "json":
            return httpx.Response(200, json={"choices": []})
        headers = {**SSE, "X-Request-Id": "gw_9c1"} if self.how == "silent" else SSE
        return httpx.Response(200, headers=headers, content=content)

    def expected_id(self) -> str:
        return "gw_9c1" if self.how == "silent" else self.sent[-1]


BROKEN_STREAMS: dict[str, type[aio.ApiInOneError]] = {
    "silent": aio.StreamTimeoutError,
    "junk": aio.StreamInterruptedError,
    "json": aio.ApiInOneError,
}


@pytest.mark.parametrize("how", BROKEN_STREAMS)
def test_broken_streams_carry_the_gateways_id_or_the_requests(how: str) -> None:
    server = Answer(how)
    http = _server(lambda request: server.answer(request, server.events()))
    client = connect(DEMO_KEY, base_url=GATEWAY, httpx_client=http)
    with client, pytest.raises(BROKEN_STREAMS[how]) as raised:
        aio.stream_chat(client, CHAT, idle_timeout=0.01).until_done()
    assert raised.value.request_id == server.expected_id()
    assert raised.value.request_id.startswith("gw_" if how == "silent" else "req_")
    if isinstance(raised.value, aio.StreamError):
        assert raised.value.partial_text == "The sea"


async def _until_done(client: aio.ApiInOneClient) -> aio.ChatResult:
    stream = await aio.async_stream_chat(client, CHAT, idle_timeout=0.01)
    return await stream.until_done()


@pytest.mark.anyio
@pytest.mark.parametrize("how", BROKEN_STREAMS)
async def test_broken_streams_carry_the_gateways_id_or_the_requests_async(how: str) -> None:
    server = Answer(how)

    async def answer(request: httpx.Request) -> httpx.Response:
        return server.answer(request, server.aevents())

    http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    async with aconnect(DEMO_KEY, base_url=GATEWAY, httpx_client=http) as client:
        with pytest.raises(BROKEN_STREAMS[how]) as raised:
            await _until_done(client)
    assert raised.value.request_id == server.expected_id()


def _created(client: aio.ApiInOneClient) -> str:
    created = create_image_generation.sync(client=client, body=CAT)
    assert isinstance(created, TaskCreated)
    return created.data.task_id


async def _acreated(client: aio.ApiInOneClient) -> str:
    created = await create_image_generation.asyncio(client=client, body=CAT)
    assert isinstance(created, TaskCreated)
    return created.data.task_id


TASK_FAULTS: dict[str, type[aio.ApiInOneError]] = {
    "fail_next_tasks": aio.TaskFailedError,
    "stuck_next_tasks": aio.TaskTimeoutError,
}


@pytest.mark.parametrize("fault", TASK_FAULTS)
def test_task_errors_carry_the_last_polls_request_id(fault: str, aio_mock: RunningMock) -> None:
    setattr(aio_mock.state.faults, fault, 1)
    seen = Seen()
    with _watched(aio_mock, seen) as client, pytest.raises(TASK_FAULTS[fault]) as raised:
        aio.wait_for_task(
            client, _created(client), timeout=0.2, poll_interval=0.01, max_poll_interval=0.05
        )
    _check_seen(raised.value, seen, "GET")
    assert len({request_id for _, request_id in seen.ids}) == len(seen.ids)


@pytest.mark.anyio
@pytest.mark.parametrize("fault", TASK_FAULTS)
async def test_task_errors_carry_the_last_polls_request_id_async(
    fault: str, aio_mock: RunningMock
) -> None:
    setattr(aio_mock.state.faults, fault, 1)
    seen = Seen()
    async with _awatched(aio_mock, seen) as client:
        with pytest.raises(TASK_FAULTS[fault]) as raised:
            await aio.async_wait_for_task(
                client,
                await _acreated(client),
                timeout=0.2,
                poll_interval=0.01,
                max_poll_interval=0.05,
            )
    _check_seen(raised.value, seen, "GET")


def _undownloadable(mock: RunningMock) -> Task:
    # An API path as a result URL: the API refuses it without the key, which is never sent.
    return Task(task_id="n1", status="SUCCESS", response=[f"{mock.base_url}/tasks/n1"])


def _check_download(error: aio.ApiInOneError) -> None:
    assert isinstance(error, aio.AuthenticationError)
    assert error.response is not None
    assert error.request_id == error.response.request.headers["X-Request-Id"]
    assert error.request_id == error.response.headers["X-Request-Id"]  # what the host saw


def test_download_errors_carry_the_downloads_request_id(
    aio_client: aio.ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    with pytest.raises(aio.ApiInOneError) as raised:
        aio.download_results(aio_client, _undownloadable(aio_mock), tmp_path)
    _check_download(raised.value)
    unreachable = Task(task_id="n2", status="SUCCESS", response=["http://127.0.0.1:9/x.png"])
    with pytest.raises(aio.APIConnectionError) as lost:
        aio.download_results(aio_client, unreachable, tmp_path)
    assert lost.value.request_id is not None
    assert lost.value.request_id.startswith("req_")


@pytest.mark.anyio
async def test_download_errors_carry_the_downloads_request_id_async(
    aio_async_client: aio.ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    with pytest.raises(aio.ApiInOneError) as raised:
        await aio.async_download_results(aio_async_client, _undownloadable(aio_mock), tmp_path)
    _check_download(raised.value)


def test_a_task_without_results_carries_the_id_of_the_answer_that_said_so(
    aio_mock: RunningMock, tmp_path: Path
) -> None:
    aio_mock.state.faults.fail_next_tasks = 1
    seen = Seen()
    with _watched(aio_mock, seen) as client:
        [failed] = aio.wait_for_tasks(
            client, [_created(client)], timeout=5, poll_interval=0.01, max_poll_interval=0.05
        )
        with pytest.raises(aio.ApiInOneError, match="no result URLs") as raised:
            aio.download_results(client, failed, tmp_path)
    _check_seen(raised.value, seen, "GET")


def test_the_task_log_forgets_the_request_id_of_a_task_that_succeeded(
    aio_mock: RunningMock,
) -> None:
    """A batch of thousands of tasks keeps ids only for those that may still fail."""
    aio_mock.state.faults.fail_next_tasks = 1
    seen = Seen()
    with _watched(aio_mock, seen) as client:
        doomed, fine = _created(client), _created(client)
        assert client.task_log.last_request_id(fine) == seen.last("POST")
        aio.wait_for_tasks(
            client, [doomed, fine], timeout=5, poll_interval=0.01, max_poll_interval=0.05
        )
        assert client.task_log.last_request_id(doomed) is not None
        assert client.task_log.last_request_id(fine) is None


def _refused(error: aio.CreditLimitError, mock: RunningMock) -> None:
    assert error.request_id is None
    assert "request id" not in str(error)
    assert mock.state.stats.received == 0


def test_a_refused_create_has_no_request_id_for_nothing_was_sent(aio_mock: RunningMock) -> None:
    client = connect(DEMO_KEY, base_url=aio_mock.base_url, max_credits=0)
    with client, pytest.raises(aio.CreditLimitError, match="Nothing was sent") as raised:
        create_image_generation.sync(client=client, body=CAT)
    _refused(raised.value, aio_mock)


@pytest.mark.anyio
async def test_a_refused_create_has_no_request_id_for_nothing_was_sent_async(
    aio_mock: RunningMock,
) -> None:
    async with aconnect(DEMO_KEY, base_url=aio_mock.base_url, max_credits=0) as client:
        with pytest.raises(aio.CreditLimitError, match="Nothing was sent") as raised:
            await create_image_generation.asyncio(client=client, body=CAT)
    _refused(raised.value, aio_mock)


def test_a_batch_line_whose_task_failed_quotes_the_last_polls_request_id(
    aio_mock: RunningMock, tmp_path: Path
) -> None:
    aio_mock.state.faults.fail_next_tasks = 1
    source = tmp_path / "input.jsonl"
    line = {"custom_id": "one", "operation": "image", "body": CAT.to_dict()}
    source.write_text(json.dumps(line) + "\n")
    seen = Seen()
    with _watched(aio_mock, seen) as client:
        out = tmp_path / "out.jsonl"
        aio.run_batch(client, source, tmp_path / "journal.sqlite", out=out, poll_interval=0.02)
    [row] = [json.loads(text) for text in out.read_text().splitlines()]
    assert row["error"]["type"] == "TaskFailedError"
    assert row["error"]["message"].endswith(f"(request id {seen.last('GET')})")


class _SilentGateway:
    """A gateway whose answers carry no ``X-Request-Id``: every task it knows has failed.

    ``sent`` holds the request ids it was sent, in order.
    """

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        self.sent.append(dict(scope["headers"])[b"x-request-id"].decode())
        task = {"task_id": "n1_quiet", "status": "FAILED", "error_message": "no"}
        body = json.dumps({"code": 200, "message": "success", "data": task}).encode()
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


@pytest.fixture
def silent_gateway() -> Iterator[tuple[str, _SilentGateway]]:
    gateway = _SilentGateway()
    with _serving(gateway, "127.0.0.1", 0) as base_url:
        yield base_url, gateway


def test_a_task_error_quotes_the_id_the_client_sent_when_the_server_sends_none(
    silent_gateway: tuple[str, _SilentGateway],
) -> None:
    base_url, gateway = silent_gateway
    client = connect(DEMO_KEY, base_url=base_url)
    with client, pytest.raises(aio.TaskFailedError) as raised:
        aio.wait_for_task(client, "n1_quiet", poll_interval=0.01)
    assert raised.value.request_id == gateway.sent[-1]


@pytest.mark.anyio
async def test_a_task_error_quotes_the_id_the_client_sent_async(
    silent_gateway: tuple[str, _SilentGateway],
) -> None:
    base_url, gateway = silent_gateway
    client = aconnect(DEMO_KEY, base_url=base_url)
    async with client:
        with pytest.raises(aio.TaskFailedError) as raised:
            await aio.async_wait_for_task(client, "n1_quiet", poll_interval=0.01)
    assert raised.value.request_id == gateway.sent[-1]


UNKNOWN_MODEL = ImageGenerationRequest(model="flux-3", prompt="A red fox")


def test_an_unknown_model_lists_the_operations_models_and_the_closest(
    aio_client: aio.ApiInOneClient,
) -> None:
    with pytest.raises(aio.NotFoundError) as missing:
        create_image_generation.sync(client=aio_client, body=UNKNOWN_MODEL)
    known = ", ".join(operation("image").models)
    assert f"it knows {known}; the closest is flux-2." in missing.value.message
    assert "task id" not in missing.value.message


@pytest.mark.anyio
async def test_an_unknown_model_lists_the_models_async(
    aio_async_client: aio.ApiInOneClient,
) -> None:
    with pytest.raises(aio.NotFoundError, match="the closest is flux-2"):
        await create_image_generation.asyncio(client=aio_async_client, body=UNKNOWN_MODEL)


def test_a_base_url_without_the_api_path_gets_the_one_to_try(aio_mock: RunningMock) -> None:
    root = aio_mock.base_url.removesuffix("/api/v1")
    with connect(DEMO_KEY, base_url=root) as client, pytest.raises(aio.NotFoundError) as off:
        get_task.sync("n1", client=client)
    assert f"Try base_url={aio_mock.base_url} (or API_IN_ONE_BASE_URL)" in off.value.message


def test_an_unknown_task_is_a_task_id_to_check(aio_client: aio.ApiInOneClient) -> None:
    with pytest.raises(aio.NotFoundError, match="Check the task id: it comes from the create"):
        get_task.sync("n404", client=aio_client)
