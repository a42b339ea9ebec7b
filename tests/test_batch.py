"""Batches: each line created once, resumable from the journal, capped, in input order."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from api_in_one import (
    ApiInOneClient,
    BatchInputError,
    BatchReport,
    JournalError,
    RedisJournal,
    SqliteJournal,
    aconnect,
    async_run_batch,
    connect,
    estimate_batch,
    open_journal,
    run_batch,
)
from api_in_one._operations import operation
from api_in_one.batch import _lines
from api_in_one.batch._files import input_identity, read_batch
from api_in_one.batch._journal import Journal
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.models import ImageGenerationRequest

FLUX = operation("image").cost({"model": "flux-2"}) or 0.0
SPEECH = operation("speech").cost({"model": "elevenlabs-v3"}) or 0.0
POLL = 0.02


@pytest.fixture
def aio_mock_config() -> MockConfig:
    """Fast tasks and no rate limit to speak of: these tests count tasks, not requests."""
    return MockConfig(time_scale=0.01, requests_per_minute=100_000)


@pytest.fixture
def fast_client(aio_mock: RunningMock) -> Iterator[ApiInOneClient]:
    """A client without a rate budget: the mock's limit is out of reach."""
    with connect(DEMO_KEY, base_url=aio_mock.base_url, requests_per_minute=None) as made:
        yield made


def _line(custom_id: str, index: int) -> dict[str, Any]:
    if index % 3 == 2:
        body = {"model": "elevenlabs-v3", "dialogue": [{"text": f"line {custom_id}"}]}
        return {"custom_id": custom_id, "operation": "createSpeech", "body": body}
    body = {"model": "flux-2", "prompt": f"a picture for {custom_id}"}
    return {"custom_id": custom_id, "operation": "image", "body": body}


