"""A task journal in Redis, shared by many worker processes (needs the ``redis`` extra).

Each line is claimed by one worker at a time: a worker pops line ids from
one queue and keeps them in a set of its own. A worker proves it is alive
with a key that expires after ``lease`` seconds unless renewed; the first
worker to claim after a dead one's lease ran out takes its lines over, all
in one script: a line it was still ``sending`` becomes unknown (its create
may have reached the gateway), the others go back to the queue. Everything
runs on one Redis server (keys are built inside the scripts).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .._redis_budget import _redis
from ._journal import (
    BEGUN,
    CREATED,
    FINAL_STATES,
    INTERRUPTED,
    NOT_OURS,
    OVER_LIMIT,
    PENDING,
    SENDING,
    UNKNOWN,
    BatchLine,
    JournalSummary,
    LineRecord,
    _check_same,
)

if TYPE_CHECKING:
    import redis as redis_sync

__all__ = ["RedisJournal"]


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


# KEYS: the line, the queue. ARGV: position, record, state to retry from ('' for none).
_REGISTER = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'state', 'pending', 'record', ARGV[2])
  redis.call('RPUSH', KEYS[2], ARGV[3])
  return false
end
local state = redis.call('HGET', KEYS[1], 'state')
local retry = redis.call('HGET', KEYS[1], 'retry')
if state == 'failed' and retry and retry ~= '' then
  redis.call('HSET', KEYS[1], 'state', retry, 'retry', '')
  redis.call('RPUSH', KEYS[2], ARGV[3])
end
return redis.call('HGET', KEYS[1], 'record')
"""

# ARGV: prefix, worker, limit, lease in ms. Renews this worker's lease, takes the lines of
# workers whose lease ran out, then pops up to limit ready lines for this worker.
_CLAIM = """
local prefix, me = ARGV[1], ARGV[2]
local limit, lease = tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('SET', prefix .. 'alive:' .. me, '1', 'PX', lease)
redis.call('SADD', prefix .. 'workers', me)
for _, worker in ipairs(redis.call('SMEMBERS', prefix .. 'workers')) do
  if redis.call('EXISTS', prefix .. 'alive:' .. worker) == 0 then
    for _, id in ipairs(redis.call('SMEMBERS', prefix .. 'owned:' .. worker)) do
      local line = prefix .. 'line:' .. id
      local state = redis.call('HGET', line, 'state')
      if state == 'sending' then
        redis.call('HSET', line, 'state', 'unknown', 'lost', '1')
      elseif state == 'pending' or state == 'created' then
        redis.call('RPUSH', prefix .. 'queue', id)
      end
    end
    redis.call('DEL', prefix .. 'owned:' .. worker)
    redis.call('SREM', prefix .. 'workers', worker)
  end
end
local found = {}
while #found < 2 * limit do
  local id = redis.call('LPOP', prefix .. 'queue')
  if not id then break end
  local line = prefix .. 'line:' .. id
  local state = redis.call('HGET', line, 'state')
  if state == 'pending' or state == 'created' then
    redis.call('SADD', prefix .. 'owned:' .. me, id)
    table.insert(found, state)
    table.insert(found, redis.call('HGET', line, 'record'))
  end
end
return found
"""

# KEYS: the line, the worker's set, the committed credits. ARGV: id, estimate, limit ('' for
# none), record.
_BEGIN = """
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return -1 end
-- A line queued twice (two reruns requeued it at once) is sent by the first to begin.
if redis.call('HGET', KEYS[1], 'state') ~= 'pending' then return -1 end
local committed = tonumber(redis.call('GET', KEYS[3]) or '0')
if ARGV[3] ~= '' and committed + tonumber(ARGV[2]) > tonumber(ARGV[3]) then return 0 end
redis.call('INCRBYFLOAT', KEYS[3], ARGV[2])
redis.call('HSET', KEYS[1], 'state', 'sending', 'record', ARGV[4])
return 1
"""


