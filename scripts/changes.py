"""``make changes``: what changed for users of the client since the last release.

    python scripts/changes.py            # text report; exit 1 on an undeclared breaking change
                                         # (2 when it cannot compare: no baseline, Optic failed)
    python scripts/changes.py --json     # the same report as JSON
    python scripts/changes.py --record   # cut a release: the working tree becomes the baseline
                                         # (refused while a breaking change is undeclared)

The last release is kept in the repository, under ``release/<version>/``: its
``openapi.yaml`` and the sources of its Python packages (``python/api_in_one``
and ``python/api_in_one_client``), so that a fresh clone without tags can run
the check. Two maintained tools do the comparing:

- the spec: Optic (``@useoptic/optic`` from npm, run through ``npx``) diffs the
  two specs operation by operation, with references resolved; this module only
  decides which of the changes it lists break a client;
- the Python surface: griffe reads both source trees and finds the breaking
  changes (removed names and parameters, new required parameters, changed
  defaults); this module adds the additions, which griffe does not list.

A change is breaking when code written against the release can fail after it.
The rule: a breaking change needs a major version bump in pyproject.toml (in
0.y.z, a bump of y: semver's rule for 0.x) and a ``## [<version>]`` entry in
CHANGELOG.md. Only a breach of that rule fails the report (exit status 1).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import griffe
import yaml
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
# Each public package and the folder of the working tree that holds it.
PACKAGES = {"api_in_one": "overlays", "api_in_one_client": "generated"}
# 0.55.1, the newest release that runs here: 1.0.x fails at start-up while
# compiling its own rule schemas. Telemetry off: the check runs offline.
OPTIC = ("npx", "--yes", "@useoptic/optic@0.55.1")
_DOC_KEYWORDS = frozenset({"description", "summary", "title", "example", "examples", "$comment"})
_UPPER_BOUNDS = ("maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum")
_LOWER_BOUNDS = ("minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum")
_EXACT_KEYWORDS = ("pattern", "format", "const", "multipleOf")


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


# --- the spec ------------------------------------------------------------------


def spec_changes(old: Path, new: Path) -> list[Change]:
    """Optic's operation-by-operation diff of two specs, classified for a client."""
    old_spec, new_spec = _load_yaml(old), _load_yaml(new)
    if old_spec == new_spec:
        return []
    command = [*OPTIC, "diff", str(old.resolve()), str(new.resolve()), "--json"]
    with tempfile.TemporaryDirectory() as scratch:
        # Optic looks for its config and a git repository in its working folder.
        try:
            result = subprocess.run(
                command,
                capture_output=True,
                text=True,
                cwd=scratch,
                env={**os.environ, "OPTIC_TELEMETRY_LEVEL": "off"},
                check=False,
            )
        except FileNotFoundError as error:
            raise ChangeReportError(f"{OPTIC[0]} not found: install Node.js and npm") from error
    if result.returncode != 0:
        output = (result.stderr + result.stdout).strip() or "no output"
        raise ChangeReportError(f"{' '.join(command)} failed ({result.returncode}): {output}")
    operation_ids = {**_operation_ids(new_spec), **_operation_ids(old_spec)}
    changes: list[Change] = []
    for operation in json.loads(result.stdout)["operations"]:
        name = operation["name"]
        subject = f"{name} ({operation_ids[name]})" if name in operation_ids else name
        changes.extend(_operation_changes(subject, operation))
    return changes


def _load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _operation_ids(spec: Mapping[str, Any]) -> dict[str, str]:
    """Optic names an operation "METHOD /path"; the report adds its operationId."""
    ids: dict[str, str] = {}
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                ids[f"{method.upper()} {path}"] = operation["operationId"]
    return ids


def _operation_changes(subject: str, operation: Mapping[str, Any]) -> Iterator[Change]:
    if operation["change"] in ("added", "removed"):
        yield Change(
            operation["change"] == "removed", "spec", subject, f"operation {operation['change']}"
        )
        return
    yield from _operation_attribute_changes(subject, operation.get("attributes", []))
    for parameter in operation.get("parameters", []):
        yield from _part_changes(subject, parameter["name"], parameter, request=True)
    body = operation.get("requestBody")
    if body:
        yield from _part_changes(subject, "request body", body, request=True)
        for content in body.get("contentTypes", []):
            yield from _part_changes(subject, f"request {content['name']}", content, request=True)
    for response in operation.get("responses", []):
        yield from _part_changes(subject, response["name"], response, request=False)
        for content in response.get("contentTypes", []):
            where = f"{response['name']} {content['name']}"
            yield from _part_changes(subject, where, content, request=False)
        for header in response.get("headers", []):
            where = f"{response['name']} {header['name']}"
            yield from _part_changes(subject, where, header, request=False)


