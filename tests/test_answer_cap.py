"""The cap on an answer's decoded size: a small gzip that inflates without end is refused early.

The bomb is made as it is sent, a compressed megabyte of zeros at a time, so
the test knows how much the client took before it stopped.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from api_in_one import APIResponseValidationError, aconnect, connect, wait_for_task
from api_in_one._transport import DEFAULT_MAX_ANSWER_BYTES
from api_in_one.mock import DEMO_KEY, RunningMock
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.api.tasks import get_task
from api_in_one_client.models import ImageGenerationRequest

BASE_URL = "https://apiin.one/api/v1"
PIECE = 2**20
"""Zeros inflated from each compressed piece the bomb sends."""
PIECES = 1024
"""A whole bomb inflates to 1 GiB."""
CAP = 4 * PIECE
FAST: dict[str, Any] = {"requests_per_minute": None, "max_retries": 0}


class _Bomb(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A gzip body of ``PIECES`` megabytes of zeros, compressed as it is read."""

    def __init__(self) -> None:
        self.inflated = 0
        """The decoded bytes of the pieces sent so far."""
        self.closed = False

    def _pieces(self) -> Iterator[bytes]:
        packer = zlib.compressobj(wbits=31)  # gzip framing
        zeros = bytes(PIECE)
        for _ in range(PIECES):
            self.inflated += PIECE
            yield packer.compress(zeros) + packer.flush(zlib.Z_SYNC_FLUSH)
        yield packer.flush()

    def __iter__(self) -> Iterator[bytes]:
        yield from self._pieces()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self._pieces():
            yield piece

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def _answering(bomb: _Bomb, status: int = 200) -> httpx.MockTransport:
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    return httpx.MockTransport(lambda request: httpx.Response(status, headers=headers, stream=bomb))


def _check_refusal(error: APIResponseValidationError, bomb: _Bomb, cap: int) -> None:
    assert f"more than {cap:,} bytes" in str(error)
    assert "max_answer_bytes=" in str(error)
    assert bomb.closed
    # It stopped within a piece of the cap, long before the gigabyte.
    assert bomb.inflated <= cap + 2 * PIECE
    assert bomb.inflated < PIECES * PIECE // 10


@pytest.mark.parametrize("status", [200, 503])
def test_a_gzip_bomb_is_refused_once_past_the_cap(status: int) -> None:
    bomb = _Bomb()
    http = httpx.Client(transport=_answering(bomb, status))
    with (
        connect(DEMO_KEY, base_url=BASE_URL, httpx_client=http, max_answer_bytes=CAP, **FAST) as c,
        pytest.raises(APIResponseValidationError) as refused,
    ):
        get_task.sync("n1abc", client=c)
    _check_refusal(refused.value, bomb, CAP)


@pytest.mark.anyio
async def test_a_gzip_bomb_is_refused_once_past_the_cap_async() -> None:
    bomb = _Bomb()
    http = httpx.AsyncClient(transport=_answering(bomb))
    async with aconnect(
        DEMO_KEY, base_url=BASE_URL, httpx_client=http, max_answer_bytes=CAP, **FAST
    ) as client:
        with pytest.raises(APIResponseValidationError) as refused:
            await get_task.asyncio("n1abc", client=client)
    _check_refusal(refused.value, bomb, CAP)


def test_the_default_cap_is_generous_and_still_holds() -> None:
    bomb = _Bomb()
    http = httpx.Client(transport=_answering(bomb))
    with (
        connect(DEMO_KEY, base_url=BASE_URL, httpx_client=http, **FAST) as client,
        pytest.raises(APIResponseValidationError) as refused,
    ):
        get_task.sync("n1abc", client=client)
    assert DEFAULT_MAX_ANSWER_BYTES >= 32 * PIECE
    _check_refusal(refused.value, bomb, DEFAULT_MAX_ANSWER_BYTES)


def test_an_answer_of_exactly_the_cap_passes_and_one_byte_less_refuses(
    aio_mock: RunningMock,
) -> None:
    with connect(DEMO_KEY, base_url=aio_mock.base_url, **FAST) as client:
        body = ImageGenerationRequest.from_dict({"model": "flux-2", "prompt": "a red bicycle"})
        created = create_image_generation.sync(client=client, body=body)
        task_id = wait_for_task(client, created, poll_interval=0.01).task_id
        size = len(get_task.sync_detailed(task_id, client=client).content)  # finished: it stays
    with connect(DEMO_KEY, base_url=aio_mock.base_url, max_answer_bytes=size, **FAST) as client:
        assert get_task.sync(task_id, client=client) is not None
    with (
        connect(DEMO_KEY, base_url=aio_mock.base_url, max_answer_bytes=size - 1, **FAST) as c,
        pytest.raises(APIResponseValidationError, match=f"more than {size - 1:,} bytes"),
    ):
        get_task.sync(task_id, client=c)


def test_with_options_keeps_the_cap() -> None:
    bomb = _Bomb()
    http = httpx.Client(transport=_answering(bomb))
    with connect(
        DEMO_KEY, base_url=BASE_URL, httpx_client=http, max_answer_bytes=CAP, **FAST
    ) as client:
        patient = client.with_options(timeout=5.0, max_retries=1)
        with pytest.raises(APIResponseValidationError) as refused:
            get_task.sync("n1abc", client=patient)
    _check_refusal(refused.value, bomb, CAP)
