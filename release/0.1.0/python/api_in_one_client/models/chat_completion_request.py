from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..models.chat_completion_request_reasoning_effort import (
    ChatCompletionRequestReasoningEffort,
    check_chat_completion_request_reasoning_effort,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.chat_message import ChatMessage
    from ..models.chat_stream_options import ChatStreamOptions
    from ..models.chat_tool import ChatTool
    from ..models.response_format import ResponseFormat


T = TypeVar("T", bound="ChatCompletionRequest")


@_attrs_define
class ChatCompletionRequest:
    """OpenAI-compatible chat completion request. Properties of OpenAI's
    request not listed here are passed through.

        Attributes:
            model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
                slug is answered with `404 not_found`. Known slugs: `flux-2`,
                `kling-3`, `suno`, `minimax-music`, `elevenlabs-v3`, `gemini`.
            messages (list[ChatMessage]): The conversation so far.
            stream (bool | Unset): Answer as Server-Sent Events. Defaults to **true**; send `false` for one JSON answer.
                Default: True.
            stream_options (ChatStreamOptions | Unset): Stream options (OpenAI-compatible).
            include_thoughts (bool | Unset): Include the model's reasoning steps in the answer (as `reasoning_content`).
                Default: True.
            reasoning_effort (ChatCompletionRequestReasoningEffort | Unset): Reasoning depth. Default: 'high'.
            tools (list[ChatTool] | Unset): Tool definitions for function calling (OpenAI-compatible).
            response_format (ResponseFormat | Unset): Forces a structured output format, e.g. `{"type": "json_object"}`.
    """

    model: str
    messages: list[ChatMessage]
    stream: bool | Unset = True
    stream_options: ChatStreamOptions | Unset = UNSET
    include_thoughts: bool | Unset = True
    reasoning_effort: ChatCompletionRequestReasoningEffort | Unset = "high"
    tools: list[ChatTool] | Unset = UNSET
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
        if response_format is not UNSET:
            field_dict["response_format"] = response_format

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.chat_message import ChatMessage
        from ..models.chat_stream_options import ChatStreamOptions
        from ..models.chat_tool import ChatTool
        from ..models.response_format import ResponseFormat

        d = dict(src_dict)
        model = d.pop("model")

        messages = []
        _messages = d.pop("messages")
        for messages_item_data in _messages:
            messages_item = ChatMessage.from_dict(messages_item_data)

            messages.append(messages_item)

        stream = d.pop("stream", UNSET)

        _stream_options = d.pop("stream_options", UNSET)
        stream_options: ChatStreamOptions | Unset
        if isinstance(_stream_options, Unset):
            stream_options = UNSET
        else:
            stream_options = ChatStreamOptions.from_dict(_stream_options)

        include_thoughts = d.pop("include_thoughts", UNSET)

        _reasoning_effort = d.pop("reasoning_effort", UNSET)
        reasoning_effort: ChatCompletionRequestReasoningEffort | Unset
        if isinstance(_reasoning_effort, Unset):
            reasoning_effort = UNSET
        else:
            reasoning_effort = check_chat_completion_request_reasoning_effort(
                _reasoning_effort
            )

        _tools = d.pop("tools", UNSET)
        tools: list[ChatTool] | Unset = UNSET
        if _tools is not UNSET:
            tools = []
            for tools_item_data in _tools:
                tools_item = ChatTool.from_dict(tools_item_data)

                tools.append(tools_item)

        _response_format = d.pop("response_format", UNSET)
        response_format: ResponseFormat | Unset
        if isinstance(_response_format, Unset):
            response_format = UNSET
        else:
            response_format = ResponseFormat.from_dict(_response_format)

        chat_completion_request = cls(
            model=model,
            messages=messages,
            stream=stream,
            stream_options=stream_options,
            include_thoughts=include_thoughts,
            reasoning_effort=reasoning_effort,
            tools=tools,
            response_format=response_format,
        )

        chat_completion_request.additional_properties = d
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
