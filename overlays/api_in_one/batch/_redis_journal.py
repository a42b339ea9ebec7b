"""A task journal in Redis, shared by many worker processes (needs the ``redis`` extra).

Each line is claimed by one worker at a time: a worker pops line ids from
one queue and keeps them in a set of its own. A worker proves it is alive
with a key that expires after ``lease`` seconds unless renewed; the first
worker to claim after a dead one's lease ran out inherits its lines: a line
it was still ``sending`` becomes unknown (its create may have reached the
gateway), the others are worked on. The scripts only store and compare;
``_lines`` decides every move. Everything runs on one Redis server (keys
are built inside the scripts).

The journal is refused at open unless the server keeps what it writes
(AOF on) and cannot evict it (no ``allkeys-*`` policy under a memory cap).
Every write is a compare-and-store, so redis-py may send it again after a
lost connection or a timeout without doing it twice: a restart or a pause
shorter than the lease is waited out (bounded retries), a longer outage is
a ``JournalError``. A line, its order or the batch record found missing is
a ``JournalError`` too, never a fresh start.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from .._redis_budget import _redis
from ._files import BatchLine, input_identity
from ._journal import (
    BEGUN,
    NOT_OURS,
    OVER_LIMIT,
    JournalError,
    JournalSummary,
    check_same,
    lost_journal,
    new_batch_id,
    refuse_new_lines,
)
from ._lines import (
    FINAL_STATES,
    READY_STATES,
    UNKNOWN,
    LineRecord,
    interrupt,
    retry_on_rerun,
)
from ._lines import resend as resend_line

if TYPE_CHECKING:
    import redis as redis_sync

__all__ = ["RedisJournal", "riding_out"]

_log = logging.getLogger("api_in_one.batch")
_LOST = "journal-lost"
"""The error the scripts raise on a key that should be there; the journal's words follow."""
_PAGE = 500


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


# KEYS: meta. ARGV: batch id, input identity. A new batch's record, unless one exists.
_OPEN = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'batch', ARGV[1], 'input', ARGV[2], 'lines', 0, 'committed', 0,
    'filled', 0)
end
return redis.call('HMGET', KEYS[1], 'batch', 'input', 'filled')
"""

# KEYS: the line, the queue, the order, meta. ARGV: id, position, record, input, may add.
# A known line comes back with its state; a line the order knows but whose record is gone
# was evicted.
_INSERT = """
local record = redis.call('HGET', KEYS[1], 'record')
if record then return {'known', record, redis.call('HGET', KEYS[1], 'state')} end
if redis.call('EXISTS', KEYS[4]) == 0 or redis.call('ZSCORE', KEYS[3], ARGV[1]) then
  return redis.error_reply('journal-lost line ' .. ARGV[1])
