from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..models.face_swap_request_output_format import (
    FaceSwapRequestOutputFormat,
    check_face_swap_request_output_format,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="FaceSwapRequest")

_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "image",
        "face_image",
        "target_index",
        "output_format",
    )
)
"""The keys of the properties above; any other key goes to ``additional_properties``."""


@_attrs_define
class FaceSwapRequest:
    """Face swap. Takes no `model`.

    Attributes:
        image (str): URL of the target image (the body or scene to modify).
        face_image (str): URL of the source face image (the face to swap in).
        target_index (int | Unset): Which face in the target image, when it has several (0–10). The
            page types it `number`, its one numeric type; an index is whole,
            so this document decides on `integer` (`2.0` is accepted, `1.5`
            is answered 400).
             Default: 0.
        output_format (FaceSwapRequestOutputFormat | Unset): Output image format. Default: 'jpeg'.
    """

    image: str
    face_image: str
    target_index: int | Unset = 0
    output_format: FaceSwapRequestOutputFormat | Unset = "jpeg"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        image = self.image

        face_image = self.face_image

        target_index = self.target_index

        output_format: str | Unset = UNSET
        if not isinstance(self.output_format, Unset):
            output_format = self.output_format

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "image": image,
                "face_image": face_image,
            }
        )
        if target_index is not UNSET:
            field_dict["target_index"] = target_index
        if output_format is not UNSET:
            field_dict["output_format"] = output_format

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        image = src_dict["image"]

        face_image = src_dict["face_image"]

        target_index = src_dict.get("target_index", UNSET)

        _output_format = src_dict.get("output_format", UNSET)
        output_format: FaceSwapRequestOutputFormat | Unset
        if isinstance(_output_format, Unset):
            output_format = UNSET
        else:
            output_format = check_face_swap_request_output_format(_output_format)

        # Positional, in the order the fields are declared: keywords cost more per call.
        face_swap_request = cls(
            image,
            face_image,
            target_index,
            output_format,
        )

        if not _KNOWN_KEYS.issuperset(src_dict):
            additional_properties = {}
            for prop_name, prop_dict in src_dict.items():
                if prop_name in _KNOWN_KEYS:
                    continue
                additional_properties[prop_name] = prop_dict
            face_swap_request.additional_properties = additional_properties
        return face_swap_request

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
