"""The documented code type-checks, under ``mypy --strict`` and pyright's strict mode.

Every Python block of README.md and docs/*.md is checked as its own file (the
blocks of a walkthrough page, which build on each other, as one file) and must
get no error from either checker, with no ``cast``, ``type: ignore`` or
``isinstance`` to help. Beside them, a few snippets of the mistakes a checker
must catch must each get an error on the marked line from both. Checkers are
slow to start, so all files go through one mypy run and one pyright run.
(tests/test_readme.py and the walkthrough tests run the same blocks.)
"""

# ruff: noqa: E501 (a mistake's snippet keeps its call on the one line both checkers report)

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from once import once_per_session

ROOT = Path(__file__).resolve().parents[1]
RUN_BY_COMPAT = "<!-- blocks run in order by compat/"
"""Such a page uses other libraries, installed only in make compat's environment, which runs it
and type-checks it (compat/test_doc_types.py)."""
PAGES = [
    page
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    if not page.read_text().startswith(RUN_BY_COMPAT)
]
FENCED = re.compile(r"^```(\w+)\n(.*?)^```$", flags=re.MULTILINE | re.DOTALL)
IN_ORDER = re.compile(r"\A<!-- blocks run in order by ")
HELPS = re.compile(r"\bcast\(|type:\s*ignore|\bisinstance\(")
"""What a block must not need: the answers are typed exactly, so nothing is narrowed."""
MARK = "  # rejected"

# Each snippet marks the one line both checkers must reject.
MISTAKES = {
    "await_on_a_sync_method": """
from api_in_one import connect


async def main() -> None:
    with connect() as client:
        await client.tasks.get_task("t1")  # rejected
""",
    "async_result_used_without_await": """
from api_in_one import aconnect


async def main() -> None:
    async with aconnect() as client:
        created = client.images.create_image_generation(model="flux-2", prompt="A fox")
        print(created.task_id)  # rejected
""",
    "missing_required_field": """
from api_in_one import connect

with connect() as client:
    client.images.create_image_generation(model="flux-2")  # rejected
""",
    "field_of_the_wrong_type": """
from api_in_one import connect

with connect() as client:
    client.images.create_image_generation(model="flux-2", prompt="A fox", seed="7")  # rejected
""",
    "value_outside_an_enum": """
from api_in_one import connect

with connect() as client:
    client.tools.swap_face(image="https://a/b.png", face_image="https://a/c.png", output_format="gif")  # rejected
""",
    "misspelt_key_in_a_message_dict": """
from api_in_one import connect

with connect() as client:
    client.chat.create_chat_completion(model="gemini", messages=[{"role": "user", "contnet": "Hi"}])  # rejected
""",
    "misspelt_key_in_a_streamed_message": """
from api_in_one import connect

with connect() as client:
    with client.chat.stream(model="gemini", messages=[{"rol": "user", "content": "Hi"}]) as stream:  # rejected
        print(stream.result.text)
""",
    "role_outside_its_enum": """
from api_in_one import connect

with connect() as client:
    client.chat.create_chat_completion(model="gemini", messages=[{"role": "bot", "content": "Hi"}])  # rejected
""",
    "unknown_keyword": """
from api_in_one import connect

with connect() as client:
    client.images.create_image_generation(model="flux-2", prompt="A fox", colour="red")  # rejected
""",
}


def _documented() -> dict[str, str]:
    """File name to code: one per block, or one per walkthrough page."""
    found: dict[str, str] = {}
    for page in PAGES:
        text = page.read_text()
        blocks = [code for kind, code in FENCED.findall(text) if kind == "python"]
        stem = re.sub(r"\W", "_", page.stem.lower())
        if IN_ORDER.match(text):
            found[f"doc_{stem}.py"] = "\n".join(blocks)
        else:
            found.update({f"doc_{stem}_{n}.py": code for n, code in enumerate(blocks, 1)})
    return found


DOCUMENTED = _documented()


def _marked_line(code: str) -> int:
    [line] = [n for n, text in enumerate(code.splitlines(), 1) if text.endswith(MARK)]
    return line


def _mypy(folder: Path, files: list[Path]) -> dict[str, set[int]]:
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode in {0, 1}, run.stderr
    lines: dict[str, set[int]] = {}
    for match in re.finditer(r"^(.+?\.py):(\d+): error: (.*)$", run.stdout, flags=re.MULTILINE):
        lines.setdefault(Path(match[1]).name, set()).add(int(match[2]))
        print("mypy:", match[0])
    return lines


def _pyright(folder: Path) -> dict[str, set[int]]:
    (folder / "pyrightconfig.json").write_text(
        json.dumps({"typeCheckingMode": "strict", "pythonVersion": "3.10"})
    )
    pyright = Path(sys.executable).parent / "pyright"
    run = subprocess.run(
        [str(pyright), "--outputjson", "--pythonpath", sys.executable, "-p", str(folder)],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert run.returncode in {0, 1}, run.stdout[-2000:] + run.stderr[-2000:]
    lines: dict[str, set[int]] = {}
    for found in json.loads(run.stdout)["generalDiagnostics"]:
        if found["severity"] == "error":
            lines.setdefault(Path(found["file"]).name, set()).add(
                found["range"]["start"]["line"] + 1
            )
            print(
                "pyright:",
                Path(found["file"]).name,
                found["range"]["start"]["line"] + 1,
                found["message"],
            )
    return lines


@pytest.fixture(scope="module")
def errors(
    tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> dict[str, dict[str, set[int]]]:
    """Per checker, per file, the lines with an error: from one run of each per session."""

    def check() -> dict[str, dict[str, list[int]]]:
        folder = tmp_path_factory.mktemp("typed")
        files = []
        for name, code in {**DOCUMENTED, **{f"{k}.py": v for k, v in MISTAKES.items()}}.items():
            files.append(folder / name)
            files[-1].write_text(code.lstrip())
        found = {"mypy": _mypy(folder, files), "pyright": _pyright(folder)}
        return {
            checker: {n: sorted(lines) for n, lines in by_file.items()}
            for checker, by_file in found.items()
        }

    saved = once_per_session(tmp_path_factory, worker_id, "doc-type-errors", check)
    return {
        checker: {name: set(lines) for name, lines in by_file.items()}
        for checker, by_file in saved.items()
    }


def test_every_documented_block_is_checked_without_help() -> None:
    assert len(DOCUMENTED) >= len(PAGES)
    helped = [name for name, code in DOCUMENTED.items() if HELPS.search(code)]
    assert not helped


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_the_documented_code_has_no_type_error(
    checker: str, errors: dict[str, dict[str, set[int]]]
) -> None:
    failing = {name: lines for name, lines in errors[checker].items() if name in DOCUMENTED}
    assert not failing


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_a_checker_rejects_the_mistake(
    mistake: str, checker: str, errors: dict[str, dict[str, set[int]]]
) -> None:
    assert errors[checker].get(f"{mistake}.py") == {_marked_line(MISTAKES[mistake].lstrip())}