def _operation_attribute_changes(
    subject: str, attributes: Sequence[Mapping[str, Any]]
) -> Iterator[Change]:
    """The operation's own keys: its operationId and first tag name the generated function."""
    rest = []
    for attribute in attributes:
        key, before, after = attribute["key"], attribute.get("before"), attribute.get("after")
        if key == "/operationId":
            detail = (
                f"operationId changed from {before} to {after}: the generated module is renamed"
            )
            yield Change(True, "spec", subject, detail)
        elif key.startswith("/tags/"):
            # The generated client files an operation under api/<its first tag>/.
            tag = before if attribute["change"] == "removed" else after
            removed = attribute["change"] == "removed"
            detail = (
                f"tag {tag!r} removed: the generated module may move"
                if removed
                else f"tag {tag!r} added"
            )
            yield Change(removed, "spec", subject, detail)
        else:
            rest.append(attribute)
    yield from _part_changes(subject, "operation", {"attributes": rest}, request=True)


def _part_changes(
    subject: str, part: str, diff: Mapping[str, Any], *, request: bool
) -> Iterator[Change]:
    """The changes of one parameter, body, response or header: its attributes."""
    for attribute in diff.get("attributes", []):
        segments = [segment for segment in attribute["key"].split("/") if segment]
        if _is_documentation(segments):
            continue
        before, after = attribute.get("before"), attribute.get("after")
        change = attribute["change"]
        if change in ("added", "removed") and not segments:
            yield _whole_part_change(subject, part, change, after, request=request)
            continue
        if not segments and (isinstance(before, dict) or isinstance(after, dict)):
            # The media type or parameter itself: its schema is the node reported on.
            before = before.get("schema") if isinstance(before, dict) else None
            after = after.get("schema") if isinstance(after, dict) else None
            segments = ["schema"]
        if (
            segments
            and segments[-1] not in ("schema", "properties", "items")
            and not (isinstance(before, dict) or isinstance(after, dict))
        ):
            # A single keyword, e.g. "/schema/maxLength": compare it as a one-keyword schema.
            keyword = segments.pop()
            before = None if before is None else {keyword: before}
            after = None if after is None else {keyword: after}
        field = _field_path(segments)
        where = f"{part} field `{field}`" if field else part
        if change == "added" and "properties" in segments:
            required = isinstance(after, dict) and after.get("required") is True
            kind = ("required " if required else "optional ") if request else ""
            yield Change(request and required, "spec", subject, f"{where}: new {kind}field")
        elif change == "removed" and "properties" in segments:
            yield Change(True, "spec", subject, f"{where}: removed")
        else:
            for breaking, detail in _keyword_changes(before or {}, after or {}, request=request):
                yield Change(breaking, "spec", subject, f"{where}: {detail}")


def _is_documentation(segments: Sequence[str]) -> bool:
    """Descriptions and x- extensions: not part of what a client sends or reads.

    A segment right after ``properties`` is a field name, whatever it is called.
    """
    return any(
        (segment in _DOC_KEYWORDS or segment.startswith("x-"))
        and (index == 0 or segments[index - 1] != "properties")
        for index, segment in enumerate(segments)
    )


def _whole_part_change(
    subject: str, part: str, change: str, after: Any, *, request: bool
) -> Change:
    if change == "removed":
        return Change(True, "spec", subject, f"{part} removed")
    required = isinstance(after, dict) and after.get("required") is True
    if request and required:
        return Change(True, "spec", subject, f"new required {part}")
    return Change(False, "spec", subject, f"new {'optional ' if request else ''}{part}")


def _field_path(segments: Sequence[str]) -> str:
    """``schema/properties/data/items/properties/url`` -> ``data[].url``."""
    path = ""
    rest = list(segments[1:] if segments and segments[0] == "schema" else segments)
    while rest:
        segment = rest.pop(0)
        if segment == "properties" and rest:
            path += ("." if path else "") + rest.pop(0)
        elif segment == "items":
            path += "[]"
        elif segment in ("oneOf", "anyOf", "allOf") and rest:
            path += f"<{segment} {rest.pop(0)}>"
        else:
            path += ("." if path else "") + segment
    return path


