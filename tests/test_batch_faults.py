"""Batches whose journal, input or surroundings break: refused whole, never paid twice.

The mock's own counters say what was created; each test breaks one thing the
way a user's machine would (a truncated file, a cut input, a dead Redis).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from conftest import running_redis

from api_in_one import (
    ApiInOneClient,
    BatchInputError,
    BatchReport,
    JournalError,
    RedisRateBudget,
    SqliteJournal,
    aconnect,
    async_run_batch,
    connect,
    open_journal,
    run_batch,
)
from api_in_one._outbound import ForkedClientError
from api_in_one.batch._files import BatchLine, read_batch
from api_in_one.batch._journal import check_same
from api_in_one.batch._lines import LineRecord
from api_in_one.cli import main
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock
from api_in_one.tasks._downloads import _safe_name
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.models import ImageGenerationRequest

POLL = 0.02


@pytest.fixture
def aio_mock_config() -> MockConfig:
    """Fast tasks and no rate limit to speak of: these tests count tasks."""
    return MockConfig(time_scale=0.01, requests_per_minute=100_000)


@pytest.fixture
def client(aio_mock: RunningMock) -> Iterator[ApiInOneClient]:
    with connect(DEMO_KEY, base_url=aio_mock.base_url, requests_per_minute=None) as made:
        yield made


def _write(path: Path, ids: range | list[int], word: str = "picture") -> Path:
    lines = [
        {
            "custom_id": f"line-{i:03}",
            "operation": "image",
            "body": {"model": "flux-2", "prompt": f"a {word} for line-{i:03}"},
        }
        for i in ids
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def _created(mock: RunningMock) -> int:
    return mock.state.stats.tasks_created[DEMO_KEY]


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _stopped_run(client: ApiInOneClient, source: Path, journal: Path | str, creates: int) -> None:
    """A run stopped after ``creates`` creates: the rest of the input stays pending."""
    progress: list[int] = []
    stop = threading.Event()

    def count(p: Any) -> None:
        progress.append(p.finished)
        if p.finished >= creates:
            stop.set()

    run_batch(
        client, source, journal, stop=stop, on_progress=count, poll_interval=POLL, claim_size=1
    )


# --- a journal knows whether it is whole ---------------------------------------


def test_a_journal_truncated_to_nothing_is_refused_and_nothing_is_sent(
    client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    source, journal = _write(tmp_path / "in.jsonl", range(4)), tmp_path / "j.sqlite"
    run_batch(client, source, journal, poll_interval=POLL)
    assert _created(aio_mock) == 4
    journal.write_bytes(b"")
    for suffix in ("-wal", "-shm"):
        Path(f"{journal}{suffix}").unlink(missing_ok=True)
    with pytest.raises(JournalError, match=r"empty or incomplete.*Nothing was sent"):
        run_batch(client, source, journal, poll_interval=POLL)
    assert _created(aio_mock) == 4


def test_a_journal_replaced_by_another_batch_or_an_older_copy_is_refused(
    client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    source, journal = _write(tmp_path / "in.jsonl", range(4)), tmp_path / "j.sqlite"
    _stopped_run(client, source, journal, 1)
    older = tmp_path / "older.sqlite"
    shutil.copy(journal, older)  # a backup taken mid-batch
    run_batch(client, source, journal, poll_interval=POLL)
    shutil.copy(older, journal)
    with pytest.raises(JournalError, match="older copy"):
        run_batch(client, source, journal, poll_interval=POLL)
    other = tmp_path / "other.sqlite"
    run_batch(client, _write(tmp_path / "b.jsonl", [9]), other, poll_interval=POLL)
    created = _created(aio_mock)
    shutil.copy(other, journal)
    with pytest.raises(JournalError, match="was replaced"):
        run_batch(client, source, journal, poll_interval=POLL)
    assert _created(aio_mock) == created


@pytest.mark.parametrize(
    "content", [b"not a database at all" * 50, b"SQLite format 3\x00" + b"\x07" * 200]
)
def test_a_foreign_or_corrupt_journal_is_a_journal_error_in_python_and_exit_2_in_the_cli(
    aio_mock: RunningMock, tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    source, journal = _write(tmp_path / "in.jsonl", range(2)), tmp_path / "j.sqlite"
    journal.write_bytes(content)
    with pytest.raises(JournalError, match=r"cannot be used|not a batch journal"):
        SqliteJournal(journal)
    common = ["--api-key", DEMO_KEY, "--base-url", aio_mock.base_url]
    run = ["batch", "run", str(source), "--journal", str(journal), "--out", str(tmp_path / "o")]
    assert main([*run, *common]) == 2
    assert main(["batch", "status", "--journal", str(journal), *common]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert _created(aio_mock) == 0


def test_a_journal_lost_beside_the_output_it_wrote_is_refused(
    client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    source, journal, out = _write(tmp_path / "in.jsonl", range(3)), tmp_path / "j", tmp_path / "o"
    run_batch(client, source, journal, out=out, poll_interval=POLL)
    reader = SqliteJournal(journal, read_only=True)
    assert {row["batch"] for row in _rows(out)} == {reader.batch}
    reader.close()
    for leftover in tmp_path.glob("j*"):
        leftover.unlink()  # journal, lock file and all
    with pytest.raises(JournalError, match="its output shows batch"):
        run_batch(client, source, journal, out=out, poll_interval=POLL)
    assert _created(aio_mock) == 3


# --- an input owns its journal -------------------------------------------------


def test_a_shortened_input_sends_only_its_lines_and_reports_the_others(
    client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    source, journal, out = _write(tmp_path / "in.jsonl", range(20)), tmp_path / "j", tmp_path / "o"
    _stopped_run(client, source, journal, 2)
    sent = _created(aio_mock)
    assert sent < 20
    shortened = _write(tmp_path / "short.jsonl", range(5))
    report = run_batch(client, shortened, journal, out=out, poll_interval=POLL)
    assert report.all_done
    assert report.summary.total == 5
    assert report.summary.outside == 15
    assert [row["custom_id"] for row in _rows(out)] == [f"line-{i:03}" for i in range(5)]
    assert _created(aio_mock) == max(sent, 5)  # not one of the 15 lines cut off was sent
    # The whole input again: the rest is sent once, nothing twice.
    again = run_batch(client, source, journal, out=out, poll_interval=POLL)
    assert again.all_done
    assert again.summary.outside == 0
    assert _created(aio_mock) == 20


def test_a_different_input_is_refused_unless_its_lines_are_added_on_purpose(
    client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    journal, out = tmp_path / "j.sqlite", tmp_path / "o"
    run_batch(client, _write(tmp_path / "a.jsonl", range(3)), journal, poll_interval=POLL)
    other = _write(tmp_path / "b.jsonl", range(10, 14))
    with pytest.raises(JournalError, match="4 lines of the input are not in the journal"):
        run_batch(client, other, journal, out=out, poll_interval=POLL)
    assert _created(aio_mock) == 3
    assert not out.exists()
    report = run_batch(client, other, journal, out=out, add_lines=True, poll_interval=POLL)
    assert report.summary.total == 4
    assert report.summary.outside == 3
    assert [row["custom_id"] for row in _rows(out)] == [f"line-{i:03}" for i in range(10, 14)]
    assert _created(aio_mock) == 7


def test_a_changed_line_is_refused() -> None:
    line = _write_line("a", "x")
    record = LineRecord.of(line)
    check_same(record, line)
    with pytest.raises(JournalError, match="different operation or body"):
        check_same(record, _write_line("a", "y"))


def _write_line(custom_id: str, prompt: str) -> BatchLine:
    return BatchLine(custom_id, "image", {"model": "flux-2", "prompt": prompt}, 0)


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-16", b""), ("latin-1", b""), ("utf-8", b"\xef\xbb\xbf")]
)
def test_an_input_not_in_utf_8_is_a_batch_input_error_and_exit_2(
    aio_mock: RunningMock,
    tmp_path: Path,
    encoding: str,
    bom: bytes,
    capsys: pytest.CaptureFixture[str],
) -> None:
    line = {"custom_id": "é", "operation": "image", "body": {"model": "flux-2", "prompt": "café"}}
    text = json.dumps(line, ensure_ascii=False)
    source = tmp_path / "in.jsonl"
    source.write_bytes(bom + (text + "\n").encode(encoding))
    common = ["--api-key", DEMO_KEY, "--base-url", aio_mock.base_url, "--poll-interval", "0.02"]
    run = [
        "batch",
        "run",
        str(source),
        "--journal",
        str(tmp_path / "j"),
        "--out",
        str(tmp_path / "o"),
    ]
    code = main([*run, *common])
    if encoding == "utf-8":  # a byte order mark is fine
        assert code == 0
        return
    assert code == 2
    assert "not UTF-8 (byte" in " ".join(capsys.readouterr().err.split())
    with pytest.raises(BatchInputError, match=r"in\.jsonl:1: not UTF-8"):
        list(read_batch(source))
    assert _created(aio_mock) == 0


# --- an unknown is only what may really have been sent --------------------------


@pytest.mark.parametrize("asynchronous", [False, True])
def test_a_rate_budget_outage_leaves_lines_pending_not_unknown(
    aio_mock: RunningMock, tmp_path: Path, unused_port: int, asynchronous: bool
) -> None:
    source, journal, out = _write(tmp_path / "in.jsonl", range(5)), tmp_path / "j", tmp_path / "o"
    dead = RedisRateBudget(f"redis://127.0.0.1:{unused_port}/0", 1000, socket_connect_timeout=0.5)
    url = aio_mock.base_url
    if asynchronous:

        async def run() -> BatchReport:
            async with aconnect(DEMO_KEY, base_url=url, rate_budget=dead) as broken:
                return await async_run_batch(broken, source, journal, out=out, poll_interval=POLL)

        report = asyncio.run(run())
    else:
        with connect(DEMO_KEY, base_url=url, rate_budget=dead) as broken:
            report = run_batch(broken, source, journal, out=out, poll_interval=POLL)
    assert report.error is not None
    assert "not sent" in report.error.message
    assert report.summary.count("unknown") == 0
    assert report.summary.count("pending") == 5
    assert aio_mock.state.stats.received == 0
    with connect(DEMO_KEY, base_url=url, requests_per_minute=None) as working:
        assert run_batch(working, source, journal, poll_interval=POLL).all_done
    assert _created(aio_mock) == 5


def test_the_client_credit_guard_refuses_lines_unsent_and_never_unknown(
    aio_mock: RunningMock, tmp_path: Path
) -> None:
    source, journal, out = _write(tmp_path / "in.jsonl", range(3)), tmp_path / "j", tmp_path / "o"
    with connect(DEMO_KEY, base_url=aio_mock.base_url, max_credits=0.5) as guarded:
        report = run_batch(guarded, source, journal, out=out, poll_interval=POLL)
    assert [row["status"] for row in _rows(out)] == ["refused"] * 3
    assert {row["error"]["type"] for row in _rows(out)} == {"CreditLimitError"}
    assert report.summary.states == {"refused": 3}
    assert report.summary.committed == 0
    assert aio_mock.state.stats.received == 0


# --- one line's failure is that line's failure ----------------------------------


class _OddAnswers(httpx.BaseTransport):
    """Forwards to the mock; line-001's task shows a 300-character id, line-002's an unparsable
    result URL."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.long_ids: dict[str, str] = {}
        """The id shown -> the mock's id."""
        self.bad_url_task = ""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for shown, real in self.long_ids.items():
            request.url = request.url.copy_with(path=request.url.path.replace(shown, real))
        response = self.inner.handle_request(request)
        answer = json.loads(response.read())
        task = answer.get("data") or {}
        if request.method == "POST":
            prompt = json.loads(request.content)["prompt"]
            if "line-001" in prompt:
                shown = task["task_id"] + "_" + "x" * 300
                self.long_ids[shown] = task["task_id"]
                task["task_id"] = shown
            elif "line-002" in prompt:
                self.bad_url_task = task["task_id"]
        else:
            shown_as = {real: shown for shown, real in self.long_ids.items()}
            real = str(task.get("task_id"))
            task["task_id"] = shown_as.get(real, real)
            if task["task_id"] == self.bad_url_task and task.get("response"):
                task["response"] = ["http://[::1"]  # httpx: "Invalid port"
        headers = {"x-request-id": response.headers.get("x-request-id", "")}
        return httpx.Response(response.status_code, headers=headers, json=answer)

    def close(self) -> None:
        self.inner.close()


