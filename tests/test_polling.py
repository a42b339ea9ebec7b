"""Waiting for tasks: one or many, success, failure, deadlines, unknown statuses, cancellation."""

from __future__ import annotations

import asyncio
from typing import TypedDict

import pytest
from clocks import SleepClock, wait_on

from api_in_one import (
    ApiInOneClient,
    TaskFailedError,
    TaskTimeoutError,
    TokenBucket,
    as_completed,
    async_as_completed,
    async_wait_for_task,
    async_wait_for_tasks,
    connect,
    wait_for_task,
    wait_for_tasks,
)
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock, serve
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.models import ImageGenerationRequest, Task, TaskCreated


class Polling(TypedDict):
    poll_interval: float
    max_poll_interval: float


FAST: Polling = {"poll_interval": 0.01, "max_poll_interval": 0.05}
"""In seconds, for clients made here with connect()."""
MOCK_FAST: Polling = {"poll_interval": 1.0, "max_poll_interval": 5.0}
"""The same on the mock's clock (time_scale 0.01), for the plugin's clients, which wait on it."""


@pytest.fixture
def aio_mock_config(monkeypatch: pytest.MonkeyPatch) -> MockConfig:
    # The mock's tasks and the client's waits share a clock that moves only when a
    # wait sleeps: a busy machine cannot change how many polls a wait makes.
    clock = SleepClock()
    wait_on(clock, monkeypatch)
    # flux-2 takes 8 s on the catalogue clock: 80 ms here. A high limit keeps
    # the budget out of the way; tests/test_budget.py covers it.
    return MockConfig(time_scale=0.01, requests_per_minute=100_000, clock=clock)


def _create(client: ApiInOneClient) -> TaskCreated:
    created = create_image_generation.sync(
        client=client, body=ImageGenerationRequest(model="flux-2", prompt="a red kite")
    )
    assert isinstance(created, TaskCreated)
    return created


async def _acreate(client: ApiInOneClient, model: str = "flux-2") -> TaskCreated:
    created = await create_image_generation.asyncio(
        client=client, body=ImageGenerationRequest(model=model, prompt="a red kite")
    )
    assert isinstance(created, TaskCreated)
    return created


def test_wait_returns_the_finished_task_and_reports_progress(
    aio_client: ApiInOneClient, aio_mock: RunningMock
) -> None:
    created = _create(aio_client)
    # Running until the first progress report, however late a busy machine sends its poll.
    mock_task = aio_mock.state.tasks[created.data.task_id]
    mock_task.duration = 3600.0
    seen: list[str] = []

    def progress(task: Task) -> None:
        seen.append(task.status)
        mock_task.duration = 0.0

    task = wait_for_task(aio_client, created, on_progress=progress, **MOCK_FAST)
    assert task.status == "SUCCESS"
    assert isinstance(task.response, list)
    assert task.response
    assert seen[-1] == "SUCCESS"
    assert {"pending", "IN_PROGRESS"} & set(seen[:-1])


def test_failed_task_raises_with_its_reason(
    aio_client: ApiInOneClient, aio_mock: RunningMock
) -> None:
    aio_mock.state.faults.fail_next_tasks = 1
    created = _create(aio_client)
    with pytest.raises(TaskFailedError) as failed:
        wait_for_task(aio_client, created, **MOCK_FAST)
    assert failed.value.task_id == created.data.task_id
    assert failed.value.last_status == "FAILED"
    assert failed.value.error_message
    assert "failed" in failed.value.error_message.lower()
    assert isinstance(failed.value.task, Task)


def test_stuck_task_times_out_with_its_last_status(
    aio_client: ApiInOneClient, aio_mock: RunningMock
) -> None:
    aio_mock.state.faults.stuck_next_tasks = 1
    created = _create(aio_client)
    with pytest.raises(TaskTimeoutError) as timed_out:
        wait_for_task(aio_client, created, timeout=30, **MOCK_FAST)
    assert (timed_out.value.task_id, timed_out.value.last_status) == (
        created.data.task_id,
        "IN_PROGRESS",
    )


def test_unknown_status_keeps_polling_until_the_task_ends(
    aio_client: ApiInOneClient, aio_mock: RunningMock
) -> None:
    aio_mock.state.faults.unknown_status = "QUEUED"
    created = _create(aio_client)
    # The task runs until the client has seen the unknown status, however late its
    # first poll comes on a busy machine; then it finishes.
    mock_task = aio_mock.state.tasks[created.data.task_id]
    mock_task.duration = 3600.0
    seen: list[str] = []

    def progress(task: Task) -> None:
        seen.append(task.status)
        mock_task.duration = 0.0

    task = wait_for_task(aio_client, created, on_progress=progress, **MOCK_FAST)
    assert task.status == "SUCCESS"
    assert seen[0] == "QUEUED"


