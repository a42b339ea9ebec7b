"""The fault matrix: each failure gets its defined outcome, no task is created twice, no key leaks.

Rows run sync and async against the mock's failure injection; the counters
are read after the server has drained, so a request the client gave up on
is still counted. Rows the mock cannot produce (429 timing, malformed JSON,
refused connections) use ``httpx.MockTransport`` under the SDK's transport.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from api_in_one import (
    APIConnectionError,
    ApiInOneClient,
    ApiInOneError,
    APITimeoutError,
    InternalServerError,
    RateLimitError,
    StreamInterruptedError,
    TaskFailedError,
    TaskTimeoutError,
    aconnect,
    async_stream_chat,
    async_wait_for_task,
    connect,
    stream_chat,
    wait_for_task,
)
from api_in_one._transport import RetryPolicy, RetryTransport
from api_in_one.mock import DEMO_KEY, Faults, MockConfig, MockState, serve
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.api.tasks import get_task
from api_in_one_client.models import ImageGenerationRequest, TaskCreated

CAT = ImageGenerationRequest(model="flux-2", prompt="a cat in the rain")
CHAT = {"model": "gemini", "messages": [{"role": "user", "content": "Tell me a story"}]}
# A short read timeout for the slow-answer rows; connecting may take longer on a loaded
# machine, and a connect timeout would be a different fault (one the server never sees).
CLIENT: dict[str, Any] = {
    "backoff_base": 0.001,
    "timeout": httpx.Timeout(5.0, read=0.2),
    "requests_per_minute": None,
}


@dataclass
class Row:
    """One fault: how to inject it, what to do, and what must come of it."""

    action: str  # create | poll | stream | wait
    faults: dict[str, Any]
    raises: type[Exception] | None
    tasks_created: int
    may_have_created_task: bool = False
    counters: dict[str, int] = field(default_factory=dict)


ROWS = {
    "503 on create is not retried": Row(
        "create",
        {"error_burst": 1, "error_status": 503},
        InternalServerError,
        0,
        True,
        {"POST /images/generations": 1},
    ),
    "500 after the task was created": Row(
        "create",
        {"error_after_processing": 1},
        InternalServerError,
        1,
        True,
        {"POST /images/generations": 1},
    ),
    "502 twice on poll is retried": Row(
        "poll",
        {"error_burst": 2, "error_status": 502},
        None,
        1,
        counters={"GET /tasks/{task_id}": 3},
    ),
    "500 past the retries on poll": Row(
        "poll",
        {"error_burst": 5, "error_status": 500},
        InternalServerError,
        1,
        counters={"GET /tasks/{task_id}": 3},
    ),
    "connection reset on create": Row(
        "create", {"drop_connections": 1}, APIConnectionError, 0, True, {"dropped": 1}
    ),
    "connection reset on poll is retried": Row(
        "poll", {"drop_connections": 1}, None, 1, counters={"dropped": 1, "GET /tasks/{task_id}": 1}
    ),
    # The mock sees the client leave before it reads the body, so nothing is
    # created; one request received proves there was no second try.
    "read timeout on create is not retried": Row(
        "create", {"slow_seconds": 0.5}, APITimeoutError, 0, True, {"received": 1}
    ),
    "read timeout on poll is retried": Row(
        "poll", {"slow_seconds": 0.5}, APITimeoutError, 1, counters={"received": 1 + 3}
    ),
    "truncated SSE": Row("stream", {"truncate_stream_after": 3}, StreamInterruptedError, 0),
    "error event inside SSE": Row("stream", {"stream_error_after": 2}, InternalServerError, 0),
    "FAILED task": Row("wait", {"fail_next_tasks": 1}, TaskFailedError, 1),
    "stuck task": Row("wait", {"stuck_next_tasks": 1}, TaskTimeoutError, 1),
    "unknown status": Row("wait", {"unknown_status": "QUEUED"}, None, 1),
}


def _sync(row: Row, base_url: str, state: MockState) -> object:
    with connect(DEMO_KEY, base_url=base_url, **CLIENT) as client:
        # Poll rows need a task made before the fault; the others meet it at once.
        existing = (
            create_image_generation.sync(client=client, body=CAT) if row.action == "poll" else None
        )
        _set(state, row.faults)
        if row.action == "stream":
            return stream_chat(client, CHAT).until_done()
        if isinstance(existing, TaskCreated):
            return get_task.sync(existing.data.task_id, client=client)
        made = create_image_generation.sync(client=client, body=CAT)
        if row.action == "create":
            return made
        return wait_for_task(client, made, timeout=1.0, poll_interval=0.01)


async def _async(row: Row, base_url: str, state: MockState) -> object:
    async with aconnect(DEMO_KEY, base_url=base_url, **CLIENT) as client:
        existing = (
            await create_image_generation.asyncio(client=client, body=CAT)
            if row.action == "poll"
            else None
        )
        _set(state, row.faults)
        if row.action == "stream":
            return await (await async_stream_chat(client, CHAT)).until_done()
        if isinstance(existing, TaskCreated):
            return await get_task.asyncio(existing.data.task_id, client=client)
        made = await create_image_generation.asyncio(client=client, body=CAT)
        if row.action == "create":
            return made
        return await async_wait_for_task(client, made, timeout=1.0, poll_interval=0.01)


def _set(state: MockState, faults: dict[str, Any]) -> None:
    for name, value in faults.items():
        setattr(state.faults, name, value)


def _texts(
    error: BaseException | None, caplog: pytest.LogCaptureFixture, *more: object
) -> list[str]:
    found = [record.getMessage() for record in caplog.records]
    found += [repr(record.args) for record in caplog.records]
    if error is not None:
        found += [str(error), repr(error), repr(error.__cause__), repr(error.__context__)]
    return found + [repr(item) for item in more]


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("name", list(ROWS))
def test_fault_matrix(mode: str, name: str, caplog: pytest.LogCaptureFixture) -> None:
    row = ROWS[name]
    caplog.set_level(logging.DEBUG)
    error: BaseException | None = None
    config = MockConfig(time_scale=0.005, faults=Faults())
    with serve(config) as mock:
        try:
            if mode == "sync":
                result = _sync(row, mock.base_url, mock.state)
            else:
                result = asyncio.run(_async(row, mock.base_url, mock.state))
        except Exception as raised:
            error = raised
            result = None
    stats = mock.state.stats
    if row.raises is None:
        assert error is None, repr(error)
    else:
        assert isinstance(error, row.raises), repr(error)
        assert isinstance(error, ApiInOneError)
        assert error.may_have_created_task is row.may_have_created_task
        if row.may_have_created_task:
            assert "may have created a task" in str(error)
    assert stats.tasks_created[DEMO_KEY] == row.tasks_created
    for counter, expected in row.counters.items():
        value = (
            getattr(stats, counter)
            if counter in {"dropped", "received"}
            else stats.requests[counter]
        )
        assert value == expected, counter
    for text in _texts(error, caplog, result):
        assert DEMO_KEY not in text


def _transport(answers: list[httpx.Response | Exception], slept: list[float]) -> RetryTransport:
    """The SDK's transport over a scripted server; ``slept`` records the waits between tries."""
    sent = iter(answers)

    def answer(request: httpx.Request) -> httpx.Response:
        outcome = next(sent)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return RetryTransport(
        httpx.MockTransport(answer),
        RetryPolicy(max_retries=2, backoff_base=0.001),
        sleep=slept.append,
    )


