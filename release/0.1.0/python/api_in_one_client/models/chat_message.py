from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..models.chat_message_role import ChatMessageRole, check_chat_message_role
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.chat_content_part import ChatContentPart


T = TypeVar("T", bound="ChatMessage")


@_attrs_define
class ChatMessage:
    """One message of the conversation.

    Attributes:
        role (ChatMessageRole): Who wrote the message.
        content (list[ChatContentPart] | None | str): Text, or a list of OpenAI content parts; `null` only for an
            assistant message with tool calls.
        name (str | Unset): Optional name of the author.
    """

    role: ChatMessageRole
    content: list[ChatContentPart] | None | str
    name: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        role: str = self.role

        content: list[dict[str, Any]] | None | str
        if isinstance(self.content, list):
            content = []
            for content_type_1_item_data in self.content:
                content_type_1_item = content_type_1_item_data.to_dict()
                content.append(content_type_1_item)

        else:
            content = self.content

        name = self.name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "role": role,
                "content": content,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.chat_content_part import ChatContentPart

        d = dict(src_dict)
        role = check_chat_message_role(d.pop("role"))

        def _parse_content(data: object) -> list[ChatContentPart] | None | str:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                content_type_1 = []
                _content_type_1 = data
                for content_type_1_item_data in _content_type_1:
                    content_type_1_item = ChatContentPart.from_dict(
                        content_type_1_item_data
                    )

                    content_type_1.append(content_type_1_item)

                return content_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ChatContentPart] | None | str, data)

        content = _parse_content(d.pop("content"))

        name = d.pop("name", UNSET)

        chat_message = cls(
            role=role,
            content=content,
            name=name,
        )

        chat_message.additional_properties = d
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