def test_a_bad_result_line_fails_alone_and_the_batch_goes_on(
    aio_mock: RunningMock, tmp_path: Path
) -> None:
    source, journal, out = _write(tmp_path / "in.jsonl", range(4)), tmp_path / "j", tmp_path / "o"
    http = httpx.Client(transport=_OddAnswers())
    url = aio_mock.base_url
    with connect(DEMO_KEY, base_url=url, httpx_client=http, requests_per_minute=None) as made:
        report = run_batch(
            made, source, journal, out=out, download=tmp_path / "f", poll_interval=POLL
        )
    rows = {row["custom_id"]: row for row in _rows(out)}
    assert rows["line-001"]["status"] == "done"  # its file name is shortened
    assert len(Path(rows["line-001"]["files"][0]).name) < 130
    assert rows["line-002"]["status"] == "failed"
    assert "cannot be fetched" in rows["line-002"]["error"]["message"]
    assert [rows[f"line-{i:03}"]["status"] for i in (0, 3)] == ["done"] * 2
    assert report.summary.count("done") == 3
    assert _created(aio_mock) == 4


def test_a_long_task_id_makes_a_short_distinct_file_name() -> None:
    a = _safe_name("t" * 300 + "a", 0, "https://x/y.png")
    b = _safe_name("t" * 300 + "b", 0, "https://x/y.png")
    assert a != b
    assert len(a) < 130
    assert a.endswith("-0.png")