@pytest.mark.anyio
async def test_async_wait_success_and_failure(
    aio_async_client: ApiInOneClient, aio_mock: RunningMock
) -> None:
    created = await _acreate(aio_async_client)
    assert (await async_wait_for_task(aio_async_client, created, **MOCK_FAST)).status == "SUCCESS"
    aio_mock.state.faults.fail_next_tasks = 1
    failing = await _acreate(aio_async_client)
    with pytest.raises(TaskFailedError):
        await async_wait_for_task(aio_async_client, failing, **MOCK_FAST)


@pytest.mark.anyio
async def test_cancelling_an_async_wait_stops_polling(
    aio_async_client: ApiInOneClient, aio_mock: RunningMock
) -> None:
    aio_mock.state.faults.stuck_next_tasks = 1
    created = await _acreate(aio_async_client)
    polled = asyncio.Event()
    waiter = asyncio.create_task(
        async_wait_for_task(
            aio_async_client, created, on_progress=lambda _: polled.set(), **MOCK_FAST
        )
    )
    await polled.wait()
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    polls = aio_mock.state.stats.requests["GET /tasks/{task_id}"]
    for _ in range(20):
        await asyncio.sleep(0)
    assert waiter.cancelled()
    assert aio_mock.state.stats.requests["GET /tasks/{task_id}"] == polls


BATCH = 100


def test_many_tasks_finish_under_the_budget_with_bounded_polls() -> None:
    # 100 tasks of 0.6 s each; the client's budget is 200 requests a second (a
    # 1 s window keeps the test short) and the mock allows 200 in half a second:
    # a request a busy machine delays by up to that still finds no window full.
    config = MockConfig(
        time_scale=0.01, durations={"flux-2": 60.0}, requests_per_minute=200, rate_window=0.5
    )
    budget = TokenBucket(200, burst=20, per=1.0)
    with (
        serve(config) as mock,
        connect(DEMO_KEY, base_url=mock.base_url, rate_budget=budget) as client,
    ):
        mock.state.faults.fail_next_tasks = 3
        created = [_create(client) for _ in range(BATCH)]
        finished = wait_for_tasks(client, created, poll_interval=0.1, max_poll_interval=1.0)
    assert [t.task_id for t in finished] == [c.data.task_id for c in created]
    assert sum(t.status == "FAILED" for t in finished) == 3
    assert mock.state.stats.statuses[429] == 0
    # One model: the first task to finish tells when to look at the others, so
    # most cost one poll (backing off each task on its own from 0.1 s took 3-5).
    assert mock.state.stats.requests["GET /tasks/{task_id}"] <= 1.5 * BATCH


@pytest.mark.anyio
async def test_async_as_completed_yields_in_finishing_order(
    aio_async_client: ApiInOneClient, aio_mock: RunningMock
) -> None:
    slow = await _acreate(aio_async_client, "gpt-image")
    quick = await _acreate(aio_async_client)
    # Far apart, so that however slowly the second is created it still finishes first.
    aio_mock.state.tasks[slow.data.task_id].duration = 0.5
    order = [
        task.task_id
        async for task in async_as_completed(aio_async_client, [slow, quick], **MOCK_FAST)
    ]
    assert order == [quick.data.task_id, slow.data.task_id]
    again = await async_wait_for_tasks(aio_async_client, [slow, quick], **MOCK_FAST)
    assert [t.task_id for t in again] == [slow.data.task_id, quick.data.task_id]


def test_as_completed_deadline_names_the_unfinished_task(
    aio_client: ApiInOneClient, aio_mock: RunningMock
) -> None:
    done = _create(aio_client)
    aio_mock.state.faults.stuck_next_tasks = 1
    stuck = _create(aio_client)
    seen = []
    finishing = as_completed(aio_client, [stuck, done], timeout=100, **MOCK_FAST)
    seen.append(next(finishing).task_id)
    with pytest.raises(TaskTimeoutError) as timed_out:
        next(finishing)
    assert seen == [done.data.task_id]
    assert timed_out.value.task_id == stuck.data.task_id


def _polls(mock: RunningMock) -> int:
    return mock.state.stats.requests["GET /tasks/{task_id}"]


def test_a_finished_task_is_found_by_the_first_poll(
    aio_client: ApiInOneClient, aio_mock: RunningMock
) -> None:
    done = wait_for_task(aio_client, _create(aio_client), **MOCK_FAST)
    before = _polls(aio_mock)
    assert [t.task_id for t in as_completed(aio_client, [done], **MOCK_FAST)] == [done.task_id]
    assert _polls(aio_mock) - before == 1


