"""The client-side rate budget: a token bucket shared by every call of one client."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

__all__ = ["RateBudget", "TokenBucket"]

_JITTER_SLACK = 0.02


@runtime_checkable
class RateBudget(Protocol):
    """Anything that paces requests. ``connect(rate_budget=...)`` accepts any implementation.

    ``acquire`` blocks the calling thread until one request may be sent;
    ``acquire_async`` does the same without blocking the event loop.
    """

    def acquire(self) -> None:
        """Wait until one request may be sent."""

    async def acquire_async(self) -> None:
        """Wait, without blocking the event loop, until one request may be sent."""


class TokenBucket:
    """At most ``limit`` requests in any ``per``-second window, ``burst`` of them at once.

    The bucket holds up to ``burst`` tokens and refills at ``limit - burst``
    per window (stretched by 2 % to absorb jitter between sending and the
    server's count), so that a burst plus a full window of refill never
    exceeds a server's sliding-window limit. Waiting callers reserve their token first
    and then sleep, so the lock is never held across a wait: safe for threads
    and for asyncio tasks alike.
    """

    def __init__(
        self,
        limit: float,
        burst: int = 5,
        *,
        per: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit <= 0 or per <= 0:
            raise ValueError("limit and per must be positive (connect takes None for no budget)")
        if not 1 <= burst < limit:
            raise ValueError("burst must be at least 1 and below the limit")
        self.limit, self.burst, self.per = limit, burst, per
        self._rate = (limit - burst) / (per * (1 + _JITTER_SLACK))
        self._tokens = float(burst)
        self._clock = clock
        self._updated = clock()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TokenBucket(limit={self.limit:g}, burst={self.burst}, per={self.per:g})"

    def reserve(self) -> float:
        """Take a token now; return how many seconds to wait before using it."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self._rate)
            self._updated = now
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self._rate

    def acquire(self) -> None:
        """Block until one request may be sent."""
        wait = self.reserve()
        if wait > 0:
            time.sleep(wait)

    async def acquire_async(self) -> None:
        """Wait without blocking the event loop until one request may be sent."""
        wait = self.reserve()
        if wait > 0:
            await asyncio.sleep(wait)