def test_an_unsaveable_result_ends_its_line_failed_with_the_reason(
    client: ApiInOneClient, aio_mock: RunningMock, tmp_path: Path
) -> None:
    source, journal, out = _write(tmp_path / "in.jsonl", range(3)), tmp_path / "j", tmp_path / "o"
    files = tmp_path / "files"
    files.write_text("a file where the folder should be")
    report = run_batch(client, source, journal, out=out, download=files, poll_interval=POLL)
    rows = _rows(out)
    assert [row["status"] for row in rows] == ["failed"] * 3
    assert all("Cannot make the folder" in row["error"]["message"] for row in rows)
    assert report.summary.count("failed") == 3
    files.unlink()
    assert run_batch(client, source, journal, out=out, download=files, poll_interval=POLL).all_done
    assert _created(aio_mock) == 3  # fetched again, not created again


# --- fork safety ---------------------------------------------------------------


def test_a_client_used_in_a_forked_child_refuses_and_the_parent_keeps_its_answers(
    aio_mock: RunningMock,
) -> None:
    body = ImageGenerationRequest(model="flux-2", prompt="before the fork")
    with connect(DEMO_KEY, base_url=aio_mock.base_url, requests_per_minute=None) as parent:
        create_image_generation.sync(client=parent, body=body)  # a pooled connection now
        reader, writer = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - the child reports through the pipe
            try:
                create_image_generation.sync(client=parent, body=body)
                verdict = "sent"
            except ForkedClientError:
                verdict = "refused"
            except BaseException as error:
                verdict = f"other {error!r}"
            parent.close()  # closing in the child must leave the parent's connections alone
            os.write(writer, verdict.encode())
            os._exit(0)
        os.close(writer)
        _, status = os.waitpid(child, 0)
        verdict = os.read(reader, 1000).decode()
        os.close(reader)
        ids = []
        for n in range(5):
            made = create_image_generation.sync(
                client=parent, body=ImageGenerationRequest(model="flux-2", prompt=f"after {n}")
            )
            assert made is not None
            assert not hasattr(made, "error")
            ids.append(made.data.task_id)
    assert verdict == "refused"
    assert status == 0
    prompts = [aio_mock.state.tasks[i].request["prompt"] for i in ids]
    assert prompts == [f"after {n}" for n in range(5)]


