"""``connect``/``aconnect``: the generated client plus retries, a rate budget and typed errors.

The two clients they return carry the generated resources (``client.images``,
``client.tasks``, ...): sync methods on ``connect()``'s, async ones on
``aconnect()``'s, so that a type checker tells the modes apart. This module sits
above ``tasks/`` and ``chat/``, whose resources add ``wait``, ``download`` and
``stream`` to the generated ones.
"""

from __future__ import annotations

import copy
import dataclasses
import ipaddress
import json
import math
import os
import ssl
import sys
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from attrs import define, evolve, field

from api_in_one_client import AuthenticatedClient
from api_in_one_client.api import AsyncResources, SyncResources
from api_in_one_client.errors import UnexpectedStatus

from ._answers import AnswerLayer, DriftSummary, answer_layer, wrapped
from ._budget import RateBudget, TokenBucket
from ._caller_client import AsyncCallerClientTransport, CallerClientTransport
from ._errors import ApiInOneError
from ._guard import AsyncGuardedTransport, CreditGuard, GuardedTransport
from ._logs import configure_from_environment
from ._outbound import AsyncProcessBoundTransport, ProcessBoundTransport
from ._task_log import TaskLog
from ._tls import no_tls_context, tls_context
from ._transport import (
    DEFAULT_MAX_ANSWER_BYTES,
    AsyncRetryTransport,
    RetryPolicy,
    RetryTransport,
    invalid_answer,
)
from ._version import USER_AGENT
from ._wire import media_type, request_id_of
from .chat import AsyncChatResource, ChatResource
from .tasks import AsyncTasksResource, TasksResource

if sys.version_info >= (3, 11):
    from typing import Self
else:
    from typing_extensions import Self

__all__ = [
    "DEFAULT_BASE_URL",
    "ApiInOneClient",
    "AsyncApiInOneClient",
    "SyncApiInOneClient",
    "aconnect",
    "connect",
]

DEFAULT_BASE_URL = "https://apiin.one/api/v1"
"""The production gateway."""

_Client = TypeVar("_Client", bound="ApiInOneClient")

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
    time_scale: float = field(default=1.0, kw_only=True)
    """Real seconds per second of the server's clock: 1 for the gateway. The pytest plugin
    sets its mock's ``time_scale``, so the waits' ``poll_interval`` and ``timeout`` keep
    their meaning and run as much faster as the mock's tasks do."""

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
            problem = f"Not JSON ({media_type(response) or 'no content type'})"
        else:
            problem = (
                f"JSON not of the documented shape ({type(error).__name__}: {str(error)[:200]})"
            )
        return invalid_answer(response.request, response, problem)

    def request_id_of(self, response: httpx.Response) -> str | None:
        """The request id of an answer, for the resources' ``RawResponse.request_id``."""
        return request_id_of(response)

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


@define(repr=False)
class SyncApiInOneClient(ApiInOneClient, SyncResources):
    """The client of ``connect()``: one attribute per tag of the spec, with sync methods.

    ``client.images.create_image_generation(model=..., prompt=...)`` returns the
    answer's model; ``client.tasks`` adds ``wait`` and ``download``,
    ``client.chat`` adds ``stream``.
    """

    @property
    def tasks(self) -> TasksResource:
        """The ``tasks`` operations, with ``wait`` and ``download``."""
        return TasksResource(self)

    @property
    def chat(self) -> ChatResource:
        """The ``chat`` operations, with ``stream``."""
        return ChatResource(self)


# The async twin of SyncApiInOneClient: the same attributes, with awaitable methods.
@define(repr=False)
class AsyncApiInOneClient(ApiInOneClient, AsyncResources):
    """The client of ``aconnect()``: one attribute per tag of the spec, with async methods."""

    @property
    def tasks(self) -> AsyncTasksResource:
        """The ``tasks`` operations, with ``wait`` and ``download``."""
        return AsyncTasksResource(self)

    @property
    def chat(self) -> AsyncChatResource:
        """The ``chat`` operations, with ``stream``."""
        return AsyncChatResource(self)


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


def _tls_for(url: str) -> ssl.SSLContext:
    """The process's shared TLS context; none that loads certificates for a plain-HTTP URL,
    which ``_settings`` allows only on loopback."""
    return no_tls_context() if url.startswith("http://") else tls_context()


def _as_timeout(timeout: float | httpx.Timeout) -> httpx.Timeout:
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)


