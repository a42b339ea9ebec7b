"""Contains endpoint functions for accessing the API, and the ``chat`` resources.

``Chat`` (``client.chat`` of a sync client) and ``AsyncChat``
(of an async client) have one method per operation of the tag, generated from the spec.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any, Literal

# typing_extensions' overload records the overloads on 3.10 too (get_overloads).
from typing_extensions import overload

from ...client import AuthenticatedClient

# Every model, TypedDict and literal alias a signature may name.
from ...models import *
from ...types import UNSET, Unset
from .. import RawResponse, answer, request_body
from . import create_chat_completion

# The public names: the star import above brings the models in for the signatures only.
__all__ = (
    "AsyncChat",
    "AsyncChatWithRawResponse",
    "Chat",
    "ChatWithRawResponse",
    "create_chat_completion",
)


class ChatWithRawResponse:
    """The ``chat`` operations, each returning the ``RawResponse``: status, headers and request id beside the parsed answer."""

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @overload
    def create_chat_completion(
        self,
        *,
        body: ChatCompletionRequest,
    ) -> RawResponse[ChatCompletion]: ...

    @overload
    def create_chat_completion(
        self,
        *,
        model: str,
        messages: Sequence[ChatMessage | ChatMessageParam],
        stream: bool | Unset = True,
        stream_options: ChatStreamOptions | ChatStreamOptionsParam | Unset = UNSET,
        include_thoughts: bool | Unset = True,
        reasoning_effort: ChatCompletionRequestReasoningEffort | Unset = "high",
        tools: Sequence[ChatTool | ChatToolParam] | Unset = UNSET,
        tool_choice: ChatCompletionRequestToolChoiceType0
        | NamedToolChoice
        | NamedToolChoiceParam
        | Unset = UNSET,
        parallel_tool_calls: bool | Unset = True,
        response_format: ResponseFormat | ResponseFormatParam | Unset = UNSET,
    ) -> RawResponse[ChatCompletion]: ...

    def create_chat_completion(
        self,
        *,
        body: ChatCompletionRequest | Unset = UNSET,
        model: str | Unset = UNSET,
        messages: Sequence[ChatMessage | ChatMessageParam] | Unset = UNSET,
        stream: bool | Unset = UNSET,
        stream_options: ChatStreamOptions | ChatStreamOptionsParam | Unset = UNSET,
        include_thoughts: bool | Unset = UNSET,
        reasoning_effort: ChatCompletionRequestReasoningEffort | Unset = UNSET,
        tools: Sequence[ChatTool | ChatToolParam] | Unset = UNSET,
        tool_choice: ChatCompletionRequestToolChoiceType0
        | NamedToolChoice
        | NamedToolChoiceParam
        | Unset = UNSET,
        parallel_tool_calls: bool | Unset = UNSET,
        response_format: ResponseFormat | ResponseFormatParam | Unset = UNSET,
    ) -> RawResponse[ChatCompletion]:
        """``Chat.create_chat_completion``, returning the ``RawResponse``."""
        body = request_body(
            ChatCompletionRequest.from_dict,
            body,
            {
                "model": model,
                "messages": messages,
                "stream": stream,
                "stream_options": stream_options,
                "include_thoughts": include_thoughts,
                "reasoning_effort": reasoning_effort,
                "tools": tools,
                "tool_choice": tool_choice,
                "parallel_tool_calls": parallel_tool_calls,
                "response_format": response_format,
            },
        )
        response = self._client.get_httpx_client().request(
            **create_chat_completion._get_kwargs(body=body)
        )
        return answer(
            self._client,
            response,
            create_chat_completion._build_response,
            ChatCompletion,
        )


class Chat:
    """The ``chat`` operations: each method returns the parsed success answer.

    ``with_raw_response`` has the same methods, returning the ``RawResponse``;
    ``request_id_of(answer)`` gives the request id of an answer.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> ChatWithRawResponse:
        """The same operations, returning the ``RawResponse`` (status, headers, request id)."""
        return ChatWithRawResponse(self._client)

    @overload
    def create_chat_completion(
        self,
        *,
        body: ChatCompletionRequest,
    ) -> ChatCompletion: ...

    @overload
    def create_chat_completion(
        self,
        *,
        model: str,
        messages: Sequence[ChatMessage | ChatMessageParam],
        stream: bool | Unset = True,
        stream_options: ChatStreamOptions | ChatStreamOptionsParam | Unset = UNSET,
        include_thoughts: bool | Unset = True,
        reasoning_effort: ChatCompletionRequestReasoningEffort | Unset = "high",
        tools: Sequence[ChatTool | ChatToolParam] | Unset = UNSET,
        tool_choice: ChatCompletionRequestToolChoiceType0
        | NamedToolChoice
        | NamedToolChoiceParam
        | Unset = UNSET,
        parallel_tool_calls: bool | Unset = True,
        response_format: ResponseFormat | ResponseFormatParam | Unset = UNSET,
    ) -> ChatCompletion: ...

    def create_chat_completion(self, *args: Any, **kwargs: Any) -> ChatCompletion:
        """Create a chat completion

        OpenAI-compatible chat completions, powered by Gemini (Gemini 3 Flash by
        default). Synchronous: no task is created. 2 credits per completion.

        `stream` defaults to **true**: without `"stream": false` the answer is
        an SSE stream (`text/event-stream`) of `ChatCompletionChunk` objects,
        one per `data:` line, ending with `data: [DONE]`. The page names no
        chunk format and has no example; OpenAI's chat completion chunk format
        is the reference. With `"stream": false` the answer is one
        `ChatCompletion` JSON object.

        **Decided here (the page is silent):** an error after the stream has
        started arrives as a `data:` line holding the `Error` envelope, as
        OpenAI's streams do; the HTTP status is already 200 by then, so the
        envelope's `code` carries the status.

        **Tool calls** (`tools`, "OpenAI-compatible format" on the page) follow
        OpenAI's function calling: the answer's message carries `tool_calls`
        (`finish_reason: tool_calls`), each with an `id`; the caller runs the
        functions and sends the results back as `tool` messages naming that
        `tool_call_id`, after the assistant message that asked for them. A
        stream sends a call's `id` and `name` in its first delta and the
        `arguments` JSON text in pieces, matched by `index`.

        The bundled mock answers as a model would, deterministically: with
        `tools`, it calls functions when `tool_choice` is `required` or names
        one, or when it is `auto` and the last message is the user's (`none`,
        or a `tool` message last under `auto`, gets text); a named function
        alone, else every tool whose name the user's message mentions (the
        first tool if none), or only the first of them with
        `parallel_tool_calls: false`. Each call's `arguments` satisfy the
        function's `parameters` schema. `response_format` `json_schema` makes
        the content an instance of its schema, `json_object` a JSON object.
        docs/mock.md has the rules in full.

        Args:
            model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
                slug, the empty one included, is answered with `404 not_found` (the
                page gives no length or format for slugs). Slugs on the page:
                `flux-2`, `kling-3`, `suno`, `chirp-v3-5`, `minimax-music`,
                `elevenlabs-v3`, `gemini`.
            messages (list[ChatMessage]): The conversation so far. **Decided here:** at least one message
                (the page gives no bound); an empty conversation has nothing to
                answer, and OpenAI refuses it the same way, with a 400.
            stream (bool | Unset): Answer as Server-Sent Events. Defaults to **true**; send `false` for one
                JSON answer. Default: True.
            stream_options (ChatStreamOptions | Unset): Stream options (OpenAI-compatible).
            include_thoughts (bool | Unset): Include the model's reasoning steps in the answer. **Decided
                here:** the page says only "include thoughts"; they arrive as
                `reasoning_content` on the message and on stream deltas, the name
                OpenAI-compatible servers such as DeepSeek use for reasoning text
                kept apart from `content`.
                 Default: True.
            reasoning_effort (ChatCompletionRequestReasoningEffort | Unset): Reasoning depth. Default:
                'high'.
            tools (list[ChatTool] | Unset): Tool definitions for function calling (OpenAI-compatible).
            tool_choice (ChatCompletionRequestToolChoiceType0 | NamedToolChoice | Unset): Which tool the
                model may call: `none`, `auto` (the default with
                `tools`), `required`, or `{"type": "function", "function":
                {"name": ...}}` for one function. **Decided here:** the page names
                only `tools`; this is OpenAI's parameter, passed to the model.
            parallel_tool_calls (bool | Unset): Whether the model may ask for several calls in one answer.
                **Decided here:** OpenAI's parameter (the page is silent).
                 Default: True.
            response_format (ResponseFormat | Unset): Forces a structured output format, e.g. `{"type":
                "json_object"}`.
            body (ChatCompletionRequest): the whole request body, instead of its fields.

        Returns:
            ChatCompletion: the answer.
        """

        return self.with_raw_response.create_chat_completion(*args, **kwargs).parsed


