"""``make changes``: the change report finds each class of change, and holds the release rule.

The fixtures in tests/fixtures/changes/ pair a release with a working tree:
``spec/old.yaml`` and ``spec/new.yaml`` hold one change of every class the
report tells apart, ``python/old`` and ``python/new`` the same for the Python
surface; each change is marked in the new file with what it is. Each test
lays out a small project from them (pyproject.toml, CHANGELOG.md, the spec,
the two packages and release/0.1.0/, recorded from the old side) and runs
scripts/changes.py on it as ``make changes`` does.
"""

from __future__ import annotations

import datetime
import gzip
import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from scripts import api_surface, changes, release, spec_diff

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "changes"
FOLDERS = {"api_in_one": "overlays", "api_in_one_client": "generated"}

SPEC_BREAKING = {
    ("POST /images/legacy (createLegacyImage)", "operation removed"),
    ("GET /images/{image_id} (getImage)", "query parameter 'legacy' removed"),
    ("GET /images/{image_id} (getImage)", "new required query parameter 'region'"),
    (
        "GET /images/{image_id} (getImage)",
        "query parameter 'size': default changed from 512 to 1024",
    ),
    (
        "GET /images/{image_id} (getImage)",
        "path parameter 'image_id': maxLength lowered from 64 to 32 (narrowed)",
    ),
    ("GET /images/{image_id} (getImage)", "200 response application/json field `url`: removed"),
    ("POST /images (createImage)", "200 response application/json field `url`: removed"),
    (
        "GET /images/{image_id} (getImage)",
        "200 response application/json field `format`: enum value added: webp",
    ),
    (
        "POST /images (createImage)",
        "200 response application/json field `format`: enum value added: webp",
    ),
    ("POST /images (createImage)", "request application/json field `tile`: removed"),
    (
        "POST /images (createImage)",
        "request application/json: additionalProperties: other properties now restricted"
        " (narrowed)",
    ),
    ("POST /images (createImage)", "request application/json field `owner`: new required field"),
    ("POST /images (createImage)", "request application/json field `name`: now required"),
    (
        "POST /images (createImage)",
        "request application/json field `steps`: default changed from 20 to 30",
    ),
    (
        "POST /images (createImage)",
        "request application/json field `style`: enum value removed: sketch",
    ),
    (
        "POST /images (createImage)",
        "request application/json field `seed`: type narrowed: ['integer', 'string'] -> 'integer'",
    ),
    (
        "POST /images (createImage)",
        "request application/json field `name`: pattern added: '^[a-z]+$'",
    ),
    (
        "POST /images (createImage)",
        "request application/json field `strength`: minimum raised from 0 to 0.1 (narrowed)",
    ),
    (
        "POST /images (createImage)",
        "request application/json field `prompt`: maxLength lowered from 100 to 50 (narrowed)",
    ),
}
SPEC_NON_BREAKING = {
    ("POST /images/upscale (upscaleImage)", "operation added"),
    ("GET /images/{image_id} (getImage)", "new optional query parameter 'lang'"),
    ("GET /images/{image_id} (getImage)", "200 response application/json field `width`: new field"),
    ("POST /images (createImage)", "200 response application/json field `width`: new field"),
    ("POST /images (createImage)", "request application/json field `mask`: new optional field"),
    (
        "POST /images (createImage)",
        "request application/json field `caption`: maxLength raised from 10 to 20 (widened)",
    ),
    (
        "POST /images (createImage)",
        "request application/json field `quality`: enum value added: ultra",
    ),
}
PYTHON_BREAKING = {
    ("api_in_one.connect", "`timeout`: parameter default was changed from 30.0 to 60.0"),
    ("api_in_one.download", "`overwrite`: parameter was removed"),
    ("api_in_one.old_name", "public object was removed"),
    ("api_in_one.Client.get", "`method`: parameter was added as required"),
}
PYTHON_NON_BREAKING = {
    ("api_in_one.new_name", "new public function"),
    ("api_in_one.added_helper", "new public function"),
    ("api_in_one.retry", "`backoff`: new optional parameter"),
}


