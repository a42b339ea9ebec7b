from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="ImageGenerationRequest")


@_attrs_define
class ImageGenerationRequest:
    """Image generation. `model` picks the engine; `type`, `resolution` and
    `quality` are model-specific; further model-specific properties are
    passed through.

        Attributes:
            model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
                slug is answered with `404 not_found`. Known slugs: `flux-2`,
                `kling-3`, `suno`, `minimax-music`, `elevenlabs-v3`, `gemini`.
            prompt (str): Text description of the image to generate (3–5000 characters).
            aspect_ratio (str | Unset): Output aspect ratio as `W:H`, e.g. `1:1`, `16:9`, `9:16`. Default: '1:1'.
            type_ (str | Unset): Generation mode. Model-specific, e.g. `pro`/`flex` for Flux 2, `text-to-image`/`edit` for
                Seedream.
            resolution (str | Unset): Output resolution. Model-specific, e.g. `1K`/`2K` for Flux 2.
            quality (str | Unset): Quality level. Model-specific, e.g. `medium`/`high` for GPT Image.
            input_urls (list[str] | Unset): Image URLs for image-to-image or editing mode.
            negative_prompt (str | Unset): Elements to avoid in the image (not all models support this).
            seed (int | Unset): Random seed for reproducibility (not all models support this).
    """

    model: str
    prompt: str
    aspect_ratio: str | Unset = "1:1"
    type_: str | Unset = UNSET
    resolution: str | Unset = UNSET
    quality: str | Unset = UNSET
    input_urls: list[str] | Unset = UNSET
    negative_prompt: str | Unset = UNSET
    seed: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        prompt = self.prompt

        aspect_ratio = self.aspect_ratio

        type_ = self.type_

        resolution = self.resolution

        quality = self.quality

        input_urls: list[str] | Unset = UNSET
        if not isinstance(self.input_urls, Unset):
            input_urls = self.input_urls

        negative_prompt = self.negative_prompt

        seed = self.seed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "model": model,
                "prompt": prompt,
            }
        )
        if aspect_ratio is not UNSET:
            field_dict["aspect_ratio"] = aspect_ratio
        if type_ is not UNSET:
            field_dict["type"] = type_
        if resolution is not UNSET:
            field_dict["resolution"] = resolution
        if quality is not UNSET:
            field_dict["quality"] = quality
        if input_urls is not UNSET:
            field_dict["input_urls"] = input_urls
        if negative_prompt is not UNSET:
            field_dict["negative_prompt"] = negative_prompt
        if seed is not UNSET:
            field_dict["seed"] = seed

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        model = d.pop("model")

        prompt = d.pop("prompt")

        aspect_ratio = d.pop("aspect_ratio", UNSET)

        type_ = d.pop("type", UNSET)

        resolution = d.pop("resolution", UNSET)

        quality = d.pop("quality", UNSET)

        input_urls = cast(list[str], d.pop("input_urls", UNSET))

        negative_prompt = d.pop("negative_prompt", UNSET)

        seed = d.pop("seed", UNSET)

        image_generation_request = cls(
            model=model,
            prompt=prompt,
            aspect_ratio=aspect_ratio,
            type_=type_,
            resolution=resolution,
            quality=quality,
            input_urls=input_urls,
            negative_prompt=negative_prompt,
            seed=seed,
        )

        image_generation_request.additional_properties = d
        return image_generation_request

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
