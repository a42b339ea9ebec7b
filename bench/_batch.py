"""Waiting for a batch of tasks on the mock: ``as_completed`` against naive fixed-interval polling.

The scenario in gateway time: a key allowed ``LIMIT`` requests a minute
creates ``tasks`` tasks spread over the models and task operations of
openapi.yaml (3 s to 40 s each on the mock), then waits for all of them
with the client's budget set to the same
limit. It runs ``scale`` times faster: the mock's task durations, its rate
window, the budget's window and both pollers' intervals are all scaled by
the same factor, so the figures are those of the unscaled scenario.

Per waiting method: 429 answers (the budget should prevent every one),
requests / (2 x tasks) (one create and one poll per task is the least
possible), and the mean lag between a task finishing (the mock knows when)
and the client seeing it, over the mean task duration. The lag of a task
that finished before the wait began is counted from the start of the wait.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from api_in_one import ApiInOneClient, TokenBucket, as_completed, connect, task_id_of
from api_in_one._operations import operations
from api_in_one._task_status import is_finished
from api_in_one.mock import MockConfig, RunningMock, serve
from api_in_one_client.api.tasks import get_task
from api_in_one_client.models import TaskStatusResponse

from ._report import Figure, Target

__all__ = ["LIMIT", "run"]

LIMIT = 600
"""The key's requests per (gateway) minute."""
_BURST = 5
_POLL = 1.0
"""Seconds between polls of one task for the naive poller; as_completed's first interval too."""
_MAX_POLL = 15.0
"""as_completed's default longest interval."""


@dataclass(frozen=True)
class _Outcome:
    """What one waiting method cost and how late it saw the tasks."""

    requests: int
    rate_limited: int
    lag: float
    duration: float
    wall: float


def _bodies() -> list[tuple[str, dict[str, Any]]]:
    """Path and request body per model of each task operation (or per operation without models).

    Each body is the operation's first request example, naming the model.
    """
    bodies = []
    for facts in operations():
        if not (facts.creates_task and facts.examples):
            continue
        example = dict(next(iter(facts.examples.values())))
        for slug in facts.models or [None]:
            bodies.append((facts.path, example if slug is None else {**example, "model": slug}))
    return bodies


def _create(client: ApiInOneClient, tasks: int) -> list[str]:
    """Create ``tasks`` tasks, cycling over the models so that durations are spread."""
    bodies = _bodies()
    http = client.get_httpx_client()
    ids = []
    for index in range(tasks):
        path, body = bodies[index % len(bodies)]
        ids.append(task_id_of(http.post(path, json=body).json()))
    return ids


def _sdk(client: ApiInOneClient, ids: list[str], scale: float) -> dict[str, float]:
    seen = {}
    for task in as_completed(
        client,
        ids,
        poll_interval=_POLL * scale,
        max_poll_interval=_MAX_POLL * scale,
        timeout=600 * scale,
    ):
        seen[task.task_id] = time.monotonic()
    return seen


def _naive(client: ApiInOneClient, ids: list[str], scale: float) -> dict[str, float]:
    """Poll every unfinished task in turn, one pass each ``_POLL`` (scaled) seconds."""
    seen = {}
    pending = ids
    while pending:
        started = time.monotonic()
        waiting = []
        for task_id in pending:
            answer = get_task.sync(task_id, client=client)
            if not isinstance(answer, TaskStatusResponse):
                raise RuntimeError(f"unexpected answer {answer!r:.200}")
            if is_finished(answer.data.status):
                seen[task_id] = time.monotonic()
            else:
                waiting.append(task_id)
        pending = waiting
        pause = started + _POLL * scale - time.monotonic()
        if pending and pause > 0:
            time.sleep(pause)
    return seen


Waiter = Callable[[ApiInOneClient, list[str], float], dict[str, float]]


def _measure(mock: RunningMock, key: str, tasks: int, scale: float, wait: Waiter) -> _Outcome:
    state = mock.state
    received, limited = state.stats.received, state.stats.statuses[429]
    budget = TokenBucket(LIMIT, _BURST, per=60 * scale)
    with connect(key, base_url=mock.base_url, rate_budget=budget) as client:
        ids = _create(client, tasks)
        started = time.monotonic()
        seen = wait(client, ids, scale)
        wall = time.monotonic() - started
    finished = [state.tasks[task_id] for task_id in ids]
    lags = [seen[task.task_id] - max(task.finishes_at, started) for task in finished]
    return _Outcome(
        requests=state.stats.received - received,
        rate_limited=state.stats.statuses[429] - limited,
        lag=statistics.mean(lags),
        duration=statistics.mean(task.duration for task in finished),
        wall=wall,
    )


def _figures(naive: list[_Outcome], sdk: list[_Outcome], tasks: int, scale: float) -> list[Figure]:
    def requests(outcome: _Outcome) -> float:
        return outcome.requests / (2 * tasks)

    def lag(outcome: _Outcome) -> float:
        return outcome.lag / outcome.duration

    def rate_limited(outcome: _Outcome) -> float:
        return outcome.rate_limited

    rows: list[tuple[str, str, str, Callable[[_Outcome], float], Target]] = [
        ("rate_limited", "429 answers", "count", rate_limited, Target("==", 0)),
        ("requests", "requests / (2 x tasks)", "x", requests, Target("<=", 1.3)),
        ("lag", "mean lag / mean task duration", "share", lag, Target("<=", 0.10)),
    ]
    figures = []
    for id_, title, unit, measure, target in rows:
        base = [measure(outcome) for outcome in naive]
        cand = [measure(outcome) for outcome in sdk]
        shown = (
            f"{statistics.median(base):.1%}"
            if unit == "share"
            else f"{statistics.median(base):.2f}"
        )
        figures.append(
            Figure(
                id=f"batch.{id_}",
                group="Batch waiting",
                name=f"Batch: {title}, as_completed",
                baseline=f"naive 1 s polling: {shown}",
                value=statistics.median(cand),
                unit=unit,
                target=target,
                medians={
                    "baseline": statistics.median(base),
                    "candidate": statistics.median(cand),
                    "baseline_wall_s": statistics.median(o.wall for o in naive),
                    "candidate_wall_s": statistics.median(o.wall for o in sdk),
                    "mean_task_duration_s": statistics.median(o.duration for o in sdk),
                },
                samples={"baseline": base, "candidate": cand},
                note=f"{tasks} tasks, {LIMIT} requests/minute, run {1 / scale:g}x faster; the "
                "baseline polls each unfinished task once a second (gateway time). Lag of a "
                "task that finished before the wait began counts from the wait's start.",
            )
        )
    return figures


def run(rounds: int, tasks: int, scale: float) -> list[Figure]:
    """Alternate naive polling and ``as_completed`` for ``rounds`` rounds on one mock."""
    keys = [f"aio_bench_batch_{index:03d}" for index in range(2 * rounds)]
    config = MockConfig(
        keys=dict.fromkeys(keys, 1e9),
        requests_per_minute=LIMIT,
        rate_window=60 * scale,
        time_scale=scale,
    )
    naive: list[_Outcome] = []
    sdk: list[_Outcome] = []
    # A key per run: each starts with a fresh rate window.
    with serve(config) as mock:
        for index in range(rounds):
            naive.append(_measure(mock, keys[2 * index], tasks, scale, _naive))
            sdk.append(_measure(mock, keys[2 * index + 1], tasks, scale, _sdk))
    return _figures(naive, sdk, tasks, scale)
