from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="ChatCompletion")

_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "id",
        "model",
        "choices",
        "object",
        "created",
        "system_fingerprint",
        "usage",
        "credits_consumed",
    )
)
"""The keys of the properties above; any other key goes to ``additional_properties``."""


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
            system_fingerprint (None | str | Unset): Backend configuration id, as OpenAI sends it; may be absent.
            usage (CompletionUsage | Unset): Token counts.
            credits_consumed (float | Unset): Credits charged for this completion (gateway extension).
    """

    id: str
    model: str
    choices: list[ChatCompletionChoice]
    object_: str | Unset = UNSET
    created: int | Unset = UNSET
    system_fingerprint: None | str | Unset = UNSET
    usage: CompletionUsage | Unset = UNSET
    credits_consumed: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)
    # Not a property: the request this answered, noted by the resource method that returned
    # it (request_id_of reads it); outside equality, repr and to_dict.
    _request_id: str | None = _attrs_field(
        init=False, default=None, eq=False, repr=False
    )

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        model = self.model

        choices = []
        for choices_item_data in self.choices:
            choices_item = choices_item_data.to_dict()
            choices.append(choices_item)

        object_ = self.object_

        created = self.created

        system_fingerprint: None | str | Unset
        if isinstance(self.system_fingerprint, Unset):
            system_fingerprint = UNSET
        else:
            system_fingerprint = self.system_fingerprint

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
        if system_fingerprint is not UNSET:
            field_dict["system_fingerprint"] = system_fingerprint
        if usage is not UNSET:
            field_dict["usage"] = usage
        if credits_consumed is not UNSET:
            field_dict["credits_consumed"] = credits_consumed

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        id = src_dict["id"]

        model = src_dict["model"]

        _choices = src_dict["choices"]
        choices = [ChatCompletionChoice.from_dict(item) for item in _choices]

        object_ = src_dict.get("object", UNSET)

        created = src_dict.get("created", UNSET)

        system_fingerprint = src_dict.get("system_fingerprint", UNSET)

        _usage = src_dict.get("usage", UNSET)
        usage: CompletionUsage | Unset
        if isinstance(_usage, Unset):
            usage = UNSET
        else:
            usage = CompletionUsage.from_dict(_usage)

        credits_consumed = src_dict.get("credits_consumed", UNSET)

        # Positional, in the order the fields are declared: keywords cost more per call.
        chat_completion = cls(
            id,
            model,
            choices,
            object_,
            created,
            system_fingerprint,
            usage,
            credits_consumed,
        )

        if not _KNOWN_KEYS.issuperset(src_dict):
            additional_properties = {}
            for prop_name, prop_dict in src_dict.items():
                if prop_name in _KNOWN_KEYS:
                    continue
                additional_properties[prop_name] = prop_dict
            chat_completion.additional_properties = additional_properties
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


# Imported last, as models may refer to each other: a module-level name costs
# nothing per call, where an import inside from_dict costs about a microsecond.
from ..models.chat_completion_choice import ChatCompletionChoice
from ..models.completion_usage import CompletionUsage