class AsyncChatWithRawResponse:
    """The ``chat`` operations, each returning the ``RawResponse``: status, headers and request id beside the parsed answer."""

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @overload
    async def create_chat_completion(
        self,
        *,
        body: ChatCompletionRequest,
    ) -> RawResponse[ChatCompletion]: ...

    @overload
    async def create_chat_completion(
        self,
        *,
        model: str,
        messages: Sequence[ChatMessage | ChatMessageParam],
        stream: bool | Unset = True,
        stream_options: ChatStreamOptions | ChatStreamOptionsParam | Unset = UNSET,
        include_thoughts: bool | Unset = True,
        reasoning_effort: ChatCompletionRequestReasoningEffort | Unset = "high",
        tools: Sequence[ChatTool | ChatToolParam] | Unset = UNSET,
        tool_choice: ChatCompletionRequestToolChoiceType0
        | NamedToolChoice
        | NamedToolChoiceParam
        | Unset = UNSET,
        parallel_tool_calls: bool | Unset = True,
        response_format: ResponseFormat | ResponseFormatParam | Unset = UNSET,
    ) -> RawResponse[ChatCompletion]: ...

    async def create_chat_completion(
        self,
        *,
        body: ChatCompletionRequest | Unset = UNSET,
        model: str | Unset = UNSET,
        messages: Sequence[ChatMessage | ChatMessageParam] | Unset = UNSET,
        stream: bool | Unset = UNSET,
        stream_options: ChatStreamOptions | ChatStreamOptionsParam | Unset = UNSET,
        include_thoughts: bool | Unset = UNSET,
        reasoning_effort: ChatCompletionRequestReasoningEffort | Unset = UNSET,
        tools: Sequence[ChatTool | ChatToolParam] | Unset = UNSET,
        tool_choice: ChatCompletionRequestToolChoiceType0
        | NamedToolChoice
        | NamedToolChoiceParam
        | Unset = UNSET,
        parallel_tool_calls: bool | Unset = UNSET,
        response_format: ResponseFormat | ResponseFormatParam | Unset = UNSET,
    ) -> RawResponse[ChatCompletion]:
        """``AsyncChat.create_chat_completion``, returning the ``RawResponse``."""
        body = request_body(
            ChatCompletionRequest.from_dict,
            body,
            {
                "model": model,
                "messages": messages,
                "stream": stream,
                "stream_options": stream_options,
                "include_thoughts": include_thoughts,
                "reasoning_effort": reasoning_effort,
                "tools": tools,
                "tool_choice": tool_choice,
                "parallel_tool_calls": parallel_tool_calls,
                "response_format": response_format,
            },
        )
        response = await self._client.get_async_httpx_client().request(
            **create_chat_completion._get_kwargs(body=body)
        )
        return answer(
            self._client,
            response,
            create_chat_completion._build_response,
            ChatCompletion,
        )


