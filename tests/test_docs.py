"""The rendered API reference (make docs) works offline in headless Chromium.

The reference (Redoc 3) gives each operation a page of its own, reached by
hash links that need no server, so each operation's page is rendered and checked.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from api_in_one._spec import load_spec

ROOT = Path(__file__).resolve().parents[1]
# The flags keep Chromium off the network, which this reference must not need.
HEADLESS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def reference() -> Path:
    built = subprocess.run(["make", "-C", str(ROOT), "docs"], capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    page = ROOT / "docs" / "index.html"
    assert '"disableTelemetry":true' in page.read_text(), "redocly.yaml must keep telemetry off"
    return page


def chromium(profile: Path, url: str, *flags: str) -> str:
    binary = shutil.which("chromium")
    assert binary is not None, "Chromium is missing: `make browser` installs it"
    return subprocess.run(
        [binary, *HEADLESS, f"--user-data-dir={profile}", *flags, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout


def headings(dom: str) -> set[str]:
    """The text of every rendered <h2>, where Redoc puts operation summaries."""
    return {
        re.sub(r"<[^>]+>", "", match).strip()
        for match in re.findall(r"<h2\b[^>]*>(.*?)</h2>", dom, flags=re.DOTALL)
    }


def test_every_operation_is_rendered(reference: Path, tmp_path: Path) -> None:
    summaries = {
        operation["operationId"]: operation["summary"]
        for item in load_spec()["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert len(summaries) == 9

    def render(operation_id: str) -> set[str]:
        url = f"{reference.as_uri()}#operation/{operation_id}"
        # The virtual time budget lets the page's scripts finish before the dump.
        dom = chromium(tmp_path / operation_id, url, "--dump-dom", "--virtual-time-budget=5000")
        return headings(dom)

    with ThreadPoolExecutor(max_workers=3) as pool:
        rendered = dict(zip(summaries, pool.map(render, summaries), strict=True))
    missing = [op for op, summary in summaries.items() if summary not in rendered[op]]
    assert not missing, f"not rendered: {missing}"


def test_a_screenshot_of_the_reference(reference: Path, tmp_path: Path) -> None:
    screenshot = tmp_path / "reference.png"
    chromium(
        tmp_path / "profile",
        reference.as_uri(),
        f"--screenshot={screenshot}",
        "--window-size=1280,1600",
        "--virtual-time-budget=5000",
    )
    image = screenshot.read_bytes()
    assert image.startswith(b"\x89PNG\r\n\x1a\n")
    # A blank page compresses to a few KB; a rendered reference is far larger.
    assert len(image) > 50_000, len(image)
