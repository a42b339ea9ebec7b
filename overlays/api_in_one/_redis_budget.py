"""A rate budget shared by many processes through one Redis key (needs the ``redis`` extra)."""

from __future__ import annotations

import asyncio
import math
import threading
import time
import weakref
from typing import TYPE_CHECKING, Any

from ._budget import _JITTER_SLACK

if TYPE_CHECKING:
    from types import ModuleType

    import redis as redis_sync
    import redis.asyncio as redis_async
    from redis.commands.core import AsyncScript, Script

__all__ = ["DEFAULT_KEY", "RedisRateBudget"]

DEFAULT_KEY = "api-in-one:budget:default"
"""The Redis key of a budget constructed without ``key=``."""

_INSTALL_HINT = (
    "RedisRateBudget needs redis-py, which is not installed: pip install 'api-in-one[redis]'"
)

# GCRA, the token bucket of ``TokenBucket`` kept as one number: the
# theoretical arrival time ``tat``, when the bucket would be full again.
# Taking a slot moves ``tat`` one emission interval ``T`` on (from now if it
# lies in the past); the slot is free once ``tat`` is at most ``burst``
# intervals ahead. ``T`` is the stretched window ``W' = per * (1 + slack)``
# shared by ``limit - burst`` refills, as in ``TokenBucket``, so ``limit + 1``
# consecutive slots span at least ``W' + T``: never more than ``limit`` in
# any window the server counts. A sliding-window log (a ZSET of grants) would
# admit the whole limit at once; those requests then reach the server spread
# out by its queueing, longer than a small margin covers, so the first slot
# of the next window may meet the last of them still counted. GCRA lets at
# most ``burst`` go at once and paces the rest, and keeps one key of O(1) size.
#
# Each call reserves its slot and returns it with the wait, so a caller makes
# one round trip and callers are served in order. Times are integer
# microseconds of the server's TIME (exact in Lua's doubles), so the clocks
# of the processes play no part. The key holds ``tat:written``, ``written``
# being the server's time when it was set: if the server's clock has since
# stepped back, the bucket steps back with it, so no caller waits out the
# step (a bare ``tat``, as kept before, counts as written now). The key
# expires when the bucket is full again, when it carries nothing a fresh
# key would not.
_RESERVE = """
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local stored = redis.call('GET', KEYS[1]) or ''
local sep = string.find(stored, ':', 1, true)
local tat, written = tonumber(stored) or 0, now
if sep then
  tat = tonumber(string.sub(stored, 1, sep - 1)) or 0
  written = tonumber(string.sub(stored, sep + 1)) or now
end
if written > now then tat = tat - (written - now) end
tat = math.max(tat, now) + interval
local ttl = math.ceil((tat - now) / 1000)
redis.call('SET', KEYS[1], string.format('%.0f:%.0f', tat, now), 'PX', string.format('%.0f', ttl))
local slot = math.max(now, tat - burst * interval)
return {slot, slot - now}
"""


def _redis() -> tuple[ModuleType, ModuleType]:
    """The sync and asyncio modules of redis-py, or an ImportError naming the extra."""
    try:
        import redis
        import redis.asyncio
    except ImportError as error:
        raise ImportError(_INSTALL_HINT, name="redis") from error
    return redis, redis.asyncio


