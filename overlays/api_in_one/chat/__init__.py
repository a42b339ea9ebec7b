"""Chat completions streamed as typed chunks."""

from ._stream import AsyncChatStream, ChatResult, ChatStream, async_stream_chat, stream_chat

__all__ = ["AsyncChatStream", "ChatResult", "ChatStream", "async_stream_chat", "stream_chat"]