@dataclass(frozen=True)
class Settings:
    """What ``connect`` and ``aconnect`` take but the httpx client, one field per setting.

    Both functions pass their arguments here by name; ``_Setup.of`` reads them.
    A new setting is a field here and a parameter of each function.
    """

    api_key: str | None = None
    base_url: str | None = None
    max_retries: int = 2
    requests_per_minute: float | None = 60
    burst: int = 5
    retry_after_cap: float = 60.0
    timeout: float | httpx.Timeout = 60.0
    rate_budget: RateBudget | None = None
    backoff_base: float = 0.5
    max_credits: float | None = None
    max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES
    validate: str | None = None
    record: str | os.PathLike[str] | None = None


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
    def of(cls, settings: Settings) -> _Setup:
        """The checked form of the settings of a ``connect``/``aconnect`` call."""
        configure_from_environment()
        key, url = _settings(settings.api_key, settings.base_url)
        return cls(
            key,
            url,
            _as_timeout(settings.timeout),
            RetryPolicy(
                settings.max_retries,
                settings.backoff_base,
                retry_after_cap=settings.retry_after_cap,
            ),
            _budget(settings.rate_budget, settings.requests_per_minute, settings.burst),
            TaskLog(),
            None if settings.max_credits is None else CreditGuard(settings.max_credits),
            answer_layer(settings.validate, settings.record, key, settings.max_answer_bytes),
        )

    def client(self, kind: type[_Client], **transport: Any) -> _Client:
        """The client, given ``transport=`` (sync) or ``async_transport=`` (async)."""
        return kind(
            base_url=self.url,
            token=self.key,
            timeout=self.timeout,
            headers={"User-Agent": USER_AGENT},
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
    max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
    validate: str | None = None,
    record: str | os.PathLike[str] | None = None,
) -> SyncApiInOneClient:
    """A client for every generated sync call, with retries, a rate budget and typed errors.

    ``client.<tag>.<operation>(...)`` calls an operation with the body's fields
    as keyword arguments and returns its success answer; the generated
    functions (``create_image_generation.sync(client=client, ...)``) take the
    same client.

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
    raises ``CreditLimitError`` unsent. An answer whose decoded body passes
    ``max_answer_bytes`` (64 MiB by default) raises ``APIResponseValidationError``
    as soon as the transport has read that much, however far it would inflate.
    ``validate`` (``"off"``, ``"warn"``, ``"raise"``; default ``API_IN_ONE_VALIDATE``, else
    ``"warn"``) checks every answer against the spec and counts what breaks it in
    ``client.drift``; ``record`` appends every exchange to a JSON Lines file, without the
    key (see docs/drift.md).
    """
    # The same call in aconnect (its twin): every argument by name, so a checker sees each one.
    settings = Settings(
        api_key=api_key,
        base_url=base_url,
        max_retries=max_retries,
        requests_per_minute=requests_per_minute,
        burst=burst,
        retry_after_cap=retry_after_cap,
        timeout=timeout,
        rate_budget=rate_budget,
        backoff_base=backoff_base,
        max_credits=max_credits,
        max_answer_bytes=max_answer_bytes,
        validate=validate,
        record=record,
    )
    setup = _Setup.of(settings)
    inner = ProcessBoundTransport(
        httpx.HTTPTransport(verify=_tls_for(setup.url))
        if httpx_client is None
        else CallerClientTransport(httpx_client)
    )
    inner = wrapped(inner, setup.answers)
    sending: httpx.BaseTransport = RetryTransport(
        inner,
        setup.policy,
        setup.budget,
        setup.task_log,
        max_answer_bytes=settings.max_answer_bytes,
    )
    if setup.guard is not None:
        sending = GuardedTransport(sending, setup.guard)
    return setup.client(SyncApiInOneClient, transport=sending)


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
    max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
    validate: str | None = None,
    record: str | os.PathLike[str] | None = None,
) -> AsyncApiInOneClient:
    """The async twin of ``connect``: an async-only client for the generated ``asyncio`` calls.

    ``await client.<tag>.<operation>(...)``; its sync calls raise ``TypeError``;
    ``async with aconnect() as client:`` closes it on leaving.
    """
    # The same call as in connect (its twin): every argument by name.
    settings = Settings(
        api_key=api_key,
        base_url=base_url,
        max_retries=max_retries,
        requests_per_minute=requests_per_minute,
        burst=burst,
        retry_after_cap=retry_after_cap,
        timeout=timeout,
        rate_budget=rate_budget,
        backoff_base=backoff_base,
        max_credits=max_credits,
        max_answer_bytes=max_answer_bytes,
        validate=validate,
        record=record,
    )
    setup = _Setup.of(settings)
    inner = AsyncProcessBoundTransport(
        httpx.AsyncHTTPTransport(verify=_tls_for(setup.url))
        if httpx_client is None
        else AsyncCallerClientTransport(httpx_client)
    )
    inner = wrapped(inner, setup.answers)
    sending: httpx.AsyncBaseTransport = AsyncRetryTransport(
        inner,
        setup.policy,
        setup.budget,
        setup.task_log,
        max_answer_bytes=settings.max_answer_bytes,
    )
    if setup.guard is not None:
        sending = AsyncGuardedTransport(sending, setup.guard)
    return setup.client(AsyncApiInOneClient, async_transport=sending)
