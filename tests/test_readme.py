"""Every code block in README.md runs against the mock, so the README cannot go stale.

Python blocks are executed (a block that defines tests runs as a pytest file
with the project's plugin); shell blocks are run line by line: ``aio`` through
the CLI, ``python -m api_in_one.mock`` through the mock's parser, ``make``
as a dry run of the real Makefile, ``pip install`` against the declared
extras. A command of any other kind fails the test, so none goes unchecked.
"""

from __future__ import annotations

import re
import runpy
import shlex
import subprocess
from importlib.metadata import metadata
from pathlib import Path

import pytest

from api_in_one.cli import main as aio
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock
from api_in_one.mock.__main__ import parser as mock_parser

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"^```(\w+)\n(.*?)^```$", README, flags=re.MULTILINE | re.DOTALL)
PYTHON = [code for language, code in BLOCKS if language == "python"]
SHELL = [code for language, code in BLOCKS if language == "sh"]


def test_the_readme_starts_with_the_two_set_up_commands() -> None:
    assert {language for language, _ in BLOCKS} == {"python", "sh"}
    first = SHELL[0].splitlines()
    assert [line.split("#")[0].strip() for line in first] == ["make demo", "make test"]
    assert README.index(SHELL[0]) < 200


@pytest.fixture
def aio_mock_config() -> MockConfig:
    return MockConfig(time_scale=0.01, requests_per_minute=10_000, keys={DEMO_KEY: 10_000.0})


@pytest.fixture(autouse=True)
def settings(
    monkeypatch: pytest.MonkeyPatch, aio_mock: RunningMock, tmp_path: Path, redis_url: str
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("API_IN_ONE_API_KEY", DEMO_KEY)
    monkeypatch.setenv("API_IN_ONE_BASE_URL", aio_mock.base_url)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("code", [c for c in PYTHON if "def test_" not in c])
def test_python_block(code: str, aio_mock: RunningMock, tmp_path: Path) -> None:
    script = tmp_path / "block.py"
    script.write_text(code)
    runpy.run_path(str(script), run_name="__main__")
    assert not aio_mock.state.stats.statuses.keys() - {200}, aio_mock.state.stats.statuses
    if "download_results(client" in code:
        assert any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("code", [c for c in PYTHON if "def test_" in c])
def test_pytest_block(code: str, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_from_readme=code)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=code.count("\ndef test_"))


def _shell_lines() -> list[str]:
    lines = []
    for block in SHELL:
        for line in block.splitlines():
            command = line.split(" #")[0].strip()
            if command and not command.startswith("#"):
                lines.append(command)
    return lines


@pytest.mark.parametrize("line", _shell_lines())
def test_shell_line(line: str, aio_mock: RunningMock, capsys: pytest.CaptureFixture[str]) -> None:
    words = shlex.split(line)
    if words[0] == "aio":
        assert aio(words[1:]) == 0, capsys.readouterr().err
        assert aio_mock.state.stats.received > 0
    elif words[:3] == ["python", "-m", "api_in_one.mock"]:
        mock_parser().parse_args(words[3:])
    elif words[0] == "make":
        dry_run = subprocess.run(
            ["make", "-n", "-C", str(ROOT), *words[1:]], capture_output=True, text=True
        )
        assert dry_run.returncode == 0, dry_run.stderr
    elif words[:2] == ["pip", "install"]:
        extras = set(re.findall(r"\[(.*)\]", words[-1])[0].split(","))
        assert extras <= set(metadata("api-in-one").get_all("Provides-Extra") or [])
    elif words[0] == "export":
        assert all(re.fullmatch(r"API_IN_ONE_[A-Z_]+=\S+", word) for word in words[1:])
    else:
        pytest.fail(f"README command of an unknown kind, not checked: {line}")
