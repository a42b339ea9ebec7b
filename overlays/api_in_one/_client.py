"""``connect``/``aconnect``: the generated client plus retries, a rate budget and typed errors."""

from __future__ import annotations

import copy
import dataclasses
import ipaddress
import json
import math
import os
import sys
from dataclasses import dataclass
from typing import Any

import httpx
from attrs import define, evolve, field

from api_in_one_client import AuthenticatedClient
from api_in_one_client.errors import UnexpectedStatus

from ._answers import AnswerLayer, DriftSummary, answer_layer, wrapped
from ._budget import RateBudget, TokenBucket
from ._caller_client import AsyncCallerClientTransport, CallerClientTransport
from ._errors import ApiInOneError
from ._guard import AsyncGuardedTransport, CreditGuard, GuardedTransport
from ._logs import configure_from_environment
from ._task_log import TaskLog
from ._transport import AsyncRetryTransport, RetryPolicy, RetryTransport, invalid_answer

if sys.version_info >= (3, 11):
    from typing import Self
else:
    from typing_extensions import Self

__all__ = ["DEFAULT_BASE_URL", "ApiInOneClient", "aconnect", "connect"]

DEFAULT_BASE_URL = "https://apiin.one/api/v1"
"""The production gateway."""

KEY_VARIABLE = "API_IN_ONE_API_KEY"
BASE_URL_VARIABLE = "API_IN_ONE_BASE_URL"


_SYNC_ONLY = (
    "This client came from connect() and is sync-only: call the generated .sync() and "
    ".sync_detailed() functions and the helpers without the async_ prefix "
    "(wait_for_task, stream_chat, download_results), or make an async client with aconnect()."
)
_ASYNC_ONLY = (
    "This client came from aconnect() and is async-only: await the generated .asyncio() and "
    ".asyncio_detailed() functions and the async_ helpers (async_wait_for_task, "
    "async_stream_chat, async_download_results), or make a sync client with connect()."
)


@define(repr=False)
class ApiInOneClient(AuthenticatedClient):
    """The generated ``AuthenticatedClient`` in one mode: sync from ``connect()``, async from
    ``aconnect()``.

    Every call goes through the transport that adds the rate budget, retries
    and typed errors; using the other mode's calls raises ``TypeError`` rather
    than going around it. The repr never shows the key.
    """

    task_log: TaskLog = field(factory=TaskLog, kw_only=True)
    """The tasks this client created, with when and how: waiting uses it to time its polls."""
    is_async: bool = field(default=False, kw_only=True)
    """True for a client from ``aconnect()``."""
    credit_guard: CreditGuard | None = field(default=None, kw_only=True)
    """The spending guard of a client made with ``max_credits``: ``committed``, ``spent``."""
    drift: DriftSummary = field(factory=lambda: DriftSummary("off", checking=False), kw_only=True)
    """The answers that broke the spec so far (``validate=``): print it or ``to_dict()`` it."""

    def get_httpx_client(self) -> httpx.Client:
        """The sync httpx client; ``TypeError`` on a client from ``aconnect()``."""
        if self.is_async:
            raise TypeError(_ASYNC_ONLY)
        return super().get_httpx_client()

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """The async httpx client; ``TypeError`` on a client from ``connect()``."""
        if not self.is_async:
            raise TypeError(_SYNC_ONLY)
        return super().get_async_httpx_client()

    def unparsable_answer(self, response: httpx.Response, error: Exception) -> Exception:
        """An ``APIResponseValidationError`` with the status and an excerpt of the body.

        The generated functions call this when the models cannot parse an
        answer the transport let through: JSON of another shape, say.
        """
        if isinstance(error, UnexpectedStatus):
            problem = "A status the spec does not document"
        elif isinstance(error, json.JSONDecodeError):
            problem = f"Not JSON ({response.headers.get('content-type', 'no content type')})"
        else:
            problem = (
                f"JSON not of the documented shape ({type(error).__name__}: {str(error)[:200]})"
            )
        return invalid_answer(response.request, response, problem)

    def with_options(
        self, *, timeout: float | httpx.Timeout | None = None, max_retries: int | None = None
    ) -> Self:
        """A client with another timeout or retry count, for some calls.

        It shares this client's connections, rate budget and task log, so
        closing either closes the connections of both.
        """
        changes: dict[str, Any] = {}
        if timeout is not None:
            changes["timeout"] = _as_timeout(timeout)
        if max_retries is not None:
            name = "async_transport" if self.is_async else "transport"
            sending = self._async_transport if self.is_async else self._transport
            changes[name] = _with_retries(sending, max_retries)
        return evolve(self, **changes)