def _keyword_changes(
    before: Mapping[str, Any], after: Mapping[str, Any], *, request: bool, at: str = ""
) -> Iterator[tuple[bool, str]]:
    """Compare the schema keywords Optic reports as changed, one by one.

    A request that was valid must stay valid (so narrowing breaks); a response
    the client could parse must stay parseable (so widening its type or enum
    breaks: the generated parsers check both).
    """
    for keyword in sorted(set(before) | set(after)):
        if keyword in _DOC_KEYWORDS or keyword.startswith("x-"):
            continue
        if keyword in ("properties", "required") and set(at.split(".")) <= {"", "items"}:
            # Optic lists each property of the node it reports on, and of its
            # items, by itself with its "required" flag; beneath oneOf, then or
            # else it does not.
            continue
        old, new = before.get(keyword), after.get(keyword)
        if old == new:
            continue
        name = f"{at}{keyword}"
        if keyword == "if":
            # A condition: which values meet it says nothing alone; its then/else do.
            yield True, f"{name} changed: the condition of then/else (unclassified; review)"
        elif keyword == "additionalProperties":
            yield from _additional_properties_changes(name, old, new, request=request)
        elif keyword in ("items", "not") or isinstance(old, dict) or isinstance(new, dict):
            yield from _keyword_changes(
                old if isinstance(old, dict) else {},
                new if isinstance(new, dict) else {},
                request=request,
                at=f"{name}.",
            )
        elif (
            keyword in ("oneOf", "anyOf", "allOf")
            and isinstance(old, list)
            and isinstance(new, list)
        ):
            yield from _alternatives_changes(name, old, new, request=request)
        elif keyword in _UPPER_BOUNDS or keyword in _LOWER_BOUNDS:
            yield _bound_change(name, keyword, old, new, request=request)
        elif keyword == "enum":
            yield from _enum_changes(name, old, new, request=request)
        elif keyword == "type":
            yield _type_change(name, old, new, request=request)
        elif keyword == "required" and (isinstance(old, list) or isinstance(new, list)):
            yield from _required_list_changes(old or [], new or [], request=request)
        elif keyword == "required":
            newly = bool(new) and not bool(old)
            yield (newly if request else not newly), "now required" if newly else "now optional"
        elif keyword == "default":
            yield _default_change(name, old, new, request=request)
        elif keyword in _EXACT_KEYWORDS:
            text = (
                f"{name} added: {new!r}"
                if old is None
                else f"{name} removed (was {old!r})"
                if new is None
                else f"{name} changed from {old!r} to {new!r}"
            )
            # A new or changed pattern or format rejects values the old one took;
            # the client parses formats it receives (dates, for one).
            yield (new is not None if request else keyword == "format"), text
        elif keyword == "deprecated":
            yield False, "deprecated" if new else "no longer deprecated"
        else:
            # Unknown to this classifier: flagged, so a person decides.
            yield True, f"{name} changed: {old!r} -> {new!r} (unclassified; review)"


def _additional_properties_changes(
    name: str, old: Any, new: Any, *, request: bool
) -> Iterator[tuple[bool, str]]:
    # Left out, additionalProperties is true: any other property is allowed.
    old_open, new_open = old in (None, True), new in (None, True)
    if old_open and new_open:
        return
    if old_open == new_open:
        yield True, f"{name} changed: {old!r} -> {new!r} (unclassified; review)"
    elif new_open:
        yield not request, f"{name}: other properties now allowed (widened)"
    else:
        yield request, f"{name}: other properties now restricted (narrowed)"


def _required_list_changes(
    old: list[str], new: list[str], *, request: bool
) -> Iterator[tuple[bool, str]]:
    for name in new:
        if name not in old:
            yield request, f"`{name}` now required"
    for name in old:
        if name not in new:
            yield not request, f"`{name}` now optional"


def _alternatives_changes(
    name: str, old: list[Any], new: list[Any], *, request: bool
) -> Iterator[tuple[bool, str]]:
    for index in range(max(len(old), len(new))):
        if index >= len(new):
            yield request, f"{name}[{index}] removed"
        elif index >= len(old):
            yield not request, f"{name}[{index}] added"
        else:
            yield from _keyword_changes(
                old[index], new[index], request=request, at=f"{name}[{index}]."
            )


def _bound_change(
    name: str, keyword: str, old: Any, new: Any, *, request: bool
) -> tuple[bool, str]:
    upper = keyword in _UPPER_BOUNDS
    if old is None:
        narrowed, text = True, f"{name} added: {new!r}"
    elif new is None:
        narrowed, text = False, f"{name} removed (was {old!r})"
    else:
        narrowed = new < old if upper else new > old
        verb = (
            ("lowered" if new < old else "raised")
            if upper
            else ("raised" if new > old else "lowered")
        )
        text = f"{name} {verb} from {old!r} to {new!r}"
    # The client checks no bounds on what it receives.
    return (request and narrowed), f"{text} ({'narrowed' if narrowed else 'widened'})"


