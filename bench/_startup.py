"""What daily use waits for: an ``aio`` start, and a user's own tests against the plugin.

1. Start-up: wall time of ``aio --help`` and of ``aio image --help`` (each a
   fresh interpreter, the spec's parse cache warm as after the first run) ÷
   wall time of ``python -c "import httpx"``, the least an HTTP tool in
   Python starts in, interleaved round by round. Goal: at most 1.5.
2. A user's test suite: a project in a temporary folder outside the
   checkout holding the README's pytest example 20 times, run with pytest
   in a fresh interpreter. The figure is its test time (the sum of the
   tests' setup, call and teardown from pytest's JUnit report: what
   fixtures and tests cost, not pytest's own start); the per-test cost
   is printed beside it. Goal: at most 2 s. A failing test fails the run,
   so tests/test_bench.py's smoke run proves the example passes as written.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from ._build import ROOT
from ._report import Figure, Target

__all__ = ["USER_TESTS", "run", "write_user_project"]

USER_TESTS = 20
_AIO = [sys.executable, "-m", "api_in_one.cli"]
_COMMANDS = {"aio --help": [*_AIO, "--help"], "aio image --help": [*_AIO, "image", "--help"]}
_BASELINE = [sys.executable, "-c", "import httpx"]


def _wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def _start_up(rounds: int) -> list[Figure]:
    for command in [_BASELINE, *_COMMANDS.values()]:
        _wall(command)  # warm: the spec's cache, the file system's
    figures = []
    for name, command in _COMMANDS.items():
        baseline, candidate = [], []
        for _ in range(rounds):
            baseline.append(_wall(_BASELINE))
            candidate.append(_wall(command))
        ratios = [c / b for b, c in zip(baseline, candidate, strict=True)]
        figures.append(
            Figure(
                id=f"startup.{name.replace(' ', '_').replace('--', '')}",
                group="startup",
                name=f"`{name}` wall time (lower is better)",
                baseline='`python -c "import httpx"`',
                value=statistics.median(ratios),
                unit="x",
                target=Target("<=", 1.5),
                medians={
                    "baseline_s": statistics.median(baseline),
                    "candidate_s": statistics.median(candidate),
                },
                samples={"baseline_s": baseline, "candidate_s": candidate},
                note="candidate time ÷ baseline time, median of the rounds' ratios",
            )
        )
    return figures


def write_user_project(folder: Path, copies: int = USER_TESTS) -> Path:
    """A project using api-in-one's pytest plugin: the README's example ``copies`` times."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Test your code against the mock", 1)[1]
    example = re.search(r"```python\n(.*?)```", section, re.S)
    assert example is not None, "README.md lost its pytest example"
    head, test = example[1].split("def test_", 1)
    tests = "".join(f"def test_{n}_{test}" for n in range(copies))
    path = folder / "test_readme_example.py"
    path.write_text(head + tests, encoding="utf-8")
    return path


def run_user_project(
    folder: Path,
    *,
    python: str = sys.executable,
    env: dict[str, str] | None = None,
    only_our_plugin: bool = True,
) -> tuple[int, float]:
    """Run the project's tests with ``python``; (tests passed, seconds of test time).

    ``only_our_plugin`` loads api-in-one's plugin alone, not every installed one (this
    checkout's environment has hypothesis, schemathesis and more, seconds to load);
    ``False`` loads plugins as pytest does, through their entry points.
    """
    report = folder / "junit.xml"
    command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"]
    environment = dict(os.environ if env is None else env)
    if only_our_plugin:
        environment["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        command += ["-p", "api_in_one.testing"]
    done = subprocess.run(
        command,
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the user project's tests failed:\n{done.stdout[-3000:]}")
    cases = ElementTree.parse(report).getroot().iter("testcase")
    times = [float(case.get("time", "0")) for case in cases]
    return len(times), sum(times)


def _user_tests(rounds: int) -> Figure:
    seconds = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="aio-user-project-") as folder:
            write_user_project(Path(folder))
            passed, test_time = run_user_project(Path(folder))
            assert passed == USER_TESTS
            seconds.append(test_time)
    total = statistics.median(seconds)
    print(
        f"user project: {USER_TESTS} tests in {total:.2f} s, {total / USER_TESTS * 1e3:.0f} ms each"
    )
    return Figure(
        id="startup.user_tests",
        group="startup",
        name=f"the README's pytest example x {USER_TESTS}, test time",
        baseline="-",
        value=round(total, 3),
        unit="s",
        target=Target("<=", 2.0),
        medians={"test_s": total, "ms_per_test": total / USER_TESTS * 1e3},
        samples={"test_s": seconds},
        note="setup + call + teardown of every test (pytest's JUnit report)",
    )


def run(rounds: int) -> list[Figure]:
    """The start-up figures and the user project's test time."""
    return [*_start_up(rounds), _user_tests(rounds)]
