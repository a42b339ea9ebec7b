"""The durable task journal of a batch: what was sent, what it created, how each line ended.

A line moves ``pending`` -> ``sending`` (recorded before the create leaves)
-> ``created`` (the task id, recorded as soon as the answer arrives) ->
``done`` or ``failed``. A line whose create may have reached the server
without its answer being recorded becomes ``unknown`` and is never sent
again on its own. ``SqliteJournal`` (the default) serves one run at a time;
``RedisJournal`` (``_redis_journal``) serves many workers at once;
``open_journal`` (``_open_journal``) picks one by its address.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from .._errors import ApiInOneError

__all__ = [
    "FINAL_STATES",
    "BatchLine",
    "Journal",
    "JournalError",
    "JournalSummary",
    "LineRecord",
    "SqliteJournal",
    "body_hash",
]

PENDING, SENDING, CREATED, DONE, FAILED, UNKNOWN = (
    "pending",
    "sending",
    "created",
    "done",
    "failed",
    "unknown",
)
FINAL_STATES = frozenset({DONE, FAILED, UNKNOWN})
"""The states a line ends in."""
BEGUN, OVER_LIMIT, NOT_OURS = "begun", "over-limit", "not-ours"
"""What ``Journal.begin_create`` answers."""
INTERRUPTED = {
    "type": "Interrupted",
    "message": "The run stopped while this create was in flight: the task may exist. "
    "It is not sent again unless you ask (--resend-unknown).",
}


class JournalError(ApiInOneError):
    """The journal cannot be used: in use by another run, or the input does not match it."""


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
        return cls(
            line.custom_id,
            line.position,
            line.operation,
            line.body,
            body_hash(line.operation, line.body),
        )

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

    def retry_state(self) -> str | None:
        """Where a rerun picks up a failed line when that costs nothing, else None.

        A create refused before it was sent (or answered with an error that
        created nothing) is sent again; a task that succeeded but whose files
        could not be saved is fetched again. A task that FAILED is not redone.
        """
        if self.state != FAILED:
            return None
        if self.task_id is None:
            return PENDING
        return CREATED if (self.task_status or "").upper() == "SUCCESS" else None

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


@dataclass
class JournalSummary:
    """Lines by state and credits, for a progress bar or ``aio batch status``."""

    states: dict[str, int] = field(default_factory=dict)
    spent: float = 0.0
    """Credits the gateway reported as consumed."""
    at_risk: float = 0.0
    """Estimated credits of the unknown lines: they may have been charged."""
    committed: float = 0.0
    """Spent plus every estimate that may still be charged: what ``max_credits`` is held to."""

    @property
    def total(self) -> int:
        """All lines."""
        return sum(self.states.values())

    @property
    def unfinished(self) -> int:
        """Lines not yet done, failed or unknown."""
        return sum(n for state, n in self.states.items() if state not in FINAL_STATES)

    def count(self, state: str) -> int:
        """Lines in ``state``."""
        return self.states.get(state, 0)


class Journal(Protocol):
    """What a batch run needs from a journal; both kinds keep these promises."""

    def register(self, lines: Iterable[BatchLine]) -> None:
        """Add new input lines as pending; check known ones are unchanged (``JournalError``).

        Failed lines that cost nothing to retry are made ready again.
        """

    def resend_unknown(self) -> int:
        """Make the unknown lines pending again, on the user's explicit word; returns how many."""

    def claim(self, limit: int) -> list[LineRecord]:
        """Up to ``limit`` pending or created lines, now this worker's alone, in input order."""

    def release(self, record: LineRecord) -> None:
        """Give a claimed line back unfinished (a stopping run), for the next run to take."""

    def begin_create(self, record: LineRecord, max_credits: float | None) -> str:
        """Mark the line ``sending`` and count its estimate, durably, before the create is sent.

        Answers ``BEGUN``; or, with nothing changed, ``OVER_LIMIT`` when the
        estimate would take the journal's committed credits over
        ``max_credits``, ``NOT_OURS`` when another worker took the line over.
        """

    def committed(self) -> float:
        """Credits consumed plus the estimates that may still be charged, over all runs."""

    def save(self, record: LineRecord, credit_change: float = 0.0) -> None:
        """Store the record's new state; ``credit_change`` corrects the committed credits."""

    def records(self) -> Iterator[LineRecord]:
        """Every line, in input order."""

    def summary(self) -> JournalSummary:
        """Lines by state and the credits."""

    def close(self) -> None:
        """Let go of the journal."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS lines (
    custom_id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    state TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS lines_by_state ON lines (state, position);
"""


