"""Contract coverage: which documented (operation, status) answers the whole suite produced.

Every mock in a test process counts its answers by (operationId, status)
(``api_in_one.mock.served_responses()``). At the end each pytest-xdist
worker writes its counts to a folder the controller made; the controller
adds them up, prints the operation x status table, and fails the run when a
response openapi.yaml declares was never produced, unless the spec marks
it unreachable (``x-unreachable-responses`` on the operation, with the
reason). Only a run of the whole suite is judged: a selection of tests
cannot be expected to produce everything.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from api_in_one._operations import operations
from api_in_one._spec import load_spec
from api_in_one.mock import served_responses

FOLDER_KEY = "contract_coverage_folder"
_folder = pytest.StashKey[Path]()


def write_counts(folder: Path, name: str, counts: Mapping[tuple[str, int], int]) -> None:
    """Save one process's counts as ``<name>.json`` in ``folder``."""
    rows = [[operation, status, count] for (operation, status), count in counts.items()]
    (folder / f"{name}.json").write_text(json.dumps(rows))


def read_counts(folder: Path) -> Counter[tuple[str, str]]:
    """Every process's counts in ``folder``, added up, by (operationId, status as text)."""
    produced: Counter[tuple[str, str]] = Counter()
    for part in folder.glob("*.json"):
        for operation, status, count in json.loads(part.read_text()):
            produced[operation, str(status)] += count
    return produced


def coverage(
    produced: Mapping[tuple[str, str], int], spec: Mapping[str, Any] | None = None
) -> tuple[list[str], list[str]]:
    """(a table line per operation, the declared and reachable responses never produced)."""
    spec = load_spec() if spec is None else spec
    lines, missing = [], []
    for facts in operations(spec):
        declared = spec["paths"][facts.path][facts.method.lower()].get("responses", {})
        cells = []
        for status in declared:
            count = produced.get((facts.operation_id, status), 0)
            if count:
                cells.append(f"{status}:{count}")
            elif status in facts.unreachable_responses:
                cells.append(f"{status}:unreachable")
            else:
                cells.append(f"{status}:NEVER")
                missing.append(f"{facts.operation_id} {status}")
        undeclared = sorted(
            status
            for (operation, status), count in produced.items()
            if operation == facts.operation_id and status not in declared and count
        )
        extra = f"  undeclared: {', '.join(undeclared)}" if undeclared else ""
        lines.append(f"{facts.operation_id:24} {' '.join(cells)}{extra}")
    return lines, missing


def pytest_configure(config: pytest.Config) -> None:
    worker_input: dict[str, Any] | None = getattr(config, "workerinput", None)
    if worker_input is not None:
        config.stash[_folder] = Path(worker_input[FOLDER_KEY])
    else:
        config.stash[_folder] = Path(tempfile.mkdtemp(prefix="contract-coverage-"))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: tell each worker where to write its counts."""
    node.workerinput[FOLDER_KEY] = str(node.config.stash[_folder])


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    folder = config.stash[_folder]
    worker_input: dict[str, Any] | None = getattr(config, "workerinput", None)
    name = worker_input["workerid"] if worker_input is not None else "controller"
    write_counts(folder, name, served_responses())
    if worker_input is not None:
        return
    produced = read_counts(folder)
    shutil.rmtree(folder, ignore_errors=True)
    if not _whole_suite(session):
        return
    lines, missing = coverage(produced)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("-", "contract coverage: answers produced per operation x status")
        for line in lines:
            reporter.write_line(line)
        if missing:
            reporter.write_line(
                "FAILED contract coverage: never produced: "
                + ", ".join(missing)
                + " (produce them in a test, or list them in the operation's "
                "x-unreachable-responses in openapi.yaml with the reason)",
                red=True,
            )
    if missing and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _whole_suite(session: pytest.Session) -> bool:
    """True when pytest ran every test of its configured paths: no paths named, none selected."""
    config = session.config
    selected = config.getoption("keyword") or config.getoption("markexpr")
    named = config.args_source == pytest.Config.ArgsSource.ARGS
    last_failed = config.getoption("lf", False)
    return not (selected or named or last_failed or session.testscollected == 0)
