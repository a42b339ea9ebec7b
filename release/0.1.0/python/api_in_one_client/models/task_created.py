from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

if TYPE_CHECKING:
    from ..models.task_reference import TaskReference


T = TypeVar("T", bound="TaskCreated")


@_attrs_define
class TaskCreated:
    """Answer of every create endpoint but chat. The page's endpoint examples
    all use this `{code, message, data: {task_id, status}}` envelope; its
    generic "response format" section shows a bare `{"id", "status":
    "pending", "model", "created_at"}` object instead. The concrete
    examples agree with the task-status answer, so this envelope is the
    contract and the bare shape is a known discrepancy of the page.

        Attributes:
            code (int): Mirrors the HTTP status (200).
            message (str): `success` on success.
            data (TaskReference): The created task. `status` is absent in the page's remove-bg example,
                so it is optional.
    """

    code: int
    message: str
    data: TaskReference
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
        from ..models.task_reference import TaskReference

        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        data = TaskReference.from_dict(d.pop("data"))

        task_created = cls(
            code=code,
            message=message,
            data=data,
        )

        task_created.additional_properties = d
        return task_created

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
