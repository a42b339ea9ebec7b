"""The spending guard: creates over max_credits are refused unsent; answers settle the count."""

from __future__ import annotations

import pytest

from api_in_one import (
    ApiInOneClient,
    BadRequestError,
    CreditGuard,
    CreditLimitError,
    InternalServerError,
    aconnect,
    connect,
    stream_chat,
    wait_for_task,
)
from api_in_one._operations import operation
from api_in_one.mock import DEMO_KEY, RunningMock
from api_in_one_client.api.chat import create_chat_completion
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.models import ChatCompletionRequest, ImageGenerationRequest

FLUX = operation("image").cost({"model": "flux-2"}) or 0.0
CHAT = operation("chat").cost({"model": "gemini"}) or 0.0


def _image(model: str = "flux-2") -> ImageGenerationRequest:
    return ImageGenerationRequest.from_dict({"model": model, "prompt": "a lighthouse at dusk"})


def _guarded(mock: RunningMock, max_credits: float) -> ApiInOneClient:
    return connect(
        DEMO_KEY, base_url=mock.base_url, requests_per_minute=None, max_credits=max_credits
    )


def test_a_create_past_the_limit_is_refused_before_it_is_sent(aio_mock: RunningMock) -> None:
    with _guarded(aio_mock, 2 * FLUX + 1) as client:
        for _ in range(2):
            create_image_generation.sync(client=client, body=_image())
        received = aio_mock.state.stats.received
        with pytest.raises(CreditLimitError) as refused:
            create_image_generation.sync(client=client, body=_image())
    assert aio_mock.state.stats.received == received  # nothing left the machine
    assert aio_mock.state.stats.tasks_created[DEMO_KEY] == 2
    assert refused.value.estimate == FLUX
    assert refused.value.committed == 2 * FLUX
    assert refused.value.limit == 2 * FLUX + 1
    balance = aio_mock.state.config.keys[DEMO_KEY] - aio_mock.state.balances[DEMO_KEY]
    assert balance <= refused.value.limit


def test_consumed_credits_from_answers_replace_the_estimates(aio_mock: RunningMock) -> None:
    with _guarded(aio_mock, 100) as client:
        created = create_image_generation.sync(client=client, body=_image())
        guard = client.credit_guard
        assert guard is not None
        assert (guard.committed, guard.spent) == (FLUX, 0.0)
        wait_for_task(client, created, poll_interval=0.01)
        assert (guard.committed, guard.spent) == (FLUX, FLUX)
        chat = ChatCompletionRequest.from_dict(
            {"model": "gemini", "messages": [{"role": "user", "content": "hi"}], "stream": False}
        )
        create_chat_completion.sync(client=client, body=chat)
        assert (guard.committed, guard.spent) == (FLUX + CHAT, FLUX + CHAT)
        with stream_chat(client, {"model": "gemini", "messages": chat.to_dict()["messages"]}) as s:
            s.until_done()
        assert guard.committed == FLUX + 2 * CHAT  # a stream's estimate stays counted


def test_a_refused_answer_frees_its_estimate_and_an_open_outcome_keeps_it(
    aio_mock: RunningMock,
) -> None:
    with _guarded(aio_mock, FLUX) as client:
        guard = client.credit_guard
        assert guard is not None
        too_short = ImageGenerationRequest.from_dict({"model": "flux-2", "prompt": "x"})
        with pytest.raises(BadRequestError):
            create_image_generation.sync(client=client, body=too_short)
        assert guard.committed == 0
        aio_mock.state.faults.error_after_processing = 1
        with pytest.raises(InternalServerError) as failed:
            create_image_generation.sync(client=client, body=_image())
        assert failed.value.may_have_created_task
        assert guard.committed == FLUX  # charged on the mock, so still counted
        with pytest.raises(CreditLimitError):
            create_image_generation.sync(client=client, body=_image())
    assert aio_mock.state.stats.tasks_created[DEMO_KEY] == 1


def test_a_model_the_spec_does_not_price_is_refused(aio_mock: RunningMock) -> None:
    with _guarded(aio_mock, 1000) as client, pytest.raises(CreditLimitError, match="no cost"):
        create_image_generation.sync(client=client, body=_image("no-such-model"))
    assert aio_mock.state.stats.received == 0


@pytest.mark.anyio
async def test_the_async_client_is_guarded_too(aio_mock: RunningMock) -> None:
    client = aconnect(
        DEMO_KEY, base_url=aio_mock.base_url, requests_per_minute=None, max_credits=FLUX
    )
    async with client:
        await create_image_generation.asyncio(client=client, body=_image())
        with pytest.raises(CreditLimitError):
            await create_image_generation.asyncio(client=client, body=_image())
    assert aio_mock.state.stats.tasks_created[DEMO_KEY] == 1


def test_a_guard_is_thread_safe_and_refuses_a_negative_limit() -> None:
    with pytest.raises(ValueError, match="at least 0"):
        CreditGuard(-1)
    guard = CreditGuard(10)
    facts = operation("createImageGeneration")
    guard.reserve(facts, {"model": "flux-2"})
    guard.release(FLUX)
    assert guard.committed == 0
    assert repr(guard) == "CreditGuard(limit=10, committed=0, spent=0)"
