"""``aio batch``: exit codes, --estimate, --max-credits, status; stopping and cancelling runs."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from api_in_one import BatchProgress, aconnect, async_run_batch, connect, run_batch
from api_in_one._operations import operation
from api_in_one.cli import main
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock

FLUX = operation("image").cost({"model": "flux-2"}) or 0.0


@pytest.fixture
def aio_mock_config() -> MockConfig:
    """Fast tasks and no rate limit to speak of."""
    return MockConfig(time_scale=0.01, requests_per_minute=100_000)


def _input(folder: Path, count: int) -> Path:
    path = folder / "input.jsonl"
    lines = [
        {
            "custom_id": f"c{i}",
            "operation": "createImageGeneration",
            "body": {"model": "flux-2", "prompt": f"a picture number {i}"},
        }
        for i in range(count)
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def _aio(mock: RunningMock, *args: str | Path) -> int:
    common = ["--api-key", DEMO_KEY, "--base-url", mock.base_url]
    run = ["--requests-per-minute", "100000", "--poll-interval", "0.02"]
    words = [str(arg) for arg in args]
    return main([*words, *common, *(run if words[:2] == ["batch", "run"] else [])])


def test_exit_0_when_every_line_succeeded_and_status_summarises(
    aio_mock: RunningMock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _input(tmp_path, 3)
    journal, out = tmp_path / "j.sqlite", tmp_path / "out.jsonl"
    assert _aio(aio_mock, "batch", "run", source, "--journal", journal, "--out", out) == 0
    assert [json.loads(line)["status"] for line in out.read_text().splitlines()] == ["done"] * 3
    # Not a terminal: a plain line at the start and as lines end, then the summary.
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    assert lines[0].startswith("batch  starting")
    assert lines[1].startswith("batch  0/3  0 done")
    assert [line.split()[1] for line in lines if line.startswith("batch ")][-1] == "3/3"
    assert f"{3 * FLUX:g} credits spent by this run, {3 * FLUX:g} in all" in printed
    # A resume with nothing left to send spent nothing itself.
    assert _aio(aio_mock, "batch", "run", source, "--journal", journal, "--out", out) == 0
    assert f"0 credits spent by this run, {3 * FLUX:g} in all" in capsys.readouterr().out
    assert _aio(aio_mock, "batch", "status", "--journal", journal, "--json") == 0
    status = json.loads(capsys.readouterr().out)
    assert status["states"] == {"done": 3}
    assert status["spent"] == 3 * FLUX


def test_exit_1_when_a_line_is_unknown_and_the_report_shows_the_credits_at_risk(
    aio_mock: RunningMock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _input(tmp_path, 3)
    aio_mock.state.faults.error_after_processing = 1
    code = _aio(
        aio_mock, "batch", "run", source, "--journal", tmp_path / "j", "--out", tmp_path / "o"
    )
    assert code == 1
    printed = capsys.readouterr().out
    assert "1 unknown" in printed
    assert f"{FLUX:g} credits at risk" in printed
    assert "--resend-unknown" in printed


@pytest.mark.parametrize(
    "args",
    [
        ["--journal", "j.sqlite"],  # no --out
        ["--out", "o.jsonl"],  # no --journal
    ],
)
def test_exit_2_for_usage_errors(
    aio_mock: RunningMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _aio(aio_mock, "batch", "run", _input(tmp_path, 1), *args) == 2
    assert aio_mock.state.stats.received == 0


def test_exit_2_for_a_bad_input_or_a_missing_journal(
    aio_mock: RunningMock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text('{"custom_id": "a", "operation": "paint", "body": {}}\n')
    assert _aio(aio_mock, "batch", "run", source, "--journal", tmp_path / "j", "--out", "o") == 2
    assert "No operation 'paint'" in " ".join(capsys.readouterr().err.split())
    assert _aio(aio_mock, "batch", "status", "--journal", tmp_path / "nowhere") == 2
    assert aio_mock.state.stats.received == 0


def test_estimate_prints_the_cost_and_sends_nothing(
    aio_mock: RunningMock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _input(tmp_path, 4)
    assert _aio(aio_mock, "batch", "run", source, "--estimate", "--json") == 0
    estimate: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert estimate["credits"] == 4 * FLUX
    assert estimate["by_operation"] == {"image": 4 * FLUX}
    assert _aio(aio_mock, "batch", "run", source, "--estimate", "--max-credits", "1") == 0
    assert "Over --max-credits 1" in capsys.readouterr().out
    assert aio_mock.state.stats.received == 0


def test_max_credits_below_the_estimate_creates_nothing_over_the_cap(
    aio_mock: RunningMock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _input(tmp_path, 4)
    cap = 1.5 * FLUX
    code = _aio(
        aio_mock,
        "batch",
        "run",
        source,
        "--journal",
        tmp_path / "j",
        "--out",
        tmp_path / "o",
        "--max-credits",
        str(cap),
    )
    assert code == 1
    charged = aio_mock.state.config.keys[DEMO_KEY] - aio_mock.state.balances[DEMO_KEY]
    assert charged == FLUX <= cap
    summary = "4 lines: 1 done, 0 failed, 3 refused unsent, 0 unknown, 0 unfinished"
    assert summary in capsys.readouterr().out
    assert _aio(aio_mock, "batch", "status", "--journal", tmp_path / "j") == 0
    assert summary in capsys.readouterr().out
    assert _aio(aio_mock, "batch", "status", "--journal", tmp_path / "j", "--json") == 0
    assert json.loads(capsys.readouterr().out)["states"] == {"done": 1, "refused": 3}
    rerun: list[str | Path] = ["--journal", tmp_path / "j", "--out", tmp_path / "o"]
    rerun += ["--max-credits", str(4 * FLUX)]
    assert _aio(aio_mock, "batch", "run", source, *rerun) == 0
    assert "4 done, 0 failed, 0 refused unsent" in capsys.readouterr().out
    assert aio_mock.state.stats.tasks_created[DEMO_KEY] == 4


def test_a_stopped_run_records_its_creates_and_leaves_nothing_unknown(
    aio_mock: RunningMock, tmp_path: Path
) -> None:
    source = _input(tmp_path, 4)
    stop = threading.Event()

    def stop_after_first(progress: BatchProgress) -> None:
        if progress.done:
            stop.set()

    journal = tmp_path / "j.sqlite"
    with connect(DEMO_KEY, base_url=aio_mock.base_url, requests_per_minute=None) as client:
        report = run_batch(
            client, source, journal, stop=stop, on_progress=stop_after_first, poll_interval=0.02
        )
        assert report.stopped
        assert report.summary.count("unknown") == 0
        assert report.summary.unfinished == 3
        assert aio_mock.state.stats.tasks_created[DEMO_KEY] == 4  # one claim: all were sent
        again = run_batch(client, source, journal, poll_interval=0.02)
    assert again.all_done
    assert aio_mock.state.stats.tasks_created[DEMO_KEY] == 4


@pytest.mark.anyio
async def test_a_cancelled_async_run_records_the_create_in_flight(
    aio_mock: RunningMock, tmp_path: Path
) -> None:
    source = _input(tmp_path, 3)
    journal = tmp_path / "j.sqlite"
    async with aconnect(DEMO_KEY, base_url=aio_mock.base_url, requests_per_minute=None) as client:
        runs: list[asyncio.Task[Any]] = []

        def cancel_at_start(progress: BatchProgress) -> None:
            if progress.finished == 0:
                runs[0].cancel()  # lands on the first create, which is then in flight

        runs.append(
            asyncio.ensure_future(
                async_run_batch(
                    client, source, journal, on_progress=cancel_at_start, poll_interval=0.02
                )
            )
        )
        with pytest.raises(asyncio.CancelledError):
            await runs[0]
        assert aio_mock.state.stats.tasks_created[DEMO_KEY] == 1
        report = await async_run_batch(client, source, journal, poll_interval=0.02)
    assert report.all_done
    assert aio_mock.state.stats.tasks_created[DEMO_KEY] == 3


def test_an_empty_account_stops_the_run_instead_of_failing_every_line(
    aio_mock: RunningMock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aio_mock.state.balances[DEMO_KEY] = 1.5 * FLUX  # one create, then 402
    source, out = _input(tmp_path, 4), tmp_path / "out.jsonl"
    assert _aio(aio_mock, "batch", "run", source, "--journal", tmp_path / "j", "--out", out) == 1
    assert "InsufficientCreditsError" in capsys.readouterr().out
    statuses = [json.loads(line)["status"] for line in out.read_text().splitlines()]
    assert statuses[1] == "failed"
    assert statuses[2:] == ["pending", "pending"]  # never sent: a rerun sends them
    assert aio_mock.state.stats.statuses[402] == 1
