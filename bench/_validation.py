"""What answer validation costs: the same SDK calls with ``validate="warn"`` against ``"off"``.

The baseline here is the SDK itself with validation off, so each figure is
the share of throughput validation keeps: the task-status call on the
loopback server's prebuilt answer (sync, sequential), and ``stream_chat``
on the mock-shaped stream (every event's JSON checked against the chunk
schema as it passes). Both sides read the same answers in the same round.
"""

from __future__ import annotations

from api_in_one import connect

from ._overhead import _sdk_sync
from ._report import Figure, Target, timed_figure
from ._rounds import interleave
from ._servers import KEY
from ._stream import _sdk

__all__ = ["run"]

_TASK_TARGET = Target(">=", 0.9)
_STREAM_TARGET = Target(">=", 0.8)
_SHAPE = "mock"


def run(root: str, rounds: int, requests: int, chunks: int) -> list[Figure]:
    """Measure ``requests`` task-status calls and a ``chunks``-chunk stream, warn ÷ off."""
    api, stream = f"{root}/api/v1", f"{root}/sse/{_SHAPE}/{chunks}"
    with (
        connect(KEY, base_url=api, requests_per_minute=None, validate="off") as off,
        connect(KEY, base_url=api, requests_per_minute=None, validate="warn") as warn,
    ):
        task = interleave(_sdk_sync(off, requests), {"warn": _sdk_sync(warn, requests)}, rounds)
        if len(warn.drift):
            raise RuntimeError(f"the bench's task answer drifted:\n{warn.drift}")
    with (
        connect(KEY, base_url=stream, requests_per_minute=None, validate="off") as off,
        connect(KEY, base_url=stream, requests_per_minute=None, validate="warn") as warn,
    ):
        chat = interleave(_sdk(off, chunks), {"warn": _sdk(warn, chunks)}, rounds)
        if len(warn.drift):
            raise RuntimeError(f"the bench's stream drifted:\n{warn.drift}")
    group = "Answer validation"
    return [
        timed_figure(
            "validate.sync.get_task",
            group,
            'task status, validate="warn"',
            'the same call, validate="off"',
            task["warn"],
            ("request", requests),
            _TASK_TARGET,
            "connect(validate=...); status, headers and body checked against the spec.",
        ),
        timed_figure(
            "validate.sync.stream_chat",
            group,
            f'SSE: stream_chat, {_SHAPE} chunks, validate="warn"',
            'the same stream, validate="off"',
            chat["warn"],
            ("chunk", chunks),
            _STREAM_TARGET,
            f"Every event and its chunk JSON checked; {chunks:,} chunks per stream.",
        ),
    ]
