"""RedisRateBudget: one budget for many processes, threads and tasks, on a real redis-server."""

from __future__ import annotations

import math
import multiprocessing
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

import anyio
import anyio.to_thread
import pytest
import redis
import redis.asyncio

from api_in_one import (
    ApiInOneClient,
    NotFoundError,
    RateBudget,
    RateLimitError,
    RedisRateBudget,
    TokenBucket,
    aconnect,
    connect,
    task_id_of,
)
from api_in_one.mock import DEMO_KEY, MockConfig, serve
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.api.tasks import get_task
from api_in_one_client.models import ImageGenerationRequest


@pytest.fixture
def budget_key() -> str:
    """A key of its own for each test, so budgets of different tests never meet."""
    return f"api-in-one:budget:test-{uuid.uuid4().hex}"


# --- the window invariant, as Redis counts time -----------------------------


@pytest.mark.parametrize(("limit", "burst", "per"), [(10, 5, 1.0), (60, 5, 60.0), (2, 1, 5.0)])
def test_no_window_of_redis_time_holds_more_than_the_limit(
    redis_url: str,
    budget_key: str,
    limit: int,
    burst: int,
    per: float,
    in_threads: Callable[[int, Callable[[], None]], None],
) -> None:
    budget = RedisRateBudget(redis_url, limit, burst, per=per, key=budget_key)
    slots: list[tuple[int, int]] = []
    lock = threading.Lock()

    def reserve_many() -> None:
        for _ in range(limit):
            slot = budget._reserve_slot()  # the slot in Redis time is what the invariant is about
            with lock:
                slots.append(slot)

    # Four windows' worth of reservations at once, from four threads.
    in_threads(4, reserve_many)
    with redis.Redis.from_url(redis_url) as client:
        seconds, micros = client.time()
        ttl_ms = client.pttl(budget_key)
    budget.close()

    slots.sort()
    grants = [at for at, _ in slots]
    assert len(grants) == 4 * limit
    assert [wait for _, wait in slots[:burst]] == [0] * burst  # a burst goes at once
    stretched = per * (1 + budget.slack) * 1_000_000
    interval = math.ceil(stretched / (limit - burst))
    # Any limit + 1 consecutive grants span a stretched window and one refill ...
    spans = [later - earlier for earlier, later in zip(grants, grants[limit:], strict=False)]
    assert min(spans) >= stretched + interval
    # ... so no server window (per seconds, half-open as the server counts) holds more.
    window = per * 1_000_000
    busiest = max(sum(1 for t in grants if start <= t < start + window) for start in grants)
    assert busiest <= limit
    # The key expires when the bucket is full again: burst intervals after the last grant
    # (give or take the millisecond Redis rounds expiry times to).
    now = seconds * 1_000_000 + micros
    assert 0 < ttl_ms <= math.ceil((grants[-1] + burst * interval - now) / 1000) + 1


HOUR = 3600.0
"""A window so long that the bucket cannot refill while a test runs."""


def test_a_sync_client_serves_asyncio_and_an_asyncio_client_refuses_threads(
    redis_url: str, budget_key: str
) -> None:
    with redis.Redis.from_url(redis_url) as client:
        budget = RedisRateBudget(client, 60, per=HOUR, key=budget_key)
        assert anyio.run(budget.reserve_async) == 0.0

    async def reserve_with_an_asyncio_client() -> None:
        async with redis.asyncio.Redis.from_url(redis_url) as client:
            budget = RedisRateBudget(client, 60, per=HOUR, key=budget_key)
            await budget.acquire_async()
            with pytest.raises(TypeError, match="acquire_async"):
                budget.reserve()

    anyio.run(reserve_with_an_asyncio_client)
    # Both slots came from one bucket: two of its five burst tokens are gone.
    with redis.Redis.from_url(redis_url) as client:
        assert RedisRateBudget(client, 60, per=HOUR, key=budget_key).reserve() == 0.0
        tat = int((client.get(budget_key) or b"0").split(b":")[0])
        seconds, micros = client.time()
    interval = math.ceil(HOUR * 1.02 * 1_000_000 / 55)
    assert 2 * interval < tat - (seconds * 1_000_000 + micros) <= 3 * interval


