from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="ToolCall")

_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "index",
        "id",
        "type",
        "function",
    )
)
"""The keys of the properties above; any other key goes to ``additional_properties``."""


@_attrs_define
class ToolCall:
    """A function call requested by the model (OpenAI-compatible). In a
    stream, the pieces of one call share its `index`: the first carries
    `id`, `type` and the function's `name`, the later ones only further
    pieces of `arguments`, to be joined in order.

        Attributes:
            index (int | Unset): Position of the call in the answer; in stream deltas only.
            id (str | Unset): Call id, which the `tool` message answering it names.
            type_ (str | Unset): `function`.
            function (FunctionCall | Unset): Name and JSON-encoded arguments of a call; streamed in pieces.
    """

    index: int | Unset = UNSET
    id: str | Unset = UNSET
    type_: str | Unset = UNSET
    function: FunctionCall | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        index = self.index

        id = self.id

        type_ = self.type_

        function: dict[str, Any] | Unset = UNSET
        if not isinstance(self.function, Unset):
            function = self.function.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if index is not UNSET:
            field_dict["index"] = index
        if id is not UNSET:
            field_dict["id"] = id
        if type_ is not UNSET:
            field_dict["type"] = type_
        if function is not UNSET:
            field_dict["function"] = function

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        index = src_dict.get("index", UNSET)

        id = src_dict.get("id", UNSET)

        type_ = src_dict.get("type", UNSET)

        _function = src_dict.get("function", UNSET)
        function: FunctionCall | Unset
        if isinstance(_function, Unset):
            function = UNSET
        else:
            function = FunctionCall.from_dict(_function)

        # Positional, in the order the fields are declared: keywords cost more per call.
        tool_call = cls(
            index,
            id,
            type_,
            function,
        )

        if not _KNOWN_KEYS.issuperset(src_dict):
            additional_properties = {}
            for prop_name, prop_dict in src_dict.items():
                if prop_name in _KNOWN_KEYS:
                    continue
                additional_properties[prop_name] = prop_dict
            tool_call.additional_properties = additional_properties
        return tool_call

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
from ..models.function_call import FunctionCall