def _with_retries(sending: Any, max_retries: int) -> Any:
    """A copy of a client's transport stack with another retry count, around the same pool."""
    if isinstance(sending, GuardedTransport | AsyncGuardedTransport):
        guarded = copy.copy(sending)
        guarded.inner = _with_retries(sending.inner, max_retries)
        return guarded
    if not isinstance(sending, RetryTransport | AsyncRetryTransport):
        raise TypeError("with_options(max_retries=...) needs a client from connect() or aconnect()")
    retrying = copy.copy(sending)
    retrying.policy = dataclasses.replace(retrying.policy, max_retries=max_retries)
    return retrying


def _settings(api_key: str | None, base_url: str | None) -> tuple[str, str]:
    key = (api_key or os.environ.get(KEY_VARIABLE) or "").strip()
    if not key:
        raise ApiInOneError(
            f"No API key: pass api_key=... or set the {KEY_VARIABLE} environment variable "
            "(keys look like aio_...)."
        )
    _check_key(key)
    url = (base_url or os.environ.get(BASE_URL_VARIABLE) or DEFAULT_BASE_URL).strip().rstrip("/")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise ApiInOneError(f"Base URL {url!r} is not a valid URL: {error}") from None
    if parsed.scheme not in {"http", "https"} or not parsed.host:
        raise ApiInOneError(f"Base URL must be an http(s) URL, got {url!r}")
    if parsed.scheme == "http" and not _is_loopback(parsed.host):
        raise ApiInOneError(
            f"Refusing plain-HTTP base URL {url!r}: the API key would cross the network "
            "unencrypted. Use https://, or http:// only for a loopback host."
        )
    return key, url


def _check_key(key: str) -> None:
    """Refuse a key no header can carry, naming the character but never showing the key.

    Surrounding whitespace (a line end from a CRLF file, say) is stripped before.
    """
    for position, character in enumerate(key, 1):
        if not "!" <= character <= "~":
            raise ApiInOneError(
                f"The API key holds U+{ord(character):04X} at character {position} of "
                f"{len(key)}: keys are printable ASCII without spaces (aio_...). "
                "Check how the key was read or pasted."
            )


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
    """The token bucket ``connect`` makes; a burst over what the limit allows is lowered to fit.

    A bucket refills ``limit - burst`` tokens a minute, so the burst must stay
    below the limit: ``requests_per_minute=5`` with the default burst of 5
    gets a burst of 4.
    """
    if rate_budget is not None:
        return rate_budget
    if not requests_per_minute:
        return None
    if not math.isfinite(requests_per_minute) or requests_per_minute <= 1 or burst < 1:
        raise ApiInOneError(
            f"requests_per_minute must be over 1 and burst at least 1, got "
            f"{requests_per_minute:g} and {burst}: pass requests_per_minute=None for no budget"
        )
    fitting = min(burst, math.ceil(requests_per_minute) - 1)
    return TokenBucket(requests_per_minute, fitting, per=60.0)


def _as_timeout(timeout: float | httpx.Timeout) -> httpx.Timeout:
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


