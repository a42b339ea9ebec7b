"""Durable batches: a JSONL input run once per line, journalled so a rerun never pays twice."""

from ._files import BatchEstimate, BatchInputError, estimate_batch
from ._journal import JournalError, JournalSummary, SqliteJournal
from ._lines import LineRecord
from ._open import open_journal
from ._redis_journal import RedisJournal
from ._runner import BatchProgress, BatchReport, async_run_batch, run_batch

__all__ = [
    "BatchEstimate",
    "BatchInputError",
    "BatchProgress",
    "BatchReport",
    "JournalError",
    "JournalSummary",
    "LineRecord",
    "RedisJournal",
    "SqliteJournal",
    "async_run_batch",
    "estimate_batch",
    "open_journal",
    "run_batch",
]
