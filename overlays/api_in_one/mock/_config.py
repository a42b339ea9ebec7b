"""Configuration of the mock: keys and balances, limits, clock and injected faults."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["DEMO_KEY", "Faults", "MockConfig"]

DEMO_KEY = "aio_demo_key_0000000000000000"
"""A key every mock accepts out of the box, with 1000 credits."""


@dataclass
class Faults:
    """Failures to inject. Mutable at run time through ``MockState.faults``.

    Counters ("next N") go down by one each time they fire.
    """

    fail_next_tasks: int = 0
    """The next N created tasks end FAILED."""
    fail_task_share: float = 0.0
    """This share of tasks ends FAILED (drawn from the seeded generator)."""
    stuck_next_tasks: int = 0
    """The next N created tasks never finish."""
    unknown_status: str | None = None
    """Unfinished tasks report this status (e.g. "QUEUED") instead of pending/IN_PROGRESS."""
    error_burst: int = 0
    """The next N API requests are answered with ``error_status`` before any processing."""
    error_status: int = 503
    error_after_processing: int = 0
    """The next N create requests create and charge the task, then answer 500."""
    drop_connections: int = 0
    """The next N API requests get no answer: the connection is closed."""
    slow_seconds: float = 0.0
    """Real seconds to wait before answering each API request."""
    truncate_stream_after: int | None = None
    """Chat streams end after this many chunks, without ``[DONE]``."""
    stream_error_after: int | None = None
    """Chat streams send an error event after this many chunks."""


@dataclass
class MockConfig:
    """How a mock server behaves. Every field has a default that works out of the box."""

    keys: dict[str, float] = field(default_factory=lambda: {DEMO_KEY: 1000.0})
    """API key -> credit balance."""
    requests_per_minute: int = 60
    """Per-key limit over a sliding window, 60 as the gateway's default."""
    rate_window: float = 60.0
    """Length of the rate-limit window in clock seconds (shorter windows make fast tests)."""
    time_scale: float = 1.0
    """Multiplies every task duration: 0.01 makes a 20 s video task take 0.2 s."""
    durations: dict[str, float] = field(default_factory=dict)
    """Task duration in seconds by model slug, or by ``aio`` command name for an operation
    without models, overriding the ``mock-seconds`` of openapi.yaml's ``x-`` extensions."""
    clock: Callable[[], float] = time.monotonic
    """Seconds; drives task progress and the rate limit window."""
    seed: int = 0
    """Seeds the generator behind ``Faults.fail_task_share`` and the task ids."""
    faults: Faults = field(default_factory=Faults)
    max_body_bytes: int = 1 << 20
    """Larger request bodies are answered with 400."""
    max_json_depth: int = 32
    """Request bodies nested deeper (objects and arrays) are answered with 400."""
    finished_task_ttl: float = 3600.0
    """Clock seconds a finished task stays readable; then it is forgotten and gets 404."""
    max_finished_tasks: int = 10_000
    """Finished tasks kept at most (about 1 kB each); beyond it the longest finished is
    forgotten and gets 404. Unfinished tasks are always kept."""
    drift: frozenset[str] = frozenset()
    """Ways to break the spec on purpose, named in ``api_in_one.mock.DRIFTS`` (none by default)."""
    replay: str | Path | None = None
    """A recording (``connect(record=...)``) whose answers the mock plays back to the requests
    that match them; see ``mock/_replay.py`` for the rules."""
    replay_ignore: frozenset[str] = frozenset({"seed"})
    """Request body fields that replay matching leaves out."""