@dataclass(frozen=True)
class _Setup:
    """What ``connect`` and ``aconnect`` share: the checked settings, the policy and the budget."""

    key: str
    url: str
    timeout: httpx.Timeout
    policy: RetryPolicy
    budget: RateBudget | None
    task_log: TaskLog
    guard: CreditGuard | None
    answers: AnswerLayer
    """The answer validation and recording layer (``_answers``) from ``validate``/``record``."""

    @classmethod
    def of(cls, arguments: dict[str, Any]) -> _Setup:
        """From the keyword arguments of a ``connect``/``aconnect`` call."""
        configure_from_environment()
        key, url = _settings(arguments["api_key"], arguments["base_url"])
        return cls(
            key,
            url,
            _as_timeout(arguments["timeout"]),
            RetryPolicy(
                arguments["max_retries"],
                arguments["backoff_base"],
                retry_after_cap=arguments["retry_after_cap"],
            ),
            _budget(arguments["rate_budget"], arguments["requests_per_minute"], arguments["burst"]),
            TaskLog(),
            None if arguments["max_credits"] is None else CreditGuard(arguments["max_credits"]),
            answer_layer(arguments["validate"], arguments["record"], key),
        )

    def client(self, **transport: Any) -> ApiInOneClient:
        """The client, given ``transport=`` (sync) or ``async_transport=`` (async)."""
        return ApiInOneClient(
            base_url=self.url,
            token=self.key,
            timeout=self.timeout,
            raise_on_unexpected_status=True,
            task_log=self.task_log,
            credit_guard=self.guard,
            drift=self.answers.summary,
            is_async="async_transport" in transport,
            **transport,
        )


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
    max_credits: float | None = None,
    validate: str | None = None,
    record: str | os.PathLike[str] | None = None,
) -> ApiInOneClient:
    """A client for every generated sync call, with retries, a rate budget and typed errors.

    ``api_key`` and ``base_url`` default to ``API_IN_ONE_API_KEY`` and
    ``API_IN_ONE_BASE_URL`` (then to the production gateway). Documented error
    statuses raise ``ApiInOneError`` subclasses instead of returning ``Error``
    models. ``requests_per_minute=None`` turns the budget off; ``rate_budget``
    replaces it (for example with one shared by many processes); a ``burst``
    the limit cannot refill is lowered to one below it. A key with surrounding
    whitespace is stripped; one holding control characters is refused with an
    error that never shows it. A given ``httpx_client`` sends every request,
    with its mounts and proxies, under the retries and the budget; closing the
    client closes it. The client is sync-only: its async calls raise
    ``TypeError``. Chat requests made with the generated
    ``create_chat_completion`` are sent with ``stream: false``, the only answer
    it can parse; use ``stream_chat`` to stream. With ``max_credits``, a create
    or chat whose cost (from the spec) could take the client's spending over it
    raises ``CreditLimitError`` unsent. ``validate`` (``"off"``, ``"warn"``, ``"raise"``;
    default ``API_IN_ONE_VALIDATE``, else ``"warn"``) checks every answer against the spec
    and counts what breaks it in ``client.drift``; ``record`` appends every exchange to a
    JSON Lines file, without the key (see docs/drift.md).
    """
    setup = _Setup.of(locals())  # the arguments, by name: one place reads them for both modes
    inner = httpx.HTTPTransport() if httpx_client is None else CallerClientTransport(httpx_client)
    inner = wrapped(inner, setup.answers)
    sending: httpx.BaseTransport = RetryTransport(inner, setup.policy, setup.budget, setup.task_log)
    if setup.guard is not None:
        sending = GuardedTransport(sending, setup.guard)
    return setup.client(transport=sending)


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
    max_credits: float | None = None,
    validate: str | None = None,
    record: str | os.PathLike[str] | None = None,
) -> ApiInOneClient:
    """The async twin of ``connect``: an async-only client for the generated ``asyncio`` calls.

    Its sync calls raise ``TypeError``; ``async with aconnect() as client:``
    closes it on leaving.
    """
    setup = _Setup.of(locals())  # the arguments, by name: one place reads them for both modes
    inner = (
        httpx.AsyncHTTPTransport()
        if httpx_client is None
        else AsyncCallerClientTransport(httpx_client)
    )
    inner = wrapped(inner, setup.answers)
    sending: httpx.AsyncBaseTransport = AsyncRetryTransport(
        inner, setup.policy, setup.budget, setup.task_log
    )
    if setup.guard is not None:
        sending = AsyncGuardedTransport(sending, setup.guard)
    return setup.client(async_transport=sending)
