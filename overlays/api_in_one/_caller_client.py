"""A caller's own httpx client as the innermost transport, under the retry wrapper.

Sending through the client itself keeps everything it was set up with (mounts,
proxies, certificates, event hooks) and puts all of it behind the rate budget,
the retries and the typed errors, without touching httpx's private attributes.
"""

from __future__ import annotations

import httpx

__all__ = ["AsyncCallerClientTransport", "CallerClientTransport"]


class CallerClientTransport(httpx.BaseTransport):
    """Send each request with ``client.send``; closing closes the client."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.client.send(request, stream=True)

    def close(self) -> None:
        self.client.close()


class AsyncCallerClientTransport(httpx.AsyncBaseTransport):
    """Send each request with ``await client.send``; closing closes the client."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.client.send(request, stream=True)

    async def aclose(self) -> None:
        await self.client.aclose()
