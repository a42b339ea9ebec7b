"""The spending guard: a client may spend at most ``max_credits``, counted from the spec's facts.

Before a paid request (a task create or a chat) is sent, its cost is
estimated from the spec's credit extensions (``_operations``) and refused
with ``CreditLimitError`` when it could take spending over the limit. An
estimate stays counted until the answers tell what was actually consumed:
the task status's ``consumed_credits`` for a finished task, ``credits_consumed`` for
a chat. A create that failed in a way that leaves its outcome open stays
counted: it may have been charged.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import httpx

from ._errors import ApiInOneError, CreditLimitError
from ._operations import OperationFacts
from ._request_facts import answer_of, enter
from ._task_status import is_finished, task_in

__all__ = ["AsyncGuardedTransport", "CreditGuard", "GuardedTransport"]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


class CreditGuard:
    """At most ``limit`` credits for everything sent through one client. Thread-safe.

    ``committed`` counts what was consumed plus the estimates of what may
    still be charged; ``spent`` only what the answers reported.
    """

    def __init__(self, limit: float) -> None:
        if limit < 0:
            raise ValueError(f"max_credits must be at least 0, got {limit:g}")
        self.limit = float(limit)
        self.spent = 0.0
        self.committed = 0.0
        self._estimates: dict[str, float] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"CreditGuard(limit={self.limit:g}, committed={self.committed:g}, spent={self.spent:g})"
        )

    def reserve(self, facts: OperationFacts, body: Mapping[str, Any]) -> float:
        """Count the cost of a create about to be sent, or raise ``CreditLimitError``."""
        cost = facts.cost(body)
        name = facts.command or facts.operation_id
        with self._lock:
            if cost is None:
                raise self._refusal(
                    f"Refused {name} with model {body.get('model')!r}: the spec states no cost "
                    f"for it, so the {self.limit:g}-credit limit cannot be kept.",
                    estimate=None,
                )
            if self.committed + cost > self.limit:
                raise self._refusal(
                    f"Refused {name}: {cost:g} credits on top of {self.committed:g} spent or in "
                    f"flight would pass the {self.limit:g}-credit limit.",
                    estimate=cost,
                )
            self.committed += cost
        return cost

    def _refusal(self, message: str, *, estimate: float | None) -> CreditLimitError:
        return CreditLimitError(
            message, limit=self.limit, committed=self.committed, estimate=estimate
        )

    def release(self, cost: float) -> None:
        """Uncount a reserved create that certainly created nothing."""
        with self._lock:
            self.committed -= cost

    def observe(self, request: httpx.Request, answer: Any, cost: float | None) -> None:
        """Learn from a successful answer: a created task, a chat's or a finished task's credits."""
        data = answer.get("data", answer) if isinstance(answer, dict) else None
        if not isinstance(data, dict):
            return
        task_id, status = task_in(answer)
        with self._lock:
            if cost is not None:
                consumed = _number(data.get("credits_consumed"))
                if consumed is not None:
                    self._settle(cost, consumed)
                elif task_id is not None:
                    self._estimates[task_id] = cost
                return
            consumed = _number(data.get("consumed_credits"))
            if (
                task_id is not None
                and task_id in self._estimates
                and status is not None
                and is_finished(status)
                and consumed is not None
            ):
                self._settle(self._estimates.pop(task_id), consumed)

    def _settle(self, estimate: float, consumed: float) -> None:
        self.committed += consumed - estimate
        self.spent += consumed


def _before(guard: CreditGuard, request: httpx.Request) -> float | None:
    facts = enter(request)  # the guard is the outermost layer: the request's facts start here
    paid = facts.paid_operation
    return None if paid is None else guard.reserve(paid, facts.fields)


def _after(
    guard: CreditGuard, request: httpx.Request, response: httpx.Response, cost: float | None
) -> None:
    # The JSON the transport decoded; a stream (chat SSE) has none, and its estimate stays counted.
    answer = answer_of(response)
    if answer is not None:
        guard.observe(request, answer, cost)


def _failed(guard: CreditGuard, cost: float | None, error: BaseException) -> None:
    if cost is not None and isinstance(error, ApiInOneError) and not error.may_have_created_task:
        guard.release(cost)


class GuardedTransport(httpx.BaseTransport):
    """Puts a ``CreditGuard`` in front of a (retrying) transport."""

    def __init__(self, inner: httpx.BaseTransport, guard: CreditGuard) -> None:
        self.inner, self.guard = inner, guard

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Refuse a create over the limit; otherwise send it and count what it cost."""
        cost = _before(self.guard, request)
        try:
            response = self.inner.handle_request(request)
        except BaseException as error:
            _failed(self.guard, cost, error)
            raise
        _after(self.guard, request, response, cost)
        return response

    def close(self) -> None:
        """Close the wrapped transport."""
        self.inner.close()


class AsyncGuardedTransport(httpx.AsyncBaseTransport):
    """The async ``GuardedTransport``."""

    def __init__(self, inner: httpx.AsyncBaseTransport, guard: CreditGuard) -> None:
        self.inner, self.guard = inner, guard

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Refuse a create over the limit; otherwise send it and count what it cost."""
        cost = _before(self.guard, request)
        try:
            response = await self.inner.handle_async_request(request)
        except BaseException as error:
            _failed(self.guard, cost, error)
            raise
        _after(self.guard, request, response, cost)
        return response

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.inner.aclose()
