from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="TaskReference")


@_attrs_define
class TaskReference:
    """The created task. `status` is absent in the page's remove-bg example,
    so it is optional.

        Attributes:
            task_id (str): Id to poll with `getTask`.
            status (str | Unset): Task status, an open string. Known values: `pending` (accepted, not
                started), `IN_PROGRESS`, `SUCCESS`, `FAILED`. The page writes
                `pending` in lower case and the others in upper case; compare
                case-insensitively, and treat any other value as not finished.
    """

    task_id: str
    status: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        task_id = self.task_id

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "task_id": task_id,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        task_id = d.pop("task_id")

        status = d.pop("status", UNSET)

        task_reference = cls(
            task_id=task_id,
            status=status,
        )

        task_reference.additional_properties = d
        return task_reference

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