class RedisRateBudget:
    """At most ``limit`` requests in any ``per``-second window, ``burst`` at once, across processes.

    The pacing of ``TokenBucket``, kept in Redis: every process (thread,
    asyncio task) that builds a budget with the same Redis server and ``key``
    draws from one bucket, so workers that share an API key stay under the
    gateway's per-key limit together. Pass it to ``connect`` or ``aconnect``::

        from api_in_one import RedisRateBudget, connect

        budget = RedisRateBudget("redis://localhost:6379/0", 60, key="api-in-one:budget:prod")
        with connect(rate_budget=budget) as client:
            ...  # the requests of every process using this key are paced together

    Use one key per API key (the gateway limits each key), never the API key
    itself. Build the budget in each process (after a fork, or in a spawned
    worker) rather than passing one to it: it holds connections.

    Each request reserves a slot with one atomic Lua script on Redis time,
    so the processes' clocks play no part, then sleeps until the slot. The
    bucket refills at ``limit - burst`` per ``per`` seconds stretched by
    ``slack`` (2 %, as ``TokenBucket``): the stretch and one refill interval
    absorb the jitter between a slot and the moment the server counts the
    request.

    ``redis`` is a URL (``redis://``, ``rediss://``, ``unix://``), a
    ``redis.Redis`` or a ``redis.asyncio.Redis``. From a URL the budget makes
    its own clients, with ``redis_options`` (e.g. ``socket_timeout=5``) passed
    to redis-py's ``from_url``: one for threads and one per event loop
    (``close`` and ``aclose`` close them). A sync client also serves ``acquire_async`` (the
    round trip runs in a worker thread); an asyncio client serves only
    ``acquire_async``. Redis errors propagate and the request is not sent.
    Needs Redis 5 or newer and redis-py: ``pip install 'api-in-one[redis]'``.
    """

    def __init__(
        self,
        redis: str | redis_sync.Redis | redis_async.Redis,
        limit: float,
        burst: int = 5,
        *,
        per: float = 60.0,
        key: str = DEFAULT_KEY,
        slack: float = _JITTER_SLACK,
        **redis_options: Any,
    ) -> None:
        sync_module, async_module = _redis()
        if limit <= 0 or per <= 0 or slack < 0:
            raise ValueError("limit and per must be positive, slack not negative")
        if not 1 <= burst < limit:
            raise ValueError("burst must be at least 1 and below the limit")
        if redis_options and not isinstance(redis, str):
            raise TypeError("connection options apply only when the budget is given a URL")
        self.limit, self.burst, self.per, self.key, self.slack = limit, burst, per, key, slack
        # Rounded up to whole microseconds: a slightly slower refill, never a faster one.
        interval = math.ceil(per * (1 + slack) * 1_000_000 / (limit - burst))
        self._argv = [interval, burst]
        self._url: str | None = None
        self._options = redis_options
        self._sync: Script | None = None
        self._async: AsyncScript | None = None
        # Clients made from a URL, one per event loop: an asyncio connection
        # belongs to the loop that opened it.
        self._loop_scripts: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncScript] = (
            weakref.WeakKeyDictionary()
        )
        self._loop_lock = threading.Lock()
        if isinstance(redis, str):
            self._url = redis
            client = sync_module.Redis.from_url(redis, **redis_options)
            self._sync = client.register_script(_RESERVE)
        elif isinstance(redis, async_module.Redis):
            self._async = redis.register_script(_RESERVE)
        elif isinstance(redis, sync_module.Redis):
            self._sync = redis.register_script(_RESERVE)
        else:
            raise TypeError(
                f"expected a Redis URL, redis.Redis or redis.asyncio.Redis, not {type(redis)!r}"
            )

    def __repr__(self) -> str:
        # Never the URL: it may carry a password.
        return (
            f"RedisRateBudget(limit={self.limit:g}, burst={self.burst}, per={self.per:g}, "
            f"key={self.key!r})"
        )

    def _reserve_slot(self) -> tuple[int, int]:
        """The slot taken, in microseconds of Redis time, and the microseconds to wait for it."""
        if self._sync is None:
            raise TypeError(
                "this RedisRateBudget has only an asyncio client: use acquire_async, "
                "or build it from a URL or a redis.Redis"
            )
        slot, wait = self._sync(keys=[self.key], args=self._argv)
        return int(slot), int(wait)

    def reserve(self) -> float:
        """Take the next slot now; return how many seconds to wait before using it."""
        return self._reserve_slot()[1] / 1_000_000

    async def reserve_async(self) -> float:
        """``reserve`` without blocking the event loop."""
        script = self._async_script()
        if script is None:
            return await asyncio.to_thread(self.reserve)
        _, wait = await script(keys=[self.key], args=self._argv)
        return int(wait) / 1_000_000

    def _async_script(self) -> AsyncScript | None:
        if self._async is not None or self._url is None:
            return self._async
        loop = asyncio.get_running_loop()
        with self._loop_lock:
            script = self._loop_scripts.get(loop)
            if script is None:
                client = _redis()[1].Redis.from_url(self._url, **self._options)
                script = self._loop_scripts[loop] = client.register_script(_RESERVE)
        return script

    def acquire(self) -> None:
        """Block until one request may be sent."""
        wait = self.reserve()
        if wait > 0:
            time.sleep(wait)

    async def acquire_async(self) -> None:
        """Wait without blocking the event loop until one request may be sent."""
        wait = await self.reserve_async()
        if wait > 0:
            await asyncio.sleep(wait)

    def close(self) -> None:
        """Close the sync client the budget made from a URL (a given client stays open)."""
        if self._url is not None and self._sync is not None:
            self._sync.registered_client.close()

    async def aclose(self) -> None:
        """Close the clients the budget made from a URL: this event loop's, then the sync one."""
        if self._url is None:
            return
        with self._loop_lock:
            script = self._loop_scripts.pop(asyncio.get_running_loop(), None)
        if script is not None:
            await script.registered_client.aclose()
        self.close()
