"""The rendered API reference (make docs) works offline in headless Chromium.

The reference (Redoc 3) gives each operation a page of its own, reached by
hash links that need no server. One Chromium, driven over the DevTools
protocol, loads the reference once, follows each operation's link and waits
for its summary to be rendered, then takes a screenshot.
"""

from __future__ import annotations

import base64
import itertools
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from once import once_per_session
from websockets.sync.client import ClientConnection, connect

from api_in_one._operations import OperationFacts, operations

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
# Resolves once an <h2> says `want`, or with false after the page had 10 s to render it.
HEADING_RENDERED = """(want) => new Promise((resolve) => {
  const found = () =>
    [...document.querySelectorAll("h2")].some((h) => h.textContent.trim() === want);
  if (found()) return resolve(true);
  const watch = new MutationObserver(() => { if (found()) { watch.disconnect(); resolve(true); } });
  watch.observe(document, { childList: true, subtree: true, characterData: true });
  setTimeout(() => { watch.disconnect(); resolve(found()); }, 10000);
})"""


class Tab:
    """The one page of a headless Chromium, driven over the DevTools protocol."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.ids = itertools.count(1)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command and return its result, skipping the events in between."""
        request_id = next(self.ids)
        self.socket.send(json.dumps({"id": request_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=60))
            if message.get("id") == request_id:
                assert "error" not in message, message
                result: dict[str, Any] = message["result"]
                return result

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression, awaited if it is a promise."""
        result = self.call(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        return result["result"].get("value")


def _make_docs() -> list[object]:
    built = subprocess.run(["make", "-C", str(ROOT), "docs"], capture_output=True, text=True)
    return [built.returncode, built.stdout + built.stderr]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    # One build for the session: workers building the same file at once would race.
    code, output = once_per_session(tmp_path_factory, worker_id, "make-docs", _make_docs)
    assert code == 0, output
    page = ROOT / "reference" / "index.html"
    assert '"disableTelemetry":true' in page.read_text(), "redocly.yaml must keep telemetry off"
    return page


@pytest.fixture(scope="module")
def tab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tab]:
    binary = shutil.which("chromium")
    assert binary is not None, "Chromium is missing: `make system-packages` installs it"
    profile = tmp_path_factory.mktemp("chromium")
    browser = subprocess.Popen(
        [binary, *HEADLESS, f"--user-data-dir={profile}", "--remote-debugging-port=0"],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert browser.stderr is not None
        # Chromium announces its DevTools address on stderr once it listens.
        announced = next(
            line for line in browser.stderr if line.startswith("DevTools listening on ")
        )
        host = announced.split()[-1].split("/")[2]
        [page] = [t for t in httpx.get(f"http://{host}/json/list").json() if t["type"] == "page"]
        with connect(page["webSocketDebuggerUrl"], max_size=None) as socket:
            yield Tab(socket)
    finally:
        browser.terminate()
        browser.wait(timeout=30)


@pytest.mark.parametrize("facts", operations(), ids=lambda facts: facts.operation_id)
def test_every_operation_is_rendered(reference: Path, tab: Tab, facts: OperationFacts) -> None:
    tab.call("Page.navigate", url=f"{reference.as_uri()}#operation/{facts.operation_id}")
    rendered = tab.evaluate(f"({HEADING_RENDERED})({json.dumps(facts.summary)})")
    assert rendered, f"{facts.operation_id} is not rendered"


def test_a_screenshot_of_the_reference(reference: Path, tab: Tab, tmp_path: Path) -> None:
    tab.call(
        "Emulation.setDeviceMetricsOverride",
        width=1280,
        height=1600,
        deviceScaleFactor=1,
        mobile=False,
    )
    tab.call("Page.navigate", url=reference.as_uri())
    assert tab.evaluate(f"({HEADING_RENDERED})('Requests')"), "the introduction never rendered"
    image = base64.b64decode(tab.call("Page.captureScreenshot", format="png")["data"])
    (tmp_path / "reference.png").write_bytes(image)
    assert image.startswith(b"\x89PNG\r\n\x1a\n")
    # A blank page compresses to a few KB; a rendered reference is far larger.
    assert len(image) > 50_000, len(image)
