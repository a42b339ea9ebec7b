from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="MusicRequest")

_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "model",
        "prompt",
        "gpt_description_prompt",
        "style",
        "title",
        "make_instrumental",
    )
)
"""The keys of the properties above; any other key goes to ``additional_properties``."""


@_attrs_define
class MusicRequest:
    """Music generation. Suno inspiration mode uses `gpt_description_prompt`;
    Suno custom mode uses `prompt` (lyrics), `style` and `title`; MiniMax
    Music uses `prompt` (a style description). `model` also chooses the
    Suno version, and the version sets `prompt`'s limit (see
    `createMusic`).

        Attributes:
            model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
                slug, the empty one included, is answered with `404 not_found` (the
                page gives no length or format for slugs). Slugs on the page:
                `flux-2`, `kling-3`, `suno`, `chirp-v3-5`, `minimax-music`,
                `elevenlabs-v3`, `gemini`.
            prompt (str | Unset): Lyrics (Suno custom mode) or style description (MiniMax Music). At
                most 3000 characters for Suno v3.5 and v4 (`suno`, `chirp-v3-5`,
                `chirp-v4`), 5000 for Suno v4.5 and later (`chirp-v4-5` and any
                other `chirp-` slug). The page gives no limit for MiniMax Music.
            gpt_description_prompt (str | Unset): Text description for Suno inspiration mode (at most 400 characters).
            style (str | Unset): Musical style or genre (Suno custom mode, at most 1000 characters).
            title (str | Unset): Song title (Suno, at most 80 characters).
            make_instrumental (bool | Unset): Instrumental only, no vocals (Suno). Default: False.
    """

    model: str
    prompt: str | Unset = UNSET
    gpt_description_prompt: str | Unset = UNSET
    style: str | Unset = UNSET
    title: str | Unset = UNSET
    make_instrumental: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        prompt = self.prompt

        gpt_description_prompt = self.gpt_description_prompt

        style = self.style

        title = self.title

        make_instrumental = self.make_instrumental

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model": model,
            }
        )
        if prompt is not UNSET:
            field_dict["prompt"] = prompt
        if gpt_description_prompt is not UNSET:
            field_dict["gpt_description_prompt"] = gpt_description_prompt
        if style is not UNSET:
            field_dict["style"] = style
        if title is not UNSET:
            field_dict["title"] = title
        if make_instrumental is not UNSET:
            field_dict["make_instrumental"] = make_instrumental

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        model = src_dict["model"]

        prompt = src_dict.get("prompt", UNSET)

        gpt_description_prompt = src_dict.get("gpt_description_prompt", UNSET)

        style = src_dict.get("style", UNSET)

        title = src_dict.get("title", UNSET)

        make_instrumental = src_dict.get("make_instrumental", UNSET)

        # Positional, in the order the fields are declared: keywords cost more per call.
        music_request = cls(
            model,
            prompt,
            gpt_description_prompt,
            style,
            title,
            make_instrumental,
        )

        if not _KNOWN_KEYS.issuperset(src_dict):
            additional_properties = {}
            for prop_name, prop_dict in src_dict.items():
                if prop_name in _KNOWN_KEYS:
                    continue
                additional_properties[prop_name] = prop_dict
            music_request.additional_properties = additional_properties
        return music_request

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
