from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..models.chat_message_role import ChatMessageRole, check_chat_message_role
from ..types import UNSET, Unset

T = TypeVar("T", bound="ChatMessage")

_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "role",
        "content",
        "name",
        "tool_call_id",
        "tool_calls",
    )
)
"""The keys of the properties above; any other key goes to ``additional_properties``."""


@_attrs_define
class ChatMessage:
    """One message of the conversation. **Decided here:** the page lists the
    roles user, assistant, system and developer; `tool` (a function's
    result, naming the `tool_call_id` it answers) and an assistant's
    `tool_calls` are OpenAI's, needed to finish a function-calling round
    trip. `content` is required on every message but an assistant message
    with `tool_calls`, where it may be `null` or left out, as OpenAI's
    own API allows: its SDK sends the answer's `null` back, and litellm
    and others leave the key out. The rule is the `if`/`then` below, so
    every other message still needs a `content`.

        Attributes:
            role (ChatMessageRole): Who wrote the message; `tool` for a function's result.
            content (list[ChatContentPart] | None | str | Unset): Text, or a list of OpenAI content parts; `null` or absent
                only for an assistant message with tool calls.
            name (str | Unset): Optional name of the author.
            tool_call_id (str | Unset): On a `tool` message, the `id` of the call it answers.
            tool_calls (list[ToolCall] | Unset): On an assistant message, the calls it asked for (as the answer gave them).
    """

    role: ChatMessageRole
    content: list[ChatContentPart] | None | str | Unset = UNSET
    name: str | Unset = UNSET
    tool_call_id: str | Unset = UNSET
    tool_calls: list[ToolCall] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        role: str = self.role

        content: list[dict[str, Any]] | None | str | Unset
        if isinstance(self.content, Unset):
            content = UNSET
        elif isinstance(self.content, list):
            content = []
            for content_type_1_item_data in self.content:
                content_type_1_item = content_type_1_item_data.to_dict()
                content.append(content_type_1_item)

        else:
            content = self.content

        name = self.name

        tool_call_id = self.tool_call_id

        tool_calls: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tool_calls, Unset):
            tool_calls = []
            for tool_calls_item_data in self.tool_calls:
                tool_calls_item = tool_calls_item_data.to_dict()
                tool_calls.append(tool_calls_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "role": role,
            }
        )
        if content is not UNSET:
            field_dict["content"] = content
        if name is not UNSET:
            field_dict["name"] = name
        if tool_call_id is not UNSET:
            field_dict["tool_call_id"] = tool_call_id
        if tool_calls is not UNSET:
            field_dict["tool_calls"] = tool_calls

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        role = check_chat_message_role(src_dict["role"])

        _content = src_dict.get("content", UNSET)
        content: list[ChatContentPart] | None | str | Unset
        if isinstance(_content, list):
            _content_type_1 = _content
            content_type_1 = [
                ChatContentPart.from_dict(item) for item in _content_type_1
            ]

            content = content_type_1
        else:
            content = _content

        name = src_dict.get("name", UNSET)

        tool_call_id = src_dict.get("tool_call_id", UNSET)

        _tool_calls = src_dict.get("tool_calls", UNSET)
        tool_calls: list[ToolCall] | Unset = UNSET
        if _tool_calls is not UNSET:
            tool_calls = [ToolCall.from_dict(item) for item in _tool_calls]

        # Positional, in the order the fields are declared: keywords cost more per call.
        chat_message = cls(
            role,
            content,
            name,
            tool_call_id,
            tool_calls,
        )

        if not _KNOWN_KEYS.issuperset(src_dict):
            additional_properties = {}
            for prop_name, prop_dict in src_dict.items():
                if prop_name in _KNOWN_KEYS:
                    continue
                additional_properties[prop_name] = prop_dict
            chat_message.additional_properties = additional_properties
        return chat_message

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
from ..models.chat_content_part import ChatContentPart
from ..models.tool_call import ToolCall
