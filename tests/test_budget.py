"""The rate budget keeps a client under the server's sliding-window limit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import anyio
import pytest
from clocks import Clock

from api_in_one import (
    ApiInOneClient,
    NotFoundError,
    RateBudget,
    RateLimitError,
    TokenBucket,
    aconnect,
    connect,
)
from api_in_one.mock import DEMO_KEY, MockConfig, serve
from api_in_one_client.api.tasks import get_task


def _send_times(bucket: TokenBucket, clock: Clock, count: int) -> list[float]:
    """When each of ``count`` back-to-back callers would send."""
    return [clock.now + bucket.reserve() for _ in range(count)]


def test_burst_goes_at_once_then_the_rest_is_paced() -> None:
    clock = Clock(0.0)
    bucket = TokenBucket(60, burst=5, clock=clock)
    times = _send_times(bucket, clock, 8)
    assert times[:5] == [0.0] * 5
    step = 60 * 1.02 / 55  # 55 refills a minute, stretched by the 2 % jitter slack
    assert times[5:] == pytest.approx([step, 2 * step, 3 * step])


@pytest.mark.parametrize(("limit", "burst", "per"), [(60, 5, 60.0), (600, 20, 60.0), (10, 1, 2.0)])
def test_no_window_ever_holds_more_than_the_limit(limit: int, burst: int, per: float) -> None:
    clock = Clock(0.0)
    bucket = TokenBucket(limit, burst=burst, per=per, clock=clock)
    times: list[float] = []
    for step in range(3 * limit):
        clock.now = step * per / limit / 3  # callers arrive three times faster than allowed
        times.append(clock.now + bucket.reserve())
    times.sort()
    busiest = max(sum(1 for t in times if start <= t < start + per) for start in times)
    assert busiest <= limit


def test_reservations_from_many_threads_are_never_lost(
    in_threads: Callable[[int, Callable[[], None]], None],
) -> None:
    clock = Clock(0.0)
    bucket = TokenBucket(60, burst=5, clock=clock)
    waits: list[float] = []
    lock = threading.Lock()

    def reserve_many() -> None:
        for _ in range(50):
            wait = bucket.reserve()
            with lock:
                waits.append(wait)

    in_threads(8, reserve_many)
    # 400 reservations at one instant: the last one waits for 395 refills.
    assert sorted(waits)[-1] == pytest.approx(395 * 60 * 1.02 / 55)
    assert len({round(w, 9) for w in waits}) == 396


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="burst"):
        TokenBucket(5, burst=5)
    with pytest.raises(ValueError, match="positive"):
        TokenBucket(0)


def test_token_bucket_is_a_rate_budget() -> None:
    assert isinstance(TokenBucket(60), RateBudget)


# Windows of seconds instead of 60 s, so the test takes seconds. The budget
# paces LIMIT requests per BUDGET_WINDOW while the mock allows LIMIT per
# MOCK_WINDOW, half of it: a request may reach the mock up to MOCK_WINDOW later
# than the budget let it go (a busy machine delays sends unevenly) and no
# window of the mock still holds more than LIMIT. The exact arithmetic, with
# no slack, is test_no_window_ever_holds_more_than_the_limit's, on a hand-moved
# clock. 45 requests are more than one window allows.
BUDGET_WINDOW = 2.0
MOCK_WINDOW = BUDGET_WINDOW / 2
LIMIT = 30
REQUESTS = 45


def _mock_config(clock: Callable[[], float] = time.monotonic) -> MockConfig:
    return MockConfig(requests_per_minute=LIMIT, rate_window=MOCK_WINDOW, clock=clock)


def _poll(client: ApiInOneClient) -> None:
    with pytest.raises(NotFoundError):
        get_task.sync("n0_none", client=client)


async def _apoll(client: ApiInOneClient) -> None:
    with pytest.raises(NotFoundError):
        await get_task.asyncio("n0_none", client=client)


def test_more_requests_than_the_limit_get_no_429() -> None:
    with serve(_mock_config()) as mock:
        budget = TokenBucket(LIMIT, burst=5, per=BUDGET_WINDOW)
        with connect(DEMO_KEY, base_url=mock.base_url, rate_budget=budget, max_retries=0) as client:
            for _ in range(REQUESTS):
                _poll(client)
        assert mock.state.stats.statuses == {404: REQUESTS}


@pytest.mark.anyio
async def test_more_requests_than_the_limit_get_no_429_async() -> None:
    with serve(_mock_config()) as mock:
        budget = TokenBucket(LIMIT, burst=5, per=BUDGET_WINDOW)
        async with (
            aconnect(DEMO_KEY, base_url=mock.base_url, rate_budget=budget, max_retries=0) as client,
            anyio.create_task_group() as group,
        ):
            for _ in range(REQUESTS):
                group.start_soon(_apoll, client)
        assert mock.state.stats.statuses == {404: REQUESTS}


def test_without_a_budget_the_same_load_is_rate_limited(clock: Clock) -> None:
    # The mock's clock stands still: all of them arrive within one window, however slowly.
    with serve(_mock_config(clock)) as mock:
        with connect(
            DEMO_KEY, base_url=mock.base_url, requests_per_minute=None, max_retries=0
        ) as client:
            for _ in range(LIMIT):
                _poll(client)
            with pytest.raises(RateLimitError) as limited:
                get_task.sync("n0_none", client=client)
        assert limited.value.retry_after is not None
        assert mock.state.stats.statuses == {404: LIMIT, 429: 1}
