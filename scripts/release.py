"""``make release VERSION=x.y.z``: cut a release in one step.

    python -m scripts.release 0.3.0

1. checks the working tree as ``make changes`` would at that version: a
   breaking change since the last release needs the major bump, and
   refuses, writing nothing, while one is undeclared;
2. sets the version in pyproject.toml (and in any ``__version__ = "..."``
   line of the package, should one hold it);
3. dates the release in CHANGELOG.md: the ``## [Unreleased]`` notes move under
   ``## [x.y.z] - <today>`` and a new, empty ``## [Unreleased]`` heads the file
   (an undated ``## [x.y.z]`` heading is dated instead);
4. records release/x.y.z/, the baseline of ``make changes`` from then on.

Commit what it changed, and tag the commit ``vx.y.z`` if you publish tags.
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from packaging.version import InvalidVersion, Version

from scripts import changes

UNRELEASED = re.compile(r"^## \[Unreleased\][ \t]*\n", re.MULTILINE)


class ReleaseError(Exception):
    """The release cannot be cut as asked; nothing was written."""


def dated_changelog(text: str, version: str, today: datetime.date) -> str:
    """CHANGELOG.md with ``version`` dated today."""
    heading = f"## [{version}] - {today.isoformat()}\n"
    undated = re.compile(rf"^## \[{re.escape(version)}\][ \t]*\n", re.MULTILINE)
    if undated.search(text):
        return undated.sub(heading, text, count=1)
    unreleased = UNRELEASED.search(text)
    if not unreleased:
        raise ReleaseError(f"CHANGELOG.md has no `## [Unreleased]` notes to release as {version}")
    following = re.compile(r"^## ", re.MULTILINE).search(text, unreleased.end())
    notes = text[unreleased.end() : following.start() if following else len(text)]
    if not notes.strip():
        raise ReleaseError(f"CHANGELOG.md has no notes under `## [Unreleased]` for {version}")
    rest = text[unreleased.end() :].lstrip("\n")
    return f"{text[: unreleased.end()]}\n{heading}\n{rest}"


def version_files(root: Path, old: str) -> dict[Path, tuple[re.Pattern[str], str]]:
    """Each file that holds the version, with the pattern of its version line."""
    files: dict[Path, tuple[re.Pattern[str], str]] = {
        root / "pyproject.toml": (changes.VERSION_LINE, 'version = "{}"'),
    }
    dunder = re.compile(rf'^__version__ = "{re.escape(old)}"$', re.MULTILINE)
    for module in sorted((root / "overlays" / "api_in_one").rglob("*.py")):
        if dunder.search(module.read_text(encoding="utf-8")):
            files[module] = (dunder, '__version__ = "{}"')
    return files


def release(root: Path, version: str, today: datetime.date) -> Path:
    try:
        new = Version(version)
    except InvalidVersion as error:
        raise ReleaseError(f"VERSION: {error}") from error
    baseline = changes.baseline_folder(root).name
    if new <= Version(baseline):
        raise ReleaseError(f"{version} is not after the last release, {baseline}")
    changelog = dated_changelog((root / "CHANGELOG.md").read_text(encoding="utf-8"), version, today)
    report = changes.check(root, version=version, changelog=changelog)
    if report.undeclared:
        raise ReleaseError(f"{report.as_text()}\n\nnot released: nothing was written")
    old = changes.project_version(root)
    for path, (pattern, line) in version_files(root, old).items():
        text = path.read_text(encoding="utf-8")
        if path.name == "pyproject.toml":
            # Only the [project] table's version line.
            start = text.index("[project]\n")
            text = text[:start] + pattern.sub(line.format(version), text[start:], count=1)
        else:
            text = pattern.sub(line.format(version), text)
        path.write_text(text, encoding="utf-8")
    (root / "CHANGELOG.md").write_text(changelog, encoding="utf-8")
    return changes.record(root)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("version", help="the version to release, e.g. 0.3.0")
    parser.add_argument("--root", type=Path, default=changes.ROOT, help="the project folder")
    args = parser.parse_args(argv)
    try:
        recorded = release(args.root, args.version, datetime.date.today())
    except (ReleaseError, changes.ChangeReportError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"released {args.version}: recorded {recorded.relative_to(args.root)}; commit "
        "pyproject.toml, CHANGELOG.md and release/, and tag the commit if you publish tags"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
