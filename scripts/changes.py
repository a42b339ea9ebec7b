"""``make changes``: what changed for users of the client since the last release.

    python -m scripts.changes              # text report; exit 1 on a problem
                                           # (2 when it cannot compare: no baseline, Optic failed)
    python -m scripts.changes --json       # the same report as JSON
    python -m scripts.changes --record     # record the working tree as the release of its version
    python -m scripts.changes --record --at REV   # record the release cut at git revision REV

The last release is kept under ``release/<version>/``: its ``openapi.yaml`` and
``api.json.gz``, the public Python surface of both packages (see
scripts/api_surface.py). Optic diffs the specs and scripts/spec_diff.py's
table of rules classifies each change; griffe compares the Python surfaces.

A change is breaking when code written against the release can fail after it.
Two rules, each a problem that fails the report (exit status 1):

- a breaking change needs a major version bump in pyproject.toml (in 0.y.z, a
  bump of y: semver's rule for 0.x) and a ``## [<version>]`` entry in CHANGELOG.md;
- the newest version CHANGELOG.md dates must be the one recorded in release/,
  so that a release is judged against from the day it is dated
  (``make release VERSION=x.y.z`` does both in one step).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from scripts import api_surface, node_tools, spec_diff

ROOT = Path(__file__).resolve().parent.parent
SPEC, SURFACE = "openapi.yaml", "api.json.gz"
# pyproject.toml's `version = "..."` line.
VERSION_LINE = re.compile(r'^version\s*=\s*"(?P<version>[^"]+)"', re.MULTILINE)
# `## [0.2.0] - 2026-11-27`: a version CHANGELOG.md dates as released.
DATED_HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\] - \d{4}-\d{2}-\d{2}\s*$", re.MULTILINE)


class ChangeReportError(Exception):
    """The report cannot be made: no baseline, no version, or Optic failed."""


@dataclass(frozen=True)
class Change:
    """One change a client user may notice: where, what, and whether it breaks."""

    breaking: bool
    area: str  # "spec" or "python"
    subject: str  # "METHOD /path (operationId)" for the spec, a dotted public name for Python
    detail: str

    def line(self) -> str:
        return f"  {self.area:<7}{self.subject}: {self.detail}"


@dataclass(frozen=True)
class Report:
    """The changes since the release, and whether the version and changelog declare them."""

    baseline: str
    version: str
    changes: list[Change]
    # The dated release that release/ does not record, if any.
    unrecorded: list[str]
    # Breaking changes the version and CHANGELOG.md do not declare.
    undeclared: list[str]

    @property
    def problems(self) -> list[str]:
        return [*self.unrecorded, *self.undeclared]

    @property
    def breaking(self) -> list[Change]:
        return [change for change in self.changes if change.breaking]

    @property
    def non_breaking(self) -> list[Change]:
        return [change for change in self.changes if not change.breaking]

    def as_json(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline,
            "version": self.version,
            "breaking": [asdict(change) for change in self.breaking],
            "non_breaking": [asdict(change) for change in self.non_breaking],
            "problems": self.problems,
            "ok": not self.problems,
        }

    def as_text(self) -> str:
        lines = [f"Changes since release {self.baseline} (working tree: version {self.version})"]
        for title, changes in (("Breaking", self.breaking), ("Non-breaking", self.non_breaking)):
            lines += ["", f"{title} ({len(changes)})", *(change.line() for change in changes)]
        lines.append("")
        lines += [f"FAIL: {problem}" for problem in self.problems] or ["OK"]
        return "\n".join(lines)


# --- what the project says about its versions ------------------------------------


def baseline_folder(root: Path) -> Path:
    """The one folder under release/: the last release."""
    release = root / "release"
    folders = (
        sorted(path.name for path in release.iterdir() if path.is_dir()) if release.is_dir() else []
    )
    if len(folders) != 1:
        raise ChangeReportError(
            f"{release} must hold one folder, the last release, not {folders}: "
            "make release VERSION=x.y.z records one"
        )
    return release / folders[0]


def project_version(root: Path) -> str:
    """``[project] version`` of pyproject.toml (read by pattern: tomllib is 3.11+)."""
    found = VERSION_LINE.search(_project_table(root))
    if not found:
        raise ChangeReportError("pyproject.toml has no [project] version")
    return found.group("version")


def _project_table(root: Path) -> str:
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    table = re.search(r"^\[project\]\n(.*?)(?=^\[|\Z)", text, re.MULTILINE | re.DOTALL)
    return table.group(1) if table else ""


def newest_dated_version(changelog: str) -> str | None:
    """The highest version CHANGELOG.md gives a date: the last one released."""
    versions = [match.group("version") for match in DATED_HEADING.finditer(changelog)]
    try:
        return str(max(versions, key=Version)) if versions else None
    except InvalidVersion as error:
        raise ChangeReportError(f"CHANGELOG.md: {error}") from error


def _changelog(root: Path) -> str:
    path = root / "CHANGELOG.md"
    return path.read_text(encoding="utf-8") if path.exists() else ""


# --- the rules -------------------------------------------------------------------


def _compatibility(version: Version) -> tuple[int, ...]:
    """What a breaking change must raise: the major, or in 0.y.z the minor."""
    return (version.major,) if version.major else (0, version.minor)


def unrecorded_problems(baseline: str, changelog: str) -> list[str]:
    dated = newest_dated_version(changelog)
    if dated is None or dated == baseline:
        return []
    return [
        f"CHANGELOG.md dates {dated} as released, but release/ records {baseline}: "
        f"make release VERSION={dated} records it (or, for a release cut earlier, "
        "python -m scripts.changes --record --at <its commit>)"
    ]


def undeclared_problems(baseline: str, version: str, changelog: str, breaking: int) -> list[str]:
    if not breaking:
        return []
    try:
        old, new = Version(baseline), Version(version)
    except InvalidVersion as error:
        return [str(error)]
    problems = []
    if _compatibility(new) <= _compatibility(old):
        bump = f"{old.major + 1}.0.0" if old.major else f"0.{old.minor + 1}.0"
        problems.append(
            f"{breaking} breaking change(s) since {baseline} need a major version bump: "
            f"set [project] version in pyproject.toml to {bump} (is {version})"
        )
    heading = re.compile(rf"^## \[?{re.escape(version)}\]?(\s|$)", re.MULTILINE)
    if not heading.search(changelog):
        problems.append(
            f"CHANGELOG.md needs a `## [{version}]` entry naming the breaking change(s)"
        )
    return problems


def changes_since(baseline: Path, root: Path) -> list[Change]:
    """Every change from the recorded release to the working tree under root."""
    try:
        spec = spec_diff.spec_changes(
            baseline / SPEC, root / SPEC, node_tools.command("optic", ROOT)
        )
    except spec_diff.SpecDiffError as error:
        raise ChangeReportError(str(error)) from error
    changes = [Change(change.breaking, "spec", change.subject, change.detail) for change in spec]
    old = api_surface.load((baseline / SURFACE).read_bytes())
    new = api_surface.of_sources(_source_roots(root))
    for breaking, subject, detail in api_surface.changes(old, new):
        changes.append(Change(breaking, "python", subject, detail))
    return changes


def _source_roots(root: Path) -> dict[str, Path]:
    return {package: root / folder for package, folder in api_surface.PACKAGES.items()}


def check(root: Path, *, version: str | None = None, changelog: str | None = None) -> Report:
    """The report on the working tree; version and changelog stand in for the files'."""
    baseline = baseline_folder(root)
    version = version or project_version(root)
    changelog = _changelog(root) if changelog is None else changelog
    changes = changes_since(baseline, root)
    breaking = sum(change.breaking for change in changes)
    return Report(
        baseline.name,
        version,
        changes,
        unrecorded_problems(baseline.name, changelog),
        undeclared_problems(baseline.name, version, changelog, breaking),
    )