end
if ARGV[5] ~= '1' then return {'missing'} end
redis.call('HSET', KEYS[1], 'state', 'pending', 'record', ARGV[3], 'input', ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('HINCRBY', KEYS[4], 'lines', 1)
return {'added'}
"""

# KEYS: the line, the queue, the order. ARGV: id, position, input, state read, new state,
# record. Makes a known line one of this input's; stores its new state only if it is still
# the state read, and queues it when it became ready.
_ADOPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  return redis.error_reply('journal-lost line ' .. ARGV[1])
end
redis.call('HSET', KEYS[1], 'input', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
if ARGV[4] ~= ARGV[5] and redis.call('HGET', KEYS[1], 'state') == ARGV[4] then
  redis.call('HSET', KEYS[1], 'state', ARGV[5], 'record', ARGV[6])
  redis.call('RPUSH', KEYS[2], ARGV[1])
end
return 1
"""

# ARGV: prefix, worker, limit, lease in ms. Renews this worker's lease, inherits the lines
# of workers whose lease ran out, pops up to limit ready lines of the current input, and
# answers every line this worker owns: id, state, record. Refuses a journal whose batch
# record or order is gone. With nothing queued or owned by anyone, ready lines of the input
# are queued again: only a lost queue leaves one there.
_CLAIM = """
local prefix, me = ARGV[1], ARGV[2]
local limit, lease = tonumber(ARGV[3]), tonumber(ARGV[4])
local meta = prefix .. 'meta'
local lines = redis.call('HGET', meta, 'lines')
if not lines then return redis.error_reply('journal-lost batch record') end
if redis.call('HGET', meta, 'filled') == '1'
    and redis.call('ZCARD', prefix .. 'order') ~= tonumber(lines) then
  return redis.error_reply('journal-lost order of the lines')
end
local input = redis.call('HGET', meta, 'input')
local owned = prefix .. 'owned:' .. me
redis.call('SET', prefix .. 'alive:' .. me, '1', 'PX', lease)
redis.call('SADD', prefix .. 'workers', me)
local busy = 0
for _, worker in ipairs(redis.call('SMEMBERS', prefix .. 'workers')) do
  local theirs = prefix .. 'owned:' .. worker
  if worker ~= me and redis.call('EXISTS', prefix .. 'alive:' .. worker) == 0 then
    for _, id in ipairs(redis.call('SMEMBERS', theirs)) do redis.call('SADD', owned, id) end
    redis.call('DEL', theirs)
    redis.call('SREM', prefix .. 'workers', worker)
  else
    busy = busy + redis.call('SCARD', theirs)
  end
end
local queue = prefix .. 'queue'
if busy == 0 and redis.call('LLEN', queue) == 0 and limit > 0 then
  for _, id in ipairs(redis.call('ZRANGE', prefix .. 'order', 0, -1)) do
    local line = prefix .. 'line:' .. id
    local state = redis.call('HGET', line, 'state')
    if (state == 'pending' or state == 'created') and redis.call('HGET', line, 'input') == input
    then
      redis.call('RPUSH', queue, id)
    end
  end
end
local popped = 0
while popped < limit do
  local id = redis.call('LPOP', queue)
  if not id then break end
  local line = prefix .. 'line:' .. id
  local state = redis.call('HGET', line, 'state')
  if not state then return redis.error_reply('journal-lost line ' .. id) end
  if (state == 'pending' or state == 'created') and redis.call('HGET', line, 'input') == input
  then
    if redis.call('SADD', owned, id) == 1 then popped = popped + 1 end
  end
end
local found = {}
for _, id in ipairs(redis.call('SMEMBERS', owned)) do
  local line = prefix .. 'line:' .. id
  local state = redis.call('HGET', line, 'state')
  if not state then return redis.error_reply('journal-lost line ' .. id) end
  table.insert(found, id)
  table.insert(found, state)
  table.insert(found, redis.call('HGET', line, 'record'))
end
return found
"""

# KEYS: the line, the worker's set, meta. ARGV: id, estimate, limit ('' for none), record,
# intent token. Stores the sending record if the line is this worker's pending line of the
# current input and its estimate fits; sent again with the same token, it answers as the
# first time did.
_BEGIN = """
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return redis.error_reply('journal-lost line ' .. ARGV[1]) end
if state == 'sending' and redis.call('HGET', KEYS[1], 'intent') == ARGV[5] then return 1 end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 then return -1 end
-- A line queued twice (two reruns requeued it at once) is sent by the first to begin.
if state ~= 'pending' then return -1 end
if redis.call('HGET', KEYS[1], 'input') ~= redis.call('HGET', KEYS[3], 'input') then
  return -1
end
local committed = tonumber(redis.call('HGET', KEYS[3], 'committed') or '0')
if ARGV[3] ~= '' and committed + tonumber(ARGV[2]) > tonumber(ARGV[3]) then return 0 end
redis.call('HINCRBYFLOAT', KEYS[3], 'committed', ARGV[2])
redis.call('HSET', KEYS[1], 'state', 'sending', 'record', ARGV[4], 'intent', ARGV[5])
return 1
"""

# KEYS: the line, the worker's set, meta. ARGV: id, state, record, credit change, whether the
# line is given up by this worker. Sent again after a lost answer, it changes nothing more.
_SAVE = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  return redis.error_reply('journal-lost line ' .. ARGV[1])
end
if ARGV[5] == '1' then redis.call('SREM', KEYS[2], ARGV[1]) end
if redis.call('HGET', KEYS[1], 'record') == ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'record', ARGV[3])
if tonumber(ARGV[4]) ~= 0 then redis.call('HINCRBYFLOAT', KEYS[3], 'committed', ARGV[4]) end
return 1
"""

# KEYS: the worker's set, the queue. ARGV: id. Queued again once, however often it is sent.
_RELEASE = """
if redis.call('SREM', KEYS[1], ARGV[1]) == 1 then redis.call('RPUSH', KEYS[2], ARGV[1]) end
return 1
"""

_Result = TypeVar("_Result")


class _Typed:
    """Redis errors as ``JournalError``: a lost key, or a server gone past the retries."""

    def __init__(self, journal: RedisJournal) -> None:
        self.journal = journal

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: Any, _trace: object) -> None:
        redis = _redis()[0]
        name, lease = self.journal.name, self.journal.lease
        if isinstance(error, redis.ResponseError) and _LOST in str(error):
            what = str(error).split(_LOST, 1)[1].strip()
            raise JournalError(
                f"The Redis journal {name!r} lost the {what}: the server dropped keys it wrote "
                "(evicted, flushed, or restarted without its AOF). Running on could pay twice, "
                "so nothing more is sent. Restore the server's data, or start the batch over "
                "on a new journal name."
            ) from None
        if isinstance(error, redis.ConnectionError | redis.TimeoutError):
            raise JournalError(
                f"The Redis journal {name!r} did not answer through about {lease:g} s of "
                f"retries ({error}): nothing more is sent; run again when the server is back."
            ) from None
        if isinstance(error, redis.RedisError):
            raise JournalError(f"The Redis journal {name!r} failed: {error}") from None


def _typed(method: Callable[..., _Result]) -> Callable[..., _Result]:
    """The method with its Redis errors as ``JournalError`` (``_Typed``)."""

    @functools.wraps(method)
    def typed(self: RedisJournal, *args: Any, **kwargs: Any) -> _Result:
        with _Typed(self):
            return method(self, *args, **kwargs)

    return typed


def _durability_problem(server: redis_sync.Redis) -> str | None:
    """Why the server may lose or evict what the journal writes, with the fix; None when safe."""
    persistence = server.info("persistence")
    if not int(persistence.get("aof_enabled", 0)):
        return (
            "appendonly is off, so a restart of the server loses the journal and a rerun would "
            "pay again for every line already sent. Turn AOF on: redis-cli CONFIG SET appendonly "
            "yes (and appendonly yes in redis.conf)"
        )
    memory = server.info("memory")
    policy = str(memory.get("maxmemory_policy", "noeviction"))
    if int(memory.get("maxmemory", 0)) and policy.startswith("allkeys"):
        return (
            f"maxmemory-policy is {policy} under a memory cap, so the server may evict the "
            "journal's keys. Use noeviction (or a volatile-* policy): redis-cli CONFIG SET "
            "maxmemory-policy noeviction"
        )
    return None


def riding_out(lease: float) -> dict[str, Any]:
    """redis-py options that retry for about ``lease`` seconds in all, then give up.

    A restart or a pause shorter than the lease is waited out: each attempt
    times out after a third of it (at most 5 s), and attempts go on, at most
    a second apart, about a lease long. Workers and their shared rate budget
    both use them.
    """
    redis = _redis()[0]
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    timeout = max(1.0, min(5.0, lease / 3))
    return {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "retry": Retry(ExponentialBackoff(cap=1.0, base=0.05), math.ceil(lease) + 3),
        "retry_on_error": [redis.ConnectionError, redis.TimeoutError],
    }


class RedisJournal:
    """A journal many workers share through one Redis server (``redis://host:port/db#name``)."""

    def __init__(self, url: str, *, lease: float = 30.0, read_only: bool = False) -> None:
        redis, _ = _redis()
        address, _, name = url.partition("#")
        self.name = name or "default"
        self.lease = lease
        self.worker = uuid.uuid4().hex
        self.batch: str | None = None
        self._input = ""
        self._held: set[str] = set()
        self._prefix = f"api-in-one:batch:{self.name}:"
        # Every write may be sent twice by these retries: each script is a compare-and-store.
        self._redis: redis_sync.Redis = redis.Redis.from_url(address, **riding_out(lease))
        self._open = self._redis.register_script(_OPEN)
        self._insert = self._redis.register_script(_INSERT)
        self._adopt = self._redis.register_script(_ADOPT)
        self._claim = self._redis.register_script(_CLAIM)
        self._begin = self._redis.register_script(_BEGIN)
        self._save = self._redis.register_script(_SAVE)
        self._release = self._redis.register_script(_RELEASE)
        self._stopped = threading.Event()
        self._heartbeat = threading.Thread(target=self._beat, daemon=True)
        self._read_only = read_only
        self._connect()

    @_typed
    def _connect(self) -> None:
        found = self._redis.hmget(self._key("meta"), "batch", "input")
        if found[0] is not None:
            self.batch, self._input = _text(found[0]), _text(found[1])
        if self._read_only:
            if found[0] is None:
                raise JournalError(f"No batch journal named {self.name!r} on that Redis server")
            return
        problem = _durability_problem(self._redis)
        if problem is not None:
            self._redis.close()
            raise JournalError(
                f"The Redis server of journal {self.name!r} does not keep what the journal "
                f"writes: {problem}. Nothing was sent."
            )

    def __repr__(self) -> str:
        return f"RedisJournal(name={self.name!r}, worker={self.worker!r})"

    def _key(self, *parts: str) -> str:
        return self._prefix + ":".join(parts)

    def _beat(self) -> None:
        # Renew the lease three times in each: one late renewal does not lose the lines. A
        # renewal that fails is tried at the next beat; the claims report a lasting outage.
        redis = _redis()[0]
        while not self._stopped.wait(self.lease / 3):
            try:
                self._redis.set(self._key("alive", self.worker), "1", px=int(self.lease * 1000))
            except redis.RedisError:
                continue

    @_typed
    def register(
        self,
        lines: Iterable[BatchLine],
        identity: str | None = None,
        *,
        add_lines: bool = False,
        output_batch: str | None = None,
    ) -> None:
        """Make this input the journal's current input (checked whole before anything changes)."""
        if identity is None:  # the input's identity, when the caller has not worked it out
            lines = list(lines)
            identity = input_identity(lines)[0]
        meta = self._key("meta")
        existing = self._redis.hget(meta, "batch")
        new = existing is None
        if new and self._redis.exists(self._key("order")):
            raise JournalError(
                f"The Redis journal {self.name!r} has lines but no batch record: it was evicted "
                "or written by an older version. Nothing was sent."
            )
        if new and output_batch is not None:
            fix = "Restore the server's data, or give a new --out to start a new batch."
            raise lost_journal(f"{self.name!r} on Redis", output_batch, "its output", fix)
        if not new and output_batch not in (None, _text(existing)):
            raise JournalError(
                f"The output file holds batch {output_batch}, but the journal {self.name!r} is "
                f"batch {_text(existing)}: give each batch its own output file."
            )
        batch, current, filled = (
            _text(v) for v in self._open(keys=[meta], args=[new_batch_id(), identity])
        )
        # The first workers of a batch fill it together; after that, its lines are all there.
        filling = current == identity and filled != "1"
        lines = list(lines)
        missing, known = self._insert_lines(lines, identity, may_add=filling or add_lines)
        if current == identity and filled == "1" and missing:
            raise JournalError(f"The Redis journal {self.name!r} lost line {missing[0]!r}.")
        if missing:
            raise refuse_new_lines(len(missing), missing[0], f"{self.name!r} on Redis")
        self._adopt_lines(known, identity)
        self._redis.hset(meta, mapping={"input": identity, "filled": 1})
        self.batch, self._input = batch, identity
        self._claim_lines(0)  # joins the workers now: a dead one's lines are taken from here
        if not self._heartbeat.is_alive():
            self._heartbeat.start()

    def _insert_lines(
        self, lines: list[BatchLine], identity: str, *, may_add: bool
    ) -> tuple[list[str], list[tuple[BatchLine, LineRecord]]]:
        """Insert the lines the journal lacks (when it ``may_add``); the missing and the known."""
        missing: list[str] = []
        known: list[tuple[BatchLine, LineRecord]] = []
        seen: set[str] = set()
        keys = [self._key("queue"), self._key("order"), self._key("meta")]
        for start in range(0, len(lines), _PAGE):
            page = lines[start : start + _PAGE]
            pipe = self._redis.pipeline(transaction=False)
            for line in page:
                if line.custom_id in seen:
                    raise JournalError(
                        f"custom_id {line.custom_id!r} appears twice in the input (again at "
                        f"line {line.position + 1}): custom_ids must be unique"
                    )
                seen.add(line.custom_id)
                record = LineRecord.of(line).to_json()
                self._insert(
                    keys=[self._key("line", line.custom_id), *keys],
                    args=[line.custom_id, line.position, record, identity, int(may_add)],
                    client=pipe,
                )
            for line, answer in zip(page, pipe.execute(), strict=True):
                if _text(answer[0]) == "missing":
                    missing.append(line.custom_id)
                elif _text(answer[0]) == "known":
                    stored = LineRecord.from_json(answer[1])
                    stored.state = _text(answer[2])
                    check_same(stored, line)
                    known.append((line, stored))
        return missing, known

    def _adopt_lines(self, known: list[tuple[BatchLine, LineRecord]], identity: str) -> None:
        for start in range(0, len(known), _PAGE):
            pipe = self._redis.pipeline(transaction=False)
            for line, stored in known[start : start + _PAGE]:
                read = stored.state
                retry_on_rerun(stored)
                stored.position = line.position
                self._adopt(
                    keys=[
                        self._key("line", line.custom_id),
                        self._key("queue"),
                        self._key("order"),
                    ],
                    args=[
                        line.custom_id,
                        line.position,
                        identity,
                        read,
                        stored.state,
                        stored.to_json(),
                    ],
                    client=pipe,
                )
            pipe.execute()

    @_typed
    def resend_unknown(self) -> int:
        """Make the current input's unknown lines pending again; returns how many."""
        count = 0
        for record in self.records():
            if record.state != UNKNOWN:
                continue
            uncounted = resend_line(record)
            self._store(record, -uncounted, give_up=False)
            self._redis.rpush(self._key("queue"), record.custom_id)
            count += 1
        return count

    def _claim_lines(self, limit: int) -> list[Any]:
        args = [self._prefix, self.worker, limit, int(self.lease * 1000)]
        found: list[Any] = self._claim(args=args)
        return found

    @_typed
    def claim(self, limit: int) -> list[LineRecord]:
        """Up to ``limit`` ready lines, now this worker's alone (after taking over dead ones').

        A line this worker owns but does not hold came from a dead worker (or a
        claim whose answer was lost): one it was sending becomes unknown.
        """
        found = self._claim_lines(limit)
        records = []
        for custom_id, state, text in zip(found[::3], found[1::3], found[2::3], strict=True):
            if _text(custom_id) in self._held:
                continue
            record = LineRecord.from_json(text)
            record.state = _text(state)
            if interrupt(record):
                self._store(record, 0.0, give_up=True)
            elif record.state in READY_STATES:
                self._held.add(record.custom_id)
                records.append(record)
            else:
                self._store(record, 0.0, give_up=True)
        return sorted(records, key=lambda record: record.position)

    @_typed
    def release(self, record: LineRecord) -> None:
        """Give a claimed line back unfinished."""
        self._held.discard(record.custom_id)
        self._release(
            keys=[self._key("owned", self.worker), self._key("queue")], args=[record.custom_id]
        )

    @_typed
    def begin_create(self, record: LineRecord, max_credits: float | None) -> str:
        """Store the ``sending`` record and count its estimate, unless it passes ``max_credits``."""
        begun = self._begin(
            keys=[
                self._key("line", record.custom_id),
                self._key("owned", self.worker),
                self._key("meta"),
            ],
            args=[
                record.custom_id,
                record.estimate or 0.0,
                "" if max_credits is None else max_credits,
                record.to_json(),
                uuid.uuid4().hex,
            ],
        )
        if begun == -1:
            self._held.discard(record.custom_id)
        return {1: BEGUN, 0: OVER_LIMIT}.get(begun, NOT_OURS)

    @_typed
    def committed(self) -> float:
        """Credits consumed plus the estimates that may still be charged, over all runs."""
        return float(self._redis.hget(self._key("meta"), "committed") or 0.0)

    @_typed
    def save(self, record: LineRecord, credit_change: float = 0.0) -> None:
        """Store the record's new state; ``credit_change`` corrects the committed credits."""
        give_up = record.state in FINAL_STATES
        self._store(record, credit_change, give_up=give_up)
        if give_up:
            self._held.discard(record.custom_id)

    def _store(self, record: LineRecord, credit_change: float, *, give_up: bool) -> None:
        self._save(
            keys=[
                self._key("line", record.custom_id),
                self._key("owned", self.worker),
                self._key("meta"),
            ],
            args=[
                record.custom_id,
                record.state,
                record.to_json(),
                credit_change,
                int(give_up),
            ],
        )

    def _pages(self) -> Iterator[tuple[LineRecord, bool]]:
        """Every line with whether it is the current input's, a page at a time."""
        start = 0
        while True:
            with _Typed(self):
                ids = self._redis.zrange(self._key("order"), start, start + _PAGE - 1)
            if not ids:
                return
            pipe = self._redis.pipeline(transaction=False)
            for custom_id in ids:
                pipe.hmget(self._key("line", _text(custom_id)), "state", "record", "input")
            with _Typed(self):
                answers = pipe.execute()
                for custom_id, (_, text, _) in zip(ids, answers, strict=True):
                    if text is None:
                        raise _redis()[0].ResponseError(f"{_LOST} line {_text(custom_id)}")
            for state, text, input in answers:
                record = LineRecord.from_json(text)
                record.state = _text(state)
                yield record, _text(input) == self._input
            start += _PAGE

    def records(self) -> Iterator[LineRecord]:
        """Every line of the current input, in its order, read a page at a time."""
        return (record for record, ours in self._pages() if ours)

    @_typed
    def summary(self) -> JournalSummary:
        """The current input's lines by state, the credits, and the lines outside it."""
        summary = JournalSummary(committed=self.committed())
        for record, ours in self._pages():
            if ours:
                summary.add(record)
            else:
                summary.outside += 1
        return summary

    def close(self) -> None:
        """Stop renewing the lease and give back any lines still claimed.

        A line still ``sending`` (its create's outcome never recorded) becomes
        unknown. A server gone by now leaves them to the lease: the next
        worker takes them over.
        """
        self._stopped.set()
        redis = _redis()[0]
        try:
            if not self._read_only:
                self._give_back()
        except redis.RedisError:
            _log.warning("Redis journal %r: closed without giving its lines back", self.name)
        finally:
            self._redis.close()

    def _give_back(self) -> None:
        owned = self._key("owned", self.worker)
        for custom_id in self._redis.smembers(owned):
            text = self._redis.hget(self._key("line", _text(custom_id)), "record")
            state = self._redis.hget(self._key("line", _text(custom_id)), "state")
            if text is None or state is None:
                continue
            record = dataclasses.replace(LineRecord.from_json(text), state=_text(state))
            if interrupt(record):
                self._store(record, 0.0, give_up=True)
            else:
                self._release(keys=[owned, self._key("queue")], args=[record.custom_id])
        self._redis.delete(owned, self._key("alive", self.worker))
        self._redis.srem(self._key("workers"), self.worker)
