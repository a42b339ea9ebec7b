"""``client.chat``: the generated ``create_chat_completion`` plus ``stream``."""

from __future__ import annotations

import sys
from types import TracebackType

from api_in_one_client import AuthenticatedClient
from api_in_one_client.api.chat import AsyncChat, Chat
from api_in_one_client.models import ChatCompletionRequestParam

from ._stream import AsyncChatStream, ChatStream, async_stream_chat, stream_chat

if sys.version_info >= (3, 11):
    from typing import Unpack
else:
    from typing_extensions import Unpack

__all__ = ["AsyncChatResource", "AsyncChatStreamManager", "ChatResource"]


class ChatResource(Chat):
    """The ``chat`` operations of a sync client, with ``stream``."""

    __slots__ = ()

    def stream(
        self, *, idle_timeout: float = 60.0, **fields: Unpack[ChatCompletionRequestParam]
    ) -> ChatStream:
        """Start a streamed completion of the request ``fields`` (``stream_chat``).

        ``with client.chat.stream(model=..., messages=[...]) as stream:`` then
        ``for chunk in stream``; ``stream.result`` holds the text, usage and
        credits once the stream ends.
        """
        return stream_chat(self._client, fields, idle_timeout=idle_timeout)


class AsyncChatStreamManager:
    """What ``stream`` of an async client returns: ``async with`` it for the stream.

    The request is sent on entering, so that ``async with client.chat.stream(...)``
    needs no ``await`` of its own; leaving closes the connection.
    """

    def __init__(
        self, client: AuthenticatedClient, fields: ChatCompletionRequestParam, idle_timeout: float
    ) -> None:
        self._client = client
        self._fields = fields
        self._idle_timeout = idle_timeout
        self._stream: AsyncChatStream | None = None

    async def __aenter__(self) -> AsyncChatStream:
        self._stream = await async_stream_chat(
            self._client, self._fields, idle_timeout=self._idle_timeout
        )
        return self._stream

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            await self._stream.close()


class AsyncChatResource(AsyncChat):
    """The ``chat`` operations of an async client, with ``stream``."""

    __slots__ = ()

    def stream(
        self, *, idle_timeout: float = 60.0, **fields: Unpack[ChatCompletionRequestParam]
    ) -> AsyncChatStreamManager:
        """Stream a completion: ``async with client.chat.stream(...) as stream:`` then
        ``async for chunk in stream``; ``stream.result`` after."""
        return AsyncChatStreamManager(self._client, fields, idle_timeout)