def lay_out(
    root: Path,
    *,
    spec: str = "old",
    python: str = "old",
    version: str = "0.1.0",
    changelog: str = "## [0.1.0] - 2026-11-27\n",
    baseline: str = "0.1.0",
) -> Path:
    """A project whose release is the fixtures' old side and whose working tree is as asked."""
    (root / "pyproject.toml").write_text(f'[project]\nname = "fixture"\nversion = "{version}"\n')
    (root / "CHANGELOG.md").write_text(f"# Changelog\n\n{changelog}")
    shutil.copy(FIXTURES / "spec" / f"{spec}.yaml", root / "openapi.yaml")
    for package, folder in FOLDERS.items():
        shutil.copytree(FIXTURES / "python" / python / package, root / folder / package)
    recorded = root / "release" / baseline
    recorded.mkdir(parents=True)
    shutil.copy(FIXTURES / "spec" / "old.yaml", recorded / "openapi.yaml")
    old_python = FIXTURES / "python" / "old"
    (recorded / "api.json.gz").write_bytes(api_surface.dump(dict.fromkeys(FOLDERS, old_python)))
    return root


def run_changes(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``make changes``: the module run from the project, on the project at root."""
    return subprocess.run(
        [sys.executable, "-m", "scripts.changes", "--root", str(root), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def listed(found: list[changes.Change], area: str) -> set[tuple[str, str]]:
    return {(change.subject, change.detail) for change in found if change.area == area}


def test_the_working_tree_declares_every_breaking_change_since_the_release() -> None:
    """What ``make test`` enforces: the project against its own release/ baseline."""
    result = run_changes(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("OK")


def test_every_class_of_spec_change_is_found_and_classified(tmp_path: Path) -> None:
    """Optic's diff of the fixture specs, each change sorted into breaking or not.

    The changed description and x- extension of createImage are not listed:
    neither reaches a client.
    """
    found = changes.check(lay_out(tmp_path, spec="new"))
    assert listed(found.breaking, "spec") == SPEC_BREAKING
    assert listed(found.non_breaking, "spec") == SPEC_NON_BREAKING
    assert found.problems


def test_every_class_of_python_change_is_found_and_classified(tmp_path: Path) -> None:
    """griffe's breaking changes, plus the additions, and nothing for private names."""
    found = changes.check(lay_out(tmp_path, python="new"))
    assert listed(found.breaking, "python") == PYTHON_BREAKING
    assert listed(found.non_breaking, "python") == PYTHON_NON_BREAKING
    assert not listed(found.changes, "spec")


def test_the_text_report_groups_breaking_and_non_breaking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = changes.main(["--root", str(lay_out(tmp_path, python="new"))])
    text = capsys.readouterr().out
    assert status == 1
    assert text.startswith("Changes since release 0.1.0 (working tree: version 0.1.0)\n")
    breaking, non_breaking = text.split("\nBreaking (4)\n")[1].split("\nNon-breaking (3)\n")
    assert "  python api_in_one.download: `overwrite`: parameter was removed" in breaking
    assert "  python api_in_one.added_helper: new public function" in non_breaking
    assert "FAIL: 4 breaking change(s) since 0.1.0 need a major version bump" in text
    assert "set [project] version in pyproject.toml to 0.2.0 (is 0.1.0)" in text


@pytest.mark.parametrize(
    ("version", "changelog", "problems"),
    [
        pytest.param("0.1.0", "## [0.1.0]\n", ["major version bump"], id="no bump"),
        pytest.param("0.1.1", "## [0.1.1]\n", ["major version bump"], id="patch bump in 0.x"),
        pytest.param(
            "0.2.0", "## [0.1.0]\n", ["CHANGELOG.md needs a `## [0.2.0]` entry"], id="no entry"
        ),
        pytest.param("0.2.0", "## [0.2.0]\n", [], id="minor bump in 0.x and entry"),
        pytest.param("1.0.0", "## [1.0.0]\n", [], id="major bump and entry"),
    ],
)
def test_a_breaking_change_needs_a_major_bump_and_a_changelog_entry(
    tmp_path: Path, version: str, changelog: str, problems: list[str]
) -> None:
    found = changes.check(lay_out(tmp_path, python="new", version=version, changelog=changelog))
    assert len(found.problems) == len(problems)
    for problem, expected in zip(found.problems, problems, strict=True):
        assert expected in problem


def test_after_1_0_a_minor_bump_is_not_enough(tmp_path: Path) -> None:
    root = lay_out(
        tmp_path, python="new", baseline="1.2.0", version="1.3.0", changelog="## [1.3.0]\n"
    )
    (problem,) = changes.check(root).problems
    assert "set [project] version in pyproject.toml to 2.0.0 (is 1.3.0)" in problem


def test_additions_alone_need_no_bump(tmp_path: Path) -> None:
    """The new side's additions on top of the old side, without its breaking changes."""
    root = lay_out(tmp_path)
    module = root / "overlays" / "api_in_one" / "__init__.py"
    source = module.read_text().replace('"retry"]', '"retry", "added_helper"]')
    module.write_text(source + '\n\ndef added_helper() -> None:\n    """A new helper."""\n')
    found = changes.check(root)
    assert found.breaking == []
    assert listed(found.non_breaking, "python") == {
        ("api_in_one.added_helper", "new public function")
    }
    assert found.problems == []


def test_recording_a_release_makes_the_working_tree_the_baseline(tmp_path: Path) -> None:
    root = lay_out(tmp_path, python="new", version="0.2.0", changelog="## [0.2.0]\n")
    assert changes.main(["--root", str(root), "--record"]) == 0
    assert sorted(path.name for path in (root / "release").iterdir()) == ["0.2.0"]
    recorded = root / "release" / "0.2.0"
    assert (recorded / "openapi.yaml").read_bytes() == (root / "openapi.yaml").read_bytes()
    found = changes.check(root)
    assert (found.baseline, found.changes, found.problems) == ("0.2.0", [], [])


def test_a_release_with_an_undeclared_breaking_change_is_not_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = lay_out(tmp_path, python="new")
    assert changes.main(["--root", str(root), "--record"]) == 1
    assert "not recorded" in capsys.readouterr().err
    assert sorted(path.name for path in (root / "release").iterdir()) == ["0.1.0"]
    assert changes.check(root).breaking


def test_the_json_report_lists_what_the_text_report_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = changes.main(["--root", str(lay_out(tmp_path, python="new")), "--json"])
    found = json.loads(capsys.readouterr().out)
    assert status == 1
    assert (found["baseline"], found["version"], found["ok"]) == ("0.1.0", "0.1.0", False)
    assert {(entry["subject"], entry["detail"]) for entry in found["breaking"]} == PYTHON_BREAKING
    assert {(entry["subject"], entry["detail"]) for entry in found["non_breaking"]} == (
        PYTHON_NON_BREAKING
    )


def test_without_a_baseline_the_report_says_how_to_record_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = lay_out(tmp_path)
    shutil.rmtree(root / "release")
    assert changes.main(["--root", str(root)]) == 2
    assert "make release VERSION=x.y.z records one" in capsys.readouterr().err


def test_the_first_release_is_recorded_without_a_baseline(tmp_path: Path) -> None:
    root = lay_out(tmp_path, python="new")
    shutil.rmtree(root / "release")
    assert changes.main(["--root", str(root), "--record"]) == 0
    found = changes.check(root)
    assert (found.baseline, found.changes, found.problems) == ("0.1.0", [], [])


def test_a_breaking_change_after_a_dated_release_fails_until_it_is_recorded(
    tmp_path: Path,
) -> None:
    """CHANGELOG.md dates 0.2.0 while release/ still holds 0.1.0: the gate is shut."""
    dated = "## [Unreleased]\n\n## [0.2.0] - 2026-12-01\n\n- Removed old_name.\n\n"
    root = lay_out(
        tmp_path, python="new", version="0.2.0", changelog=f"{dated}## [0.1.0] - 2026-11-27\n"
    )
    result = run_changes(root)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAIL: CHANGELOG.md dates 0.2.0 as released, but release/ records 0.1.0" in (
        result.stdout
    )

    assert run_changes(root, "--record").returncode == 0
    result = run_changes(root)
    assert (result.returncode, result.stdout.rstrip()[-2:]) == (0, "OK"), result.stdout

    # A breaking change after 0.2.0 is judged against 0.2.0 now.
    module = root / "overlays" / "api_in_one" / "__init__.py"
    module.write_text(module.read_text().replace('"added_helper", ', ""))
    result = run_changes(root)
    assert result.returncode == 1
    assert "python api_in_one.added_helper: public object was removed" in result.stdout
    assert "set [project] version in pyproject.toml to 0.3.0 (is 0.2.0)" in result.stdout