def _input(folder: Path, count: int) -> Path:
    path = folder / "input.jsonl"
    lines = [json.dumps(_line(f"line-{i:03}", i)) for i in range(count)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _register(journal: Journal, source: Path) -> None:
    journal.register(read_batch(source), input_identity(read_batch(source))[0])


def _begin(journal: Journal, record: _lines.LineRecord, estimate: float = FLUX) -> str:
    _lines.begin_sending(record, estimate)
    return journal.begin_create(record, None)


def _output(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _tasks_per_line(mock: RunningMock) -> Counter[str]:
    """Tasks on the mock by the custom_id written into their request."""
    found: Counter[str] = Counter()
    for task in mock.state.tasks.values():
        text = json.dumps(task.request)
        found[text[text.index("line-") : text.index("line-") + 8]] += 1
    return found


def test_each_line_is_created_once_and_the_output_follows_the_input(
    fast_client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    source = _input(tmp_path, 7)
    journal, out = tmp_path / "journal.sqlite", tmp_path / "out.jsonl"
    report = run_batch(fast_client, source, journal, out=out, poll_interval=POLL)
    assert report.all_done
    assert not report.stopped
    rows = _output(out)
    assert [row["custom_id"] for row in rows] == [f"line-{i:03}" for i in range(7)]
    first = rows[0]
    assert first["status"] == "done"
    assert first["task_status"] == "SUCCESS"
    assert first["task_id"] in aio_mock.state.tasks
    assert first["credits"] == first["estimated_credits"] == FLUX
    assert first["results"][0].endswith(".png")
    assert first["error"] is None
    assert rows[2]["credits"] == SPEECH
    assert report.summary.spent == report.spent_by_run == 5 * FLUX + 2 * SPEECH
    # Running it again resumes: everything is done, nothing is sent, nothing spent by it.
    received = aio_mock.state.stats.received
    again = run_batch(fast_client, source, journal, out=out, poll_interval=POLL)
    assert again.all_done
    assert again.succeeded  # the 0.2 name of all_done
    assert (again.spent_by_run, again.summary.spent) == (0, report.summary.spent)
    assert aio_mock.state.stats.received == received
    assert _output(out) == rows
    assert set(_tasks_per_line(aio_mock).values()) == {1}


def test_a_create_without_an_answer_is_unknown_and_never_sent_again_on_its_own(
    fast_client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    source = _input(tmp_path, 4)
    journal, out = tmp_path / "journal.sqlite", tmp_path / "out.jsonl"
    aio_mock.state.faults.drop_connections = 1  # the first create: the answer never comes
    aio_mock.state.faults.error_after_processing = 1  # the second: created, then 500
    report = run_batch(fast_client, source, journal, out=out, poll_interval=POLL)
    assert not report.all_done
    assert report.summary.count("unknown") == 2
    assert report.summary.at_risk == 2 * FLUX
    rows = _output(out)
    assert [row["status"] for row in rows] == ["unknown", "unknown", "done", "done"]
    assert rows[0]["error"]["type"] == "APIConnectionError"
    assert rows[1]["error"]["type"] == "InternalServerError"
    assert rows[1]["task_id"] is None
    assert aio_mock.state.stats.tasks_created[DEMO_KEY] == 3  # the dropped one never arrived
    run_batch(fast_client, source, journal, out=out, poll_interval=POLL)
    assert aio_mock.state.stats.tasks_created[DEMO_KEY] == 3
    # Sending them again is the user's explicit choice.
    resent = run_batch(fast_client, source, journal, resend_unknown=True, poll_interval=POLL)
    assert resent.all_done
    assert aio_mock.state.stats.tasks_created[DEMO_KEY] == 5


def test_a_run_killed_mid_batch_resumes_its_tasks_and_marks_cut_off_creates_unknown(
    fast_client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    source = _input(tmp_path, 5)
    path = tmp_path / "journal.sqlite"
    crashed = SqliteJournal(path)
    _register(crashed, source)
    first, second = crashed.claim(2)
    assert _begin(crashed, first) == "begun"
    body = ImageGenerationRequest.from_dict(first.body)
    created = create_image_generation.sync(client=fast_client, body=body)
    assert created is not None
    assert not hasattr(created, "error")
    _lines.mark_created(first, created.data.task_id)
    crashed.save(first)
    assert _begin(crashed, second) == "begun"  # sent, then the process died unanswered
    with pytest.raises(JournalError, match="in use"):
        SqliteJournal(path)
    crashed.close()
    report = run_batch(fast_client, source, path, out=tmp_path / "out.jsonl", poll_interval=POLL)
    rows = _output(tmp_path / "out.jsonl")
    assert [row["status"] for row in rows] == ["done", "unknown", "done", "done", "done"]
    assert rows[0]["task_id"] == first.task_id
    assert rows[1]["error"]["type"] == "Interrupted"
    assert report.summary.at_risk == FLUX
    assert aio_mock.state.stats.tasks_created[DEMO_KEY] == 4


@pytest.fixture(params=["sqlite", "redis"])
def journal_at(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a batch keeps its journal: each test runs on both kinds."""
    if request.param == "sqlite":
        return str(tmp_path / "journal.sqlite")
    batch: RedisBatch = request.getfixturevalue("redis_batch")
    return batch.journal


def _capped_input(folder: Path) -> Path:
    source = folder / "images.jsonl"
    lines = [_line(f"line-{i:03}", 0) for i in range(5)]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return source


@pytest.mark.parametrize("asynchronous", [False, True])
def test_max_credits_refuses_lines_unsent_and_a_larger_cap_sends_them_later(
    aio_mock: RunningMock, journal_at: str, tmp_path: Path, asynchronous: bool
) -> None:
    source, out = _capped_input(tmp_path), tmp_path / "out.jsonl"
    assert estimate_batch(source).credits == 5 * FLUX

    def run(cap: float) -> BatchReport:
        url = aio_mock.base_url
        if not asynchronous:
            with connect(DEMO_KEY, base_url=url, requests_per_minute=None) as client:
                return run_batch(
                    client, source, journal_at, out=out, max_credits=cap, poll_interval=POLL
                )

        async def run_async() -> BatchReport:
            async with aconnect(DEMO_KEY, base_url=url, requests_per_minute=None) as client:
                return await async_run_batch(
                    client, source, journal_at, out=out, max_credits=cap, poll_interval=POLL
                )

        return asyncio.run(run_async())

    cap = 2.5 * FLUX
    report = run(cap)
    charged = aio_mock.state.config.keys[DEMO_KEY] - aio_mock.state.balances[DEMO_KEY]
    assert charged == 2 * FLUX <= cap
    assert aio_mock.state.stats.tasks_created[DEMO_KEY] == 2
    # Refused unsent, counted apart from the failed lines: nothing went wrong with them.
    assert report.summary.states == {"done": 2, "refused": 3}
    assert not report.all_done
    refused = _output(out)[2]
    assert refused["status"] == "refused"
    assert refused["error"]["type"] == "CreditLimitError"
    assert refused["task_id"] is None
    assert run(5 * FLUX).summary.states == {"done": 5}
    assert run(5 * FLUX).spent_by_run == 0  # a rerun with nothing left sends nothing
    assert aio_mock.state.stats.tasks_created[DEMO_KEY] == 5
    assert set(_tasks_per_line(aio_mock).values()) == {1}


def _as_written_before_refused_existed(journal_at: str) -> None:
    """Store each refused line as ``failed``, as journals did before ``refused`` existed."""
    if journal_at.startswith("redis://"):
        server_url, _, name = journal_at.partition("#")
        with redis.Redis.from_url(server_url) as server:
            for custom_id in server.zrange(f"api-in-one:batch:{name}:order", 0, -1):
                key = f"api-in-one:batch:{name}:line:{custom_id.decode()}"
                if server.hget(key, "state") == b"refused":
                    record = json.loads(server.hget(key, "record") or b"{}")
                    record["state"] = "failed"
                    server.hset(key, mapping={"state": "failed", "record": json.dumps(record)})
        return
    with contextlib.closing(sqlite3.connect(journal_at)) as db, db:
        for custom_id, text in db.execute("SELECT custom_id, record FROM lines").fetchall():
            record = json.loads(text)
            if record["state"] == "refused":
                record["state"] = "failed"
                db.execute(
                    "UPDATE lines SET state = 'failed', record = ? WHERE custom_id = ?",
                    (json.dumps(record), custom_id),
                )


def test_an_older_journal_counts_its_cap_refusals_as_refused_and_a_rerun_sends_them(
    fast_client: ApiInOneClient,
    aio_mock: RunningMock,
    journal_at: str,
    tmp_path: Path,
) -> None:
    source = _capped_input(tmp_path)
    run_batch(fast_client, source, journal_at, max_credits=2.5 * FLUX, poll_interval=POLL)
    _as_written_before_refused_existed(journal_at)
    reader = open_journal(journal_at, read_only=True)
    try:
        assert reader.summary().states == {"done": 2, "refused": 3}
        assert {record.state for record in reader.records()} == {"done", "failed"}
    finally:
        reader.close()
    report = run_batch(fast_client, source, journal_at, max_credits=5 * FLUX, poll_interval=POLL)
    assert report.summary.states == {"done": 5}
    assert set(_tasks_per_line(aio_mock).values()) == {1}


def test_estimate_counts_from_the_spec_and_names_unpriced_lines(tmp_path: Path) -> None:
    source = _input(tmp_path, 6)
    with source.open("a") as more:
        body = {"model": "not-in-the-spec", "prompt": "a picture"}
        more.write(json.dumps({"custom_id": "odd", "operation": "image", "body": body}) + "\n")
    estimate = estimate_batch(source)
    assert estimate.lines == 7
    assert estimate.credits == 4 * FLUX + 2 * SPEECH
    assert estimate.by_operation == {"image": 4 * FLUX, "speech": 2 * SPEECH}
    assert estimate.unpriced == ["odd"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not JSON"),
        ('["a"]', "expected a JSON object"),
        ('{"operation": "image", "body": {}}', "custom_id must be"),
        ('{"custom_id": "a", "operation": "paint", "body": {}}', "No operation 'paint'"),
        ('{"custom_id": "a", "operation": "chat", "body": {}}', "does not create a task"),
        ('{"custom_id": "a", "operation": "image", "body": []}', "body must be"),
    ],
)
def test_a_bad_input_line_is_a_typed_error_naming_its_line(
    tmp_path: Path, line: str, message: str
) -> None:
    source = tmp_path / "input.jsonl"
    source.write_text(json.dumps(_line("line-000", 0)) + "\n\n" + line + "\n")
    with pytest.raises(BatchInputError, match=message) as error:
        list(read_batch(source))
    assert f"{source}:3" in str(error.value)


def test_a_duplicate_or_changed_line_is_refused_and_sends_nothing(
    fast_client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    source = _input(tmp_path, 2)
    duplicated = tmp_path / "duplicated.jsonl"
    duplicated.write_text(source.read_text() + json.dumps(_line("line-000", 0)) + "\n")
    with pytest.raises(JournalError, match="unique"):
        run_batch(fast_client, duplicated, tmp_path / "a.sqlite")
    run_batch(fast_client, source, tmp_path / "b.sqlite", poll_interval=POLL)
    created = aio_mock.state.stats.tasks_created[DEMO_KEY]
    changed = tmp_path / "changed.jsonl"
    changed.write_text(source.read_text().replace("a picture for line-001", "something else"))
    with pytest.raises(JournalError, match="different operation or body"):
        run_batch(fast_client, changed, tmp_path / "b.sqlite")
    assert aio_mock.state.stats.tasks_created[DEMO_KEY] == created


def test_a_body_the_request_schema_rejects_fails_unsent(
    fast_client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    source = tmp_path / "input.jsonl"
    source.write_text(json.dumps({"custom_id": "a", "operation": "image", "body": {}}) + "\n")
    report = run_batch(fast_client, source, tmp_path / "j.sqlite", out=tmp_path / "out.jsonl")
    assert report.summary.count("failed") == 1
    assert _output(tmp_path / "out.jsonl")[0]["error"]["type"] == "BadRequestError"
    assert aio_mock.state.stats.received == 0


def test_results_are_downloaded_and_their_paths_recorded(
    fast_client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    source = _input(tmp_path, 3)
    out = tmp_path / "out.jsonl"
    run_batch(
        fast_client,
        source,
        tmp_path / "j.sqlite",
        out=out,
        download=tmp_path / "files",
        poll_interval=POLL,
    )
    rows = _output(out)
    assert [Path(row["files"][0]).suffix for row in rows] == [".png", ".png", ".wav"]
    assert all(Path(row["files"][0]).read_bytes() for row in rows)


@pytest.mark.anyio
async def test_the_async_run_resumes_the_same_journal(
    aio_mock: RunningMock, tmp_path: Path
) -> None:
    source = _input(tmp_path, 4)
    journal, out = tmp_path / "journal.sqlite", tmp_path / "out.jsonl"
    aio_mock.state.faults.error_after_processing = 1
    async with aconnect(DEMO_KEY, base_url=aio_mock.base_url, requests_per_minute=None) as made:
        report = await async_run_batch(made, source, journal, out=out, poll_interval=POLL)
        assert [row["status"] for row in _output(out)] == ["unknown", "done", "done", "done"]
        assert report.summary.count("done") == 3
        again = await async_run_batch(made, source, journal, poll_interval=POLL)
    assert again.summary.count("done") == 3
    assert aio_mock.state.stats.tasks_created[DEMO_KEY] == 4
    assert set(_tasks_per_line(aio_mock).values()) == {1}


# --- the Redis journal: many workers ------------------------------------------


@dataclass
class RedisBatch:
    """One test's own batch in a Redis server."""

    url: str
    name: str

    @property
    def journal(self) -> str:
        """The address ``open_journal`` and ``run_batch`` take."""
        return f"{self.url}#{self.name}"

    def worker(self) -> RedisJournal:
        """Another worker's journal on this batch."""
        journal = open_journal(self.journal)
        assert isinstance(journal, RedisJournal)
        return journal

    def key(self, part: str) -> str:
        """The Redis key of a part of this batch (its queue, a worker's lease)."""
        return f"api-in-one:batch:{self.name}:{part}"


@pytest.fixture
def redis_batch(redis_url: str, request: pytest.FixtureRequest) -> RedisBatch:
    return RedisBatch(redis_url, request.node.name)


def test_redis_workers_claim_disjoint_lines_and_take_over_a_dead_one(
    redis_batch: RedisBatch, tmp_path: Path
) -> None:
    source = _input(tmp_path, 6)
    alive, dead = redis_batch.worker(), redis_batch.worker()
    _register(alive, source)
    _register(dead, source)  # registering twice adds nothing
    mine, theirs = alive.claim(2), dead.claim(3)
    assert {r.custom_id for r in mine}.isdisjoint(r.custom_id for r in theirs)
    assert _begin(dead, theirs[0]) == "begun"  # sent, then the worker died
    assert _begin(dead, theirs[1]) == "begun"
    _lines.mark_created(theirs[1], "n1_task")
    dead.save(theirs[1])
    assert _begin(alive, theirs[2]) == "not-ours"  # refused, unsent
    # The dead worker's lease runs out (here: its key goes at once).
    with redis.Redis.from_url(redis_batch.url) as server:
        server.delete(redis_batch.key(f"alive:{dead.worker}"))
    dead._stopped.set()
    taken = alive.claim(10)
    assert sorted(r.custom_id for r in taken) == sorted(
        [theirs[1].custom_id, theirs[2].custom_id, *(f"line-{i:03}" for i in (5,))]
    )
    assert next(r for r in taken if r.task_id == "n1_task").state == "created"
    states = {r.custom_id: r.state for r in alive.records()}
    assert states[theirs[0].custom_id] == "unknown"
    summary = alive.summary()
    assert summary.at_risk == FLUX
    assert summary.committed == 2 * FLUX  # the unknown line and the created one
    alive.close()


def test_a_batch_runs_on_a_redis_journal(
    fast_client: ApiInOneClient,
    aio_mock: RunningMock,
    redis_batch: RedisBatch,
    tmp_path: Path,
) -> None:
    source = _input(tmp_path, 5)
    journal = redis_batch.journal
    out = tmp_path / "out.jsonl"
    aio_mock.state.faults.drop_connections = 1
    report = run_batch(fast_client, source, journal, out=out, max_credits=100, poll_interval=POLL)
    assert [row["status"] for row in _output(out)] == ["unknown"] + ["done"] * 4
    assert report.summary.committed == 4 * FLUX + SPEECH  # the unknown one stays counted
    run_batch(fast_client, source, journal, poll_interval=POLL)
    assert aio_mock.state.stats.tasks_created[DEMO_KEY] == 4


def _contract_breaker(request: httpx.Request) -> httpx.Response:
    """Answers every create with 200 but no task id; polls never happen."""
    if "line-001" in request.content.decode():
        return httpx.Response(200, json={"code": 200, "message": "success", "data": {}})
    return httpx.Response(200, json={"unexpected": True})


@pytest.mark.parametrize("asynchronous", [False, True])
def test_a_create_answered_without_a_task_id_is_unknown_and_the_batch_goes_on(
    tmp_path: Path, asynchronous: bool
) -> None:
    source = _input(tmp_path, 2)
    out = tmp_path / "out.jsonl"
    journal = tmp_path / "j.sqlite"
    url = "http://127.0.0.1:9/api/v1"
    if asynchronous:
        http = httpx.AsyncClient(transport=httpx.MockTransport(_contract_breaker))

        async def run() -> None:
            async with aconnect(DEMO_KEY, base_url=url, httpx_client=http) as client:
                await async_run_batch(client, source, journal, out=out)

        asyncio.run(run())
    else:
        sync_http = httpx.Client(transport=httpx.MockTransport(_contract_breaker))
        with connect(DEMO_KEY, base_url=url, httpx_client=sync_http) as client:
            run_batch(client, source, journal, out=out)
    rows = _output(out)
    assert [row["status"] for row in rows] == ["unknown", "unknown"]
    assert all(row["task_id"] is None for row in rows)


def test_openai_batch_lines_name_their_operation_by_method_and_url(
    fast_client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    # The shape of OpenAI's Batch API input file, pointed at this gateway's paths.
    body = {"model": "flux-2", "prompt": "a picture for line-000"}
    openai_line = {"custom_id": "line-000", "method": "POST", "url": "/v1/images/generations"}
    source = tmp_path / "openai.jsonl"
    source.write_text(json.dumps({**openai_line, "body": body}) + "\n")
    [line] = read_batch(source)
    assert line.operation == "createImageGeneration"
    report = run_batch(fast_client, source, tmp_path / "j.sqlite", poll_interval=POLL)
    assert report.all_done
    chat = {"custom_id": "c", "method": "POST", "url": "/v1/chat/completions", "body": {}}
    source.write_text(json.dumps(chat) + "\n")
    with pytest.raises(BatchInputError, match="does not create a task"):
        list(read_batch(source))
    source.write_text(json.dumps({**chat, "url": "/v1/embeddings"}) + "\n")
    with pytest.raises(BatchInputError, match="no operation of the spec answers POST"):
        list(read_batch(source))


def test_a_line_queued_twice_is_begun_by_one_worker_only(
    redis_batch: RedisBatch, tmp_path: Path
) -> None:
    source = _input(tmp_path, 1)
    first, second = redis_batch.worker(), redis_batch.worker()
    _register(first, source)
    _register(second, source)
    with redis.Redis.from_url(redis_batch.url) as server:
        server.rpush(redis_batch.key("queue"), "line-000")  # a racing requeue
    [mine], [theirs] = first.claim(1), second.claim(1)
    assert _begin(first, mine) == "begun"
    assert _begin(second, theirs) == "not-ours"
    second.close()
    first.close()  # its create never answered: the line is unknown, not lost in sending
    reader = redis_batch.worker()
    [line] = reader.records()
    assert line.state == "unknown"
    assert line.error is not None
    reader.close()
