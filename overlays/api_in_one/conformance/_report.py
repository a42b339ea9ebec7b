"""The outcome of a conformance run, per operation and check, as Markdown and JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = ["DRIFT", "PASS", "SKIPPED", "CheckResult", "ConformanceReport", "Outcome", "redact"]

Outcome = Literal["pass", "drift", "skipped"]
PASS: Outcome = "pass"
DRIFT: Outcome = "drift"
SKIPPED: Outcome = "skipped"

_EXCERPT_CHARS = 600
_BEARER = re.compile(r"(?i)(bearer\s+)\S+")
_KEY_SHAPE = re.compile(r"\baio_[A-Za-z0-9_-]{4,}")


def redact(text: str, key: str | None) -> str:
    """``text`` with the API key, any bearer token and anything shaped like a key replaced."""
    if key:
        text = text.replace(key, "aio_***")
    return _KEY_SHAPE.sub("aio_***", _BEARER.sub(r"\1aio_***", text))


@dataclass(frozen=True)
class CheckResult:
    """One check of one operation: what was expected, what came, and whether it matched."""

    operation: str
    """The operationId."""
    check: str
    """E.g. ``401 wrong key``, ``400 prompt too short (minLength 3)``, ``example flux2``."""
    outcome: Outcome
    detail: str = ""
    """One line: what passed, what drifted, or why the check was skipped."""
    status: int | None = None
    """The HTTP status of the answer the check is about, when one came."""
    problems: tuple[str, ...] = ()
    """Each way the answers broke the spec."""
    excerpt: str = ""
    """The start of the offending payload, key redacted."""
    credits: float = 0.0
    """Credits the check spent (the spec's estimate, for requests the server accepted)."""


@dataclass
class ConformanceReport:
    """Every check of a run against one server, and the credits the run spent."""

    base_url: str
    spec_version: str
    max_credits: float
    results: list[CheckResult] = field(default_factory=list)

    @property
    def credits_spent(self) -> float:
        """Credits spent, by the spec's credit facts, on requests the server accepted."""
        return sum(result.credits for result in self.results)

    @property
    def drift(self) -> list[CheckResult]:
        """The checks whose answers differ from the spec."""
        return [result for result in self.results if result.outcome == DRIFT]

    @property
    def ok(self) -> bool:
        """True when no check found drift."""
        return not self.drift

    def counts(self) -> dict[str, int]:
        """Checks by outcome."""
        found: dict[str, int] = {PASS: 0, DRIFT: 0, SKIPPED: 0}
        for result in self.results:
            found[result.outcome] += 1
        return found

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (the layout of ``conformance.json``)."""
        return {
            "base_url": self.base_url,
            "spec_version": self.spec_version,
            "outcomes": self.counts(),
            "results": [asdict(result) for result in self.results],
            "credits_spent": self.credits_spent,
            "max_credits": self.max_credits,
        }

    def to_markdown(self) -> str:
        """The report for people: a table per operation, then each drift with its excerpt."""
        counts = self.counts()
        lines = [
            "# Conformance report",
            "",
            f"Server `{self.base_url}` against openapi.yaml {self.spec_version}: "
            f"{counts[PASS]} passed, {counts[DRIFT]} drift, {counts[SKIPPED]} skipped.",
        ]
        for operation, results in _by_operation(self.results):
            lines += ["", f"## {operation}", "", "| check | outcome | status | detail |"]
            lines.append("|---|---|---|---|")
            for result in results:
                status = "" if result.status is None else str(result.status)
                outcome = f"**{result.outcome}**" if result.outcome == DRIFT else result.outcome
                lines.append(
                    f"| {_cell(result.check)} | {outcome} | {status} | {_cell(result.detail)} |"
                )
        if self.drift:
            lines += ["", "## Drift", ""]
            for result in self.drift:
                lines += [f"### {result.operation}: {result.check}", ""]
                lines += [f"- {problem}" for problem in result.problems]
                if result.excerpt:
                    lines += ["", "```text", result.excerpt, "```"]
                lines.append("")
        lines += [
            "",
            f"Credits spent: {self.credits_spent:g} of at most {self.max_credits:g} "
            "(by the spec's credit facts).",
        ]
        return "\n".join(lines) + "\n"

    def write(self, directory: Path | str) -> tuple[Path, Path]:
        """Write ``conformance.md`` and ``conformance.json`` into ``directory``; return both."""
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        markdown, data = folder / "conformance.md", folder / "conformance.json"
        markdown.write_text(self.to_markdown(), encoding="utf-8")
        data.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        return markdown, data


def excerpt_of(body: bytes, key: str | None) -> str:
    """The start of a payload as text, the key redacted."""
    text = body[: _EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
    text = redact(text, key)
    return text if len(text) <= _EXCERPT_CHARS else text[:_EXCERPT_CHARS] + " …"


def _by_operation(results: Iterable[CheckResult]) -> list[tuple[str, list[CheckResult]]]:
    grouped: dict[str, list[CheckResult]] = {}
    for result in results:
        grouped.setdefault(result.operation, []).append(result)
    return list(grouped.items())


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
