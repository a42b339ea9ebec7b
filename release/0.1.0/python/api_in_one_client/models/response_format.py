from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..models.response_format_type import ResponseFormatType, check_response_format_type
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.response_format_json_schema import ResponseFormatJsonSchema


T = TypeVar("T", bound="ResponseFormat")


@_attrs_define
class ResponseFormat:
    """Forces a structured output format, e.g. `{"type": "json_object"}`.

    Attributes:
        type_ (ResponseFormatType): Output format.
        json_schema (ResponseFormatJsonSchema | Unset): The schema, when `type` is `json_schema`.
    """

    type_: ResponseFormatType
    json_schema: ResponseFormatJsonSchema | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_: str = self.type_

        json_schema: dict[str, Any] | Unset = UNSET
        if not isinstance(self.json_schema, Unset):
            json_schema = self.json_schema.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
            }
        )
        if json_schema is not UNSET:
            field_dict["json_schema"] = json_schema

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.response_format_json_schema import ResponseFormatJsonSchema

        d = dict(src_dict)
        type_ = check_response_format_type(d.pop("type"))

        _json_schema = d.pop("json_schema", UNSET)
        json_schema: ResponseFormatJsonSchema | Unset
        if isinstance(_json_schema, Unset):
            json_schema = UNSET
        else:
            json_schema = ResponseFormatJsonSchema.from_dict(_json_schema)

        response_format = cls(
            type_=type_,
            json_schema=json_schema,
        )

        response_format.additional_properties = d
        return response_format

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
