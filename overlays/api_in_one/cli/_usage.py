"""The error every ``aio`` command raises for bad configuration found after parsing."""

from __future__ import annotations

__all__ = ["UsageError"]


class UsageError(Exception):
    """Bad configuration found after parsing (exit 2)."""
