"""docs/openai-compatibility.md: its blocks, run in order against the mock with these libraries."""

from __future__ import annotations

import pytest
from conftest import DEMO_KEY, PAGE, page_blocks


def test_the_page_runs(base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_IN_ONE_BASE_URL", base_url)
    monkeypatch.setenv("API_IN_ONE_API_KEY", DEMO_KEY)
    blocks = page_blocks()
    assert len(blocks) == 5
    namespace: dict[str, object] = {"__name__": "openai_compatibility"}
    for block in blocks:
        exec(compile(block, str(PAGE), "exec"), namespace)
