"""A missing extra is one line naming it, and exit 2: the CLI, the mock and the pytest plugin."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from importlib.metadata import requires
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from api_in_one._extras import EXTRA_MODULES, extra_of
from api_in_one.cli import main as aio
from api_in_one.mock.__main__ import main as serve_mock


def _extra_packages() -> dict[str, set[str]]:
    """Each extra's own distributions (base dependencies left out), from the installed metadata."""
    requirements = [Requirement(line) for line in requires("api-in-one") or []]
    base = {r.name for r in requirements if r.marker is None}
    extras: dict[str, set[str]] = {}
    for requirement in requirements:
        if requirement.marker is None or requirement.name in base:
            continue
        for extra in EXTRA_MODULES:
            if requirement.marker.evaluate({"extra": extra}):
                extras.setdefault(extra, set()).add(requirement.name)
    return extras


def test_each_extra_names_a_module_of_each_of_its_packages() -> None:
    for extra, packages in _extra_packages().items():
        modules = {module.replace("_", "-") for module in EXTRA_MODULES[extra]}
        assert all(any(p.startswith(m) for m in modules) for p in packages), (extra, packages)
    assert set(_extra_packages()) >= set(EXTRA_MODULES)
    assert extra_of("starlette.responses") == "mock"
    assert extra_of("json") is None


def test_aio_without_the_cli_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "rich", None)  # as if not installed
    assert aio(["--help"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", "aio: aio needs the cli extra: pip install 'api-in-one[cli]'\n")


def test_the_mock_without_the_mock_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    assert serve_mock(["--port", "0"]) == 2
    assert capsys.readouterr().err == (
        "python -m api_in_one.mock needs the mock extra: pip install 'api-in-one[mock]'\n"
    )


def test_the_pytest_plugin_without_the_mock_extra(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text("import sys\nsys.modules['starlette'] = None\n")
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent(
            """
            def test_uses_the_mock(aio_client):
                pass
            """
        )
    )
    # The plugin alone: this environment's other plugins take seconds to load.
    plugin = ["-p", "api_in_one.testing", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *plugin, str(tmp_path)],
        cwd=tmp_path,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert (
        "The api_in_one pytest plugin needs the mock extra: pip install 'api-in-one[mock]'"
        in done.stdout + done.stderr
    )
    assert "Traceback" not in done.stdout + done.stderr
