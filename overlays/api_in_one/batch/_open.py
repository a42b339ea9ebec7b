"""Opening a journal by its address: a SQLite path, or a Redis URL for many workers."""

from __future__ import annotations

import os

from ._journal import Journal, SqliteJournal
from ._redis_journal import RedisJournal

__all__ = ["open_journal"]


def open_journal(
    location: str | os.PathLike[str], *, lease: float = 30.0, read_only: bool = False
) -> Journal:
    """The journal at a SQLite path, or at a ``redis://`` URL (``#name`` picks the batch).

    ``lease`` is how long a Redis worker that stopped answering keeps its
    lines before another takes them over. A ``read_only`` journal may be
    read while a run is going; it only answers ``records`` and ``summary``.
    """
    text = os.fspath(location)
    if text.startswith(("redis://", "rediss://", "unix://")):
        return RedisJournal(text, lease=lease, read_only=read_only)
    return SqliteJournal(text, read_only=read_only)
