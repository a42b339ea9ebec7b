"""What each start pays for: lazy exports that type checkers still see, a cached spec, and
``aio`` commands that import only what they run."""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import api_in_one
import api_in_one.mock
from api_in_one import _spec

PACKAGES = [api_in_one, api_in_one.mock]


def _type_checking_imports(package: ModuleType) -> dict[str, tuple[str, ...]]:
    """``{".module": names}`` of the ``if TYPE_CHECKING:`` block, which type checkers read."""
    tree = ast.parse(Path(str(getattr(package, "__file__", ""))).read_text())
    found: dict[str, tuple[str, ...]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for imported in node.body:
                assert isinstance(imported, ast.ImportFrom)
                module = "." * imported.level + (imported.module or "")
                found[module] = tuple(alias.name for alias in imported.names)
    return found


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.__name__)
def test_lazy_exports_are_what_type_checkers_see(package: ModuleType) -> None:
    exports = package._EXPORTS
    assert exports == _type_checking_imports(package)
    names = [name for names in exports.values() for name in names]
    # Dunders such as __version__ are exported but, by convention, not star-imported.
    assert sorted(n for n in names if not n.startswith("__")) == sorted(package.__all__)
    for module, module_names in exports.items():
        source = importlib.import_module(module, package.__name__)
        for name in module_names:
            assert getattr(package, name) is getattr(source, name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'conect'"):
        api_in_one.conect  # noqa: B018


def _modules_after(code: str, cache: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "API_IN_ONE_CACHE_DIR": str(cache)},
    )
    return set(done.stdout.split())


def test_importing_the_package_or_asking_aio_for_help_loads_no_http_stack(
    tmp_path: Path,
) -> None:
    assert "yaml" in _modules_after("from api_in_one._spec import load_spec; load_spec()", tmp_path)
    assert "httpx" not in _modules_after("import api_in_one", tmp_path)
    helped = _modules_after(
        "import contextlib, io\nfrom api_in_one.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['image', '--help'])",
        tmp_path,
    )
    assert not {"httpx", "rich", "yaml", "api_in_one.batch", "api_in_one.conformance"} & helped


def test_the_parsed_spec_is_cached_by_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_IN_ONE_CACHE_DIR", str(tmp_path))
    parsed = _spec._parse(_spec.spec_path().read_bytes())
    _spec.load_spec.cache_clear()
    try:
        assert _spec.load_spec() == parsed
        [entry] = tmp_path.glob("openapi-*.marshal")
        entry.write_bytes(b"not marshal data")  # a damaged entry is parsed again, not trusted
        _spec.load_spec.cache_clear()
        assert _spec.load_spec() == parsed
        assert [p.name for p in tmp_path.iterdir()] == [entry.name]
    finally:
        _spec.load_spec.cache_clear()


def test_an_unwritable_cache_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("API_IN_ONE_CACHE_DIR", str(blocked / "cache"))
    _spec.load_spec.cache_clear()
    try:
        assert _spec.load_spec()["openapi"].startswith("3.1")
    finally:
        _spec.load_spec.cache_clear()
