"""A batch's files: the JSONL input, read and checked line by line; its estimate; the output.

Every input line is ``{"custom_id": ..., "operation": <operationId or aio
command>, "body": {...}}``; OpenAI's batch lines, with ``"method"`` and
``"url"`` instead of ``"operation"``, are read too.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import ApiInOneError
from .._operations import operation, routes

__all__ = [
    "BatchEstimate",
    "BatchInputError",
    "BatchLine",
    "batch_of_output",
    "body_hash",
    "estimate_batch",
    "input_identity",
    "read_batch",
    "write_output",
]


class BatchInputError(ApiInOneError):
    """A batch's input cannot be read, or a line is not ``{"custom_id", "operation", "body"}``."""


def body_hash(operation: str, body: Any) -> str:
    """A short hash of an operation and its body, to tell a changed input line from a rerun."""
    text = json.dumps([operation, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class BatchLine:
    """One line of a batch's input."""

    custom_id: str
    operation: str
    body: dict[str, Any]
    position: int
    """0-based position in the input, the order of the output."""

    @property
    def hash(self) -> str:
        """The hash of its operation and body (``body_hash``)."""
        return body_hash(self.operation, self.body)


def read_batch(path: str | os.PathLike[str]) -> Iterator[BatchLine]:
    """The lines of a JSONL input, checked one by one as they are read (blank lines skipped).

    The input is UTF-8 (a byte order mark is allowed): a file in another
    encoding, UTF-16 say, is a ``BatchInputError`` naming the line, as is
    a file that cannot be opened.
    """
    try:
        lines = open(path, encoding="utf-8-sig")  # noqa: SIM115 - closed below
    except OSError as error:
        raise BatchInputError(f"Cannot read the input {path}: {error.strerror}") from None
    with lines:
        position, number = 0, 0
        try:
            for number, text in enumerate(lines, 1):
                if not text.strip():
                    continue
                yield _line(f"{path}:{number}", text, position)
                position += 1
        except UnicodeDecodeError as error:
            raise BatchInputError(
                f"{path}:{number + 1}: not UTF-8 (byte {error.object[error.start]:#04x}): "
                "save the input as UTF-8 JSONL"
            ) from None


def input_identity(lines: Iterable[BatchLine]) -> tuple[str, int]:
    """A hash of an input's lines in order (custom_ids, operations, bodies), and their count.

    Two inputs with the same identity are the same batch; a journal records the
    identity of the input it serves.
    """
    digest, count = hashlib.sha256(), 0
    for line in lines:
        digest.update(f"{line.custom_id}\0{line.hash}\n".encode())
        count += 1
    return digest.hexdigest()[:32], count


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


def write_output(
    rows: Iterable[Mapping[str, Any]], batch: str, out: str | os.PathLike[str]
) -> None:
    """One JSON line per row (a line's output, in input order), written whole or not at all.

    Each line names the ``batch`` it belongs to: a journal found empty beside
    an output that names a batch was lost, and is refused rather than restarted.
    """
    target = Path(out)
    handle, name = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            for row in rows:
                file.write(json.dumps({"batch": batch, **row}, separators=(",", ":")) + "\n")
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def batch_of_output(out: str | os.PathLike[str] | None) -> str | None:
    """The batch named by an existing output file, or None (no file, or not one of ours)."""
    if out is None:
        return None
    try:
        with open(out, encoding="utf-8") as file:
            first = file.readline()
        row = json.loads(first)
    except (OSError, ValueError):
        return None
    batch = row.get("batch") if isinstance(row, dict) else None
    return batch if isinstance(batch, str) else None