RELEASE_DAY = datetime.date(2026, 12, 3)


def test_make_release_bumps_the_version_dates_the_notes_and_records_the_baseline(
    tmp_path: Path,
) -> None:
    root = lay_out(
        tmp_path,
        python="new",
        changelog="## [Unreleased]\n\n- Removed old_name.\n\n## [0.1.0] - 2026-11-27\n",
    )
    module = root / "overlays" / "api_in_one" / "__init__.py"
    module.write_text(module.read_text() + '\n__version__ = "0.1.0"\n')

    recorded = release.release(root, "0.2.0", RELEASE_DAY)

    assert recorded == root / "release" / "0.2.0"
    assert sorted(path.name for path in (root / "release").iterdir()) == ["0.2.0"]
    assert changes.project_version(root) == "0.2.0"
    assert module.read_text().endswith('\n__version__ = "0.2.0"\n')
    assert (root / "CHANGELOG.md").read_text() == (
        "# Changelog\n\n## [Unreleased]\n\n## [0.2.0] - 2026-12-03\n\n- Removed old_name.\n\n"
        "## [0.1.0] - 2026-11-27\n"
    )
    found = changes.check(root)
    assert (found.baseline, found.changes, found.problems) == ("0.2.0", [], [])


@pytest.mark.parametrize(
    ("version", "changelog", "refusal"),
    [
        pytest.param(
            "0.1.1", "## [Unreleased]\n\n- Fixed.\n", "major version bump", id="undeclared"
        ),
        pytest.param("0.2.0", "## [Unreleased]\n\n## [0.1.0]\n", "no notes", id="no notes"),
        pytest.param("0.2.0", "## [0.1.0] - 2026-11-27\n", "no `## .Unreleased.`", id="no heading"),
        pytest.param("0.1.0", "## [Unreleased]\n\n- Fixed.\n", "not after", id="not after"),
    ],
)
def test_make_release_refuses_and_writes_nothing(
    tmp_path: Path, version: str, changelog: str, refusal: str
) -> None:
    root = lay_out(tmp_path, python="new", changelog=changelog)
    before = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    with pytest.raises(release.ReleaseError, match=refusal):
        release.release(root, version, RELEASE_DAY)
    assert {path: path.read_bytes() for path in root.rglob("*") if path.is_file()} == before


