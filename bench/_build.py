"""Wall times of the development loop: regenerating the client and, on request, ``make test``.

These are absolute times of one machine, kept to watch their trend; they
have no baseline and no target.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["ROOT", "generate_seconds", "test_seconds"]

ROOT = Path(__file__).resolve().parent.parent
"""The checkout: the folder with scripts/ and the Makefile."""


def _run(command: list[str]) -> tuple[float, str]:
    """Wall time of ``command`` and, when it fails, the end of its output ("" on success)."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    failure = "" if done.returncode == 0 else (done.stdout + done.stderr)[-3000:]
    return elapsed, failure


def generate_seconds(runs: int) -> float:
    """Median wall time of ``scripts/generate.py --check``: a full regeneration into a
    temporary folder, compared file by file with generated/."""
    times = []
    for _ in range(runs):
        elapsed, failure = _run([sys.executable, "scripts/generate.py", "--check"])
        if failure:
            raise RuntimeError(f"scripts/generate.py --check failed:\n{failure}")
        times.append(elapsed)
    return statistics.median(times)


def test_seconds() -> tuple[float, str]:
    """Wall time of one ``make test`` (installs if needed, checks generated/, lints, runs
    pytest) and, when it fails, the end of its output."""
    return _run(["make", "-C", str(ROOT), "test"])
