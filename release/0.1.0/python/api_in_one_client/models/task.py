from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.task_request import TaskRequest


T = TypeVar("T", bound="Task")


@_attrs_define
class Task:
    """An asynchronous task.

    Attributes:
        task_id (str): The task id.
        status (str): Task status, an open string. Known values: `pending` (accepted, not
            started), `IN_PROGRESS`, `SUCCESS`, `FAILED`. The page writes
            `pending` in lower case and the others in upper case; compare
            case-insensitively, and treat any other value as not finished.
        consumed_credits (float | None | Unset): Credits charged for the task; `null` while unknown.
        error_message (None | str | Unset): Why the task failed; `null` unless `FAILED`.
        created_at (datetime.datetime | Unset): When the task was created (RFC 3339).
        request (TaskRequest | Unset): The request body the task was created from.
        response (list[str] | None | Unset): Result URLs once `SUCCESS`; `null` before.
    """

    task_id: str
    status: str
    consumed_credits: float | None | Unset = UNSET
    error_message: None | str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    request: TaskRequest | Unset = UNSET
    response: list[str] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        task_id = self.task_id

        status = self.status

        consumed_credits: float | None | Unset
        if isinstance(self.consumed_credits, Unset):
            consumed_credits = UNSET
        else:
            consumed_credits = self.consumed_credits

        error_message: None | str | Unset
        if isinstance(self.error_message, Unset):
            error_message = UNSET
        else:
            error_message = self.error_message

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        request: dict[str, Any] | Unset = UNSET
        if not isinstance(self.request, Unset):
            request = self.request.to_dict()

        response: list[str] | None | Unset
        if isinstance(self.response, Unset):
            response = UNSET
        elif isinstance(self.response, list):
            response = self.response

        else:
            response = self.response

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "task_id": task_id,
                "status": status,
            }
        )
        if consumed_credits is not UNSET:
            field_dict["consumed_credits"] = consumed_credits
        if error_message is not UNSET:
            field_dict["error_message"] = error_message
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if request is not UNSET:
            field_dict["request"] = request
        if response is not UNSET:
            field_dict["response"] = response

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.task_request import TaskRequest

        d = dict(src_dict)
        task_id = d.pop("task_id")

        status = d.pop("status")

        def _parse_consumed_credits(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        consumed_credits = _parse_consumed_credits(d.pop("consumed_credits", UNSET))

        def _parse_error_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error_message = _parse_error_message(d.pop("error_message", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(
                _created_at.upper().replace("Z", "+00:00")
            )

        _request = d.pop("request", UNSET)
        request: TaskRequest | Unset
        if isinstance(_request, Unset):
            request = UNSET
        else:
            request = TaskRequest.from_dict(_request)

        def _parse_response(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                response_type_0 = cast(list[str], data)

                return response_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        response = _parse_response(d.pop("response", UNSET))

        task = cls(
            task_id=task_id,
            status=status,
            consumed_credits=consumed_credits,
            error_message=error_message,
            created_at=created_at,
            request=request,
            response=response,
        )

        task.additional_properties = d
        return task

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