def test_a_release_cut_earlier_is_recorded_from_its_commit(tmp_path: Path) -> None:
    """``--record --at REV``: how 0.2.0 was recorded after the fact."""
    root = lay_out(tmp_path, version="0.2.0", changelog="## [0.2.0] - 2026-12-01\n")
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "0.2.0"], check=True)
    shutil.rmtree(root / "overlays")
    shutil.copytree(FIXTURES / "python" / "new" / "api_in_one", root / "overlays" / "api_in_one")

    assert changes.main(["--root", str(root), "--record", "--at", "HEAD"]) == 0
    found = changes.check(root)
    assert found.baseline == "0.2.0"
    assert ("api_in_one.old_name", "public object was removed") in listed(found.breaking, "python")


def test_the_recorded_release_keeps_a_public_surface_and_no_source() -> None:
    """release/ holds the spec and griffe's dump of what public names reach, nothing more."""
    (recorded,) = (ROOT / "release").glob("*/api.json.gz")
    surface = json.loads(gzip.decompress(recorded.read_bytes()))
    text = json.dumps(surface)
    assert '"docstring"' not in text
    assert set(surface) == set(FOLDERS)
    assert sorted(path.name for path in recorded.parent.iterdir()) == [
        "api.json.gz",
        "openapi.yaml",
    ]
    # A private helper no public name leads to is left out.
    assert "_parse_response" not in text


@pytest.mark.parametrize(
    ("before", "after", "request_breaks", "answer_breaks"),
    [
        pytest.param({"maxLength": 9}, {"maxLength": 5}, True, False, id="upper bound lowered"),
        pytest.param({"enum": ["a"]}, {"enum": ["a", "b"]}, False, True, id="enum value added"),
        pytest.param({"format": "date"}, {"format": "date-time"}, True, True, id="format changed"),
        pytest.param({"default": 1}, {"default": 2}, True, False, id="default changed"),
        pytest.param({"deprecated": False}, {"deprecated": True}, False, False, id="deprecated"),
        pytest.param({"allOf": [{}]}, {"allOf": [{}, {}]}, True, False, id="allOf member added"),
        pytest.param({"anyOf": [{}]}, {"anyOf": [{}, {}]}, False, True, id="anyOf member added"),
        pytest.param(
            {"not": {"enum": ["a"]}}, {"not": {"enum": ["a", "b"]}}, True, False, id="not narrows"
        ),
        pytest.param(
            {"if": {"required": ["a"]}, "then": {"properties": {"b": {"maxLength": 3}}}},
            {"if": {"required": ["c"]}, "then": {"properties": {"b": {"maxLength": 3}}}},
            True,
            True,
            id="if moved under a then with more than required: for review",
        ),
        pytest.param(
            {"required": ["a"]},
            {"if": {"required": ["b"]}, "then": {"required": ["a"]}},
            False,
            True,
            id="then: required only under an if now",
        ),
        pytest.param(
            {},
            {"if": {"required": ["b"]}, "then": {"required": ["a"]}},
            True,
            False,
            id="then: required under a new if",
        ),
        pytest.param(
            {},
            {"if": {"required": ["b"]}, "then": {"properties": {"a": {"maxLength": 3}}}},
            True,
            False,
            id="then: a bound under a new if",
        ),
        pytest.param({"unevaluatedItems": 1}, {"unevaluatedItems": 2}, True, True, id="no rule"),
    ],
)
def test_each_rule_of_the_table_decides_for_requests_and_answers(
    before: dict[str, object], after: dict[str, object], request_breaks: bool, answer_breaks: bool
) -> None:
    for request, breaks in ((True, request_breaks), (False, answer_breaks)):
        found = list(spec_diff.keyword_changes(before, after, request=request))
        assert found
        assert any(breaking for breaking, _ in found) is breaks, (request, found)


