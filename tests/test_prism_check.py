"""``make prism-check`` fails when the spec and the mock part ways.

The check itself is tests/contract/test_prism.py; this runs it as ``make
prism-check`` does, with Prism reading a spec the mock does not follow.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from api_in_one._spec import load_spec

ROOT = Path(__file__).resolve().parents[1]


def test_prism_reports_a_mock_that_breaks_the_spec(tmp_path: Path) -> None:
    """A spec that says credits are text makes every real task answer a violation."""
    spec = load_spec()
    task = spec["components"]["schemas"]["Task"]
    mutated = {
        **spec,
        "components": {
            **spec["components"],
            "schemas": {
                **spec["components"]["schemas"],
                "Task": {
                    **task,
                    "properties": {**task["properties"], "consumed_credits": {"type": "string"}},
                },
            },
        },
    }
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(mutated, sort_keys=False))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "0", "-q", "tests/contract/test_prism.py"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PRISM_SPEC": str(path)},
        timeout=600,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "consumed_credits" in result.stdout
    # The steps whose tasks the mock answers through the validating proxy fail.
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
    assert any("test_prism_finds_no_violation[proxy " in line for line in failed), failed
