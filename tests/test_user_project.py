"""The README's pytest example, in a project of its own outside the checkout, passes as is.

``make bench`` times the same project (bench/_startup.py); here only that it passes.
"""

from __future__ import annotations

from pathlib import Path

from bench._startup import run_user_project, write_user_project


def test_the_readme_pytest_example_passes_in_a_project_of_its_own(tmp_path: Path) -> None:
    write_user_project(tmp_path, copies=3)
    assert run_user_project(tmp_path)[0] == 3
