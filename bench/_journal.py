"""The batch journal: what it adds to each create, and whether memory stays flat over a batch.

1. Cost per create: ``creates`` image creates against the bundled mock
   (served in this process, rate limit off), each built from its input
   line; the candidate records each in a SQLite journal first and its task
   id after, exactly as ``run_batch`` does (the same ``_Run`` methods). The
   figure is candidate time / baseline time: the goal is at most 1.10.
2. Memory: ``run_batch`` over a ``lines``-line batch against an in-process
   gateway (``httpx.MockTransport``: instant creates, tasks done at the
   first poll, so the client's own memory is all that moves). Python's heap
   (tracemalloc) is read when 10 % of the lines have ended and at the end;
   the growth per line after the first 10 % is compared with a script that
   creates every task and then waits with ``wait_for_tasks``, holding them
   all. The figure is journaled / in-memory growth; flat is close to 0.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from api_in_one import BatchProgress, SqliteJournal, connect, run_batch, wait_for_tasks
from api_in_one._operations import operation
from api_in_one.batch._files import read_batch
from api_in_one.batch._runner import _Run
from api_in_one.mock import DEMO_KEY, MockConfig, serve

from ._report import Figure, Target
from ._rounds import Stopwatch, Timing, Workload, interleave

__all__ = ["run"]

_FACTS = operation("image")
_MODEL = _FACTS.default_model


def _write_input(path: Path, count: int, start: int = 0) -> None:
    with path.open("w") as out:
        for i in range(start, start + count):
            body = {"model": _MODEL, "prompt": f"a bench picture {i}"}
            out.write(json.dumps({"custom_id": f"b{i}", "operation": "image", "body": body}))
            out.write("\n")


def _baseline(client: Any, folder: Path, creates: int) -> Workload:
    source = folder / "plain.jsonl"
    _write_input(source, creates)
    lines = list(read_batch(source))

    def run() -> Timing:
        with Stopwatch() as watch:
            for line in lines:
                _FACTS.call(line.body).sync(client)
        return watch.timing

    return run


def _journaled(client: Any, folder: Path, creates: int) -> Workload:
    rounds = iter(range(1_000_000))

    def run() -> Timing:
        number = next(rounds)
        source = folder / f"journaled-{number}.jsonl"
        _write_input(source, creates, start=number * creates)
        journal = SqliteJournal(folder / f"journal-{number}.sqlite")
        journal.register(read_batch(source))
        records = journal.claim(creates)
        batch = _Run(
            client,
            journal,
            download=None,
            max_credits=None,
            stop=None,
            on_progress=None,
            timeout=60,
            poll_interval=1,
            claim_size=creates,
        )
        with Stopwatch() as watch:
            for record in records:
                call = batch.prepare(record)
                assert call is not None
                batch.created(record, call.sync(client))
        journal.close()
        return watch.timing

    return run


def _create_cost(rounds: int, creates: int) -> Figure:
    config = MockConfig(requests_per_minute=10**9, keys={DEMO_KEY: 1e12})
    with (
        tempfile.TemporaryDirectory() as temporary,
        serve(config) as mock,
        connect(DEMO_KEY, base_url=mock.base_url, requests_per_minute=None) as client,
    ):
        folder = Path(temporary)
        pairs = interleave(
            _baseline(client, folder, creates),
            {"journal": _journaled(client, folder, creates)},
            rounds,
        )["journal"]
    base = [t.wall for t in pairs.baseline]
    cand = [t.wall for t in pairs.candidate]
    ratios = [c / b for b, c in zip(base, cand, strict=True)]
    return Figure(
        id="journal.create_cost",
        group="Batch journal",
        name="Create with the SQLite journal",
        baseline="the same create without it",
        value=statistics.median(ratios),
        unit="x",
        target=Target("<=", 1.10),
        medians={
            "creates": creates,
            "baseline_us_per_create": statistics.median(base) / creates * 1e6,
            "candidate_us_per_create": statistics.median(cand) / creates * 1e6,
            "journal_us_per_create": (statistics.median(cand) - statistics.median(base))
            / creates
            * 1e6,
        },
        samples={"baseline_s": base, "candidate_s": cand},
        note="candidate time / baseline time, each pair back to back (mock in process).",
    )


def _gateway(request: httpx.Request) -> httpx.Response:
    """Creates answered at once; every task is done at its first poll."""
    if request.method == "POST":
        prompt = json.loads(request.content)["prompt"]
        task_id = "t" + prompt.rsplit(" ", 1)[-1]
        data: dict[str, Any] = {"task_id": task_id, "status": "pending"}
    else:
        task_id = request.url.path.rsplit("/", 1)[-1]
        data = {
            "task_id": task_id,
            "status": "SUCCESS",
            "consumed_credits": 5,
            "response": [f"https://files.example/{task_id}.png"],
        }
    return httpx.Response(200, json={"code": 200, "message": "success", "data": data})


@contextmanager
def _gateway_client() -> Iterator[Any]:
    http = httpx.Client(transport=httpx.MockTransport(_gateway))
    with connect(
        DEMO_KEY, base_url="http://127.0.0.1:9/api/v1", requests_per_minute=None, httpx_client=http
    ) as client:
        yield client


def _journaled_growth(folder: Path, lines: int) -> float:
    """Bytes a line adds to Python's heap while ``run_batch`` goes from 10 % to the end."""
    source = folder / "memory.jsonl"
    _write_input(source, lines)
    marks: dict[str, int] = {}

    def sample(progress: BatchProgress) -> None:
        if "early" not in marks and progress.finished >= lines // 10:
            marks["early"] = tracemalloc.get_traced_memory()[0]

    with _gateway_client() as client:
        tracemalloc.start()
        try:
            report = run_batch(
                client,
                source,
                folder / "memory.sqlite",
                on_progress=sample,
                poll_interval=0.001,
                claim_size=100,
            )
            end = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
    if not report.succeeded:
        raise RuntimeError(f"the memory batch did not finish: {report.summary}")
    return (end - marks["early"]) / (lines - lines // 10)


def _in_memory_growth(lines: int) -> float:
    """The same for a script without a journal: create all, then ``wait_for_tasks``."""
    with _gateway_client() as client:
        tracemalloc.start()
        try:
            early = 0
            created = []
            for i in range(lines):
                if i == lines // 10:
                    early = tracemalloc.get_traced_memory()[0]
                body = {"model": _MODEL, "prompt": f"a bench {i}"}
                created.append(_FACTS.call(body).sync(client))
            tasks = wait_for_tasks(client, created, poll_interval=0.001)
            end = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
    assert len(tasks) == lines
    return (end - early) / (lines - lines // 10)


def _memory(lines: int) -> Figure:
    with tempfile.TemporaryDirectory() as temporary:
        journaled = _journaled_growth(Path(temporary), lines)
    in_memory = _in_memory_growth(lines)
    return Figure(
        id="journal.memory",
        group="Batch journal",
        name=f"Memory per line over a {lines:,}-line batch",
        baseline="create all, then wait_for_tasks",
        value=journaled / in_memory,
        unit="x",
        target=Target("<=", 0.25),
        medians={
            "lines": lines,
            "journaled_bytes_per_line": journaled,
            "in_memory_bytes_per_line": in_memory,
        },
        samples={"journaled_bytes_per_line": [journaled], "in_memory_bytes_per_line": [in_memory]},
        note="Python heap growth per line after the first 10 % (tracemalloc), run_batch over "
        "an in-process gateway against the in-memory way; the client's TaskLog (up to "
        "10,000 tasks) is part of both.",
    )


def run(rounds: int, creates: int, lines: int) -> list[Figure]:
    """The create-cost and memory figures."""
    return [_create_cost(rounds, creates), _memory(lines)]
