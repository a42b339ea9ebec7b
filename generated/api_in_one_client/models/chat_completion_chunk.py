from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field
from typing_extensions import Self

from ..types import UNSET, Unset

T = TypeVar("T", bound="ChatCompletionChunk")

_KNOWN_KEYS: frozenset[str] = frozenset(
    (
        "id",
        "choices",
        "object",
        "created",
        "model",
        "system_fingerprint",
        "service_tier",
        "usage",
        "credits_consumed",
    )
)
"""The keys of the properties above; any other key goes to ``additional_properties``."""


@_attrs_define
class ChatCompletionChunk:
    """One event of a streamed chat completion (OpenAI's
    `chat.completion.chunk`). **Decided here:** usage arrives as OpenAI
    documents it: with `stream_options.include_usage` true, every chunk
    may carry `usage: null` and the last chunk before `[DONE]` carries the
    `usage` of the whole completion, with empty `choices`. Fields OpenAI
    adds (`system_fingerprint`, `service_tier`, `logprobs`, `refusal`) are
    declared, and unknown ones are allowed: other OpenAI-compatible
    servers send more.

        Attributes:
            id (str): Completion id, the same in every chunk.
            choices (list[ChatCompletionChunkChoice]): Deltas, one per choice.
            object_ (str | Unset): `chat.completion.chunk`.
            created (int | Unset): Unix time of creation.
            model (str | Unset): The model that answers.
            system_fingerprint (None | str | Unset): Backend configuration id, as OpenAI sends it; may be absent.
            service_tier (None | str | Unset): Processing tier, as OpenAI sends it; may be absent.
            usage (CompletionUsage | None | Unset): `null`, or on the last chunk the usage of the whole completion.
            credits_consumed (float | None | Unset): Credits charged, on the chunk that carries `usage`.
    """

    id: str
    choices: list[ChatCompletionChunkChoice]
    object_: str | Unset = UNSET
    created: int | Unset = UNSET
    model: str | Unset = UNSET
    system_fingerprint: None | str | Unset = UNSET
    service_tier: None | str | Unset = UNSET
    usage: CompletionUsage | None | Unset = UNSET
    credits_consumed: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        choices = []
        for choices_item_data in self.choices:
            choices_item = choices_item_data.to_dict()
            choices.append(choices_item)

        object_ = self.object_

        created = self.created

        model = self.model

        system_fingerprint: None | str | Unset
        if isinstance(self.system_fingerprint, Unset):
            system_fingerprint = UNSET
        else:
            system_fingerprint = self.system_fingerprint

        service_tier: None | str | Unset
        if isinstance(self.service_tier, Unset):
            service_tier = UNSET
        else:
            service_tier = self.service_tier

        usage: dict[str, Any] | None | Unset
        if isinstance(self.usage, Unset):
            usage = UNSET
        elif isinstance(self.usage, CompletionUsage):
            usage = self.usage.to_dict()
        else:
            usage = self.usage

        credits_consumed: float | None | Unset
        if isinstance(self.credits_consumed, Unset):
            credits_consumed = UNSET
        else:
            credits_consumed = self.credits_consumed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "choices": choices,
            }
        )
        if object_ is not UNSET:
            field_dict["object"] = object_
        if created is not UNSET:
            field_dict["created"] = created
        if model is not UNSET:
            field_dict["model"] = model
        if system_fingerprint is not UNSET:
            field_dict["system_fingerprint"] = system_fingerprint
        if service_tier is not UNSET:
            field_dict["service_tier"] = service_tier
        if usage is not UNSET:
            field_dict["usage"] = usage
        if credits_consumed is not UNSET:
            field_dict["credits_consumed"] = credits_consumed

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        id = src_dict["id"]

        _choices = src_dict["choices"]
        choices = [ChatCompletionChunkChoice.from_dict(item) for item in _choices]

        object_ = src_dict.get("object", UNSET)

        created = src_dict.get("created", UNSET)

        model = src_dict.get("model", UNSET)

        system_fingerprint = src_dict.get("system_fingerprint", UNSET)

        service_tier = src_dict.get("service_tier", UNSET)

        _usage = src_dict.get("usage", UNSET)
        usage: CompletionUsage | None | Unset
        if isinstance(_usage, dict):
            usage_type_0 = CompletionUsage.from_dict(_usage)

            usage = usage_type_0
        else:
            usage = _usage

        credits_consumed = src_dict.get("credits_consumed", UNSET)

        # Positional, in the order the fields are declared: keywords cost more per call.
        chat_completion_chunk = cls(
            id,
            choices,
            object_,
            created,
            model,
            system_fingerprint,
            service_tier,
            usage,
            credits_consumed,
        )

        if not _KNOWN_KEYS.issuperset(src_dict):
            additional_properties = {}
            for prop_name, prop_dict in src_dict.items():
                if prop_name in _KNOWN_KEYS:
                    continue
                additional_properties[prop_name] = prop_dict
            chat_completion_chunk.additional_properties = additional_properties
        return chat_completion_chunk

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
from ..models.chat_completion_chunk_choice import ChatCompletionChunkChoice
from ..models.completion_usage import CompletionUsage
