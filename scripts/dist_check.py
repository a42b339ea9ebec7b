"""Install the built wheel as a user would, outside the checkout, and run the quick start.

    .venv/bin/python scripts/dist_check.py dist/   (make dist-check; .ci/run runs it)

In a temporary folder, with a fresh virtual environment:

1. the wheel alone: ``aio`` and ``python -m api_in_one.mock`` each print the
   one line naming the extra to install, and exit 2;
2. the wheel with the ``cli`` and ``mock`` extras (pip fetches them from the
   package index): ``aio --version`` names the wheel's version, the
   packaged openapi.yaml is the one read, and the README's quick start,
   run as a script against ``python -m api_in_one.mock``, creates a task,
   waits for it and downloads its image;
3. with pytest added, the README's pytest example passes in a project of
   its own (the pytest plugin, as installed).

It takes about a minute (pip installs into a new environment); exit 1 with
the failed step's output.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._startup import run_user_project, write_user_project  # noqa: E402


class CheckFailed(Exception):
    pass


def _run(command: list[str], *, cwd: Path, env: dict[str, str], code: int = 0) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != code:
        raise CheckFailed(
            f"{' '.join(command)} exited {done.returncode}, not {code}:\n"
            f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    return done.stdout + done.stderr


def _quick_start() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.S)
    if block is None:
        raise CheckFailed("README.md has no quick start block")
    return block[1]


def check(dist: Path) -> None:
    [wheel] = sorted(dist.resolve().glob("api_in_one-*.whl"))
    version = wheel.name.split("-")[1]
    with tempfile.TemporaryDirectory(prefix="aio-dist-check-") as scratch:
        home = Path(scratch)
        venv.create(home / "venv", with_pip=True)
        python = str(home / "venv" / "bin" / "python")
        # Nothing from the checkout on the path: what runs is what the wheel installed.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
        env["PATH"] = f"{home / 'venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]

        _run([*pip, str(wheel)], cwd=home, env=env)
        said = _run(["aio", "--help"], cwd=home, env=env, code=2)
        assert "pip install 'api-in-one[cli]'" in said, said
        said = _run([python, "-m", "api_in_one.mock"], cwd=home, env=env, code=2)
        assert "pip install 'api-in-one[mock]'" in said, said
        print("the wheel alone: each missing extra named in one line, exit 2")

        _run([*pip, f"{wheel}[cli,mock]"], cwd=home, env=env)
        assert _run(["aio", "--version"], cwd=home, env=env).strip() == f"aio {version}"
        spec = _run(
            [python, "-c", "from api_in_one._spec import spec_path; print(spec_path())"],
            cwd=home,
            env=env,
        )
        assert "site-packages" in spec, spec
        _quick_start_against_the_mock(python, home, env)
        print(f"the wheel {wheel.name} with [cli,mock]: aio --version, the quick start")

        _run([*pip, "pytest>=8"], cwd=home, env=env)
        project = home / "project"
        project.mkdir()
        write_user_project(project, copies=3)
        passed, _ = run_user_project(project, python=python, env=env, only_our_plugin=False)
        assert passed == 3
        print("the README's pytest example, in a project of its own: passed")


def _quick_start_against_the_mock(python: str, home: Path, env: dict[str, str]) -> None:
    script = home / "quick_start.py"
    script.write_text(_quick_start(), encoding="utf-8")
    mock = subprocess.Popen(
        [python, "-m", "api_in_one.mock", "--port", "0", "--time-scale", "0.01"],
        cwd=home,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert mock.stdout is not None
        banner = mock.stdout.readline()  # printed once the socket listens
        found = re.search(r"(http://\S+/api/v1) \(key (\S+)\)", banner)
        if found is None:
            raise CheckFailed(f"the mock did not start: {banner!r}")
        settings = {"API_IN_ONE_BASE_URL": found[1], "API_IN_ONE_API_KEY": found[2]}
        said = _run([python, str(script)], cwd=home, env={**env, **settings})
    finally:
        mock.terminate()
        mock.wait(timeout=10)
    if not said.startswith("SUCCESS") or not list((home / "out").iterdir()):
        raise CheckFailed(f"the quick start did not download a result:\n{said}")


def main() -> int:
    dist = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "dist")
    try:
        check(dist)
    except (CheckFailed, AssertionError) as failed:
        print(f"dist-check failed: {failed}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