CONDITION = {"properties": {"role": {"const": "assistant"}}, "required": ["role", "tool_calls"]}
"""An assistant message with tool calls, as 0.3.0's ChatMessage spells its condition."""


def _required_changes(
    before: Mapping[str, Any], after: Mapping[str, Any], *, request: bool
) -> list[tuple[bool, str]]:
    return list(spec_diff.keyword_changes(before, after, request=request))


def test_content_optional_with_tool_calls_is_not_content_now_required() -> None:
    """0.2.0 to 0.3.0: ``content`` required unless the message is an assistant's with tool calls."""
    before = {"type": "object", "required": ["role", "content"]}
    after = {
        "type": "object",
        "required": ["role"],
        "if": {"not": CONDITION},
        "then": {"required": ["content"]},
    }
    [(breaking, detail)] = _required_changes(before, after, request=True)
    assert not breaking  # every request valid before still is
    assert detail.startswith("`content` required when not {")
    assert detail.endswith("was always (widened)")
    # An answer without content, valid now, fails a parser that requires it.
    assert _required_changes(before, after, request=False) == [(True, detail)]
    # Written the other way round: the same rule, the same verdict.
    inverted = {**after, "if": CONDITION, "then": {}, "else": {"required": ["content"]}}
    assert _required_changes(before, inverted, request=True) == [(False, detail)]


def test_conditionals_in_nested_all_of_with_else_are_read_like_the_specs_own() -> None:
    """A spelling unlike the project's spec: ``else`` branches inside nested ``allOf``."""
    is_tool = {"properties": {"role": {"const": "tool"}}}
    has_name = {"required": ["name"]}
    before = {"allOf": [{"required": ["content"]}]}
    after = {
        "allOf": [
            {"allOf": [{"if": is_tool, "then": {"required": ["tool_call_id"]}, "else": {}}]},
            {
                "if": is_tool,
                "else": {"if": has_name, "then": {}, "else": {"required": ["content"]}},
            },
        ]
    }
    found = dict(
        (detail.split("`")[1], (breaking, detail))
        for breaking, detail in _required_changes(before, after, request=True)
    )
    # content: now only for a non-tool message without a name (fewer cases: widened).
    assert found["content"][0] is False
    assert "was always (widened)" in found["content"][1]
    # tool_call_id: newly required of tool messages (a request valid before may lack it).
    assert found["tool_call_id"][0] is True
    assert "was never (narrowed)" in found["tool_call_id"][1]
    assert set(found) == {"content", "tool_call_id"}


def test_a_condition_narrowed_or_moved_is_classified_by_the_requests_it_refuses() -> None:
    one, two = {"required": ["a"]}, {"required": ["b"]}
    old = {"if": one, "then": {"required": ["x"]}}
    # Required only where b is present too: in fewer cases.
    fewer = {"if": one, "then": {"if": two, "then": {"required": ["x"]}}}
    assert [b for b, _ in _required_changes(old, fewer, request=True)] == [False]
    # Required where b is present instead of a: some old requests now fail, some pass.
    moved = {"if": two, "then": {"required": ["x"]}}
    [(breaking, detail)] = _required_changes(old, moved, request=True)
    assert breaking
    assert detail.endswith("(changed)")
    # Spelt with `not` twice, the condition is the same one: no change.
    assert _required_changes(old, {**old, "if": {"not": {"not": one}}}, request=True) == []
    # A branch that asks a condition to hold and fail at once requires nothing.
    never = {"if": one, "then": {"if": {"not": one}, "then": {"required": ["x"]}}}
    [(breaking, detail)] = _required_changes(old, never, request=True)
    assert not breaking
    assert detail.endswith("required never, was when " + '{"required":["a"]} (widened)')


def test_no_keyword_has_two_rules() -> None:
    keywords = [keyword for rule in spec_diff.RULES for keyword in rule.keywords]
    assert len(keywords) == len(set(keywords))
