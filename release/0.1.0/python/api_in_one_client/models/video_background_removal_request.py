from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="VideoBackgroundRemovalRequest")


@_attrs_define
class VideoBackgroundRemovalRequest:
    """Video background removal or replacement. Takes no `model`.

    Attributes:
        video (str): URL of the video.
        background_image (str | Unset): URL of an image to use as the new background; without it the background is
            removed.
    """

    video: str
    background_image: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        video = self.video

        background_image = self.background_image

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "video": video,
            }
        )
        if background_image is not UNSET:
            field_dict["background_image"] = background_image

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        video = d.pop("video")

        background_image = d.pop("background_image", UNSET)

        video_background_removal_request = cls(
            video=video,
            background_image=background_image,
        )

        video_background_removal_request.additional_properties = d
        return video_background_removal_request

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
