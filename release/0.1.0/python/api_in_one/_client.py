"""``connect``/``aconnect``: the generated client plus retries, a rate budget and typed errors."""

from __future__ import annotations

import ipaddress
import os
from typing import Any

import httpx

from api_in_one_client import AuthenticatedClient

from ._budget import RateBudget, TokenBucket
from ._errors import ApiInOneError
from ._task_log import TaskLog
from ._transport import AsyncRetryTransport, RetryPolicy, RetryTransport

__all__ = ["DEFAULT_BASE_URL", "ApiInOneClient", "aconnect", "connect"]

DEFAULT_BASE_URL = "https://apiin.one/api/v1"
"""The production gateway."""

KEY_VARIABLE = "API_IN_ONE_API_KEY"
BASE_URL_VARIABLE = "API_IN_ONE_BASE_URL"


class ApiInOneClient(AuthenticatedClient):
    """The generated ``AuthenticatedClient``, with a repr that never shows the key."""

    task_log: TaskLog | None = None
    """The tasks this client created, with when and how: waiting uses it to time its polls."""

    def close(self) -> None:
        """Close the sync connections; ``with connect() as client:`` does it on leaving."""
        if self._client is not None:
            self._client.close()

    async def aclose(self) -> None:
        """Close the async connections; ``async with aconnect() as client:`` does it on leaving."""
        if self._async_client is not None:
            await self._async_client.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._base_url!r}, token='aio_***')"

    __str__ = __repr__


def _settings(api_key: str | None, base_url: str | None) -> tuple[str, str]:
    key = api_key or os.environ.get(KEY_VARIABLE)
    if not key:
        raise ApiInOneError(
            f"No API key: pass api_key=... or set the {KEY_VARIABLE} environment variable "
            "(keys look like aio_...)."
        )
    url = (base_url or os.environ.get(BASE_URL_VARIABLE) or DEFAULT_BASE_URL).rstrip("/")
    parsed = httpx.URL(url)
    if parsed.scheme not in {"http", "https"} or not parsed.host:
        raise ApiInOneError(f"Base URL must be an http(s) URL, got {url!r}")
    if parsed.scheme == "http" and not _is_loopback(parsed.host):
        raise ApiInOneError(
            f"Refusing plain-HTTP base URL {url!r}: the API key would cross the network "
            "unencrypted. Use https://, or http:// only for a loopback host."
        )
    return key, url


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _budget(
    rate_budget: RateBudget | None, requests_per_minute: float | None, burst: int
) -> RateBudget | None:
    if rate_budget is not None:
        return rate_budget
    return TokenBucket(requests_per_minute, burst, per=60.0) if requests_per_minute else None


def _client_kwargs(url: str, key: str, timeout: float | httpx.Timeout) -> dict[str, Any]:
    return {
        "base_url": url,
        "headers": {"Authorization": f"Bearer {key}"},
        "timeout": timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout),
    }


def connect(
    api_key: str | None = None,
    *,
    base_url: str | None = None,
    max_retries: int = 2,
    requests_per_minute: float | None = 60,
    burst: int = 5,
    retry_after_cap: float = 60.0,
    timeout: float | httpx.Timeout = 60.0,
    httpx_client: httpx.Client | None = None,
    rate_budget: RateBudget | None = None,
    backoff_base: float = 0.5,
) -> ApiInOneClient:
    """A client for every generated sync call, with retries, a rate budget and typed errors.

    ``api_key`` and ``base_url`` default to ``API_IN_ONE_API_KEY`` and
    ``API_IN_ONE_BASE_URL`` (then to the production gateway). Documented error
    statuses raise ``ApiInOneError`` subclasses instead of returning ``Error``
    models. ``requests_per_minute=None`` turns the budget off; ``rate_budget``
    replaces it (for example with one shared by many processes). A given
    ``httpx_client`` is configured in place: its base URL, auth header and
    timeout are set and its transport is wrapped. Chat requests made with the
    generated ``create_chat_completion`` are sent with ``stream: false``, the
    only answer it can parse; use ``stream_chat`` to stream.
    """
    key, url = _settings(api_key, base_url)
    policy = RetryPolicy(max_retries, backoff_base, retry_after_cap=retry_after_cap)
    budget = _budget(rate_budget, requests_per_minute, burst)
    settings = _client_kwargs(url, key, timeout)
    log = TaskLog()
    if httpx_client is None:
        http = httpx.Client(
            **settings, transport=RetryTransport(httpx.HTTPTransport(), policy, budget, log)
        )
    else:
        http = httpx_client
        http.base_url, http.timeout = settings["base_url"], settings["timeout"]
        http.headers.update(settings["headers"])
        http._transport = RetryTransport(http._transport, policy, budget, log)
    client = ApiInOneClient(base_url=url, token=key, raise_on_unexpected_status=True)
    client.task_log = log
    client.set_httpx_client(http)
    return client


def aconnect(
    api_key: str | None = None,
    *,
    base_url: str | None = None,
    max_retries: int = 2,
    requests_per_minute: float | None = 60,
    burst: int = 5,
    retry_after_cap: float = 60.0,
    timeout: float | httpx.Timeout = 60.0,
    httpx_client: httpx.AsyncClient | None = None,
    rate_budget: RateBudget | None = None,
    backoff_base: float = 0.5,
) -> ApiInOneClient:
    """The async twin of ``connect``: use the generated ``asyncio``/``asyncio_detailed`` calls."""
    key, url = _settings(api_key, base_url)
    policy = RetryPolicy(max_retries, backoff_base, retry_after_cap=retry_after_cap)
    budget = _budget(rate_budget, requests_per_minute, burst)
    settings = _client_kwargs(url, key, timeout)
    log = TaskLog()
    if httpx_client is None:
        http = httpx.AsyncClient(
            **settings,
            transport=AsyncRetryTransport(httpx.AsyncHTTPTransport(), policy, budget, log),
        )
    else:
        http = httpx_client
        http.base_url, http.timeout = settings["base_url"], settings["timeout"]
        http.headers.update(settings["headers"])
        http._transport = AsyncRetryTransport(http._transport, policy, budget, log)
    client = ApiInOneClient(base_url=url, token=key, raise_on_unexpected_status=True)
    client.task_log = log
    client.set_async_httpx_client(http)
    return client
