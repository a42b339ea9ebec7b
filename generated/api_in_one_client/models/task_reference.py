from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="TaskReference")

_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "task_id",
        "status",
    )
)
"""The keys of the properties above; any other key goes to ``additional_properties``."""


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
    # Not a property: the request this answered, noted by the resource method that returned
    # it (request_id_of reads it); outside equality, repr and to_dict.
    _request_id: str | None = _attrs_field(
        init=False, default=None, eq=False, repr=False
    )

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
        task_id = src_dict["task_id"]

        status = src_dict.get("status", UNSET)

        # Positional, in the order the fields are declared: keywords cost more per call.
        task_reference = cls(
            task_id,
            status,
        )

        if not _KNOWN_KEYS.issuperset(src_dict):
            additional_properties = {}
            for prop_name, prop_dict in src_dict.items():
                if prop_name in _KNOWN_KEYS:
                    continue
                additional_properties[prop_name] = prop_dict
            task_reference.additional_properties = additional_properties
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
