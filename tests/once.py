"""Expensive work done once per test session, however many xdist workers ask for it.

``--dist worksteal`` hands the tests of one module to whichever workers are
free, so a module- or session-scoped fixture would run in each of them: a
type checker's run, a docs build, a Prism tour, seconds of CPU each time.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def session_folder(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A folder every worker of this session sees, and no other session.

    ``worker_id`` is xdist's fixture of that name: a pytest run started by a test
    inherits its worker's environment, so only the fixture tells the two apart.
    """
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker's base is popen-gwN inside the session's own folder.
    return base if worker_id == "master" else base.parent


def once_per_session(
    tmp_path_factory: pytest.TempPathFactory,
    worker_id: str,
    name: str,
    compute: Callable[[], Any],
) -> Any:
    """``compute()``'s value (JSON), computed by the first worker to ask, read by the others.

    The others wait on a lock meanwhile. Should ``compute`` raise, the next
    worker to ask tries again and meets the same error in its own tests.
    """
    folder = session_folder(tmp_path_factory, worker_id)
    saved = folder / f"{name}.json"
    with (folder / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not saved.exists():
            saved.write_text(json.dumps(compute()))
    return json.loads(saved.read_text())