def test_tasks_of_one_model_are_polled_once_each_after_the_first_finishes(
    aio_client: ApiInOneClient, aio_mock: RunningMock
) -> None:
    created = [_create(aio_client) for _ in range(20)]
    before = _polls(aio_mock)
    finished = wait_for_tasks(aio_client, created, **MOCK_FAST)
    assert [task.status for task in finished] == ["SUCCESS"] * 20
    # The oldest backs off until it finishes (80 ms: about eight polls); the rest
    # are polled at that age, with a few more while the age is narrowed down.
    assert _polls(aio_mock) - before <= 20 + 12


@pytest.mark.anyio
async def test_async_waits_learn_from_the_first_task_too(
    aio_async_client: ApiInOneClient, aio_mock: RunningMock
) -> None:
    created = [await _acreate(aio_async_client) for _ in range(20)]
    before = _polls(aio_mock)
    finished = await async_wait_for_tasks(aio_async_client, created, **MOCK_FAST)
    assert [task.status for task in finished] == ["SUCCESS"] * 20
    assert _polls(aio_mock) - before <= 20 + 12


def test_a_stuck_first_task_does_not_hide_the_others(
    aio_client: ApiInOneClient, aio_mock: RunningMock
) -> None:
    aio_mock.state.faults.stuck_next_tasks = 1
    stuck = _create(aio_client)
    others = [_create(aio_client) for _ in range(3)]
    finishing = as_completed(aio_client, [stuck, *others], timeout=200, **MOCK_FAST)
    seen = [next(finishing).task_id for _ in others]
    assert sorted(seen) == sorted(task.data.task_id for task in others)
    with pytest.raises(TaskTimeoutError) as timed_out:
        next(finishing)
    assert timed_out.value.task_id == stuck.data.task_id


def test_a_task_slower_than_its_kind_is_waited_for_on_its_own(
    aio_client: ApiInOneClient, aio_mock: RunningMock
) -> None:
    quick = _create(aio_client)
    slow = _create(aio_client)
    aio_mock.state.tasks[slow.data.task_id].duration *= 4
    before = _polls(aio_mock)
    order = [task.task_id for task in as_completed(aio_client, [slow, quick], **MOCK_FAST)]
    assert order == [quick.data.task_id, slow.data.task_id]
    # Backing off on its own from 80 ms to 320 ms: a handful of polls, not one per loop.
    assert _polls(aio_mock) - before <= 25


def test_tasks_from_elsewhere_are_polled_at_once(aio_mock: RunningMock) -> None:
    # No rate budget: connect()'s burst of 5 would hold the creator's polls for seconds.
    with connect(DEMO_KEY, base_url=aio_mock.base_url, requests_per_minute=None) as creator:
        done = wait_for_task(creator, _create(creator), **FAST)
    with connect(DEMO_KEY, base_url=aio_mock.base_url, requests_per_minute=None) as waiter:
        assert waiter.task_log is not None
        assert waiter.task_log.get(done.task_id) is None
        before = _polls(aio_mock)
        assert wait_for_task(waiter, done.task_id, **FAST).status == "SUCCESS"
    assert _polls(aio_mock) - before == 1


def test_a_quick_failure_does_not_set_the_pace_for_its_kind(
    aio_client: ApiInOneClient, aio_mock: RunningMock
) -> None:
    aio_mock.state.faults.fail_next_tasks = 1
    failing = _create(aio_client)
    aio_mock.state.tasks[failing.data.task_id].duration = 0.0
    others = [_create(aio_client) for _ in range(5)]
    before = _polls(aio_mock)
    finished = wait_for_tasks(aio_client, [failing, *others], **MOCK_FAST)
    assert [task.status for task in finished] == ["FAILED"] + ["SUCCESS"] * 5
    # Learning 80 ms from the first success: about eight polls, then one per task.
    assert _polls(aio_mock) - before <= 18


def test_a_long_wait_still_polls_the_oldest_of_a_kind_only(
    aio_client: ApiInOneClient, aio_mock: RunningMock
) -> None:
    created = [_create(aio_client) for _ in range(10)]
    for task in created:
        aio_mock.state.tasks[task.data.task_id].duration = 0.6
    before = _polls(aio_mock)
    finished = wait_for_tasks(aio_client, created, **MOCK_FAST)
    assert [task.status for task in finished] == ["SUCCESS"] * 10
    # About 20 rungs to 0.6 s for the oldest, a check of the next oldest on each
    # rung at the longest interval, then one poll per other task. Polling each
    # task on its own past that point would take about 90.
    assert _polls(aio_mock) - before <= 55
