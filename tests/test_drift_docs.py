"""docs/drift.md runs: its blocks, in order and in one folder, against the mock; the
recordings it makes are searched for keys like every other."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import pytest
from test_readme import run_documented_command

from api_in_one._recording import read_recording
from api_in_one.mock import DEMO_KEY, RunningMock

GUIDE = (Path(__file__).resolve().parents[1] / "docs" / "drift.md").read_text()
BLOCKS = re.findall(r"^```(\w+)\n(.*?)^```$", GUIDE, flags=re.MULTILINE | re.DOTALL)


def test_every_block_of_the_guide_runs_in_order(
    aio_mock: RunningMock,
    recordings: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("API_IN_ONE_API_KEY", DEMO_KEY)
    monkeypatch.setenv("API_IN_ONE_BASE_URL", aio_mock.base_url)
    monkeypatch.delenv("API_IN_ONE_VALIDATE", raising=False)
    monkeypatch.chdir(recordings)
    assert {language for language, _ in BLOCKS} == {"python", "sh"}
    for language, code in BLOCKS:
        if language == "python":
            (recordings.parent / "block.py").write_text(code)
            runpy.run_path(str(recordings.parent / "block.py"), run_name="__main__")
            continue
        for line in filter(None, (raw.split(" #")[0].strip() for raw in code.splitlines())):
            run_documented_command(line, aio_mock, capsys)
            if line.startswith("export "):  # what the guide's next blocks run under
                name, _, value = line.removeprefix("export ").partition("=")
                monkeypatch.setenv(name, value)
    exchanges = list(read_recording(recordings / "exchanges.jsonl"))
    assert len(exchanges) == 4
    assert all(exchange["drift"] == [] for exchange in exchanges)
