"""Chat completions streamed as typed chunks."""

from ._resource import AsyncChatResource, AsyncChatStreamManager, ChatResource
from ._stream import AsyncChatStream, ChatResult, ChatStream, async_stream_chat, stream_chat

__all__ = [
    "AsyncChatResource",
    "AsyncChatStream",
    "AsyncChatStreamManager",
    "ChatResource",
    "ChatResult",
    "ChatStream",
    "async_stream_chat",
    "stream_chat",
]
