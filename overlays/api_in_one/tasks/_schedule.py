"""When to poll which task: tasks of one kind learn from each other when to look.

Tasks created by the same endpoint and model (a *group*) take about as long
as each other. Each group polls only its oldest unfinished task, on a
backoff ladder of ages; once one succeeds, its age brackets the group's
duration and the others are polled when they reach that age, each counted
from its own creation. The bracket narrows by bisection until it is within
a tenth of the duration, so most tasks cost one poll and are seen soon
after they finish. A task still unfinished after one of its group finished
leaves the group and backs off on its own. Once the ladder's step reaches
the longest interval, each of its polls is followed by one of the next
oldest task, so a stuck oldest task never hides the others for long. Tasks
of unknown origin (not created through this client) are each a group of
one, polled at once and then with backoff.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
import time
from collections import deque
from collections.abc import Iterable, Mapping

from api_in_one_client.models import Task

from .._errors import TaskTimeoutError
from .._task_log import TaskCreation
from .._task_status import SUCCESS, is_finished

__all__ = ["Schedule"]

_LONE_GROWTH = 1.5
"""Backoff of a task that nothing else learns from."""
_GROUP_GROWTH = 1.25
"""Finer backoff for a task whose finishing age the rest of its group will use."""
_CLOSE_ENOUGH = 0.1
"""Bisect a group's duration until the bracket is within this share of it."""


class _Member:
    __slots__ = ("created", "known_origin", "task_id")

    def __init__(self, task_id: str, created: float, known_origin: bool) -> None:
        self.task_id, self.created, self.known_origin = task_id, created, known_origin


class _Group:
    """Unfinished tasks of one kind, oldest first, and what their polls have shown."""

    __slots__ = ("finished_age", "members", "unfinished_age", "version")

    def __init__(self, members: Iterable[_Member]) -> None:
        self.members = deque(sorted(members, key=lambda member: member.created))
        self.unfinished_age: float | None = None
        """The greatest age at which a member was seen unfinished."""
        self.finished_age = math.inf
        """The least age at which a member was seen finished."""
        self.version = 0
        """Bumped when the plan changes: queue entries of older versions are dropped."""


class Schedule:
    """The polling plan for one wait: ``next()`` names a task, ``seen()`` takes its status."""

    def __init__(
        self,
        ids: list[str],
        origins: Mapping[str, TaskCreation],
        poll_interval: float,
        max_poll_interval: float,
        timeout: float,
    ) -> None:
        if poll_interval <= 0 or max_poll_interval < poll_interval:
            raise ValueError("need 0 < poll_interval <= max_poll_interval")
        now = time.monotonic()
        self.deadline = now + timeout
        self.timeout = timeout
        self.poll_interval, self.max_interval = poll_interval, max_poll_interval
        self._order = itertools.count()
        # (due, tie-breaker, group version, group, member to poll).
        self._queue: list[tuple[float, int, int, _Group, _Member]] = []
        # Answers take at least this long: a poll says "unfinished" about an age this much earlier.
        self._round_trip = math.inf
        self._polling: tuple[_Group, _Member] | None = None
        kinds: dict[str, list[_Member]] = {}
        for task_id in ids:
            origin = origins.get(task_id)
            if origin is None:
                self._push(_Group([_Member(task_id, now, known_origin=False)]))
            else:
                kinds.setdefault(origin.kind, []).append(_Member(task_id, origin.at, True))
        for members in kinds.values():
            self._push(_Group(members))

    def __bool__(self) -> bool:
        while self._queue and self._queue[0][2] != self._queue[0][3].version:
            heapq.heappop(self._queue)
        return bool(self._queue)

    def next(self) -> tuple[str, float]:
        """The task to poll next and how long to wait first."""
        if not self:
            raise IndexError("no task left to poll")
        due, _, _, group, member = heapq.heappop(self._queue)
        self._polling = group, member
        return member.task_id, max(0.0, due - time.monotonic())

    def seen(self, task: Task, sent: float) -> bool:
        """Record the poll of the task ``next()`` named, sent at ``sent``; True if finished.

        Raises ``TaskTimeoutError`` when it is unfinished at or after the deadline.
        """
        assert self._polling is not None, "seen() follows next()"
        group, member = self._polling
        received = time.monotonic()
        self._round_trip = min(self._round_trip, received - sent)
        age = received - member.created
        if is_finished(task.status):
            group.members.remove(member)
            # A failure may come at any time; only a success tells how long the work takes.
            if task.status.upper() == SUCCESS:
                group.finished_age = min(group.finished_age, age)
            if group.unfinished_age is not None and group.unfinished_age >= group.finished_age:
                # Another member was slower than this one: keep only what this one showed.
                group.unfinished_age = None
            self._push(group)
            return True
        if received >= self.deadline:
            raise TaskTimeoutError(task.task_id, task.status, self.timeout)
        if member is not group.members[0]:
            # A check on the next oldest that found it unfinished too: nothing changes.
            return False
        unfinished_age = age - self._round_trip
        if unfinished_age >= group.finished_age:
            # Slower than a member that finished: it goes on alone.
            group.members.popleft()
            self._push(group)
            alone = _Group([member])
            alone.unfinished_age = unfinished_age
            self._push(alone)
            return False
        group.unfinished_age = max(group.unfinished_age or 0.0, unfinished_age)
        self._push(group)
        waited_long = group.finished_age == math.inf and self._step(group) >= self.max_interval
        if waited_long and len(group.members) > 1:
            # A long wait with no success yet: see that the next oldest is not done already.
            self._enqueue(received, group, group.members[1])
        return False

    def _step(self, group: _Group) -> float:
        growth = _GROUP_GROWTH if len(group.members) > 1 else _LONE_GROWTH
        lo = group.unfinished_age or 0.0
        return min(self.max_interval, max(self.poll_interval, lo * (growth - 1)))

    def _target_age(self, group: _Group, member: _Member) -> float:
        """The age at which to poll the group's oldest task next."""
        lo, hi = group.unfinished_age, group.finished_age
        if hi < math.inf:
            lo = lo or 0.0
            return hi if hi - lo <= _CLOSE_ENOUGH * hi else (lo + hi) / 2
        if lo is None:
            return self.poll_interval if member.known_origin else 0.0
        return lo + self._step(group) * random.uniform(0.9, 1.1)

    def _push(self, group: _Group) -> None:
        """Plan the group's next poll of its oldest task, replacing any earlier plan."""
        group.version += 1
        if group.members:
            head = group.members[0]
            self._enqueue(head.created + self._target_age(group, head), group, head)

    def _enqueue(self, due: float, group: _Group, member: _Member) -> None:
        entry = (min(due, self.deadline), next(self._order), group.version, group, member)
        heapq.heappush(self._queue, entry)
