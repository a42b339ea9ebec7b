"""``make prism-check``: Stoplight Prism agrees with openapi.yaml, the client and the mock.

The check itself is scripts/prism_check.py; these tests run it as ``make``
does and prove it fails when the spec and the mock part ways.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from api_in_one._spec import load_spec

ROOT = Path(__file__).resolve().parents[1]


def prism_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "prism_check.py"), *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_prism_finds_no_violations() -> None:
    result = prism_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 violations" in result.stdout


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
    result = prism_check("--spec", str(path))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "consumed_credits" in result.stderr
    assert "violation(s)" in result.stderr
