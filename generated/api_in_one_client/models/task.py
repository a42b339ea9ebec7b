from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="Task")

_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "task_id",
        "status",
        "consumed_credits",
        "error_message",
        "created_at",
        "request",
        "response",
    )
)
"""The keys of the properties above; any other key goes to ``additional_properties``."""


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
    # Not a property: the request this answered, noted by the resource method that returned
    # it (request_id_of reads it); outside equality, repr and to_dict.
    _request_id: str | None = _attrs_field(
        init=False, default=None, eq=False, repr=False
    )

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
        task_id = src_dict["task_id"]

        status = src_dict["status"]

        consumed_credits = src_dict.get("consumed_credits", UNSET)

        error_message = src_dict.get("error_message", UNSET)

        _created_at = src_dict.get("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(
                _created_at.upper().replace("Z", "+00:00")
            )

        _request = src_dict.get("request", UNSET)
        request: TaskRequest | Unset
        if isinstance(_request, Unset):
            request = UNSET
        else:
            request = TaskRequest.from_dict(_request)

        _response = src_dict.get("response", UNSET)
        response: list[str] | None | Unset
        if isinstance(_response, list):
            response_type_0 = cast(list[str], _response)

            response = response_type_0
        else:
            response = _response

        # Positional, in the order the fields are declared: keywords cost more per call.
        task = cls(
            task_id,
            status,
            consumed_credits,
            error_message,
            created_at,
            request,
            response,
        )

        if not _KNOWN_KEYS.issuperset(src_dict):
            additional_properties = {}
            for prop_name, prop_dict in src_dict.items():
                if prop_name in _KNOWN_KEYS:
                    continue
                additional_properties[prop_name] = prop_dict
            task.additional_properties = additional_properties
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


# Imported last, as models may refer to each other: a module-level name costs
# nothing per call, where an import inside from_dict costs about a microsecond.
from ..models.task_request import TaskRequest