def created() -> httpx.Response:
    return httpx.Response(200, json={"code": 200, "message": "success", "data": {"task_id": "n1"}})


ERROR_429 = {"error": {"code": 429, "message": "Slow down", "type": "rate_limit"}}


def _create_through(transport: RetryTransport) -> object:
    http = httpx.Client(transport=transport)
    with connect(DEMO_KEY, base_url="https://apiin.one/api/v1", httpx_client=http) as client:
        return create_image_generation.sync(client=client, body=CAT)


def test_429_with_retry_after_waits_that_long_then_retries() -> None:
    slept: list[float] = []
    limited = httpx.Response(429, headers={"Retry-After": "7"}, json=ERROR_429)
    assert isinstance(_create_through(_transport([limited, created()], slept)), TaskCreated)
    assert slept == [7.0]


def test_429_with_an_http_date_retry_after_is_understood() -> None:
    slept: list[float] = []
    limited = httpx.Response(
        429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, json=ERROR_429
    )
    assert isinstance(_create_through(_transport([limited, created()], slept)), TaskCreated)
    assert slept == [0.0]  # a date in the past means now


def test_429_without_retry_after_backs_off_with_jitter() -> None:
    slept: list[float] = []
    limited = httpx.Response(429, json=ERROR_429)
    assert isinstance(
        _create_through(_transport([limited, limited, created()], slept)), TaskCreated
    )
    assert len(slept) == 2
    assert 0 <= slept[0] <= 0.001
    assert 0 <= slept[1] <= 0.002


def test_retry_after_over_the_cap_raises_at_once() -> None:
    slept: list[float] = []
    limited = httpx.Response(429, headers={"Retry-After": "3600"}, json=ERROR_429)
    with pytest.raises(RateLimitError, match="over the 60 s cap") as raised:
        _create_through(_transport([limited, created()], slept))
    assert raised.value.retry_after == 3600
    assert slept == []


def test_refused_connection_is_retried_even_for_a_create() -> None:
    slept: list[float] = []
    refused = httpx.ConnectError("connection refused")
    assert isinstance(_create_through(_transport([refused, created()], slept)), TaskCreated)
    assert len(slept) == 1


def test_malformed_json_gives_a_typed_error_not_a_decode_error() -> None:
    broken = httpx.Response(200, headers={"content-type": "application/json"}, content=b"{not json")
    with pytest.raises(ApiInOneError, match="Malformed JSON") as raised:
        _create_through(_transport([broken], []))
    assert raised.value.may_have_created_task


@pytest.mark.anyio
async def test_async_transport_retries_429_too() -> None:
    from api_in_one._transport import AsyncRetryTransport

    answers = iter([httpx.Response(429, headers={"Retry-After": "2"}, json=ERROR_429), created()])
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)

    transport = AsyncRetryTransport(
        httpx.MockTransport(lambda request: next(answers)),
        RetryPolicy(max_retries=2),
        sleep=record,
    )
    http = httpx.AsyncClient(transport=transport)
    async with aconnect(DEMO_KEY, base_url="https://apiin.one/api/v1", httpx_client=http) as client:
        answer = await create_image_generation.asyncio(client=client, body=CAT)
    assert isinstance(answer, TaskCreated)
    assert slept == [2.0]


def test_client_repr_and_errors_never_show_the_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client: ApiInOneClient = connect(DEMO_KEY, base_url="http://127.0.0.1:9/api/v1", max_retries=0)
    with pytest.raises(APIConnectionError) as raised:
        get_task.sync("n1", client=client)
    texts: list[str] = _texts(raised.value, caplog, client, client.get_httpx_client())
    assert texts
    assert all(DEMO_KEY not in text for text in texts)
