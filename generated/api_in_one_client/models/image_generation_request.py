from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="ImageGenerationRequest")

_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "model",
        "prompt",
        "aspect_ratio",
        "type",
        "resolution",
        "quality",
        "input_urls",
        "negative_prompt",
        "seed",
    )
)
"""The keys of the properties above; any other key goes to ``additional_properties``."""


@_attrs_define
class ImageGenerationRequest:
    """Image generation. `model` picks the engine; `type`, `resolution` and
    `quality` are model-specific; further model-specific properties are
    passed through.

        Attributes:
            model (str): Model slug. Open-ended: the catalogue changes over time, and an unknown
                slug, the empty one included, is answered with `404 not_found` (the
                page gives no length or format for slugs). Slugs on the page:
                `flux-2`, `kling-3`, `suno`, `chirp-v3-5`, `minimax-music`,
                `elevenlabs-v3`, `gemini`.
            prompt (str): Text description of the image to generate (3–5000 characters).
            aspect_ratio (str | Unset): Output aspect ratio, e.g. `1:1`, `16:9`, `9:16`. The page gives
                examples, not a format, and the values are model-specific (some
                engines take `auto` or `2.39:1`), so any string is accepted here
                and one the model does not take is answered 400 by the gateway.
                 Default: '1:1'.
            type_ (str | Unset): Generation mode. Model-specific, e.g. `pro`/`flex` for Flux 2, `text-to-image`/`edit` for
                Seedream.
            resolution (str | Unset): Output resolution. Model-specific, e.g. `1K`/`2K` for Flux 2.
            quality (str | Unset): Quality level. Model-specific, e.g. `medium`/`high` for GPT Image.
            input_urls (list[str] | Unset): Image URLs for image-to-image or editing mode.
            negative_prompt (str | Unset): Elements to avoid in the image (not all models support this).
            seed (int | Unset): Random seed for reproducibility (not all models support this). The
                page types it `number`, the one numeric type its parameter lists
                use (the face index `target_index` is a `number` there too). A
                seed is a whole number, so this document decides on `integer`:
                `7` and `7.0` are accepted, and `1.5` is answered 400 rather than
                passed to an engine that might round it unseen.
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
        model = src_dict["model"]

        prompt = src_dict["prompt"]

        aspect_ratio = src_dict.get("aspect_ratio", UNSET)

        type_ = src_dict.get("type", UNSET)

        resolution = src_dict.get("resolution", UNSET)

        quality = src_dict.get("quality", UNSET)

        input_urls = cast(list[str], src_dict.get("input_urls", UNSET))

        negative_prompt = src_dict.get("negative_prompt", UNSET)

        seed = src_dict.get("seed", UNSET)

        # Positional, in the order the fields are declared: keywords cost more per call.
        image_generation_request = cls(
            model,
            prompt,
            aspect_ratio,
            type_,
            resolution,
            quality,
            input_urls,
            negative_prompt,
            seed,
        )

        if not _KNOWN_KEYS.issuperset(src_dict):
            additional_properties = {}
            for prop_name, prop_dict in src_dict.items():
                if prop_name in _KNOWN_KEYS:
                    continue
                additional_properties[prop_name] = prop_dict
            image_generation_request.additional_properties = additional_properties
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
