"""Contains methods for accessing the API, and the resources that group them by tag.

A client class that mixes in ``SyncResources`` (or ``AsyncResources``) has one
attribute per tag of the spec; each holds one method per operation, generated
from the spec, with a ``with_raw_response`` twin returning a ``RawResponse``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

import httpx
from attrs import define

from ..errors import UnexpectedStatus
from ..types import Response, Unset

if TYPE_CHECKING:
    from ..client import AuthenticatedClient, Client
    from .audio import AsyncAudio, Audio
    from .chat import AsyncChat, Chat
    from .images import AsyncImages, Images
    from .tasks import AsyncTasks, Tasks
    from .tools import AsyncTools, Tools
    from .videos import AsyncVideos, Videos

__all__ = (
    "AsyncResources",
    "RawResponse",
    "SyncResources",
    "request_body",
    "request_id_of",
)

T = TypeVar("T")
_Body = TypeVar("_Body")


class _Answer(Protocol):
    """A model a resource method returns: it keeps the id of the request it answers."""

    _request_id: str | None


_Success = TypeVar("_Success")
_Answered = TypeVar("_Answered", bound=_Answer)
_Data = TypeVar("_Data", bound=_Answer, covariant=True)


class _Envelope(Protocol[_Data]):
    """The gateway's ``{code, message, data}`` answer, whose ``data`` a method returns."""

    @property
    def data(self) -> _Data: ...


class _Build(Protocol):
    """An endpoint module's ``_build_response``."""

    def __call__(
        self, *, client: AuthenticatedClient | Client, response: httpx.Response
    ) -> Response[Any]: ...


@define
class RawResponse(Generic[T]):
    """An answer as it came, beside its parsed success model."""

    http_response: httpx.Response
    """The httpx response: its status, headers and content."""
    parsed: T
    """What the resource method returns: the success model, unwrapped from its envelope."""
    request_id: str | None
    """The id of the request this answers, when the client knows its header."""

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers


def _plain(value: Any) -> Any:
    """A model as the JSON object it stands for, so that models and dicts mix in one list."""
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    to_dict = getattr(value, "to_dict", None)
    return to_dict() if callable(to_dict) else value


def request_body(
    from_dict: Callable[[Mapping[str, Any]], _Body],
    body: _Body | Unset,
    fields: Mapping[str, Any],
) -> _Body:
    """The request body: ``body`` as given, or the model built from the keyword ``fields``.

    The fields go through the model's ``from_dict``, so a dict for a nested
    object is read exactly as the same JSON would be from the wire.
    """
    given = {
        key: _plain(value)
        for key, value in fields.items()
        if not isinstance(value, Unset)
    }
    if not isinstance(body, Unset):
        if given:
            raise TypeError(
                f"Pass body= or the body's fields, not both (got body= and {', '.join(given)})"
            )
        return body
    try:
        return from_dict(given)
    except KeyError as missing:
        raise TypeError(f"A required field is missing: {missing}") from None


def request_id_of(answer: _Answer) -> str | None:
    """The id of the request a resource method's answer came from, as ``RawResponse.request_id``.

    ``None`` when the client knows no request id header, or for a model that
    no resource method returned (the generated functions' answers, say).
    """
    return answer._request_id


def _success(
    client: AuthenticatedClient,
    response: httpx.Response,
    build: _Build,
    success: type[_Success],
) -> _Success:
    # A client that does not raise on error statuses returns the Error model: raise here, so
    # that a resource method returns only its success answer.
    parsed = build(client=client, response=response).parsed
    if isinstance(parsed, success):
        return parsed
    raise client.unparsable_answer(
        response, UnexpectedStatus(response.status_code, response.content)
    )


def _raw(
    client: AuthenticatedClient, response: httpx.Response, parsed: _Answered
) -> RawResponse[_Answered]:
    request_id = parsed._request_id = client.request_id_of(response)
    return RawResponse(response, parsed, request_id)


def answer(
    client: AuthenticatedClient,
    response: httpx.Response,
    build: _Build,
    success: type[_Answered],
) -> RawResponse[_Answered]:
    """What a resource method answers when its success model is returned as it is."""
    return _raw(client, response, _success(client, response, build, success))


def unwrap(
    client: AuthenticatedClient,
    response: httpx.Response,
    build: _Build,
    envelope: type[_Envelope[_Answered]],
) -> RawResponse[_Answered]:
    """What a resource method answers when its success model is the envelope: its ``data``."""
    return _raw(client, response, _success(client, response, build, envelope).data)


class SyncResources:
    """One attribute per tag, each a resource of sync methods (mixed into a sync client)."""

    __slots__ = ()

    @property
    def audio(self) -> Audio:
        """The ``audio`` operations."""
        from .audio import Audio

        return Audio(cast("AuthenticatedClient", self))

    @property
    def chat(self) -> Chat:
        """The ``chat`` operations."""
        from .chat import Chat

        return Chat(cast("AuthenticatedClient", self))

    @property
    def images(self) -> Images:
        """The ``images`` operations."""
        from .images import Images

        return Images(cast("AuthenticatedClient", self))

    @property
    def tasks(self) -> Tasks:
        """The ``tasks`` operations."""
        from .tasks import Tasks

        return Tasks(cast("AuthenticatedClient", self))

    @property
    def tools(self) -> Tools:
        """The ``tools`` operations."""
        from .tools import Tools

        return Tools(cast("AuthenticatedClient", self))

    @property
    def videos(self) -> Videos:
        """The ``videos`` operations."""
        from .videos import Videos

        return Videos(cast("AuthenticatedClient", self))


class AsyncResources:
    """One attribute per tag, each a resource of async methods (mixed into an async client)."""

    __slots__ = ()

    @property
    def audio(self) -> AsyncAudio:
        """The ``audio`` operations."""
        from .audio import AsyncAudio

        return AsyncAudio(cast("AuthenticatedClient", self))

    @property
    def chat(self) -> AsyncChat:
        """The ``chat`` operations."""
        from .chat import AsyncChat

        return AsyncChat(cast("AuthenticatedClient", self))

    @property
    def images(self) -> AsyncImages:
        """The ``images`` operations."""
        from .images import AsyncImages

        return AsyncImages(cast("AuthenticatedClient", self))

    @property
    def tasks(self) -> AsyncTasks:
        """The ``tasks`` operations."""
        from .tasks import AsyncTasks

        return AsyncTasks(cast("AuthenticatedClient", self))

    @property
    def tools(self) -> AsyncTools:
        """The ``tools`` operations."""
        from .tools import AsyncTools

        return AsyncTools(cast("AuthenticatedClient", self))

    @property
    def videos(self) -> AsyncVideos:
        """The ``videos`` operations."""
        from .videos import AsyncVideos

        return AsyncVideos(cast("AuthenticatedClient", self))
