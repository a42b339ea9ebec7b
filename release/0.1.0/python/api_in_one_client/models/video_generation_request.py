from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..models.video_generation_request_aspect_ratio import (
    VideoGenerationRequestAspectRatio,
    check_video_generation_request_aspect_ratio,
)
from ..models.video_generation_request_resolution import (
    VideoGenerationRequestResolution,
    check_video_generation_request_resolution,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="VideoGenerationRequest")


@_attrs_define
class VideoGenerationRequest:
    """Video generation, text-to-video or image-to-video. Model-specific
    properties beyond these are passed through.

        Attributes:
            model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
                slug is answered with `404 not_found`. Known slugs: `flux-2`,
                `kling-3`, `suno`, `minimax-music`, `elevenlabs-v3`, `gemini`.
            prompt (str): Text description of the video. The page gives "max 2500 chars for
                most models"; 2500 is the limit stated here, and a model with a
                lower one answers 400.
            image (str | Unset): Image URL for image-to-video mode; auto-detected by most models.
            mode (str | Unset): Quality mode. Model-specific, e.g. `std`/`pro` for Kling 3.
            duration (float | str | Unset): Video duration in seconds, as a number or a numeric string.
                Model-specific: Kling 3 takes 3–15 s, other models vary, so only
                positivity is checked here.
                 Default: 5.0.
            aspect_ratio (VideoGenerationRequestAspectRatio | Unset): Output aspect ratio. Default: '16:9'.
            resolution (VideoGenerationRequestResolution | Unset): Output resolution (model-specific which ones apply).
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
    resolution: VideoGenerationRequestResolution | Unset = UNSET
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

        resolution: str | Unset = UNSET
        if not isinstance(self.resolution, Unset):
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
        d = dict(src_dict)
        model = d.pop("model")

        prompt = d.pop("prompt")

        image = d.pop("image", UNSET)

        mode = d.pop("mode", UNSET)

        def _parse_duration(data: object) -> float | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(float | str | Unset, data)

        duration = _parse_duration(d.pop("duration", UNSET))

        _aspect_ratio = d.pop("aspect_ratio", UNSET)
        aspect_ratio: VideoGenerationRequestAspectRatio | Unset
        if isinstance(_aspect_ratio, Unset):
            aspect_ratio = UNSET
        else:
            aspect_ratio = check_video_generation_request_aspect_ratio(_aspect_ratio)

        _resolution = d.pop("resolution", UNSET)
        resolution: VideoGenerationRequestResolution | Unset
        if isinstance(_resolution, Unset):
            resolution = UNSET
        else:
            resolution = check_video_generation_request_resolution(_resolution)

        sound = d.pop("sound", UNSET)

        generate_audio = d.pop("generateAudio", UNSET)

        generate_audio_switch = d.pop("generate_audio_switch", UNSET)

        video_generation_request = cls(
            model=model,
            prompt=prompt,
            image=image,
            mode=mode,
            duration=duration,
            aspect_ratio=aspect_ratio,
            resolution=resolution,
            sound=sound,
            generate_audio=generate_audio,
            generate_audio_switch=generate_audio_switch,
        )

        video_generation_request.additional_properties = d
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
