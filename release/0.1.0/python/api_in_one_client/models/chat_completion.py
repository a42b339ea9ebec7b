from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.chat_completion_choice import ChatCompletionChoice
    from ..models.completion_usage import CompletionUsage


T = TypeVar("T", bound="ChatCompletion")


@_attrs_define
class ChatCompletion:
    """A non-streamed chat completion, OpenAI-compatible, plus the gateway's
    `credits_consumed`.

        Attributes:
            id (str): Completion id.
            model (str): The model that answered.
            choices (list[ChatCompletionChoice]): The answers (one unless asked otherwise).
            object_ (str | Unset): `chat.completion`.
            created (int | Unset): Unix time of creation.
            usage (CompletionUsage | Unset): Token counts.
            credits_consumed (float | Unset): Credits charged for this completion (gateway extension).
    """

    id: str
    model: str
    choices: list[ChatCompletionChoice]
    object_: str | Unset = UNSET
    created: int | Unset = UNSET
    usage: CompletionUsage | Unset = UNSET
    credits_consumed: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        model = self.model

        choices = []
        for choices_item_data in self.choices:
            choices_item = choices_item_data.to_dict()
            choices.append(choices_item)

        object_ = self.object_

        created = self.created

        usage: dict[str, Any] | Unset = UNSET
        if not isinstance(self.usage, Unset):
            usage = self.usage.to_dict()

        credits_consumed = self.credits_consumed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "model": model,
                "choices": choices,
            }
        )
        if object_ is not UNSET:
            field_dict["object"] = object_
        if created is not UNSET:
            field_dict["created"] = created
        if usage is not UNSET:
            field_dict["usage"] = usage
        if credits_consumed is not UNSET:
            field_dict["credits_consumed"] = credits_consumed

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.chat_completion_choice import ChatCompletionChoice
        from ..models.completion_usage import CompletionUsage

        d = dict(src_dict)
        id = d.pop("id")

        model = d.pop("model")

        choices = []
        _choices = d.pop("choices")
        for choices_item_data in _choices:
            choices_item = ChatCompletionChoice.from_dict(choices_item_data)

            choices.append(choices_item)

        object_ = d.pop("object", UNSET)

        created = d.pop("created", UNSET)

        _usage = d.pop("usage", UNSET)
        usage: CompletionUsage | Unset
        if isinstance(_usage, Unset):
            usage = UNSET
        else:
            usage = CompletionUsage.from_dict(_usage)

        credits_consumed = d.pop("credits_consumed", UNSET)

        chat_completion = cls(
            id=id,
            model=model,
            choices=choices,
            object_=object_,
            created=created,
            usage=usage,
            credits_consumed=credits_consumed,
        )

        chat_completion.additional_properties = d
        return chat_completion

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
