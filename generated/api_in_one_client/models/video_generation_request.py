from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..models.video_generation_request_aspect_ratio import (
    VideoGenerationRequestAspectRatio,
    check_video_generation_request_aspect_ratio,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="VideoGenerationRequest")

_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "model",
        "prompt",
        "image",
        "mode",
        "duration",
        "aspect_ratio",
        "resolution",
        "sound",
        "generateAudio",
        "generate_audio_switch",
    )
)
"""The keys of the properties above; any other key goes to ``additional_properties``."""


@_attrs_define
class VideoGenerationRequest:
    """Video generation, text-to-video or image-to-video. Model-specific
    properties beyond these are passed through.

        Attributes:
            model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
                slug, the empty one included, is answered with `404 not_found` (the
                page gives no length or format for slugs). Slugs on the page:
                `flux-2`, `kling-3`, `suno`, `chirp-v3-5`, `minimax-music`,
                `elevenlabs-v3`, `gemini`.
            prompt (str): Text description of the video. The page gives "max 2500 chars for
                most models"; 2500 is the limit stated here, and a model with a
                lower one answers 400. The page gives no minimum, so none is
                stated here.
            image (str | Unset): Image URL for image-to-video mode; auto-detected by most models.
            mode (str | Unset): Quality mode. Model-specific, e.g. `std`/`pro` for Kling 3.
            duration (float | str | Unset): Video duration in seconds, as a number or a numeric string (the
                page types it `number | string`). Model-specific: Kling 3 takes
                3–15 s, other models vary, so only positivity is checked here, in
                both forms: `0` and `"0"` are refused alike.
                 Default: 5.0.
            aspect_ratio (VideoGenerationRequestAspectRatio | Unset): Output aspect ratio. Default: '16:9'.
            resolution (str | Unset): Output resolution. Model-specific; the page's examples are
                `480p`, `720p` and `1080p`, not a closed list, so any string is
                accepted here and one the model does not offer is answered 400 by
                the gateway.
            sound (bool | Unset): Generate audio in the video (Kling 3). Default: True.
            generate_audio (bool | Unset): Generate audio (Seedance). Spelled in camelCase on the wire. Default: False.
            generate_audio_switch (bool | Unset): Generate audio (PixVerse). Default: False.
    """

    model: str
    prompt: str
    image: str | Unset = UNSET
    mode: str | Unset = UNSET
    duration: float | str | Unset = 5.0
    aspect_ratio: VideoGenerationRequestAspectRatio | Unset = "16:9"
    resolution: str | Unset = UNSET
    sound: bool | Unset = True
    generate_audio: bool | Unset = False
    generate_audio_switch: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        prompt = self.prompt

        image = self.image

        mode = self.mode

        duration: float | str | Unset
        if isinstance(self.duration, Unset):
            duration = UNSET
        else:
            duration = self.duration

        aspect_ratio: str | Unset = UNSET
        if not isinstance(self.aspect_ratio, Unset):
            aspect_ratio = self.aspect_ratio

        resolution = self.resolution

        sound = self.sound

        generate_audio = self.generate_audio

        generate_audio_switch = self.generate_audio_switch

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model": model,
                "prompt": prompt,
            }
        )
        if image is not UNSET:
            field_dict["image"] = image
        if mode is not UNSET:
            field_dict["mode"] = mode
        if duration is not UNSET:
            field_dict["duration"] = duration
        if aspect_ratio is not UNSET:
            field_dict["aspect_ratio"] = aspect_ratio
        if resolution is not UNSET:
            field_dict["resolution"] = resolution
        if sound is not UNSET:
            field_dict["sound"] = sound
        if generate_audio is not UNSET:
            field_dict["generateAudio"] = generate_audio
        if generate_audio_switch is not UNSET:
            field_dict["generate_audio_switch"] = generate_audio_switch

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        model = src_dict["model"]

        prompt = src_dict["prompt"]

        image = src_dict.get("image", UNSET)

        mode = src_dict.get("mode", UNSET)

        duration = src_dict.get("duration", UNSET)

        _aspect_ratio = src_dict.get("aspect_ratio", UNSET)
        aspect_ratio: VideoGenerationRequestAspectRatio | Unset
        if isinstance(_aspect_ratio, Unset):
            aspect_ratio = UNSET
        else:
            aspect_ratio = check_video_generation_request_aspect_ratio(_aspect_ratio)

        resolution = src_dict.get("resolution", UNSET)

        sound = src_dict.get("sound", UNSET)

        generate_audio = src_dict.get("generateAudio", UNSET)

        generate_audio_switch = src_dict.get("generate_audio_switch", UNSET)

        # Positional, in the order the fields are declared: keywords cost more per call.
        video_generation_request = cls(
            model,
            prompt,
            image,
            mode,
            duration,
            aspect_ratio,
            resolution,
            sound,
            generate_audio,
            generate_audio_switch,
        )

        if not _KNOWN_KEYS.issuperset(src_dict):
            additional_properties = {}
            for prop_name, prop_dict in src_dict.items():
                if prop_name in _KNOWN_KEYS:
                    continue
                additional_properties[prop_name] = prop_dict
            video_generation_request.additional_properties = additional_properties
        return video_generation_request

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
