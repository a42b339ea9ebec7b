"""Per-request overhead: the generated task-status call through ``connect()`` against raw httpx.

Both sides ask one loopback server for the same task (the spec's example
answer, prebuilt) with the rate budget off, so the difference is what the
SDK adds on top of httpx: the retry transport, typed errors and the
generated parsing into ``TaskStatusResponse``. A third figure sets the
resource call (``client.tasks.get_task``) against the generated function it
wraps (``get_task.sync``) on the same client: the layer should add nothing
measurable.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import httpx

from api_in_one import ApiInOneClient, SyncApiInOneClient, aconnect, connect
from api_in_one_client.api.tasks import get_task
from api_in_one_client.models import TaskStatusResponse

from ._report import Figure, Target, timed_figure
from ._rounds import Pairs, Stopwatch, Timing, Workload, interleave
from ._servers import KEY, TASK_ID, TASK_PATH

__all__ = ["CONCURRENCY", "run"]

CONCURRENCY = 16
"""Requests in flight at once in the async benchmark."""
_TARGET = Target(">=", 0.9)
_RESOURCE_TARGET = Target(">=", 0.97)
_NAME = "task status"
"""The figures' label of the generated call that reads a task."""


def _raw_sync(http: httpx.Client, requests: int) -> Workload:
    def run() -> Timing:
        with Stopwatch() as watch:
            for _ in range(requests):
                json.loads(http.get(TASK_PATH).content)
        return watch.timing

    return run


def _sdk_sync(client: ApiInOneClient, requests: int) -> Workload:
    def run() -> Timing:
        with Stopwatch() as watch:
            for _ in range(requests):
                answer = get_task.sync_detailed(TASK_ID, client=client)
        if not isinstance(answer.parsed, TaskStatusResponse):
            raise RuntimeError(f"unexpected answer {answer.parsed!r:.200}")
        return watch.timing

    return run


def _functional(client: ApiInOneClient, requests: int) -> Workload:
    def run() -> Timing:
        with Stopwatch() as watch:
            for _ in range(requests):
                get_task.sync(TASK_ID, client=client)
        return watch.timing

    return run


def _resource(client: SyncApiInOneClient, requests: int) -> Workload:
    def run() -> Timing:
        with Stopwatch() as watch:
            for _ in range(requests):
                client.tasks.get_task(TASK_ID)
        return watch.timing

    return run


def _resource_pairs(api: str, rounds: int, requests: int) -> Pairs:
    with connect(KEY, base_url=api, requests_per_minute=None) as client:
        pairs = interleave(
            _functional(client, requests), {"resource": _resource(client, requests)}, rounds
        )
    return pairs["resource"]


def _concurrently(
    loop: asyncio.AbstractEventLoop, requests: int, one: Callable[[], Awaitable[object]]
) -> Workload:
    """``requests`` calls of ``one``, ``CONCURRENCY`` at a time, timed on ``loop``."""

    async def worker(count: int) -> None:
        for _ in range(count):
            await one()

    async def all_workers() -> Timing:
        share, extra = divmod(requests, CONCURRENCY)
        counts = [share + (index < extra) for index in range(CONCURRENCY)]
        with Stopwatch() as watch:
            await asyncio.gather(*(worker(count) for count in counts))
        return watch.timing

    return lambda: loop.run_until_complete(all_workers())


def _sync_pairs(api: str, rounds: int, requests: int) -> Pairs:
    headers = {"Authorization": f"Bearer {KEY}"}
    with (
        httpx.Client(base_url=api, headers=headers) as http,
        connect(KEY, base_url=api, requests_per_minute=None) as client,
    ):
        pairs = interleave(_raw_sync(http, requests), {"sdk": _sdk_sync(client, requests)}, rounds)
    return pairs["sdk"]


def _async_pairs(api: str, rounds: int, requests: int) -> Pairs:
    http = httpx.AsyncClient(base_url=api, headers={"Authorization": f"Bearer {KEY}"})
    client = aconnect(KEY, base_url=api, requests_per_minute=None)

    async def raw() -> object:
        return json.loads((await http.get(TASK_PATH)).content)

    async def sdk() -> object:
        answer = await get_task.asyncio_detailed(TASK_ID, client=client)
        if not isinstance(answer.parsed, TaskStatusResponse):
            raise RuntimeError(f"unexpected answer {answer.parsed!r:.200}")
        return answer

    # One loop for every round: the clients' connections belong to it.
    loop = asyncio.new_event_loop()
    try:
        pairs = interleave(
            _concurrently(loop, requests, raw),
            {"sdk": _concurrently(loop, requests, sdk)},
            rounds,
        )
    finally:
        loop.run_until_complete(http.aclose())
        loop.run_until_complete(client.aclose())
        loop.close()
    return pairs["sdk"]


def run(root: str, rounds: int, requests: int) -> list[Figure]:
    """Measure ``requests`` sequential sync requests and as many async ones, 16 at a time."""
    api = f"{root}/api/v1"
    sync = _sync_pairs(api, rounds, requests)
    concurrent = _async_pairs(api, rounds, requests)
    resource = _resource_pairs(api, rounds, requests)
    group, note, per = (
        "Request overhead",
        f"{_NAME} with requests_per_minute=None.",
        ("request", requests),
    )
    return [
        timed_figure(
            "overhead.sync.get_task",
            group,
            f"{_NAME}, sync, sequential",
            "httpx.Client.get + json.loads",
            sync,
            per,
            _TARGET,
            f"connect(); {note}",
        ),
        timed_figure(
            "overhead.async.get_task",
            group,
            f"{_NAME}, async, {CONCURRENCY} concurrent",
            "httpx.AsyncClient.get + json.loads",
            concurrent,
            per,
            _TARGET,
            f"aconnect(); {note}",
        ),
        timed_figure(
            "overhead.sync.resource_get_task",
            group,
            "client.tasks.get_task, sync, sequential",
            "get_task.sync (the generated function it wraps)",
            resource,
            per,
            _RESOURCE_TARGET,
            f"connect(), both sides; {note}",
        ),
    ]