def _enum_changes(name: str, old: Any, new: Any, *, request: bool) -> Iterator[tuple[bool, str]]:
    if old is None:
        yield request, f"{name} added: {new!r}"
        return
    if new is None:
        yield not request, f"{name} removed: any value now"
        return
    removed = [value for value in old if value not in new]
    added = [value for value in new if value not in old]
    if removed:
        yield request, f"{name} {_values(removed)} removed: {', '.join(map(str, removed))}"
    if added:
        # A response value the release does not know fails its parser.
        yield not request, f"{name} {_values(added)} added: {', '.join(map(str, added))}"


def _values(values: Sequence[Any]) -> str:
    return "values" if len(values) > 1 else "value"


def _types(value: Any) -> set[str]:
    types = set(value) if isinstance(value, list) else {value} if value else set()
    # An integer is a number: "number" widens "integer".
    return types | {"integer"} if "number" in types else types


def _type_change(name: str, old: Any, new: Any, *, request: bool) -> tuple[bool, str]:
    old_types, new_types = _types(old), _types(new)
    # No type at all accepts anything.
    narrowed = bool(old_types - new_types) or (not old_types and bool(new_types))
    widened = bool(new_types - old_types) or (bool(old_types) and not new_types)
    breaking = narrowed if request else widened
    how = (
        "narrowed"
        if narrowed and not widened
        else "widened"
        if widened and not narrowed
        else "changed"
    )
    return breaking, f"{name} {how}: {old!r} -> {new!r}"


def _default_change(name: str, old: Any, new: Any, *, request: bool) -> tuple[bool, str]:
    if old is None:
        return False, f"{name} added: {new!r}"
    # A request that leaves the field out now asks for something else.
    return request, f"{name} changed from {old!r} to {new!r}"


# --- the Python surface ----------------------------------------------------------


def python_changes(old_roots: Mapping[str, Path], new_roots: Mapping[str, Path]) -> list[Change]:
    """griffe's breaking changes between two source trees, plus the public names added."""
    logging.getLogger("griffe").setLevel(logging.ERROR)
    changes: list[Change] = []
    for package in PACKAGES:
        old = _load_package(package, old_roots[package])
        new = _load_package(package, new_roots[package])
        old_public, new_public = _public_objects(old), _public_objects(new)
        public_names = {_target_path(obj): path for path, obj in new_public.items()}
        public_names.update({_target_path(obj): path for path, obj in old_public.items()})
        for breakage in griffe.find_breaking_changes(old, new):
            subject = public_names.get(breakage.obj.path, breakage.obj.path)
            changes.append(Change(True, "python", subject, _explain(breakage)))
        for path, obj in new_public.items():
            if path not in old_public and path.rpartition(".")[0] in {package, *old_public}:
                changes.append(Change(False, "python", path, f"new public {_kind(obj)}"))
            elif path in old_public:
                changes.extend(_new_optional_parameters(path, old_public[path], obj))
    return changes


def _load_package(package: str, root: Path) -> griffe.Object:
    loader = griffe.GriffeLoader(search_paths=[root])
    module = loader.load(package)
    loader.resolve_aliases(implicit=False, external=None)
    assert isinstance(module, griffe.Object)
    return module


def _public_objects(package: griffe.Object) -> dict[str, griffe.Object | griffe.Alias]:
    """Every public name by its public path, through modules and classes."""
    found: dict[str, griffe.Object | griffe.Alias] = {}
    seen: set[str] = set()

    def walk(obj: griffe.Object | griffe.Alias, prefix: str) -> None:
        for name, member in obj.all_members.items():
            if not member.is_public:
                continue
            path = f"{prefix}.{name}"
            found[path] = member
            try:
                target = member.final_target if isinstance(member, griffe.Alias) else member
            except griffe.AliasResolutionError:
                continue
            if isinstance(member, griffe.Alias) and target.is_module:
                continue
            if (target.is_module or target.is_class) and target.path not in seen:
                seen.add(target.path)
                walk(target, path)

    walk(package, package.path)
    return found


def _target_path(obj: griffe.Object | griffe.Alias) -> str:
    try:
        return obj.final_target.path if isinstance(obj, griffe.Alias) else obj.path
    except griffe.AliasResolutionError:
        return obj.path


def _kind(obj: griffe.Object | griffe.Alias) -> str:
    try:
        return str(obj.kind.value)
    except griffe.AliasResolutionError:
        return "name"