class AsyncChat:
    """The ``chat`` operations, to await: each method returns the parsed success answer.

    ``with_raw_response`` has the same methods, returning the ``RawResponse``;
    ``request_id_of(answer)`` gives the request id of an answer.
    """

    __slots__ = ("_client",)

    def __init__(self, client: AuthenticatedClient) -> None:
        self._client = client

    @property
    def with_raw_response(self) -> AsyncChatWithRawResponse:
        """The same operations, returning the ``RawResponse`` (status, headers, request id)."""
        return AsyncChatWithRawResponse(self._client)

    @overload
    async def create_chat_completion(
        self,
        *,
        body: ChatCompletionRequest,
    ) -> ChatCompletion: ...

    @overload
    async def create_chat_completion(
        self,
        *,
        model: str,
        messages: Sequence[ChatMessage | ChatMessageParam],
        stream: bool | Unset = True,
        stream_options: ChatStreamOptions | ChatStreamOptionsParam | Unset = UNSET,
        include_thoughts: bool | Unset = True,
        reasoning_effort: ChatCompletionRequestReasoningEffort | Unset = "high",
        tools: Sequence[ChatTool | ChatToolParam] | Unset = UNSET,
        tool_choice: ChatCompletionRequestToolChoiceType0
        | NamedToolChoice
        | NamedToolChoiceParam
        | Unset = UNSET,
        parallel_tool_calls: bool | Unset = True,
        response_format: ResponseFormat | ResponseFormatParam | Unset = UNSET,
    ) -> ChatCompletion: ...

    async def create_chat_completion(self, *args: Any, **kwargs: Any) -> ChatCompletion:
        """Create a chat completion

        OpenAI-compatible chat completions, powered by Gemini (Gemini 3 Flash by
        default). Synchronous: no task is created. 2 credits per completion.

        `stream` defaults to **true**: without `"stream": false` the answer is
        an SSE stream (`text/event-stream`) of `ChatCompletionChunk` objects,
        one per `data:` line, ending with `data: [DONE]`. The page names no
        chunk format and has no example; OpenAI's chat completion chunk format
        is the reference. With `"stream": false` the answer is one
        `ChatCompletion` JSON object.

        **Decided here (the page is silent):** an error after the stream has
        started arrives as a `data:` line holding the `Error` envelope, as
        OpenAI's streams do; the HTTP status is already 200 by then, so the
        envelope's `code` carries the status.

        **Tool calls** (`tools`, "OpenAI-compatible format" on the page) follow
        OpenAI's function calling: the answer's message carries `tool_calls`
        (`finish_reason: tool_calls`), each with an `id`; the caller runs the
        functions and sends the results back as `tool` messages naming that
        `tool_call_id`, after the assistant message that asked for them. A
        stream sends a call's `id` and `name` in its first delta and the
        `arguments` JSON text in pieces, matched by `index`.

        The bundled mock answers as a model would, deterministically: with
        `tools`, it calls functions when `tool_choice` is `required` or names
        one, or when it is `auto` and the last message is the user's (`none`,
        or a `tool` message last under `auto`, gets text); a named function
        alone, else every tool whose name the user's message mentions (the
        first tool if none), or only the first of them with
        `parallel_tool_calls: false`. Each call's `arguments` satisfy the
        function's `parameters` schema. `response_format` `json_schema` makes
        the content an instance of its schema, `json_object` a JSON object.
        docs/mock.md has the rules in full.

        Args:
            model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
                slug, the empty one included, is answered with `404 not_found` (the
                page gives no length or format for slugs). Slugs on the page:
                `flux-2`, `kling-3`, `suno`, `chirp-v3-5`, `minimax-music`,
                `elevenlabs-v3`, `gemini`.
            messages (list[ChatMessage]): The conversation so far. **Decided here:** at least one message
                (the page gives no bound); an empty conversation has nothing to
                answer, and OpenAI refuses it the same way, with a 400.
            stream (bool | Unset): Answer as Server-Sent Events. Defaults to **true**; send `false` for one
                JSON answer. Default: True.
            stream_options (ChatStreamOptions | Unset): Stream options (OpenAI-compatible).
            include_thoughts (bool | Unset): Include the model's reasoning steps in the answer. **Decided
                here:** the page says only "include thoughts"; they arrive as
                `reasoning_content` on the message and on stream deltas, the name
                OpenAI-compatible servers such as DeepSeek use for reasoning text
                kept apart from `content`.
                 Default: True.
            reasoning_effort (ChatCompletionRequestReasoningEffort | Unset): Reasoning depth. Default:
                'high'.
            tools (list[ChatTool] | Unset): Tool definitions for function calling (OpenAI-compatible).
            tool_choice (ChatCompletionRequestToolChoiceType0 | NamedToolChoice | Unset): Which tool the
                model may call: `none`, `auto` (the default with
                `tools`), `required`, or `{"type": "function", "function":
                {"name": ...}}` for one function. **Decided here:** the page names
                only `tools`; this is OpenAI's parameter, passed to the model.
            parallel_tool_calls (bool | Unset): Whether the model may ask for several calls in one answer.
                **Decided here:** OpenAI's parameter (the page is silent).
                 Default: True.
            response_format (ResponseFormat | Unset): Forces a structured output format, e.g. `{"type":
                "json_object"}`.
            body (ChatCompletionRequest): the whole request body, instead of its fields.

        Returns:
            ChatCompletion: the answer.
        """

        return (
            await self.with_raw_response.create_chat_completion(*args, **kwargs)
        ).parsed
