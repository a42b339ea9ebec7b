"""The benchmarks' smoke run: ``python -m bench --quick`` runs and writes a complete results.json.

Nothing here looks at a speed: the figures of a smoke run on a busy machine
mean nothing, only their presence and shape are checked.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READERS = ("sync.stream_chat", "sync.until_done", "async.stream_chat")
SHAPES = (
    "mock",
    "openai",
    "openai-obfuscated",
    "gemini-compat",
    "changing-ids",
    "tool-calls",
    "extra-keys",
    "numbered-proxy",
    "shuffled-keys",
    "ascii-escapes",
    "shape-change",
)
IDS = {
    *(f"stream.{reader}.{shape}" for reader in READERS for shape in SHAPES),
    "stream.sync.httpx_sse",
    "stream.sync.openai",
    "overhead.sync.get_task",
    "overhead.async.get_task",
    "validate.sync.get_task",
    "validate.sync.stream_chat",
    "overhead.sync.resource_get_task",
    "batch.rate_limited",
    "batch.requests",
    "batch.lag",
    "journal.create_cost",
    "journal.memory",
    "startup.aio_help",
    "startup.aio_image_help",
    "startup.user_tests",
}


def test_quick_run_writes_every_figure_with_its_baseline_and_target(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "stream_chat" in done.stdout
    results = json.loads(output.read_text())
    assert results["schema"] == 1
    assert {"date", "python", "httpx", "openai", "httpx_sse", "cpus"} <= results.keys()
    assert results["settings"]["quick"] is True
    rounds = results["settings"]["rounds"]
    figures = {figure["id"]: figure for figure in results["benchmarks"]}
    assert figures.keys() == IDS
    per_shape = [f["value"] for f in results["benchmarks"] if f["id"].startswith("stream.")]
    per_shape = per_shape[: len(READERS) * len(SHAPES)]
    assert per_shape == sorted(per_shape), "the SDK's stream figures come worst first"
    for figure in figures.values():
        assert isinstance(figure["value"], int | float)
        assert figure["baseline"]
        target = figure["target"]
        if target is None:
            assert figure["passed"] is None
        else:
            assert target["op"] in {">=", "<=", "=="}
            assert isinstance(figure["passed"], bool)
        assert figure["samples"]
        assert all(len(values) == rounds for values in figure["samples"].values())
    assert results["timings_s"]["generate --check"] > 0
