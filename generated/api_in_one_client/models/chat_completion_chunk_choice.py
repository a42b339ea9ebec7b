from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="ChatCompletionChunkChoice")

_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "delta",
        "index",
        "finish_reason",
        "logprobs",
    )
)
"""The keys of the properties above; any other key goes to ``additional_properties``."""


@_attrs_define
class ChatCompletionChunkChoice:
    """One choice's delta.

    Attributes:
        delta (ChatCompletionDelta): What a chunk adds to the message.
        index (int | Unset): Position of the choice.
        finish_reason (None | str | Unset): Set on the choice's last chunk (`tool_calls` when it asked for calls); open.
        logprobs (ChoiceLogprobsType0 | None | Unset): Token log probabilities, as OpenAI sends them (`content` and
            `refusal` lists); the gateway sends `null` or leaves it out.
    """

    delta: ChatCompletionDelta
    index: int | Unset = UNSET
    finish_reason: None | str | Unset = UNSET
    logprobs: ChoiceLogprobsType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        delta = self.delta.to_dict()

        index = self.index

        finish_reason: None | str | Unset
        if isinstance(self.finish_reason, Unset):
            finish_reason = UNSET
        else:
            finish_reason = self.finish_reason

        logprobs: dict[str, Any] | None | Unset
        if isinstance(self.logprobs, Unset):
            logprobs = UNSET
        elif isinstance(self.logprobs, ChoiceLogprobsType0):
            logprobs = self.logprobs.to_dict()
        else:
            logprobs = self.logprobs

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "delta": delta,
            }
        )
        if index is not UNSET:
            field_dict["index"] = index
        if finish_reason is not UNSET:
            field_dict["finish_reason"] = finish_reason
        if logprobs is not UNSET:
            field_dict["logprobs"] = logprobs

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        delta = ChatCompletionDelta.from_dict(src_dict["delta"])

        index = src_dict.get("index", UNSET)

        finish_reason = src_dict.get("finish_reason", UNSET)

        _logprobs = src_dict.get("logprobs", UNSET)
        logprobs: ChoiceLogprobsType0 | None | Unset
        if isinstance(_logprobs, dict):
            componentsschemas_choice_logprobs_type_0 = ChoiceLogprobsType0.from_dict(
                _logprobs
            )

            logprobs = componentsschemas_choice_logprobs_type_0
        else:
            logprobs = _logprobs

        # Positional, in the order the fields are declared: keywords cost more per call.
        chat_completion_chunk_choice = cls(
            delta,
            index,
            finish_reason,
            logprobs,
        )

        if not _KNOWN_KEYS.issuperset(src_dict):
            additional_properties = {}
            for prop_name, prop_dict in src_dict.items():
                if prop_name in _KNOWN_KEYS:
                    continue
                additional_properties[prop_name] = prop_dict
            chat_completion_chunk_choice.additional_properties = additional_properties
        return chat_completion_chunk_choice

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
from ..models.chat_completion_delta import ChatCompletionDelta
from ..models.choice_logprobs_type_0 import ChoiceLogprobsType0
