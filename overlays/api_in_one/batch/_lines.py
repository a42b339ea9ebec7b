"""A batch line's states, and the one place a line moves between them.

A line moves ``pending`` -> ``sending`` (recorded before the create leaves)
-> ``created`` (the task id, recorded as soon as the answer arrives) ->
``done`` or ``failed``. A line whose create would pass a credit cap ends
``refused``, unsent, and a later run sends it. A line whose create may
have reached the server without its answer being recorded becomes
``unknown`` and is never sent again on its own. The journals only store what these functions decide;
each function refuses a move its line's state does not allow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ._files import BatchLine

__all__ = [
    "CREATED",
    "DONE",
    "FAILED",
    "FINAL_STATES",
    "INTERRUPTED",
    "PENDING",
    "READY_STATES",
    "REFUSED",
    "SENDING",
    "UNKNOWN",
    "LineRecord",
    "begin_sending",
    "end",
    "give_back_unsent",
    "interrupt",
    "mark_created",
    "resend",
    "retry_on_rerun",
    "shown_state",
]

PENDING, SENDING, CREATED, DONE, FAILED, REFUSED, UNKNOWN = (
    "pending",
    "sending",
    "created",
    "done",
    "failed",
    "refused",
    "unknown",
)
FINAL_STATES = frozenset({DONE, FAILED, REFUSED, UNKNOWN})
"""The states a line ends in."""
READY_STATES = frozenset({PENDING, CREATED})
"""The states a worker may claim a line in: to send its create, or to wait for its task."""
INTERRUPTED = {
    "type": "Interrupted",
    "message": "The run stopped while this create was in flight: the task may exist. "
    "It is not sent again unless you ask (--resend-unknown).",
    "status": None,
}


@dataclass
class LineRecord:
    """What the journal knows of one line."""

    custom_id: str
    position: int
    operation: str
    body: dict[str, Any]
    hash: str
    state: str = PENDING
    estimate: float | None = None
    """Credits the spec says the create costs, counted from when it is sent."""
    task_id: str | None = None
    task_status: str | None = None
    credits: float | None = None
    """Credits the gateway reported as consumed."""
    results: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    error: dict[str, Any] | None = None
    """The typed error that ended the line: ``type``, ``message`` and ``status``."""

    @classmethod
    def of(cls, line: BatchLine) -> LineRecord:
        """A new, pending record of an input line."""
        return cls(line.custom_id, line.position, line.operation, line.body, line.hash)

    def to_json(self) -> str:
        """The record as stored."""
        # vars(), not asdict(): asdict deep-copies the body on every write.
        return json.dumps(vars(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> LineRecord:
        """A stored record."""
        return cls(**json.loads(text))

    def charge(self) -> float:
        """The credits this line counts against a limit: consumed, or estimated while it may be."""
        if self.credits is not None:
            return self.credits
        charged = self.state in (SENDING, CREATED, UNKNOWN) or self.task_id is not None
        return (self.estimate or 0.0) if charged else 0.0

    def output(self) -> dict[str, Any]:
        """The line of the batch's output file."""
        return {
            "custom_id": self.custom_id,
            "operation": self.operation,
            "status": self.state,
            "task_id": self.task_id,
            "task_status": self.task_status,
            "results": self.results,
            "files": self.files,
            "credits": self.credits,
            "estimated_credits": self.estimate,
            "error": self.error,
        }


_ENDS_FROM = {
    DONE: frozenset({CREATED}),
    FAILED: frozenset({PENDING, SENDING, CREATED}),  # a bad body, refused, task or files
    REFUSED: frozenset({PENDING, SENDING}),  # the batch's cap, or the client's credit guard
    UNKNOWN: frozenset({SENDING}),
}


class _NotAllowed(AssertionError):
    """A move the line's state does not allow: a bug in the caller, never the user's doing."""


def _move(record: LineRecord, allowed: frozenset[str] | set[str], to: str) -> None:
    if record.state not in allowed:
        raise _NotAllowed(f"line {record.custom_id!r} cannot go from {record.state} to {to}")
    record.state = to


def retry_on_rerun(record: LineRecord) -> bool:
    """Make a line ready again when retrying it costs nothing; True if it moved.

    A create refused unsent (or answered with an error that created nothing)
    is sent again; a task that succeeded but whose files could not be saved
    is fetched again. A task that FAILED is not redone.
    """
    if record.state == REFUSED:
        _move(record, {REFUSED}, PENDING)
        record.error = None
        return True
    if record.state != FAILED:
        return False
    if record.task_id is None:
        _move(record, {FAILED}, PENDING)
    elif (record.task_status or "").upper() == "SUCCESS":
        _move(record, {FAILED}, CREATED)
    else:
        return False
    record.error = None
    return True


def shown_state(record: LineRecord) -> str:
    """The state a summary counts the line in.

    Journals written before ``refused`` existed stored a credit-cap refusal
    as ``failed``: such a line (no task, a ``CreditLimitError``) counts as
    refused, as a rerun will treat it.
    """
    legacy = record.state == FAILED and record.task_id is None
    if legacy and (record.error or {}).get("type") == "CreditLimitError":
        return REFUSED
    return record.state


def begin_sending(record: LineRecord, estimate: float | None) -> None:
    """Pending to sending, with the estimate it now counts: recorded before the create leaves."""
    _move(record, {PENDING}, SENDING)
    record.estimate = estimate


def give_back_unsent(record: LineRecord) -> float:
    """Sending back to pending: the create never left the process. Returns its estimate."""
    _move(record, {SENDING}, PENDING)
    estimate, record.estimate = record.estimate or 0.0, None
    return estimate


def mark_created(record: LineRecord, task_id: str) -> None:
    """Sending to created: the answer's task id."""
    _move(record, {SENDING}, CREATED)
    record.task_id, record.error = task_id, None


def interrupt(record: LineRecord) -> bool:
    """A create cut off in flight (a crash, a dead worker): sending to unknown. True if it moved."""
    if record.state != SENDING:
        return False
    _move(record, {SENDING}, UNKNOWN)
    record.error = dict(INTERRUPTED)
    return True


def resend(record: LineRecord) -> float:
    """Unknown to pending, on the user's explicit word. Returns the estimate to uncount.

    Its estimate is counted again when it is sent: it was charged once at most.
    """
    _move(record, {UNKNOWN}, PENDING)
    estimate, record.estimate, record.error = record.estimate or 0.0, None, None
    return estimate


def end(record: LineRecord, state: str, error: dict[str, Any] | None = None) -> None:
    """A line ends ``done``, ``failed``, ``refused`` or ``unknown``, with the error ending it."""
    _move(record, _ENDS_FROM[state], state)
    record.error = error
