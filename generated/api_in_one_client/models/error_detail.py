from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

T = TypeVar("T", bound="ErrorDetail")

_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "code",
        "message",
        "type",
    )
)
"""The keys of the properties above; any other key goes to ``additional_properties``."""


@_attrs_define
class ErrorDetail:
    """What went wrong.

    Attributes:
        code (int): Mirrors the HTTP status.
        message (str): Human-readable explanation.
        type_ (str): Error kind, an open string. Known values: `invalid_request` (400,
            405), `authentication_error` (401), `insufficient_credits` (402),
            `not_found` (404), `rate_limit` (429), `server_error` (500, 503).
    """

    code: int
    message: str
    type_: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        type_ = self.type_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        code = src_dict["code"]

        message = src_dict["message"]

        type_ = src_dict["type"]

        # Positional, in the order the fields are declared: keywords cost more per call.
        error_detail = cls(
            code,
            message,
            type_,
        )

        if not _KNOWN_KEYS.issuperset(src_dict):
            additional_properties = {}
            for prop_name, prop_dict in src_dict.items():
                if prop_name in _KNOWN_KEYS:
                    continue
                additional_properties[prop_name] = prop_dict
            error_detail.additional_properties = additional_properties
        return error_detail

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
