from __future__ import annotations

from collections.abc import Mapping
from typing import (
    Any,
    Literal,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

T = TypeVar("T", bound="NamedToolChoice")

_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "type",
        "function",
    )
)
"""The keys of the properties above; any other key goes to ``additional_properties``."""


@_attrs_define
class NamedToolChoice:
    """Forces a call of one function.

    Attributes:
        type_ (Literal['function']): Always `function`.
        function (NamedToolChoiceFunction): The function to call.
    """

    type_: Literal["function"]
    function: NamedToolChoiceFunction
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        function = self.function.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "function": function,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        type_ = cast(Literal["function"], src_dict["type"])
        if type_ != "function":
            raise ValueError(f"type must match const 'function', got '{type_}'")

        function = NamedToolChoiceFunction.from_dict(src_dict["function"])

        # Positional, in the order the fields are declared: keywords cost more per call.
        named_tool_choice = cls(
            type_,
            function,
        )

        if not _KNOWN_KEYS.issuperset(src_dict):
            additional_properties = {}
            for prop_name, prop_dict in src_dict.items():
                if prop_name in _KNOWN_KEYS:
                    continue
                additional_properties[prop_name] = prop_dict
            named_tool_choice.additional_properties = additional_properties
        return named_tool_choice

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
from ..models.named_tool_choice_function import NamedToolChoiceFunction
