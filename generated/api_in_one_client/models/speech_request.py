from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="SpeechRequest")

_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "model",
        "dialogue",
        "stability",
        "language_code",
    )
)
"""The keys of the properties above; any other key goes to ``additional_properties``."""


@_attrs_define
class SpeechRequest:
    """Multi-voice text to speech.

    Attributes:
        model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
            slug, the empty one included, is answered with `404 not_found` (the
            page gives no length or format for slugs). Slugs on the page:
            `flux-2`, `kling-3`, `suno`, `chirp-v3-5`, `minimax-music`,
            `elevenlabs-v3`, `gemini`.
        dialogue (list[DialogueLine]): The lines to speak, in order. The page gives no minimum, so an
            empty list is not refused here; it is the gateway's to refuse.
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
        model = src_dict["model"]

        _dialogue = src_dict["dialogue"]
        dialogue = [DialogueLine.from_dict(item) for item in _dialogue]

        stability = src_dict.get("stability", UNSET)

        language_code = src_dict.get("language_code", UNSET)

        # Positional, in the order the fields are declared: keywords cost more per call.
        speech_request = cls(
            model,
            dialogue,
            stability,
            language_code,
        )

        if not _KNOWN_KEYS.issuperset(src_dict):
            additional_properties = {}
            for prop_name, prop_dict in src_dict.items():
                if prop_name in _KNOWN_KEYS:
                    continue
                additional_properties[prop_name] = prop_dict
            speech_request.additional_properties = additional_properties
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


# Imported last, as models may refer to each other: a module-level name costs
# nothing per call, where an import inside from_dict costs about a microsecond.
from ..models.dialogue_line import DialogueLine