# --- the Redis journal ---------------------------------------------------------


def test_a_redis_journal_refuses_a_server_without_aof_or_with_eviction(tmp_path: Path) -> None:
    refused = pytest.raises(JournalError, match=r"appendonly is off.*CONFIG SET appendonly yes")
    with running_redis(tmp_path, "--appendonly", "no") as (url, _), refused:
        open_journal(f"{url}#b")
    options = ["--appendonly", "yes", "--maxmemory", "50mb", "--maxmemory-policy", "allkeys-lru"]
    evicting = pytest.raises(JournalError, match=r"allkeys-lru.*noeviction")
    with running_redis(tmp_path, *options) as (url, _), evicting:
        open_journal(f"{url}#b")


def test_a_redis_journal_that_lost_a_line_or_its_record_is_refused(
    client: ApiInOneClient,
    aio_mock: RunningMock,
    redis_url: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    name = request.node.name
    source, journal = _write(tmp_path / "in.jsonl", range(4)), f"{redis_url}#{name}"
    run_batch(client, source, journal, poll_interval=POLL)
    prefix = f"api-in-one:batch:{name}:"
    with redis.Redis.from_url(redis_url) as server:
        server.delete(prefix + "line:line-002")  # evicted
        with pytest.raises(JournalError, match="lost the line line-002"):
            run_batch(client, source, journal, poll_interval=POLL)
        for key in server.scan_iter(prefix + "*"):
            if not key.endswith(b"meta"):
                server.delete(key)
        with pytest.raises(JournalError, match="lost"):
            run_batch(client, source, journal, poll_interval=POLL)
        server.delete(prefix + "meta")  # everything gone, but the output remembers
    assert _created(aio_mock) == 4


def test_a_redis_journal_that_lost_only_its_queue_finishes_the_batch(
    client: ApiInOneClient,
    aio_mock: RunningMock,
    redis_url: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    name = request.node.name
    source, journal = _write(tmp_path / "in.jsonl", range(6)), f"{redis_url}#{name}"
    _stopped_run(client, source, journal, 2)
    with redis.Redis.from_url(redis_url) as server:
        server.delete(f"api-in-one:batch:{name}:queue")
    report = run_batch(client, source, journal, poll_interval=POLL)
    assert report.all_done
    assert _created(aio_mock) == 6


def test_an_argument_that_is_not_utf_8_is_a_usage_error(
    aio_mock: RunningMock, capsys: pytest.CaptureFixture[str]
) -> None:
    prompt = b"caf\xe9".decode("utf-8", "surrogateescape")  # what Python makes of such argv
    common = ["--api-key", DEMO_KEY, "--base-url", aio_mock.base_url]
    assert main(["image", "--model", "flux-2", "--prompt", prompt, *common]) == 2
    assert "not UTF-8 text (byte e9)" in " ".join(capsys.readouterr().err.split())
    assert aio_mock.state.stats.received == 0
