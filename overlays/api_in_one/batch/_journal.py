"""The durable task journal of a batch: what was sent, what it created, how each line ended.

The states and their moves are ``_lines``'; a journal stores them. A journal
is whole or refused: it records the batch it belongs to (an id made with it)
and the identity of the input it serves, and a run that finds it empty,
damaged, of another batch or missing lines it wrote raises ``JournalError``
before anything is sent. An input owns its journal: only its lines are
claimed and written out; the journal's other lines are counted in
``JournalSummary.outside`` and never sent; an input with lines the journal
does not hold is refused unless they are added on purpose (``add_lines``).
``SqliteJournal`` (the default) serves one run at a time; ``RedisJournal``
(``_redis_journal``) serves many workers at once; ``open_journal``
(``_open``) picks one by its address.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol, TypeVar

from .._errors import ApiInOneError
from ._files import BatchLine, input_identity
from ._lines import (
    FINAL_STATES,
    READY_STATES,
    SENDING,
    UNKNOWN,
    LineRecord,
    retry_on_rerun,
    shown_state,
)
from ._lines import interrupt as interrupt_line
from ._lines import resend as resend_line

__all__ = [
    "BEGUN",
    "NOT_OURS",
    "OVER_LIMIT",
    "Journal",
    "JournalError",
    "JournalSummary",
    "SqliteJournal",
    "check_same",
    "lost_journal",
    "new_batch_id",
    "refuse_new_lines",
]

BEGUN, OVER_LIMIT, NOT_OURS = "begun", "over-limit", "not-ours"
"""What ``Journal.begin_create`` answers."""


class JournalError(ApiInOneError):
    """The journal cannot be used: in use, lost or damaged, or not the input's journal."""


def new_batch_id() -> str:
    """The id of a new batch, kept in its journal and in every line of its output."""
    return f"batch_{uuid.uuid4().hex}"


def lost_journal(where: str, batch: str, evidence: str, fix: str) -> JournalError:
    """The error of a journal found empty though ``evidence`` shows batch ``batch`` ran on it."""
    return JournalError(
        f"The journal {where} is empty or incomplete, but {evidence} shows batch {batch} ran "
        "on it: its record of what was sent is lost, and running on would pay again for "
        f"lines already paid. Nothing was sent. {fix}"
    )


def check_same(known: LineRecord, line: BatchLine) -> None:
    """Refuse an input line whose operation or body differ from what the journal recorded."""
    if known.hash != line.hash:
        raise JournalError(
            f"custom_id {line.custom_id!r} has a different operation or body than the journal "
            "recorded: use a new journal (or a new custom_id) for a changed input"
        )


def refuse_new_lines(count: int, first: str, where: str) -> JournalError:
    """The error of an input holding lines its journal was not made with."""
    return JournalError(
        f"{count} lines of the input are not in the journal {where} (the first: {first!r}): "
        "it was made for another input. Nothing was sent. Use a new journal for a new input, "
        "or add these lines to this batch on purpose (--add-lines; add_lines=True)."
    )


@dataclass
class JournalSummary:
    """The current input's lines by state, and the credits, for a bar or ``aio batch status``."""

    states: dict[str, int] = field(default_factory=dict)
    spent: float = 0.0
    """Credits the gateway reported as consumed."""
    at_risk: float = 0.0
    """Estimated credits of the unknown lines: they may have been charged."""
    committed: float = 0.0
    """Spent plus every estimate that may still be charged, over all the journal's lines:
    what ``max_credits`` is held to."""
    outside: int = 0
    """Lines of the journal that are not in the current input: never sent by this input's runs."""

    @property
    def total(self) -> int:
        """All lines of the current input."""
        return sum(self.states.values())

    @property
    def unfinished(self) -> int:
        """Lines not yet done, failed, refused or unknown."""
        return sum(n for state, n in self.states.items() if state not in FINAL_STATES)

    def count(self, state: str) -> int:
        """Lines in ``state``."""
        return self.states.get(state, 0)

    def add(self, record: LineRecord) -> None:
        """Count one line of the current input."""
        state = shown_state(record)
        self.states[state] = self.states.get(state, 0) + 1
        self.spent += record.credits or 0.0
        if record.state == UNKNOWN:
            self.at_risk += record.estimate or 0.0