# --- recording a release -----------------------------------------------------------


def record(root: Path, *, at: str | None = None) -> Path:
    """release/<version>/ from the working tree, or from git revision ``at``, replacing the last."""
    if at is None:
        return _record(root, root)
    with tempfile.TemporaryDirectory() as scratch:
        archive = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "archive",
                at,
                "pyproject.toml",
                SPEC,
                "overlays",
                "generated",
            ],
            capture_output=True,
            check=False,
        )
        if archive.returncode != 0:
            raise ChangeReportError(f"git archive {at}: {archive.stderr.decode().strip()}")
        subprocess.run(["tar", "-x", "-C", scratch], input=archive.stdout, check=True)
        return _record(Path(scratch), root)


def _record(source: Path, root: Path) -> Path:
    surface = api_surface.dump(_source_roots(source))
    release = root / "release"
    if release.is_dir():
        for folder in release.iterdir():
            if folder.is_dir():
                shutil.rmtree(folder)
    target = release / project_version(source)
    target.mkdir(parents=True)
    shutil.copy2(source / SPEC, target / SPEC)
    (target / SURFACE).write_bytes(surface)
    return target


def _has_baseline(root: Path) -> bool:
    release = root / "release"
    return release.is_dir() and any(path.is_dir() for path in release.iterdir())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--record", action="store_true", help="record the release of the version")
    parser.add_argument("--at", metavar="REV", help="with --record: the git revision released")
    parser.add_argument("--root", type=Path, default=ROOT, help="the project folder")
    args = parser.parse_args(argv)
    try:
        if args.record and (args.at or not _has_baseline(args.root)):
            # The first release, or one cut earlier at a known commit.
            print(f"recorded {record(args.root, at=args.at).relative_to(args.root)}")
            return 0
        report = check(args.root)
        # A release is recorded only once its breaking changes are declared.
        if args.record and not report.undeclared:
            print(f"recorded {record(args.root).relative_to(args.root)}")
            return 0
    except ChangeReportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps(report.as_json(), indent=2) if args.json else report.as_text())
    if args.record:
        print("not recorded: declare the breaking changes first", file=sys.stderr)
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