class SqliteJournal:
    """A journal in one SQLite file (WAL), for one run at a time.

    A lock file beside it keeps a second run out while one is going; the
    operating system drops the lock when the process dies, so a run that
    starts after a crash knows that every create still ``sending`` was cut
    off, and marks it unknown. Each change is committed before the run goes
    on: a killed process loses nothing (``synchronous=NORMAL``: a power cut
    may lose the last commits). Each change is one statement, so one commit;
    the committed credits are summed at open and then kept in memory, which
    the lock makes safe.
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        self.path = Path(path)
        self._claimed: set[str] = set()
        self._lock: BinaryIO | None = None
        if read_only:
            if not self.path.exists():
                raise JournalError(f"No journal at {self.path}")
            self._db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            self._committed = sum(record.charge() for record in self.records())
            return
        lock = open(f"{self.path}.lock", "a+b")  # noqa: SIM115 - held for the run
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise JournalError(f"The journal {self.path} is in use by another run") from None
        self._lock = lock
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._mark_interrupted()
        self._committed = sum(record.charge() for record in self.records())

    def __repr__(self) -> str:
        return f"SqliteJournal({str(self.path)!r})"

    def _mark_interrupted(self) -> None:
        found = self._in_state(SENDING)
        with self._transaction():
            for record in found:
                record.state, record.error = UNKNOWN, dict(INTERRUPTED)
                self._write(record)

    def _in_state(self, state: str) -> list[LineRecord]:
        rows = self._db.execute("SELECT record FROM lines WHERE state = ?", (state,))
        return [LineRecord.from_json(row[0]) for row in rows]

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _write(self, record: LineRecord) -> None:
        self._db.execute(
            "UPDATE lines SET state = ?, record = ? WHERE custom_id = ?",
            (record.state, record.to_json(), record.custom_id),
        )

    def _get(self, custom_id: str) -> LineRecord | None:
        row = self._db.execute(
            "SELECT record FROM lines WHERE custom_id = ?", (custom_id,)
        ).fetchone()
        return None if row is None else LineRecord.from_json(row[0])

    def register(self, lines: Iterable[BatchLine]) -> None:
        """Add new input lines as pending; check known ones are unchanged (``JournalError``)."""
        batch: list[BatchLine] = []
        for line in lines:
            batch.append(line)
            if len(batch) == 500:
                self._register(batch)
                batch = []
        self._register(batch)

    def _register(self, lines: list[BatchLine]) -> None:
        with self._transaction():
            for line in lines:
                new = LineRecord.of(line)
                known = self._get(line.custom_id)
                if known is None:
                    self._db.execute(
                        "INSERT INTO lines VALUES (?, ?, ?, ?)",
                        (new.custom_id, new.position, new.state, new.to_json()),
                    )
                    continue
                _check_same(known, new)
                retry = known.retry_state()
                if retry is not None:
                    known.state, known.error = retry, None
                    self._write(known)

    def resend_unknown(self) -> int:
        """Make the unknown lines pending again; returns how many."""
        found = self._in_state(UNKNOWN)
        with self._transaction():
            for record in found:
                # Its estimate is counted again when it is sent: it was charged once at most.
                self._committed -= record.estimate or 0.0
                record.state, record.error, record.estimate = PENDING, None, None
                self._write(record)
        return len(found)

    def claim(self, limit: int) -> list[LineRecord]:
        """Up to ``limit`` pending or created lines not yet claimed by this run, in input order."""
        taken = list(self._claimed)
        rows = self._db.execute(
            "SELECT record FROM lines WHERE state IN (?, ?) "
            "AND custom_id NOT IN (SELECT value FROM json_each(?)) "
            "ORDER BY position LIMIT ?",
            (PENDING, CREATED, json.dumps(taken), limit),
        ).fetchall()
        found = [LineRecord.from_json(row[0]) for row in rows]
        self._claimed.update(record.custom_id for record in found)
        return found

    def release(self, record: LineRecord) -> None:
        """Give a claimed line back unfinished."""
        self._claimed.discard(record.custom_id)

    def begin_create(self, record: LineRecord, max_credits: float | None) -> str:
        """Mark the line ``sending`` and count its estimate, unless that passes ``max_credits``."""
        estimate = record.estimate or 0.0
        if max_credits is not None and self._committed + estimate > max_credits:
            return OVER_LIMIT
        record.state = SENDING
        self._write(record)  # one statement, committed before the create is sent
        self._committed += estimate
        return BEGUN

    def committed(self) -> float:
        """Credits consumed plus the estimates that may still be charged, over all runs."""
        return self._committed

    def save(self, record: LineRecord, credit_change: float = 0.0) -> None:
        """Store the record's new state; ``credit_change`` corrects the committed credits."""
        self._write(record)
        self._committed += credit_change
        if record.state in FINAL_STATES:
            self._claimed.discard(record.custom_id)

    def records(self) -> Iterator[LineRecord]:
        """Every line, in input order (read as it goes: memory stays flat)."""
        cursor = self._db.execute("SELECT record FROM lines ORDER BY position")
        for row in cursor:
            yield LineRecord.from_json(row[0])

    def summary(self) -> JournalSummary:
        """Lines by state and the credits."""
        summary = JournalSummary(committed=self._committed)
        for state, count in self._db.execute("SELECT state, COUNT(*) FROM lines GROUP BY state"):
            summary.states[state] = count
        for record in self.records():
            summary.spent += record.credits or 0.0
            if record.state == UNKNOWN:
                summary.at_risk += record.estimate or 0.0
        return summary

    def close(self) -> None:
        """Close the database and drop the lock."""
        self._db.close()
        if self._lock is not None:
            self._lock.close()


def _check_same(known: LineRecord, new: LineRecord) -> None:
    if known.position != new.position:
        raise JournalError(
            f"custom_id {new.custom_id!r} is at line {new.position + 1} of the input, but the "
            f"journal has it at line {known.position + 1}: custom_ids must be unique, and an "
            "input must not change between runs of one journal"
        )
    if known.hash != new.hash:
        raise JournalError(
            f"custom_id {new.custom_id!r} has a different operation or body than the journal "
            "recorded: use a new journal (or a new custom_id) for a changed input"
        )
