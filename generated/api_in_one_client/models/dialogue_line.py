from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="DialogueLine")

_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "text",
        "voice",
    )
)
"""The keys of the properties above; any other key goes to ``additional_properties``."""


@_attrs_define
class DialogueLine:
    """One line of dialogue.

    Attributes:
        text (str): The text to speak. The page gives no minimum length.
        voice (str | Unset): Voice name; optional.
    """

    text: str
    voice: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        text = self.text

        voice = self.voice

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "text": text,
            }
        )
        if voice is not UNSET:
            field_dict["voice"] = voice

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        text = src_dict["text"]

        voice = src_dict.get("voice", UNSET)

        # Positional, in the order the fields are declared: keywords cost more per call.
        dialogue_line = cls(
            text,
            voice,
        )

        if not _KNOWN_KEYS.issuperset(src_dict):
            additional_properties = {}
            for prop_name, prop_dict in src_dict.items():
                if prop_name in _KNOWN_KEYS:
                    continue
                additional_properties[prop_name] = prop_dict
            dialogue_line.additional_properties = additional_properties
        return dialogue_line

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
