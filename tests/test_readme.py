"""Every code block of the documentation runs against the mock, so no page can go stale.

The pages are README.md, CONTRIBUTING.md, bench/README.md and every
docs/*.md: a new guide is picked up with no edit here. ``text``, ``json``
and ``markdown`` blocks (output, files, reports) are shown, not run. A
walkthrough whose blocks build on each other says so in its first line
(``<!-- blocks run in order by tests/... -->``, or ``compat/...`` for a page
of other libraries, run by ``make compat``) and that test runs it.

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
from typing import Any

import pytest

from api_in_one import TokenBucket
from api_in_one.cli import main as aio
from api_in_one.conformance import _runner as conformance_runner
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock
from api_in_one.mock.__main__ import parser as mock_parser

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    ROOT / "README.md",
    ROOT / "CONTRIBUTING.md",
    ROOT / "bench" / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
]
FENCED = re.compile(r"^```(\w+)\n(.*?)^```$", flags=re.MULTILINE | re.DOTALL)
SHOWN = {"text", "json", "markdown"}
"""Block kinds that show output or files and are not run."""
IN_ORDER = re.compile(r"\A<!-- blocks run in order by ((?:tests|compat)/\S+\.py) -->")
README = PAGES[0].read_text()
README_LIMIT = 10_000
"""Bytes: the README is the front page; guides and maintainer material live elsewhere."""


def _blocks(language: str) -> list[tuple[str, str]]:
    """``(page:number, code)`` of every ``language`` block of every page."""
    found = []
    for page in PAGES:
        if IN_ORDER.match(page.read_text()):
            continue
        blocks = FENCED.findall(page.read_text())
        for number, (kind, code) in enumerate(blocks, start=1):
            if kind == language:
                found.append((f"{page.relative_to(ROOT)}:{number}", code))
    return found


PYTHON = _blocks("python")
SHELL = _blocks("sh")


def _params(blocks: list[tuple[str, str]]) -> list[Any]:
    return [pytest.param(code, id=name) for name, code in blocks]


def test_the_readme_starts_with_the_two_set_up_commands() -> None:
    blocks = FENCED.findall(README)
    assert {language for language, _ in blocks} == {"python", "sh"}
    first = blocks[0][1]
    assert [line.split("#")[0].strip() for line in first.splitlines()] == ["make demo", "make test"]
    assert README.index(first) < 200


def test_the_readme_is_short_and_links_every_guide() -> None:
    assert len(README.encode()) <= README_LIMIT
    for page in PAGES[1:]:
        assert f"]({page.relative_to(ROOT)})" in README, page
    assert "](ARCHITECTURE.md)" in README


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_block_is_run_or_shown(page: Path) -> None:
    text = page.read_text()
    assert {kind for kind, _ in FENCED.findall(text)} <= {"python", "sh", *SHOWN}
    walkthrough = IN_ORDER.match(text)
    if walkthrough:
        assert (ROOT / walkthrough.group(1)).is_file(), walkthrough.group(1)


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


@pytest.mark.parametrize("code", _params([b for b in PYTHON if "def test_" not in b[1]]))
def test_python_block(code: str, aio_mock: RunningMock, tmp_path: Path) -> None:
    script = tmp_path / "block.py"
    script.write_text(code)
    runpy.run_path(str(script), run_name="__main__")
    if "except " not in code:  # only a block that shows an error handled may meet one
        assert not aio_mock.state.stats.statuses.keys() - {200}, aio_mock.state.stats.statuses
    if "download_results(client" in code:
        assert any((tmp_path / "out").iterdir())


def test_pytest_blocks(pytester: pytest.Pytester) -> None:
    # One pytest run for all of them: each run costs seconds of start-up.
    blocks = {
        "test_" + re.sub(r"\W", "_", name): code for name, code in PYTHON if "def test_" in code
    }
    assert blocks
    pytester.makepyfile(**blocks)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=sum(code.count("\ndef test_") for code in blocks.values()))


def _shell_lines() -> list[str]:
    lines = []
    for _, block in SHELL:
        for line in block.splitlines():
            command = line.split(" #")[0].strip()
            if command and not command.startswith("#"):
                lines.append(command)
    return sorted(set(lines))


@pytest.mark.parametrize("line", _shell_lines())
def test_shell_line(
    line: str,
    aio_mock: RunningMock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The documented commands pace themselves for the gateway's 60 requests a minute; this
    # mock allows far more, and a conformance run's ~70 requests need not take a minute here.
    monkeypatch.setattr(
        conformance_runner, "TokenBucket", lambda rate, burst, per: TokenBucket(10_000, 50)
    )
    run_documented_command(line, aio_mock, capsys)


def run_documented_command(
    line: str, aio_mock: RunningMock, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run (or check) one documented shell command, as its kind allows; fail on another kind."""
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
        pytest.fail(f"A documented command of an unknown kind, not checked: {line}")
