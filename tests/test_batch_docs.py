"""docs/batches.md runs: its blocks, in order and in one folder, against the mock."""

from __future__ import annotations

import json
import re
import runpy
import shlex
from pathlib import Path

import pytest

from api_in_one import RedisRateBudget, _client
from api_in_one.cli import main as aio
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock

GUIDE = (Path(__file__).resolve().parents[1] / "docs" / "batches.md").read_text()
BLOCKS = re.findall(r"^```(\w+)\n(.*?)^```$", GUIDE, flags=re.MULTILINE | re.DOTALL)


@pytest.fixture
def aio_mock_config() -> MockConfig:
    return MockConfig(time_scale=0.01, requests_per_minute=10_000, keys={DEMO_KEY: 10_000.0})


def test_every_block_of_the_guide_runs_in_order(
    aio_mock: RunningMock,
    redis_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("API_IN_ONE_API_KEY", DEMO_KEY)
    monkeypatch.setenv("API_IN_ONE_BASE_URL", aio_mock.base_url)
    monkeypatch.chdir(tmp_path)
    # The guide's rate budgets are the gateway's 60 a minute; the mock here allows far more,
    # and the test should not wait a second a request.
    monkeypatch.setattr(_client, "_budget", lambda *_: None)
    monkeypatch.setattr(RedisRateBudget, "acquire", lambda self: None)
    assert {language for language, _ in BLOCKS} == {"python", "sh", "json"}
    for language, code in BLOCKS:
        if language == "python":
            (tmp_path / "block.py").write_text(code)
            runpy.run_path(str(tmp_path / "block.py"), run_name="__main__")
        elif language == "json":
            assert json.loads(code.replace("…", ""))["status"] == "done"
        else:
            for line in filter(None, (raw.split(" #")[0].strip() for raw in code.splitlines())):
                words = shlex.split(line)
                assert words[0] == "aio", line
                expected = 1 if "--max-credits" in words else 0  # the cap leaves lines unsent
                assert (
                    aio([*words[1:], "--poll-interval", "0.02"] if "run" in words else words[1:])
                    == expected
                ), capsys.readouterr().err
    rows = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert [row["status"] for row in rows] == ["done"] * 4
    assert len(list((tmp_path / "out").iterdir())) >= 4
    capped = [json.loads(line) for line in (tmp_path / "capped.jsonl").read_text().splitlines()]
    assert sum(row["credits"] or 0 for row in capped) <= 12
    assert not aio_mock.state.stats.statuses.keys() - {200}, aio_mock.state.stats.statuses
