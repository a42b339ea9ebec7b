"""docs/openai-compatibility.md type-checks against these libraries: mypy --strict, strict pyright.

tests/test_doc_types.py checks every other page in make test's environment;
this page imports the libraries only this one holds. Its blocks build on each
other, so they are checked as one file, and must need no ``cast`` or
``type: ignore``: a reader copies them as they are. (A library whose answer's
type also covers a stream is narrowed with ``isinstance``, as a user must.)
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import page_blocks

HELPS = re.compile(r"\bcast\(|type:\s*ignore|pyright:\s*ignore")


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page's blocks as one file, in a folder of its own with a strict pyright config."""
    folder = tmp_path_factory.mktemp("typed")
    (folder / "pyrightconfig.json").write_text(json.dumps({"typeCheckingMode": "strict"}))
    page = folder / "openai_compatibility.py"
    page.write_text("\n".join(page_blocks()))
    return page


def test_the_blocks_need_no_help() -> None:
    assert not [block for block in page_blocks() if HELPS.search(block)]


def test_mypy_strict_finds_no_error(checked: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", checked.name],
        cwd=checked.parent,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_strict_pyright_finds_no_error(checked: Path) -> None:
    pyright = Path(sys.executable).parent / "pyright"
    run = subprocess.run(
        [str(pyright), "--outputjson", "--pythonpath", sys.executable, "-p", "."],
        cwd=checked.parent,
        capture_output=True,
        text=True,
    )
    assert run.returncode in {0, 1}, run.stdout[-2000:] + run.stderr[-2000:]
    report = json.loads(run.stdout)
    errors = [found for found in report["generalDiagnostics"] if found["severity"] == "error"]
    assert report["summary"]["filesAnalyzed"] == 1
    assert not errors, errors