class RedisJournal:
    """A journal many workers share through one Redis server (``redis://host:port/db#name``)."""

    def __init__(self, url: str, *, lease: float = 30.0, read_only: bool = False) -> None:
        redis, _ = _redis()
        address, _, name = url.partition("#")
        self.name = name or "default"
        self.lease = lease
        self.worker = uuid.uuid4().hex
        self._prefix = f"api-in-one:batch:{self.name}:"
        self._redis: redis_sync.Redis = redis.Redis.from_url(address)
        self._register = self._redis.register_script(_REGISTER)
        self._claim = self._redis.register_script(_CLAIM)
        self._begin = self._redis.register_script(_BEGIN)
        self._stopped = threading.Event()
        self._heartbeat = threading.Thread(target=self._beat, daemon=True)
        self._read_only = read_only
        if not read_only:
            self._claim_lines(0)
            self._heartbeat.start()

    def __repr__(self) -> str:
        return f"RedisJournal(name={self.name!r}, worker={self.worker!r})"

    def _key(self, *parts: str) -> str:
        return self._prefix + ":".join(parts)

    def _beat(self) -> None:
        # Renew the lease three times in each: one late renewal does not lose the lines.
        while not self._stopped.wait(self.lease / 3):
            self._redis.set(self._key("alive", self.worker), "1", px=int(self.lease * 1000))

    def register(self, lines: Iterable[BatchLine]) -> None:
        """Add new input lines as pending; check known ones are unchanged (``JournalError``)."""
        pipe = self._redis.pipeline(transaction=False)
        sent: list[LineRecord] = []
        for line in lines:
            new = LineRecord.of(line)
            self._register(
                keys=[self._key("line", new.custom_id), self._key("queue")],
                args=[new.position, new.to_json(), new.custom_id],
                client=pipe,
            )
            pipe.zadd(self._key("order"), {new.custom_id: new.position})
            sent.append(new)
            if len(sent) == 500:
                self._check(sent, pipe.execute())
                sent = []
        self._check(sent, pipe.execute())

    @staticmethod
    def _check(sent: list[LineRecord], answers: list[Any]) -> None:
        for new, known in zip(sent, answers[::2], strict=True):
            if known is not None:
                _check_same(LineRecord.from_json(known), new)

    def resend_unknown(self) -> int:
        """Make the unknown lines pending again; returns how many."""
        count = 0
        for record in self.records():
            if record.state != UNKNOWN:
                continue
            if record.estimate:
                self._redis.incrbyfloat(self._key("committed"), -record.estimate)
            record.state, record.error, record.estimate = PENDING, None, None
            self.save(record)
            self._redis.rpush(self._key("queue"), record.custom_id)
            count += 1
        return count

    def _claim_lines(self, limit: int) -> list[Any]:
        args = [self._prefix, self.worker, limit, int(self.lease * 1000)]
        found: list[Any] = self._claim(args=args)
        return found

    def claim(self, limit: int) -> list[LineRecord]:
        """Up to ``limit`` ready lines, now this worker's alone (after taking over dead ones')."""
        found = self._claim_lines(limit)
        records = []
        for state, text in zip(found[::2], found[1::2], strict=True):
            record = LineRecord.from_json(text)
            record.state = _text(state)
            records.append(record)
        return sorted(records, key=lambda record: record.position)

    def release(self, record: LineRecord) -> None:
        """Give a claimed line back unfinished."""
        self._redis.rpush(self._key("queue"), record.custom_id)
        self._redis.srem(self._key("owned", self.worker), record.custom_id)

    def begin_create(self, record: LineRecord, max_credits: float | None) -> str:
        """Mark the line ``sending`` and count its estimate, unless that passes ``max_credits``."""
        previous, record.state = record.state, SENDING
        begun = self._begin(
            keys=[
                self._key("line", record.custom_id),
                self._key("owned", self.worker),
                self._key("committed"),
            ],
            args=[
                record.custom_id,
                record.estimate or 0.0,
                "" if max_credits is None else max_credits,
                record.to_json(),
            ],
        )
        if begun != 1:
            record.state = previous
        return {1: BEGUN, 0: OVER_LIMIT}.get(begun, NOT_OURS)

    def committed(self) -> float:
        """Credits consumed plus the estimates that may still be charged, over all runs."""
        return float(self._redis.get(self._key("committed")) or 0.0)

    def save(self, record: LineRecord, credit_change: float = 0.0) -> None:
        """Store the record's new state; ``credit_change`` corrects the committed credits."""
        pipe = self._redis.pipeline()
        if credit_change:
            pipe.incrbyfloat(self._key("committed"), credit_change)
        pipe.hset(
            self._key("line", record.custom_id),
            mapping={
                "state": record.state,
                "record": record.to_json(),
                "retry": record.retry_state() or "",
            },
        )
        if record.state in FINAL_STATES:
            pipe.srem(self._key("owned", self.worker), record.custom_id)
        pipe.execute()

    def records(self) -> Iterator[LineRecord]:
        """Every line, in input order, read a page at a time."""
        page = 500
        start = 0
        while True:
            ids = self._redis.zrange(self._key("order"), start, start + page - 1)
            if not ids:
                return
            pipe = self._redis.pipeline(transaction=False)
            for custom_id in ids:
                pipe.hmget(self._key("line", _text(custom_id)), "state", "record", "lost")
            for state, text, lost in pipe.execute():
                record = LineRecord.from_json(text)
                record.state = _text(state)
                if lost and record.state == UNKNOWN and record.error is None:
                    record.error = dict(INTERRUPTED)
                yield record
            start += page

    def summary(self) -> JournalSummary:
        """Lines by state and the credits."""
        summary = JournalSummary(committed=self.committed())
        for record in self.records():
            summary.states[record.state] = summary.states.get(record.state, 0) + 1
            summary.spent += record.credits or 0.0
            if record.state == UNKNOWN:
                summary.at_risk += record.estimate or 0.0
        return summary

    def close(self) -> None:
        """Stop renewing the lease and give back any lines still claimed.

        A line still ``sending`` (its create's outcome never recorded) becomes unknown.
        """
        self._stopped.set()
        if self._read_only:
            self._redis.close()
            return
        owned = self._key("owned", self.worker)
        for custom_id in self._redis.smembers(owned):
            line = self._key("line", _text(custom_id))
            state = _text(self._redis.hget(line, "state") or b"")
            if state in (PENDING, CREATED):
                self._redis.rpush(self._key("queue"), custom_id)
            elif state == SENDING:
                self._redis.hset(line, mapping={"state": UNKNOWN, "lost": "1"})
        self._redis.delete(owned, self._key("alive", self.worker))
        self._redis.srem(self._key("workers"), self.worker)
        self._redis.close()
