"""Interleaved rounds: each candidate run right after a run of its baseline.

On a shared machine the speed of the same code drifts from one second to
the next; a candidate compared with a baseline run just before it sees
nearly the same machine, and the median over rounds drops the outliers.
Both wall time and this process's CPU time are taken: wall time is what a
caller waits, CPU time leaves out the time the machine gave to others
(and the loopback server's work).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType

__all__ = ["Pairs", "Stopwatch", "Timing", "Workload", "interleave"]


@dataclass(frozen=True)
class Timing:
    """Seconds one run took."""

    wall: float
    cpu: float


class Stopwatch:
    """``with Stopwatch() as watch:`` times the block; then ``watch.timing``."""

    timing: Timing

    def __enter__(self) -> Stopwatch:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.timing = Timing(time.perf_counter() - self._wall, time.process_time() - self._cpu)


Workload = Callable[[], Timing]
"""Runs the measured work once and returns its times (set-up excluded)."""


@dataclass
class Pairs:
    """The back-to-back measurements of one candidate and its baseline."""

    baseline: list[Timing] = field(default_factory=list)
    candidate: list[Timing] = field(default_factory=list)


def _timed(workload: Workload) -> Timing:
    # A collection left over from the previous run would be charged to this one.
    gc.collect()
    return workload()


def interleave(
    baseline: Workload, candidates: Mapping[str, Workload], rounds: int
) -> dict[str, Pairs]:
    """Run ``rounds`` rounds of baseline, candidate pairs, one pair per candidate.

    Every workload runs once first, unmeasured, to warm connections and
    imports.
    """
    for workload in [baseline, *candidates.values()]:
        _timed(workload)
    pairs = {name: Pairs() for name in candidates}
    for _ in range(rounds):
        for name, candidate in candidates.items():
            pairs[name].baseline.append(_timed(baseline))
            pairs[name].candidate.append(_timed(candidate))
    return pairs
