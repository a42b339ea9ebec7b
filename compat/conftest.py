"""The compatibility suite's mock: the project's own, served as a process by the project's venv.

The libraries under test live in ``.venv-compat``, the mock in ``.venv``
(``AIO_MOCK_PYTHON``): neither environment has to hold the other's
dependencies. Every library is told not to phone home before it is imported.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

# Set before any library is imported: litellm would fetch its model price list at import,
# langchain could trace to LangSmith, and the openai SDK may not retry into a slow test.
os.environ.update(
    {
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "LITELLM_TELEMETRY": "False",
        "LANGCHAIN_TRACING_V2": "false",
        "LANGSMITH_TRACING": "false",
        "HF_HUB_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "OPENAI_API_KEY": "aio_demo_key_0000000000000000",
    }
)

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "openai-compatibility.md"
"""The page of these libraries: its blocks are run (test_docs) and type-checked (test_doc_types)."""


def page_blocks() -> list[str]:
    """The page's Python blocks, in order: each builds on the ones before."""
    return re.findall(r"^```python\n(.*?)^```$", PAGE.read_text(), re.MULTILINE | re.DOTALL)


DEMO_KEY = "aio_demo_key_0000000000000000"
MODEL = "gemini"


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """The API base URL of a mock served on a free loopback port for the whole suite."""
    python = os.environ.get("AIO_MOCK_PYTHON", str(ROOT / ".venv" / "bin" / "python"))
    command = [python, "-m", "api_in_one.mock", "--port", "0", "--requests-per-minute", "100000"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as server:
        assert server.stdout is not None
        line = server.stdout.readline()  # printed once the socket listens
        try:
            assert " on http://" in line, f"the mock did not start: {line!r}"
            yield line.split(" on ", 1)[1].split(" ", 1)[0]
        finally:
            server.terminate()
            server.wait(timeout=10)