def _explain(breakage: griffe.Breakage) -> str:
    kind = str(breakage.kind.value)
    kind = kind[0].lower() + kind[1:]
    old, new = breakage.old_value, breakage.new_value
    if isinstance(old, griffe.Parameter) or isinstance(new, griffe.Parameter):
        parameter = old if isinstance(old, griffe.Parameter) else new
        detail = f"`{parameter.name}`: {kind}"
        if breakage.kind is griffe.BreakageKind.PARAMETER_CHANGED_DEFAULT:
            detail += f" from {old.default} to {new.default}"
        return detail
    return kind


def _new_optional_parameters(
    path: str, old: griffe.Object | griffe.Alias, new: griffe.Object | griffe.Alias
) -> Iterator[Change]:
    try:
        old_function = old.final_target if isinstance(old, griffe.Alias) else old
        new_function = new.final_target if isinstance(new, griffe.Alias) else new
    except griffe.AliasResolutionError:
        return
    if not (
        isinstance(old_function, griffe.Function) and isinstance(new_function, griffe.Function)
    ):
        return
    old_names = {parameter.name for parameter in old_function.parameters}
    new_parameters = list(new_function.parameters)
    for parameter in new_parameters:
        if parameter.name not in old_names and not parameter.required:
            yield Change(False, "python", path, f"`{parameter.name}`: new optional parameter")


# --- the release rule ------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """The changes since the release, and whether the version and changelog declare them."""

    baseline: str
    version: str
    changes: list[Change]
    problems: list[str]

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


def baseline_folder(root: Path) -> Path:
    """The one folder under release/: the last release."""
    release = root / "release"
    folders = (
        sorted(path.name for path in release.iterdir() if path.is_dir()) if release.is_dir() else []
    )
    if len(folders) != 1:
        raise ChangeReportError(
            f"{release} must hold one folder, the last release, not {folders}: "
            "make release-baseline records one"
        )
    return release / folders[0]


def _has_baseline(root: Path) -> bool:
    release = root / "release"
    return release.is_dir() and any(path.is_dir() for path in release.iterdir())


def project_version(root: Path) -> str:
    """``[project] version`` of pyproject.toml (read by pattern: tomllib is 3.11+)."""
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    project = re.search(r"^\[project\]\n(.*?)(?=^\[|\Z)", text, re.MULTILINE | re.DOTALL)
    found = project and re.search(r'^version\s*=\s*"([^"]+)"', project.group(1), re.MULTILINE)
    if not found:
        raise ChangeReportError("pyproject.toml has no [project] version")
    return found.group(1)


def _compatibility(version: Version) -> tuple[int, ...]:
    """What a breaking change must raise: the major, or in 0.y.z the minor."""
    return (version.major,) if version.major else (0, version.minor)


def release_problems(root: Path, baseline: str, version: str, breaking: int) -> list[str]:
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
    changelog = root / "CHANGELOG.md"
    heading = re.compile(rf"^## \[?{re.escape(version)}\]?(\s|$)", re.MULTILINE)
    if not changelog.exists() or not heading.search(changelog.read_text(encoding="utf-8")):
        problems.append(
            f"CHANGELOG.md needs a `## [{version}]` entry naming the breaking change(s)"
        )
    return problems


def check(root: Path) -> Report:
    baseline = baseline_folder(root)
    version = project_version(root)
    changes = spec_changes(baseline / "openapi.yaml", root / "openapi.yaml")
    changes += python_changes(
        {package: baseline / "python" for package in PACKAGES},
        {package: root / folder for package, folder in PACKAGES.items()},
    )
    breaking = sum(change.breaking for change in changes)
    return Report(
        baseline.name, version, changes, release_problems(root, baseline.name, version, breaking)
    )


def record(root: Path) -> Path:
    """Make the working tree the last release: release/<version>/ replaces the old folder."""
    target = root / "release" / project_version(root)
    if _has_baseline(root):
        for folder in (root / "release").iterdir():
            if folder.is_dir():
                shutil.rmtree(folder)
    (target / "python").mkdir(parents=True)
    shutil.copy2(root / "openapi.yaml", target / "openapi.yaml")
    for package, folder_name in PACKAGES.items():
        folder = root / folder_name
        for source in sorted((folder / package).rglob("*.py")):
            copy = target / "python" / source.relative_to(folder)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--record", action="store_true", help="make the working tree the baseline")
    parser.add_argument("--root", type=Path, default=ROOT, help="the project folder")
    args = parser.parse_args(argv)
    try:
        if args.record and not _has_baseline(args.root):
            # The first release, or an unpublished one recorded again on purpose.
            print(f"recorded {record(args.root).relative_to(args.root)}")
            return 0
        report = check(args.root)
        # A release is cut only once its breaking changes are declared.
        if args.record and not report.problems:
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
