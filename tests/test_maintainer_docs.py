"""CONTRIBUTING.md and bench/README.md name only make targets, files and commands that exist.

tests/test_readme.py runs their code blocks; this reads their prose and
tables too. Each ``make X`` must be a Makefile target (with each ``VAR=...``
a variable the Makefile reads), each path in backticks or a link must be in
the tree (or be what a Makefile rule makes), and each ``python -m M`` must
be a module that takes the options written after it.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "CONTRIBUTING.md", ROOT / "bench" / "README.md"]
MAKEFILE = (ROOT / "Makefile").read_text()
TARGETS = set(re.findall(r"^([\w./-]+)\s*:(?!=)", MAKEFILE, flags=re.MULTILINE))
EXTENSIONS = ("md", "py", "yaml", "yml", "toml", "json", "jsonl", "txt", "gz", "jinja", "html")
# A path: segments of name characters, a placeholder (<version>, x.y.z) or a glob.
PATH = re.compile(r"\.?[\w<>*.-]+(/[\w<>*.-]*)*")
PLACEHOLDER = re.compile(r"<[^>]+>|x\.y\.z")
TRACKED = subprocess.run(
    ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
).stdout.split()


def _code_spans(text: str) -> list[str]:
    """Each inline code span, and each line of the fenced blocks without its comment, once."""
    blocks = re.findall(r"^```\w*\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)
    prose = re.sub(r"^```\w*\n.*?^```$", "", text, flags=re.MULTILINE | re.DOTALL)
    lines = [line.split(" #")[0].strip() for block in blocks for line in block.splitlines()]
    return list(dict.fromkeys(re.findall(r"`([^`\n]+)`", prose) + lines))


def _make_commands(page: Path) -> list[str]:
    spans = _code_spans(page.read_text())
    found = [match for span in spans for match in re.findall(r"\bmake(?: [^\s;#|&]+)*", span)]
    return list(dict.fromkeys(found))


def _paths(page: Path) -> list[str]:
    text = page.read_text()
    links = [
        str((page.parent / link).resolve().relative_to(ROOT))
        for link in re.findall(r"\]\(([^)#]+)\)", text)
        if "://" not in link
    ]
    top_level = {path.name for path in ROOT.iterdir()}
    spans = [span for span in _code_spans(text) if PATH.fullmatch(span)]
    named = [
        span
        for span in spans
        if span.split("/")[0] in top_level or span.rsplit(".", 1)[-1] in EXTENSIONS
    ]
    return list(dict.fromkeys(links + named))


def _ids(values: list[tuple[Path, str]]) -> list[str]:
    return [f"{page.relative_to(ROOT)}: {value}" for page, value in values]


MAKES = [(page, command) for page in PAGES for command in _make_commands(page)]
PATHS = [(page, path) for page in PAGES for path in _paths(page)]
MODULES = [
    (page, match.group(0))
    for page in PAGES
    for span in _code_spans(page.read_text())
    if (match := re.search(r"python -m [\w.]+( --?[\w-]+(?: [^-\s]\S*)?)*", span))
]


def test_the_pages_name_what_is_checked_here() -> None:
    # A change of wording that hid every name from these tests would pass them all.
    assert len(MAKES) > 10
    assert len(PATHS) > 20
    assert MODULES


@pytest.mark.parametrize(("page", "command"), MAKES, ids=_ids(MAKES))
def test_each_make_command_names_a_target_and_variables_the_makefile_has(
    page: Path, command: str
) -> None:
    words = shlex.split(command)[1:]
    targets = [word for word in words if "=" not in word]
    assert set(targets) <= TARGETS, f"{page.name}: `{command}`: no such target in the Makefile"
    for word in words:
        if "=" in word:
            variable = word.split("=")[0]
            assert f"$({variable})" in MAKEFILE, f"{page.name}: `{command}`: {variable} unused"


@pytest.mark.parametrize(("page", "path"), PATHS, ids=_ids(PATHS))
def test_each_path_is_in_the_tree_or_made_by_the_makefile(page: Path, path: str) -> None:
    pattern = PLACEHOLDER.sub("*", path).rstrip("/")
    if "/" not in pattern and "*" not in pattern:
        # A bare file name: some tracked file has it.
        found = any(Path(tracked).name == pattern for tracked in TRACKED)
    else:
        found = any(ROOT.glob(pattern))
    made = pattern in TARGETS or re.search(rf"(^|[\s/]){re.escape(pattern)}\b", MAKEFILE)
    assert found or made, f"{page.name} names `{path}`: not in the tree, and no make rule makes it"


@pytest.mark.parametrize(("page", "command"), MODULES, ids=_ids(MODULES))
def test_each_python_module_command_takes_its_options(page: Path, command: str) -> None:
    module, *options = command.removeprefix("python -m ").split()
    shown = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    for option in (word for word in options if word.startswith("-")):
        assert option in shown.stdout, f"{page.name}: `{command}`: {module} has no {option}"
