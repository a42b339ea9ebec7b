"""The schemathesis command line agrees too, against the mock served by uvicorn on loopback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from api_in_one._spec import spec_path
from api_in_one.mock import DEMO_KEY, MockConfig, serve

ROOT = Path(__file__).resolve().parents[2]


def test_schemathesis_cli_passes_against_the_served_mock() -> None:
    config = MockConfig(keys={DEMO_KEY: 1e12}, requests_per_minute=10**9, time_scale=0.0)
    with serve(config) as mock:
        run = subprocess.run(
            [
                str(Path(sys.executable).parent / "schemathesis"),
                "run",
                str(spec_path()),
                "--url",
                mock.base_url,
                "--header",
                f"Authorization: Bearer {DEMO_KEY}",
                "--checks",
                "all",
                "--max-examples",
                "8",
                "--seed",
                "1",
                "--generation-deterministic",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert sum(mock.state.stats.requests.values()) > 50