def test_a_server_clock_stepping_back_does_not_make_callers_wait_the_step(
    redis_url: str, budget_key: str
) -> None:
    with redis.Redis.from_url(redis_url) as client:
        seconds, micros = client.time()
        now = seconds * 1_000_000 + micros
        hour = 3600 * 1_000_000
        # The bucket as a server whose clock ran an hour ahead left it: three slots taken.
        interval = math.ceil(60 * 1.02 * 1_000_000 / 55)
        client.set(budget_key, f"{now + hour + 3 * interval}:{now + hour}", px=hour)
        budget = RedisRateBudget(client, 60, key=budget_key)
        assert budget.reserve() == 0.0  # the fourth of five burst slots: no wait, not an hour
        assert budget.reserve() == 0.0
        assert 0 < budget.reserve() <= 60  # past the burst: paced, as ever


def test_bad_settings_are_refused() -> None:
    url = "redis://127.0.0.1:1/0"
    with pytest.raises(ValueError, match="burst"):
        RedisRateBudget(url, 5, burst=5)
    with pytest.raises(ValueError, match="positive"):
        RedisRateBudget(url, 0)
    with pytest.raises(ValueError, match="positive"):
        RedisRateBudget(url, 60, per=0)
    with pytest.raises(TypeError, match="only when the budget is given a URL"):
        RedisRateBudget(redis.Redis(), 60, socket_timeout=1)
    with pytest.raises(TypeError, match="a Redis URL"):
        RedisRateBudget(object(), 60)  # type: ignore[arg-type]


def test_it_is_a_rate_budget_and_its_repr_hides_the_url() -> None:
    budget = RedisRateBudget("redis://:s3cret@127.0.0.1:1/0", 60, key="k")
    assert isinstance(budget, RateBudget)
    assert repr(budget) == "RedisRateBudget(limit=60, burst=5, per=60, key='k')"


def test_an_unreachable_redis_raises_and_sends_nothing(unused_port: int) -> None:
    budget = RedisRateBudget(f"redis://127.0.0.1:{unused_port}/0", 60)
    with (
        serve() as mock,
        connect(DEMO_KEY, base_url=mock.base_url, rate_budget=budget, max_retries=0) as client,
        pytest.raises(redis.ConnectionError),
    ):
        get_task.sync("n0_none", client=client)
    assert mock.state.stats.received == 0


def test_without_redis_py_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(ImportError, match=r"pip install 'api-in-one\[redis\]'"):
        RedisRateBudget("redis://127.0.0.1:1/0", 60)