class Journal(Protocol):
    """What a batch run needs from a journal; both kinds keep these promises."""

    batch: str | None
    """The id of the batch the journal holds (None for a journal never registered)."""

    def register(
        self,
        lines: Iterable[BatchLine],
        identity: str | None = None,
        *,
        add_lines: bool = False,
        output_batch: str | None = None,
    ) -> None:
        """Make the input of ``identity`` the journal's current input (``JournalError`` if not).

        ``identity`` is ``input_identity`` of the lines, worked out here if None.

        A new journal takes every line as pending, unless ``output_batch``
        (the batch an existing output names) says one ran before: the journal
        was lost. A known journal checks each line is unchanged and refuses
        lines it does not hold unless ``add_lines``; failed lines that cost
        nothing to retry are made ready again.
        """

    def resend_unknown(self) -> int:
        """Make the unknown lines pending again, on the user's explicit word; returns how many."""

    def claim(self, limit: int) -> list[LineRecord]:
        """Up to ``limit`` ready lines of the current input, now this worker's alone, in order."""

    def release(self, record: LineRecord) -> None:
        """Give a claimed line back unfinished (a stopping run), for the next run to take."""

    def begin_create(self, record: LineRecord, max_credits: float | None) -> str:
        """Store ``record``, moved to ``sending``, durably, before its create is sent.

        Answers ``BEGUN``; or, with nothing stored, ``OVER_LIMIT`` when its
        estimate would take the journal's committed credits over
        ``max_credits``, ``NOT_OURS`` when the stored line is no longer this
        worker's pending line.
        """

    def committed(self) -> float:
        """Credits consumed plus the estimates that may still be charged, over all runs."""

    def save(self, record: LineRecord, credit_change: float = 0.0) -> None:
        """Store the record's new state; ``credit_change`` corrects the committed credits."""

    def records(self) -> Iterator[LineRecord]:
        """Every line of the current input, in its order."""

    def summary(self) -> JournalSummary:
        """The current input's lines by state, the credits, and the lines outside it."""

    def close(self) -> None:
        """Let go of the journal."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS lines (
    custom_id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    state TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS batch (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
# The input column came with batch ids; a journal written before gets it empty.
_INPUT_COLUMN = "ALTER TABLE lines ADD COLUMN input TEXT NOT NULL DEFAULT ''"
_INDEX = "CREATE INDEX IF NOT EXISTS lines_by_input ON lines (input, state, position)"

_Result = TypeVar("_Result")


def _typed(method: Callable[..., _Result]) -> Callable[..., _Result]:
    """SQLite's errors (a damaged file, a full disk) as ``JournalError``, naming the journal."""

    @functools.wraps(method)
    def typed(self: SqliteJournal, *args: Any, **kwargs: Any) -> _Result:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as error:
            raise JournalError(
                f"The journal {self.path} cannot be used: {error}. Nothing more was sent; "
                "free disk space or restore the file, then run again."
            ) from None

    return typed


