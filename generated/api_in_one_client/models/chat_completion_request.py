from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..models.chat_completion_request_reasoning_effort import (
    ChatCompletionRequestReasoningEffort,
    check_chat_completion_request_reasoning_effort,
)
from ..models.chat_completion_request_tool_choice_type_0 import (
    ChatCompletionRequestToolChoiceType0,
    check_chat_completion_request_tool_choice_type_0,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="ChatCompletionRequest")

_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "model",
        "messages",
        "stream",
        "stream_options",
        "include_thoughts",
        "reasoning_effort",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "response_format",
    )
)
"""The keys of the properties above; any other key goes to ``additional_properties``."""


@_attrs_define
class ChatCompletionRequest:
    """OpenAI-compatible chat completion request. Properties of OpenAI's
    request not listed here are passed through.

        Attributes:
            model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
                slug, the empty one included, is answered with `404 not_found` (the
                page gives no length or format for slugs). Slugs on the page:
                `flux-2`, `kling-3`, `suno`, `chirp-v3-5`, `minimax-music`,
                `elevenlabs-v3`, `gemini`.
            messages (list[ChatMessage]): The conversation so far. **Decided here:** at least one message
                (the page gives no bound); an empty conversation has nothing to
                answer, and OpenAI refuses it the same way, with a 400.
            stream (bool | Unset): Answer as Server-Sent Events. Defaults to **true**; send `false` for one JSON answer.
                Default: True.
            stream_options (ChatStreamOptions | Unset): Stream options (OpenAI-compatible).
            include_thoughts (bool | Unset): Include the model's reasoning steps in the answer. **Decided
                here:** the page says only "include thoughts"; they arrive as
                `reasoning_content` on the message and on stream deltas, the name
                OpenAI-compatible servers such as DeepSeek use for reasoning text
                kept apart from `content`.
                 Default: True.
            reasoning_effort (ChatCompletionRequestReasoningEffort | Unset): Reasoning depth. Default: 'high'.
            tools (list[ChatTool] | Unset): Tool definitions for function calling (OpenAI-compatible).
            tool_choice (ChatCompletionRequestToolChoiceType0 | NamedToolChoice | Unset): Which tool the model may call:
                `none`, `auto` (the default with
                `tools`), `required`, or `{"type": "function", "function":
                {"name": ...}}` for one function. **Decided here:** the page names
                only `tools`; this is OpenAI's parameter, passed to the model.
            parallel_tool_calls (bool | Unset): Whether the model may ask for several calls in one answer.
                **Decided here:** OpenAI's parameter (the page is silent).
                 Default: True.
            response_format (ResponseFormat | Unset): Forces a structured output format, e.g. `{"type": "json_object"}`.
    """

    model: str
    messages: list[ChatMessage]
    stream: bool | Unset = True
    stream_options: ChatStreamOptions | Unset = UNSET
    include_thoughts: bool | Unset = True
    reasoning_effort: ChatCompletionRequestReasoningEffort | Unset = "high"
    tools: list[ChatTool] | Unset = UNSET
    tool_choice: ChatCompletionRequestToolChoiceType0 | NamedToolChoice | Unset = UNSET
    parallel_tool_calls: bool | Unset = True
    response_format: ResponseFormat | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        messages = []
        for messages_item_data in self.messages:
            messages_item = messages_item_data.to_dict()
            messages.append(messages_item)

        stream = self.stream

        stream_options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.stream_options, Unset):
            stream_options = self.stream_options.to_dict()

        include_thoughts = self.include_thoughts

        reasoning_effort: str | Unset = UNSET
        if not isinstance(self.reasoning_effort, Unset):
            reasoning_effort = self.reasoning_effort

        tools: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tools, Unset):
            tools = []
            for tools_item_data in self.tools:
                tools_item = tools_item_data.to_dict()
                tools.append(tools_item)

        tool_choice: dict[str, Any] | str | Unset
        if isinstance(self.tool_choice, Unset):
            tool_choice = UNSET
        elif isinstance(self.tool_choice, str):
            tool_choice = self.tool_choice
        else:
            tool_choice = self.tool_choice.to_dict()

        parallel_tool_calls = self.parallel_tool_calls

        response_format: dict[str, Any] | Unset = UNSET
        if not isinstance(self.response_format, Unset):
            response_format = self.response_format.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model": model,
                "messages": messages,
            }
        )
        if stream is not UNSET:
            field_dict["stream"] = stream
        if stream_options is not UNSET:
            field_dict["stream_options"] = stream_options
        if include_thoughts is not UNSET:
            field_dict["include_thoughts"] = include_thoughts
        if reasoning_effort is not UNSET:
            field_dict["reasoning_effort"] = reasoning_effort
        if tools is not UNSET:
            field_dict["tools"] = tools
        if tool_choice is not UNSET:
            field_dict["tool_choice"] = tool_choice
        if parallel_tool_calls is not UNSET:
            field_dict["parallel_tool_calls"] = parallel_tool_calls
        if response_format is not UNSET:
            field_dict["response_format"] = response_format

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        model = src_dict["model"]

        _messages = src_dict["messages"]
        messages = [ChatMessage.from_dict(item) for item in _messages]

        stream = src_dict.get("stream", UNSET)

        _stream_options = src_dict.get("stream_options", UNSET)
        stream_options: ChatStreamOptions | Unset
        if isinstance(_stream_options, Unset):
            stream_options = UNSET
        else:
            stream_options = ChatStreamOptions.from_dict(_stream_options)

        include_thoughts = src_dict.get("include_thoughts", UNSET)

        _reasoning_effort = src_dict.get("reasoning_effort", UNSET)
        reasoning_effort: ChatCompletionRequestReasoningEffort | Unset
        if isinstance(_reasoning_effort, Unset):
            reasoning_effort = UNSET
        else:
            reasoning_effort = check_chat_completion_request_reasoning_effort(
                _reasoning_effort
            )

        _tools = src_dict.get("tools", UNSET)
        tools: list[ChatTool] | Unset = UNSET
        if _tools is not UNSET:
            tools = [ChatTool.from_dict(item) for item in _tools]

        def _parse_tool_choice(
            data: object,
        ) -> ChatCompletionRequestToolChoiceType0 | NamedToolChoice | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                tool_choice_type_0 = check_chat_completion_request_tool_choice_type_0(
                    data
                )

                return tool_choice_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            tool_choice_type_1 = NamedToolChoice.from_dict(data)

            return tool_choice_type_1

        tool_choice = _parse_tool_choice(src_dict.get("tool_choice", UNSET))

        parallel_tool_calls = src_dict.get("parallel_tool_calls", UNSET)

        _response_format = src_dict.get("response_format", UNSET)
        response_format: ResponseFormat | Unset
        if isinstance(_response_format, Unset):
            response_format = UNSET
        else:
            response_format = ResponseFormat.from_dict(_response_format)

        # Positional, in the order the fields are declared: keywords cost more per call.
        chat_completion_request = cls(
            model,
            messages,
            stream,
            stream_options,
            include_thoughts,
            reasoning_effort,
            tools,
            tool_choice,
            parallel_tool_calls,
            response_format,
        )

        if not _KNOWN_KEYS.issuperset(src_dict):
            additional_properties = {}
            for prop_name, prop_dict in src_dict.items():
                if prop_name in _KNOWN_KEYS:
                    continue
                additional_properties[prop_name] = prop_dict
            chat_completion_request.additional_properties = additional_properties
        return chat_completion_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


# Imported last, as models may refer to each other: a module-level name costs
# nothing per call, where an import inside from_dict costs about a microsecond.
from ..models.chat_message import ChatMessage
from ..models.chat_stream_options import ChatStreamOptions
from ..models.chat_tool import ChatTool
from ..models.named_tool_choice import NamedToolChoice
from ..models.response_format import ResponseFormat
