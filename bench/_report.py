"""Figures, their targets, results.json and the table printed at the end of a run."""

from __future__ import annotations

import json
import os
import platform
import statistics
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal

from ._rounds import Pairs

__all__ = [
    "Figure",
    "Target",
    "environment",
    "paired_ratio",
    "table",
    "timed_figure",
    "write_results",
]

SCHEMA = 1
"""Version of the results.json layout."""


@dataclass(frozen=True)
class Target:
    """What a figure should reach: ``value op bound``."""

    op: Literal[">=", "<=", "=="]
    bound: float

    def met_by(self, value: float) -> bool:
        """True when ``value`` reaches the target."""
        if self.op == ">=":
            return value >= self.bound
        if self.op == "<=":
            return value <= self.bound
        return value == self.bound


@dataclass
class Figure:
    """One line of the results: a measured figure, how it was measured and its target.

    For the timed benchmarks ``value`` is the median over rounds of
    baseline time / candidate time, each pair measured back to back, so
    above 1 means faster than the baseline.
    """

    id: str
    group: str
    name: str
    baseline: str
    value: float
    unit: str
    target: Target | None = None
    medians: dict[str, float] = field(default_factory=dict)
    """Median of each measured quantity, e.g. ``baseline_s`` and ``candidate_s``."""
    samples: dict[str, list[float]] = field(default_factory=dict)
    """Every round's measurement, in the order taken."""
    note: str = ""

    @property
    def passed(self) -> bool | None:
        """Whether the target is met; None when the figure has no target."""
        return None if self.target is None else self.target.met_by(self.value)

    def to_json(self) -> dict[str, Any]:
        """The figure as results.json stores it."""
        data = asdict(self)
        data["target"] = None if self.target is None else asdict(self.target)
        data["passed"] = self.passed
        return data


def paired_ratio(baseline: list[float], candidate: list[float]) -> float:
    """Median over rounds of baseline / candidate (a throughput ratio for times)."""
    return statistics.median(b / c for b, c in zip(baseline, candidate, strict=True))


def timed_figure(
    id_: str,
    group: str,
    name: str,
    baseline: str,
    pairs: Pairs,
    per: tuple[str, int],
    target: Target | None,
    note: str,
) -> Figure:
    """A figure from timed pairs: the wall-time ratio, with the CPU-time ratio beside it.

    ``per`` names what one run handles and how many (``("chunk", 50_000)``),
    for the per-item medians.
    """
    item, count = per
    walls = [t.wall for t in pairs.baseline], [t.wall for t in pairs.candidate]
    cpus = [t.cpu for t in pairs.baseline], [t.cpu for t in pairs.candidate]
    base, cand = statistics.median(walls[0]), statistics.median(walls[1])
    return Figure(
        id=id_,
        group=group,
        name=name,
        baseline=baseline,
        value=paired_ratio(*walls),
        unit="x",
        target=target,
        medians={
            f"{item}s": count,
            "baseline_s": base,
            "candidate_s": cand,
            f"baseline_us_per_{item}": base / count * 1e6,
            f"candidate_us_per_{item}": cand / count * 1e6,
            "cpu_ratio": paired_ratio(*cpus),
            "baseline_cpu_s": statistics.median(cpus[0]),
            "candidate_cpu_s": statistics.median(cpus[1]),
        },
        samples={
            "baseline_s": walls[0],
            "candidate_s": walls[1],
            "baseline_cpu_s": cpus[0],
            "candidate_cpu_s": cpus[1],
        },
        note=note,
    )


def environment() -> dict[str, Any]:
    """Versions and machine facts that the figures depend on."""
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "httpx": version("httpx"),
        "openai": version("openai"),
        "httpx_sse": version("httpx-sse"),
    }


def write_results(
    path: Path,
    figures: list[Figure],
    timings: dict[str, float],
    settings: dict[str, Any],
) -> dict[str, Any]:
    """Write results.json and return what was written."""
    results = {
        "schema": SCHEMA,
        **environment(),
        "settings": settings,
        "benchmarks": [figure.to_json() for figure in figures],
        "timings_s": timings,
    }
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


def _cell(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "share":
        return f"{value:.1%}".replace(".0%", "%")
    return f"{value:g}"


def table(figures: list[Figure], timings: dict[str, float]) -> str:
    """The results as a plain-text table."""
    header = ("benchmark", "baseline", "figure", "CPU", "target", "result")
    rows = [
        (
            figure.name,
            figure.baseline,
            _cell(figure.value, figure.unit),
            _cell(figure.medians["cpu_ratio"], "x") if "cpu_ratio" in figure.medians else "-",
            "-"
            if figure.target is None
            else f"{figure.target.op} {_cell(figure.target.bound, figure.unit)}",
            {True: "pass", False: "MISS", None: "info"}[figure.passed],
        )
        for figure in figures
    ]
    rows += [
        (f"{name} (wall time)", "-", f"{seconds:.1f} s", "-", "-", "info")
        for name, seconds in timings.items()
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    rule = "  ".join("-" * width for width in widths)
    title = "  ".join(cell.ljust(width) for cell, width in zip(header, widths, strict=True))
    legend = [
        "SSE and task-status figures are throughput ratios: baseline time / candidate time, the",
        "median over rounds of back-to-back pairs (1.00x = as fast as the baseline, higher is",
        "faster); the figure uses wall time, CPU the benchmark process's CPU time (steadier on",
        "a busy machine; it leaves out the loopback server). Batch figures come from the mock's",
        "counters; the baseline column shows what naive polling scored in the same rounds.",
        "Wall times are absolute, with no target.",
    ]
    return "\n".join([title, rule, *lines, "", *legend])
