"""Every error carries a request id: the gateway's when it sends one, else the client's own."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

import api_in_one as aio
from api_in_one import aconnect, connect
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.api.tasks import get_task
from api_in_one_client.models import ImageGenerationRequest

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
    return MockConfig(time_scale=0.01, keys={DEMO_KEY: 1000.0, "aio_poor": 1.0})


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