class SqliteJournal:
    """A journal in one SQLite file (WAL), for one run at a time.

    A lock file beside it keeps a second run out while one is going; the
    operating system drops the lock when the process dies, so a run that
    starts after a crash knows that every create still ``sending`` was cut
    off, and marks it unknown. Each change is committed before the run goes
    on: a killed process loses nothing (``synchronous=NORMAL``: a power cut
    may lose the last commits). The lock file also holds the batch's id and
    how many creates it began: a journal file found empty, replaced by
    another batch's, or older than that count is refused. The committed
    credits are summed at open and then kept in memory, which the lock
    makes safe.
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.batch: str | None = None
        self._input = ""
        self._claimed: set[str] = set()
        self._lock: BinaryIO | None = None
        self._db: sqlite3.Connection | None = None
        try:
            self._open(read_only)
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"SqliteJournal({str(self.path)!r})"

    @_typed
    def _open(self, read_only: bool) -> None:
        if read_only:
            if not self.path.exists():
                raise JournalError(f"No journal at {self.path}")
            self._db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            self._check_is_journal()
            self._load_meta()
            if self.batch is None and not self._sql.execute("SELECT 1 FROM lines").fetchone():
                raise JournalError(f"No batch is recorded in {self.path}")
            self._committed = self._sum_committed()
            return
        lock = open(f"{self.path}.lock", "a+b")  # noqa: SIM115 - held for the run
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise JournalError(f"The journal {self.path} is in use by another run") from None
        self._lock = lock
        existed = self.path.exists() and self.path.stat().st_size > 0
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        if existed:
            self._check_is_journal()
        self._load_meta()
        self._check_against_lock()  # before anything is written: a lost journal stays as found
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(lines)")}
        if "input" not in columns:
            self._db.execute(_INPUT_COLUMN)
        self._db.execute(_INDEX)
        self._mark_interrupted()
        self._committed = self._sum_committed()

    @property
    def _sql(self) -> sqlite3.Connection:
        assert self._db is not None
        return self._db

    def _check_is_journal(self) -> None:
        """Refuse a file that is not a batch journal (another database, a damaged one).

        A database with no tables at all is a journal a run was killed making.
        """
        tables = {row[0] for row in self._sql.execute("SELECT name FROM sqlite_master")}
        if tables and "lines" not in tables:
            raise JournalError(
                f"{self.path} is not a batch journal (it has no lines table): "
                "give the journal this batch was run with, or a new path"
            )
        if not tables and self._lock is None:
            raise JournalError(f"No batch is recorded in {self.path} yet")

    def _load_meta(self) -> None:
        tables = {row[0] for row in self._sql.execute("SELECT name FROM sqlite_master")}
        rows = self._sql.execute("SELECT key, value FROM batch") if "batch" in tables else []
        found = dict(list(rows))
        self.batch, self._input = found.get("batch"), found.get("input", "")
        self._intents = int(found.get("intents", "0"))

    def _lock_record(self) -> dict[str, Any]:
        assert self._lock is not None
        self._lock.seek(0)
        text = self._lock.read()
        try:
            found = json.loads(text) if text.strip() else {}
        except ValueError:
            found = {}
        return found if isinstance(found, dict) else {}

    def _check_against_lock(self) -> None:
        """Refuse a journal file that is not the one the lock file's runs wrote."""
        written = self._lock_record()
        batch, intents = written.get("batch"), written.get("intents", 0)
        if not isinstance(batch, str):
            return
        fix = (
            f"Restore {self.path}, or, to start this batch over and pay again, delete it "
            f"and {self.path}.lock."
        )
        if self.batch is None:
            raise lost_journal(str(self.path), batch, f"{self.path}.lock", fix)
        if self.batch != batch:
            raise JournalError(
                f"The journal {self.path} holds batch {self.batch}, but {self.path}.lock shows "
                f"batch {batch} ran here: the file was replaced. Nothing was sent. {fix}"
            )
        if isinstance(intents, int) and self._intents < intents:
            raise JournalError(
                f"The journal {self.path} records {self._intents} creates begun, but "
                f"{self.path}.lock counted {intents}: it is an older copy, and running on "
                f"would pay again for the creates it misses. Nothing was sent. {fix}"
            )

    def _write_lock_record(self) -> None:
        # After the journal's commit: the lock file never counts more than the journal holds.
        assert self._lock is not None
        self._lock.seek(0)
        self._lock.truncate()
        self._lock.write(json.dumps({"batch": self.batch, "intents": self._intents}).encode())
        self._lock.flush()

    def _sum_committed(self) -> float:
        rows = self._sql.execute("SELECT record FROM lines")
        return sum(LineRecord.from_json(row[0]).charge() for row in rows)

    def _mark_interrupted(self) -> None:
        found = self._in_state(SENDING)
        with self._transaction():
            for record in found:
                interrupt_line(record)
                self._write(record)

    def _in_state(self, state: str) -> list[LineRecord]:
        rows = self._sql.execute("SELECT record FROM lines WHERE state = ?", (state,))
        return [LineRecord.from_json(row[0]) for row in rows]

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._sql.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._sql.execute("ROLLBACK")
            raise
        self._sql.execute("COMMIT")

    def _write(self, record: LineRecord) -> None:
        self._sql.execute(
            "UPDATE lines SET state = ?, record = ? WHERE custom_id = ?",
            (record.state, record.to_json(), record.custom_id),
        )

    def _get(self, custom_id: str) -> LineRecord | None:
        row = self._sql.execute(
            "SELECT record FROM lines WHERE custom_id = ?", (custom_id,)
        ).fetchone()
        return None if row is None else LineRecord.from_json(row[0])

    def _set_meta(self, **values: object) -> None:
        self._sql.executemany(
            "INSERT OR REPLACE INTO batch VALUES (?, ?)",
            [(key, str(value)) for key, value in values.items()],
        )

    @_typed
    def register(
        self,
        lines: Iterable[BatchLine],
        identity: str | None = None,
        *,
        add_lines: bool = False,
        output_batch: str | None = None,
    ) -> None:
        """Make this input the journal's current input; in one transaction, all or nothing."""
        if identity is None:  # the input's identity, when the caller has not worked it out
            lines = list(lines)
            identity = input_identity(lines)[0]
        new = self.batch is None
        if new and self._sql.execute("SELECT 1 FROM lines LIMIT 1").fetchone() is not None:
            new = False  # written before batch ids: its lines are checked like any input's
        if new and output_batch is not None:
            fix = "Restore the journal, or give a new --out to start a new batch."
            raise lost_journal(str(self.path), output_batch, "its output", fix)
        if not new and output_batch not in (None, self.batch):
            raise JournalError(
                f"The output file holds batch {output_batch}, but the journal {self.path} is "
                f"batch {self.batch}: give each batch its own output file."
            )
        batch = self.batch or new_batch_id()
        missing: list[str] = []
        with self._transaction():
            seen: set[str] = set()
            for line in lines:
                if line.custom_id in seen:
                    raise JournalError(
                        f"custom_id {line.custom_id!r} appears twice in the input (again at "
                        f"line {line.position + 1}): custom_ids must be unique"
                    )
                seen.add(line.custom_id)
                self._register_line(line, identity, new or add_lines, missing)
            if missing:
                raise refuse_new_lines(len(missing), missing[0], str(self.path))
            self._set_meta(batch=batch, input=identity, intents=self._intents)
        self.batch, self._input = batch, identity

    def _register_line(
        self, line: BatchLine, identity: str, may_add: bool, missing: list[str]
    ) -> None:
        known = self._get(line.custom_id)
        if known is None:
            if not may_add:
                missing.append(line.custom_id)
                return
            new = LineRecord.of(line)
            self._sql.execute(
                "INSERT INTO lines VALUES (?, ?, ?, ?, ?)",
                (new.custom_id, new.position, new.state, new.to_json(), identity),
            )
            return
        check_same(known, line)
        known.position = line.position
        retry_on_rerun(known)
        self._sql.execute(
            "UPDATE lines SET position = ?, state = ?, record = ?, input = ? WHERE custom_id = ?",
            (known.position, known.state, known.to_json(), identity, known.custom_id),
        )

    @_typed
    def resend_unknown(self) -> int:
        """Make the current input's unknown lines pending again; returns how many."""
        found = [r for r in self._in_state(UNKNOWN) if self._in_input(r.custom_id)]
        with self._transaction():
            for record in found:
                self._committed -= resend_line(record)
                self._write(record)
        return len(found)

    def _in_input(self, custom_id: str) -> bool:
        row = self._sql.execute(
            "SELECT 1 FROM lines WHERE custom_id = ? AND input = ?", (custom_id, self._input)
        ).fetchone()
        return row is not None

    @_typed
    def claim(self, limit: int) -> list[LineRecord]:
        """Up to ``limit`` ready lines of the input not yet claimed by this run, in order."""
        taken = list(self._claimed)
        rows = self._sql.execute(
            "SELECT record FROM lines WHERE input = ? AND state IN (?, ?) "
            "AND custom_id NOT IN (SELECT value FROM json_each(?)) "
            "ORDER BY position LIMIT ?",
            (self._input, *sorted(READY_STATES), json.dumps(taken), limit),
        ).fetchall()
        found = [LineRecord.from_json(row[0]) for row in rows]
        self._claimed.update(record.custom_id for record in found)
        return found

    def release(self, record: LineRecord) -> None:
        """Give a claimed line back unfinished."""
        self._claimed.discard(record.custom_id)

    @_typed
    def begin_create(self, record: LineRecord, max_credits: float | None) -> str:
        """Store the ``sending`` record and count its estimate, unless it passes ``max_credits``."""
        estimate = record.estimate or 0.0
        if max_credits is not None and self._committed + estimate > max_credits:
            return OVER_LIMIT
        with self._transaction():
            self._write(record)
            self._set_meta(intents=self._intents + 1)
        self._intents += 1
        self._committed += estimate
        self._write_lock_record()
        return BEGUN

    def committed(self) -> float:
        """Credits consumed plus the estimates that may still be charged, over all runs."""
        return self._committed

    @_typed
    def save(self, record: LineRecord, credit_change: float = 0.0) -> None:
        """Store the record's new state; ``credit_change`` corrects the committed credits."""
        self._write(record)
        self._committed += credit_change
        if record.state in FINAL_STATES:
            self._claimed.discard(record.custom_id)

    @_typed
    def records(self) -> Iterator[LineRecord]:
        """Every line of the current input, in its order (read as it goes: memory stays flat)."""
        cursor = self._sql.execute(
            "SELECT record FROM lines WHERE input = ? ORDER BY position", (self._input,)
        )
        for row in cursor:
            yield LineRecord.from_json(row[0])

    @_typed
    def summary(self) -> JournalSummary:
        """The current input's lines by state, the credits, and the lines outside it."""
        summary = JournalSummary(committed=self._committed)
        for record in self.records():
            summary.add(record)
        row = self._sql.execute("SELECT COUNT(*) FROM lines WHERE input != ?", (self._input,))
        summary.outside = row.fetchone()[0]
        return summary

    def close(self) -> None:
        """Close the database and drop the lock."""
        if self._db is not None:
            self._db.close()
        if self._lock is not None:
            self._lock.close()
