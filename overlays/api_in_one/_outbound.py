"""The innermost layer of a client's transport: where a request leaves this process.

Two facts live here. A client's connections belong to the process that
opened them: after ``os.fork()`` a child sharing them would read the
parent's answers (another process's task id, garbled bytes), so a client
used in a process other than the one that made it refuses with
``ForkedClientError`` before anything is written, and closing it there
leaves the parent's connections alone. And whether a request got this far:
``watching()`` tells a caller (a batch deciding whether a failed create may
have been charged) if any request was handed to the network inside it.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from ._errors import ApiInOneError

__all__ = ["AsyncProcessBoundTransport", "ForkedClientError", "ProcessBoundTransport", "watching"]


class ForkedClientError(ApiInOneError):
    """A client made in one process was used in another (after ``os.fork()``); nothing was sent."""


@dataclass
class Outbound:
    """Whether a request was handed to the network while it was watched."""

    left: bool = False


_watched: contextvars.ContextVar[Outbound | None] = contextvars.ContextVar(
    "api_in_one_outbound", default=None
)


@contextlib.contextmanager
def watching() -> Iterator[Outbound]:
    """Note whether any request leaves the process inside the block (asyncio tasks included)."""
    outbound = Outbound()
    token = _watched.set(outbound)
    try:
        yield outbound
    finally:
        _watched.reset(token)


def _leaving(owner: int) -> None:
    if os.getpid() != owner:
        raise ForkedClientError(
            f"This client was made in process {owner} and is used in process {os.getpid()}, "
            "a fork of it: their connections are shared, so answers would cross. Nothing was "
            "sent. Make the client in the process that uses it (call connect() after the fork)."
        )
    outbound = _watched.get()
    if outbound is not None:
        outbound.left = True


class ProcessBoundTransport(httpx.BaseTransport):
    """Sends through ``inner`` only in the process that made it (sync)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner, self.owner = inner, os.getpid()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send, after refusing a forked process and noting that a request left."""
        _leaving(self.owner)
        return self.inner.handle_request(request)

    def close(self) -> None:
        """Close the connections, unless they are the parent's (closed in a fork, they break)."""
        if os.getpid() == self.owner:
            self.inner.close()


class AsyncProcessBoundTransport(httpx.AsyncBaseTransport):
    """Sends through ``inner`` only in the process that made it (async twin)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.owner = inner, os.getpid()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send, after refusing a forked process and noting that a request left."""
        _leaving(self.owner)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        """Close the connections, unless they are the parent's."""
        if os.getpid() == self.owner:
            await self.inner.aclose()
