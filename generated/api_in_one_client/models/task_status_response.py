from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

T = TypeVar("T", bound="TaskStatusResponse")

_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "code",
        "message",
        "data",
    )
)
"""The keys of the properties above; any other key goes to ``additional_properties``."""


@_attrs_define
class TaskStatusResponse:
    """Answer of `getTask`.

    Attributes:
        code (int): Mirrors the HTTP status (200).
        message (str): `success` on success.
        data (Task): An asynchronous task.
    """

    code: int
    message: str
    data: Task
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        code = src_dict["code"]

        message = src_dict["message"]

        data = Task.from_dict(src_dict["data"])

        # Positional, in the order the fields are declared: keywords cost more per call.
        task_status_response = cls(
            code,
            message,
            data,
        )

        if not _KNOWN_KEYS.issuperset(src_dict):
            additional_properties = {}
            for prop_name, prop_dict in src_dict.items():
                if prop_name in _KNOWN_KEYS:
                    continue
                additional_properties[prop_name] = prop_dict
            task_status_response.additional_properties = additional_properties
        return task_status_response

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
from ..models.task import Task
