"""A batch's files: the JSONL input, read and checked line by line; its estimate; the output.

Every input line is ``{"custom_id": ..., "operation": <operationId or aio
command>, "body": {...}}``; OpenAI's batch lines, with ``"method"`` and
``"url"`` instead of ``"operation"``, are read too.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import ApiInOneError
from .._operations import operation, routes
from ._journal import BatchLine, Journal

__all__ = ["BatchEstimate", "BatchInputError", "estimate_batch", "read_batch", "write_output"]


class BatchInputError(ApiInOneError):
    """A line of a batch's input is not ``{"custom_id", "operation", "body"}`` as it must be."""


def read_batch(path: str | os.PathLike[str]) -> Iterator[BatchLine]:
    """The lines of a JSONL input, checked one by one as they are read (blank lines skipped)."""
    with open(path, encoding="utf-8") as lines:
        position = 0
        for number, text in enumerate(lines, 1):
            if not text.strip():
                continue
            yield _line(f"{path}:{number}", text, position)
            position += 1


def _line(where: str, text: str, position: int) -> BatchLine:
    try:
        raw = json.loads(text)
    except ValueError as error:
        raise BatchInputError(f"{where}: not JSON ({error})") from None
    if not isinstance(raw, dict):
        raise BatchInputError(f"{where}: expected a JSON object, got {type(raw).__name__}")
    custom_id, name, body = raw.get("custom_id"), raw.get("operation"), raw.get("body")
    if not isinstance(custom_id, str) or not custom_id:
        raise BatchInputError(f"{where}: custom_id must be a non-empty string")
    if name is None and isinstance(raw.get("url"), str):
        name = _operation_at(where, str(raw.get("method", "POST")), raw["url"])
    if not isinstance(name, str):
        raise BatchInputError(
            f"{where}: operation must be an operationId or aio command name "
            '(or give "method" and "url" as in an OpenAI batch file)'
        )
    if not isinstance(body, dict):
        raise BatchInputError(f"{where}: body must be a JSON object")
    try:
        facts = operation(name)
    except KeyError as error:
        raise BatchInputError(f"{where}: {error.args[0]}") from None
    if not facts.creates_task or facts.request_schema is None:
        raise BatchInputError(f"{where}: {name} does not create a task; a batch only creates tasks")
    return BatchLine(custom_id, name, body, position)


def _operation_at(where: str, method: str, url: str) -> str:
    """The operationId for an OpenAI-batch-style ``method`` and ``url`` (e.g. ``/v1/...``)."""
    found = routes().match(url.split("?")[0].rstrip("/"))
    facts = None if found is None else found.by_method.get(method.upper())
    if facts is not None:
        return facts.operation_id
    raise BatchInputError(f"{where}: no operation of the spec answers {method} {url}")


@dataclass
class BatchEstimate:
    """What an input would cost, from the spec's credit facts, without sending anything."""

    lines: int = 0
    credits: float = 0.0
    by_operation: dict[str, float] = field(default_factory=dict)
    unpriced: list[str] = field(default_factory=list)
    """custom_ids whose cost the spec does not state (an unknown model)."""


def estimate_batch(path: str | os.PathLike[str]) -> BatchEstimate:
    """The total cost of an input file; nothing is sent."""
    estimate = BatchEstimate()
    for line in read_batch(path):
        facts = operation(line.operation)
        cost = facts.cost(line.body)
        estimate.lines += 1
        if cost is None:
            estimate.unpriced.append(line.custom_id)
            continue
        estimate.credits += cost
        name = facts.command or facts.operation_id
        estimate.by_operation[name] = estimate.by_operation.get(name, 0.0) + cost
    return estimate


def write_output(journal: Journal, out: str | os.PathLike[str]) -> None:
    """One JSON line per input line, in input order, written whole or not at all."""
    target = Path(out)
    handle, name = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            for record in journal.records():
                file.write(json.dumps(record.output(), separators=(",", ":")) + "\n")
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
