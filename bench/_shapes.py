"""The chunk shapes of the SSE benchmark: how OpenAI-compatible servers write the same stream.

Each shape is a function from a chunk count to the SSE body a server of
that kind would send: a role chunk, text chunks, a finishing chunk, usage,
then ``data: [DONE]``. The decoder must be as fast on each of them as on
the mock's own; tests/test_streaming.py checks that every shape decodes to
what the generated ``from_dict`` builds. Most shapes are written compactly;
``ascii-escapes`` is written by ``json.dumps`` with its default separators
and ASCII escapes (``body`` writes each shape its server's way).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from api_in_one._operations import of_kind

__all__ = ["SHAPES", "body", "events"]

_MODEL = str(of_kind("chat").default_model)
"""The gateway's chat model, which the mock's chunks name."""

_WORDS = ("gateway", "model", "answer", "river", "light", "stone", "garden", "signal")
_CREATED = 1_700_000_000


def _word(index: int) -> str:
    return " " + _WORDS[index % len(_WORDS)]


def _usage(chunks: int) -> dict[str, int]:
    return {"prompt_tokens": 5, "completion_tokens": chunks, "total_tokens": chunks + 5}


def _mock(chunks: int) -> list[dict[str, Any]]:
    """The bundled mock's chunks: the fewest fields, the gateway's ``credits_consumed``."""
    head = {"id": "chatcmpl_bench", "object": "chat.completion.chunk", "created": _CREATED}
    head["model"] = _MODEL

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    return [
        chunk({"role": "assistant", "content": ""}),
        *(chunk({"content": _word(i)}) for i in range(chunks - 3)),
        chunk({}, "stop"),
        {**head, "choices": [], "usage": _usage(chunks), "credits_consumed": 2},
    ]


def _openai(chunks: int) -> list[dict[str, Any]]:
    """OpenAI's own, with ``stream_options.include_usage``: ``usage: null`` on every chunk."""
    head = {
        "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
        "object": "chat.completion.chunk",
        "created": _CREATED,
        "model": "gpt-4o-mini-2024-07-18",
        "service_tier": "default",
        "system_fingerprint": "fp_efad92c60b",
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return {**head, "choices": [choice], "usage": None}

    usage = {
        **_usage(chunks),
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }
    return [
        chunk({"role": "assistant", "content": "", "refusal": None}),
        *(chunk({"content": _word(i)}) for i in range(chunks - 3)),
        chunk({}, "stop"),
        {**head, "choices": [], "usage": usage},
    ]


def _openai_obfuscated(chunks: int) -> list[dict[str, Any]]:
    """OpenAI's since ``stream_options.include_obfuscation`` (on unless turned off): a padding
    string of its own length in every chunk, under a key the spec does not declare."""
    order = random.Random(11)
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return [
        {**chunk, "obfuscation": "".join(order.choices(letters, k=order.randint(1, 16)))}
        for chunk in _openai(chunks)
    ]


def _gemini(chunks: int) -> list[dict[str, Any]]:
    """Gemini's OpenAI-compatible endpoint: sorted keys, role in every delta, late finish reason."""

    def chunk(content: str, finish: str | None = None) -> dict[str, Any]:
        choice: dict[str, Any] = {"delta": {"content": content, "role": "assistant"}, "index": 0}
        if finish is not None:
            choice["finish_reason"] = finish
        return {
            "choices": [choice],
            "created": _CREATED,
            "id": "tq0oaPzNJ4yKmecP4eW8qAU",
            "model": "gemini-2.5-flash",
            "object": "chat.completion.chunk",
        }

    last = chunk(_word(chunks), "stop")
    last["usage"] = _usage(chunks)
    return [*(chunk(_word(i)) for i in range(chunks - 1)), last]


def _changing_ids(chunks: int) -> list[dict[str, Any]]:
    """A server that gives every chunk its own id and time."""
    return [
        {
            "id": f"chatcmpl-{index:08x}",
            "object": "chat.completion.chunk",
            "created": _CREATED + index,
            "model": _MODEL,
            "choices": [{"index": 0, "delta": {"content": _word(index)}, "finish_reason": None}],
        }
        for index in range(chunks - 1)
    ] + [
        {
            "id": f"chatcmpl-{chunks:08x}",
            "object": "chat.completion.chunk",
            "created": _CREATED + chunks,
            "model": _MODEL,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
    ]


def _tool_calls(chunks: int) -> list[dict[str, Any]]:
    """A function call whose arguments arrive in pieces, OpenAI's way."""
    head = {"id": "chatcmpl-tools", "object": "chat.completion.chunk", "created": _CREATED}
    head["model"] = "gpt-4o-mini"

    def chunk(call: dict[str, Any] | None, finish: str | None = None) -> dict[str, Any]:
        delta: dict[str, Any] = {} if call is None else {"tool_calls": [{"index": 0, **call}]}
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return {**head, "choices": [choice]}

    first = chunk({"id": "call_1", "type": "function", "function": {"name": "search"}})
    first["choices"][0]["delta"] |= {"role": "assistant", "content": None}
    first["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"] = ""
    pieces = ['{"query": "', *(_word(i) for i in range(chunks - 4)), '"}']
    return [
        first,
        *(chunk({"function": {"arguments": piece}}) for piece in pieces),
        chunk(None, "tool_calls"),
    ]


def _extra_keys(chunks: int) -> list[dict[str, Any]]:
    """Keys no schema names, at every level: the chunk, the choice and the delta."""
    return [
        {
            **chunk,
            "x_gateway": {"region": "eu", "latency_ms": 12},
            "choices": [
                {**choice, "x_score": 0.5, "delta": {**choice["delta"], "x_note": "n"}}
                for choice in chunk["choices"]
            ],
        }
        for chunk in _mock(chunks)
    ]


def _numbered_proxy(chunks: int) -> list[dict[str, Any]]:
    """A proxy that numbers its chunks: the id changes every chunk, ``created`` every 50."""
    return [
        {
            **chunk,
            "id": f"chatcmpl-proxy-{index}",
            "created": _CREATED + index // 50,
        }
        for index, chunk in enumerate(_mock(chunks))
    ]


def _shuffled(value: Any, order: random.Random) -> Any:
    if isinstance(value, dict):
        keys = list(value)
        order.shuffle(keys)
        return {key: _shuffled(value[key], order) for key in keys}
    if isinstance(value, list):
        return [_shuffled(item, order) for item in value]
    return value


def _shuffled_keys(chunks: int) -> list[dict[str, Any]]:
    """OpenAI's chunks with the keys of every object in a different order in every chunk."""
    order = random.Random(7)
    return [_shuffled(chunk, order) for chunk in _openai(chunks)]


_UNICODE_WORDS = (
    " café",
    " naïve",
    " 日本語",
    " Ωmega",
    " 🌊 wave",
    " “quoted”",
    " tab\t",
    " ünïcode",
)


def _ascii_escapes(chunks: int) -> list[dict[str, Any]]:
    """Text beyond ASCII, which ``json.dumps`` defaults write as ``\\uXXXX`` escapes."""
    payloads = _mock(chunks)
    for index, chunk in enumerate(payloads[1:-2]):
        chunk["choices"][0]["delta"]["content"] = _UNICODE_WORDS[index % len(_UNICODE_WORDS)]
    return payloads


def _shape_change(chunks: int) -> list[dict[str, Any]]:
    """A reasoning model: reasoning deltas, then content deltas, then the finish and usage."""
    payloads = _openai(chunks)
    reasoning = (len(payloads) - 3) // 2
    for chunk in payloads[1 : 1 + reasoning]:
        delta = chunk["choices"][0]["delta"]
        delta["reasoning_content"] = delta.pop("content")
    return payloads


SHAPES: dict[str, Callable[[int], list[dict[str, Any]]]] = {
    "mock": _mock,
    "openai": _openai,
    "openai-obfuscated": _openai_obfuscated,
    "gemini-compat": _gemini,
    "changing-ids": _changing_ids,
    "tool-calls": _tool_calls,
    "extra-keys": _extra_keys,
    "numbered-proxy": _numbered_proxy,
    "shuffled-keys": _shuffled_keys,
    "ascii-escapes": _ascii_escapes,
    "shape-change": _shape_change,
}
"""Each shape's chunk payloads for a chunk count; names as the benchmark ids use them."""


def events(payloads: list[dict[str, Any]], *, compact: bool = True) -> bytes:
    """The SSE body of ``payloads``: one ``data:`` line each, then ``[DONE]``.

    Compact JSON, or ``json.dumps``'s defaults: ``", "`` and ``": "`` and ASCII escapes.
    """
    separators = (",", ":") if compact else None
    lines = [b"data: " + json.dumps(p, separators=separators).encode() + b"\n\n" for p in payloads]
    return b"".join([*lines, b"data: [DONE]\n\n"])


def body(shape: str, chunks: int) -> bytes:
    """The SSE body a server of ``shape`` sends for ``chunks`` chunks."""
    return events(SHAPES[shape](chunks), compact=shape != "ascii-escapes")
