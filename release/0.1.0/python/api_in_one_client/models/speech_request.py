from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dialogue_line import DialogueLine


T = TypeVar("T", bound="SpeechRequest")


@_attrs_define
class SpeechRequest:
    """Multi-voice text to speech.

    Attributes:
        model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
            slug is answered with `404 not_found`. Known slugs: `flux-2`,
            `kling-3`, `suno`, `minimax-music`, `elevenlabs-v3`, `gemini`.
        dialogue (list[DialogueLine]): The lines to speak, in order.
        stability (float | Unset): Voice stability; lower varies more, higher is more consistent. Default: 0.5.
        language_code (str | Unset): Language code (e.g. `en`, `zh`, `ja`) or `auto` for detection. Default: 'auto'.
    """

    model: str
    dialogue: list[DialogueLine]
    stability: float | Unset = 0.5
    language_code: str | Unset = "auto"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        dialogue = []
        for dialogue_item_data in self.dialogue:
            dialogue_item = dialogue_item_data.to_dict()
            dialogue.append(dialogue_item)

        stability = self.stability

        language_code = self.language_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model": model,
                "dialogue": dialogue,
            }
        )
        if stability is not UNSET:
            field_dict["stability"] = stability
        if language_code is not UNSET:
            field_dict["language_code"] = language_code

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.dialogue_line import DialogueLine

        d = dict(src_dict)
        model = d.pop("model")

        dialogue = []
        _dialogue = d.pop("dialogue")
        for dialogue_item_data in _dialogue:
            dialogue_item = DialogueLine.from_dict(dialogue_item_data)

            dialogue.append(dialogue_item)

        stability = d.pop("stability", UNSET)

        language_code = d.pop("language_code", UNSET)

        speech_request = cls(
            model=model,
            dialogue=dialogue,
            stability=stability,
            language_code=language_code,
        )

        speech_request.additional_properties = d
        return speech_request

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