def test_the_package_imports_without_redis_py() -> None:
    code = (
        "import sys; sys.modules['redis'] = None\n"
        "import api_in_one\n"
        "print(api_in_one.RedisRateBudget.__name__, repr(api_in_one.TokenBucket(60)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "RedisRateBudget TokenBucket(limit=60, burst=5, per=60)\n"


# --- against the mock: four processes, one budget ---------------------------

# Windows of a second instead of 60 s, so the test takes seconds. The budgets
# pace LIMIT requests per WINDOW while the mock allows LIMIT per MOCK_WINDOW,
# half of it: a request may reach the mock up to MOCK_WINDOW later than its
# budget let it go (a busy machine delays sends unevenly) and no window of the
# mock still holds more than LIMIT. 4 x 50 requests are four budget windows'
# worth; the budgets of both runs pace alike, only shared or not.
WINDOW = 1.0
MOCK_WINDOW = WINDOW / 2
LIMIT = 50
BURST = 5
PROCESSES = 4
REQUESTS_EACH = 50


def _worker(
    kind: str,
    base_url: str,
    redis_url: str,
    key: str,
    task_id: str,
    start: Barrier,
    results: Queue[tuple[int, int]],
) -> None:
    """Get one task REQUESTS_EACH times with no retries; report (answered, rate-limited)."""
    budget: RateBudget
    if kind == "redis":
        budget = RedisRateBudget(redis_url, LIMIT, BURST, per=WINDOW, key=key)
    else:
        budget = TokenBucket(LIMIT, BURST, per=WINDOW)
    answered = limited = 0
    with connect(DEMO_KEY, base_url=base_url, rate_budget=budget, max_retries=0) as client:
        start.wait(timeout=60)
        for _ in range(REQUESTS_EACH):
            try:
                get_task.sync(task_id, client=client)
            except RateLimitError:
                limited += 1
            else:
                answered += 1
    results.put((answered, limited))


def _run_processes(kind: str, redis_url: str, key: str) -> tuple[dict[int, int], int, int]:
    """One mock, one task, PROCESSES workers polling it; the mock's statuses and the totals."""
    context = multiprocessing.get_context("spawn")
    with serve(MockConfig(requests_per_minute=LIMIT, rate_window=MOCK_WINDOW)) as mock:
        budget = RedisRateBudget(redis_url, LIMIT, BURST, per=WINDOW, key=key)
        with connect(DEMO_KEY, base_url=mock.base_url, rate_budget=budget) as client:
            created = create_image_generation.sync(
                client=client, body=ImageGenerationRequest(model="flux-2", prompt="A red fox")
            )
        budget.close()
        start = context.Barrier(PROCESSES)
        results: Queue[tuple[int, int]] = context.Queue()
        args = (kind, mock.base_url, redis_url, key, task_id_of(created), start, results)
        workers = [context.Process(target=_worker, args=args) for _ in range(PROCESSES)]
        for worker in workers:
            worker.start()
        # Joined before reading: four small tuples never fill the queue's pipe,
        # and a worker that failed shows as an exit code instead of a hung read.
        for worker in workers:
            worker.join(timeout=60)
        assert [worker.exitcode for worker in workers] == [0] * PROCESSES
        totals = [results.get(timeout=10) for _ in workers]
        statuses = dict(mock.state.stats.statuses)
    return statuses, sum(a for a, _ in totals), sum(r for _, r in totals)


def test_processes_sharing_one_redis_budget_get_no_429(redis_url: str, budget_key: str) -> None:
    statuses, answered, limited = _run_processes("redis", redis_url, budget_key)
    assert (answered, limited) == (PROCESSES * REQUESTS_EACH, 0)
    assert statuses == {200: 1 + PROCESSES * REQUESTS_EACH}


def test_processes_with_a_bucket_each_are_rate_limited(redis_url: str, budget_key: str) -> None:
    # The control: the same load with one in-process bucket per worker overruns the limit.
    statuses, answered, limited = _run_processes("local", redis_url, budget_key)
    assert limited > 0
    assert statuses == {200: 1 + answered, 429: limited}


# --- asyncio tasks and a thread, one budget ----------------------------------


def _poll(client: ApiInOneClient) -> None:
    with pytest.raises(NotFoundError):
        get_task.sync("n0_none", client=client)


async def _apoll(client: ApiInOneClient) -> None:
    with pytest.raises(NotFoundError):
        await get_task.asyncio("n0_none", client=client)


def _poll_in_thread(base_url: str, budget: RateBudget, count: int) -> None:
    with connect(DEMO_KEY, base_url=base_url, rate_budget=budget, max_retries=0) as client:
        for _ in range(count):
            _poll(client)


@pytest.mark.anyio
async def test_asyncio_tasks_and_a_thread_share_one_budget(redis_url: str, budget_key: str) -> None:
    limit, tasks, in_thread = 30, 30, 10
    with serve(MockConfig(requests_per_minute=limit, rate_window=MOCK_WINDOW)) as mock:
        # Three budgets, one key: one from a URL, one on an asyncio client, one on a sync client.
        from_url = RedisRateBudget(redis_url, limit, per=WINDOW, key=budget_key)
        async_client = redis.asyncio.Redis.from_url(redis_url)
        on_async = RedisRateBudget(async_client, limit, per=WINDOW, key=budget_key)
        sync_client = redis.Redis.from_url(redis_url)
        on_sync = RedisRateBudget(sync_client, limit, per=WINDOW, key=budget_key)
        url = mock.base_url
        async with (
            aconnect(DEMO_KEY, base_url=url, rate_budget=from_url, max_retries=0) as first,
            aconnect(DEMO_KEY, base_url=url, rate_budget=on_async, max_retries=0) as second,
            anyio.create_task_group() as group,
        ):
            group.start_soon(anyio.to_thread.run_sync, _poll_in_thread, url, on_sync, in_thread)
            for n in range(tasks):
                group.start_soon(_apoll, (first, second)[n % 2])
        await from_url.aclose()
        await async_client.aclose()
        sync_client.close()
        assert mock.state.stats.statuses == {404: tasks + in_thread}
