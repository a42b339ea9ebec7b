"""SSE chat streams: ``stream_chat`` and other readers against raw httpx, on one loopback server.

Every reader takes the same stream and does what a chat UI does with it:
decode each ``chat.completion.chunk`` and read its text delta; ``until_done``
returns the assembled message instead. The baseline is the least a caller
can do by hand: httpx's ``iter_lines()`` and ``json.loads`` of each ``data:``
line. The SDK's readers run on every chunk shape of ``_shapes.SHAPES``, as
servers differ; the figures come worst first.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from httpx_sse import connect_sse
from openai import OpenAI

from api_in_one import ApiInOneClient, aconnect, async_stream_chat, connect, stream_chat
from api_in_one._operations import of_kind

from ._report import Figure, Target, timed_figure
from ._rounds import Pairs, Stopwatch, Timing, Workload, interleave
from ._servers import CHAT_PATH, KEY
from ._shapes import SHAPES

__all__ = ["run"]

_MODEL = of_kind("chat").default_model
BODY: dict[str, Any] = {
    "model": _MODEL,
    "messages": [{"role": "user", "content": "Describe the sea"}],
    "stream": True,
    "stream_options": {"include_usage": True},
}
_TARGET = Target(">=", 0.8)
_REFERENCE_SHAPE = "mock"
"""The shape the reference readers (httpx-sse, the openai SDK) read."""


def _check(seen: int, chunks: int) -> None:
    # A reader that stops early would look fast; every run must see every chunk.
    if seen != chunks:
        raise RuntimeError(f"read {seen} chunks of {chunks}")


def _raw_lines(http: httpx.Client, root: str, chunks: int) -> Workload:
    def run() -> Timing:
        seen = 0
        path = f"{root}{CHAT_PATH}"
        with Stopwatch() as watch, http.stream("POST", path, json=BODY) as response:
            for line in response.iter_lines():
                if not line.startswith("data: "):
                    continue
                data = line[6:]
                if data == "[DONE]":
                    break
                choices = json.loads(data)["choices"]
                if choices:
                    choices[0]["delta"].get("content")
                seen += 1
        _check(seen, chunks)
        return watch.timing

    return run


def _httpx_sse(http: httpx.Client, root: str, chunks: int) -> Workload:
    def run() -> Timing:
        seen = 0
        path = f"{root}{CHAT_PATH}"
        with Stopwatch() as watch, connect_sse(http, "POST", path, json=BODY) as source:
            for event in source.iter_sse():
                if event.data == "[DONE]":
                    break
                choices = json.loads(event.data)["choices"]
                if choices:
                    choices[0]["delta"].get("content")
                seen += 1
        _check(seen, chunks)
        return watch.timing

    return run


def _sdk(client: ApiInOneClient, chunks: int) -> Workload:
    def run() -> Timing:
        seen = 0
        with Stopwatch() as watch, stream_chat(client, BODY) as stream:
            for chunk in stream:
                if chunk.choices:
                    _ = chunk.choices[0].delta.content
                seen += 1
        _check(seen, chunks)
        return watch.timing

    return run


def _sdk_until_done(client: ApiInOneClient, chunks: int) -> Workload:
    def run() -> Timing:
        with Stopwatch() as watch:
            result = stream_chat(client, BODY).until_done()
        _check(result.chunks, chunks)
        return watch.timing

    return run


def _openai(client: OpenAI, chunks: int) -> Workload:
    def run() -> Timing:
        seen = 0
        with Stopwatch() as watch:
            answer = client.chat.completions.create(
                model=str(_MODEL),
                messages=[{"role": "user", "content": "Describe the sea"}],
                stream=True,
                stream_options={"include_usage": True},
            )
            for chunk in answer:
                if chunk.choices:
                    _ = chunk.choices[0].delta.content
                seen += 1
        _check(seen, chunks)
        return watch.timing

    return run


def _on_loop(
    loop: asyncio.AbstractEventLoop, work: Callable[[], Coroutine[Any, Any, Timing]]
) -> Workload:
    return lambda: loop.run_until_complete(work())


def _raw_lines_async(
    http: httpx.AsyncClient, root: str, chunks: int
) -> Callable[[], Coroutine[Any, Any, Timing]]:
    async def run() -> Timing:
        seen = 0
        path = f"{root}{CHAT_PATH}"
        with Stopwatch() as watch:
            async with http.stream("POST", path, json=BODY) as response:
                async for line in response.aiter_lines():
                    if not line.startswith("data: "):
                        continue
                    data = line[6:]
                    if data == "[DONE]":
                        break
                    choices = json.loads(data)["choices"]
                    if choices:
                        choices[0]["delta"].get("content")
                    seen += 1
        _check(seen, chunks)
        return watch.timing

    return run


def _sdk_async(client: ApiInOneClient, chunks: int) -> Callable[[], Coroutine[Any, Any, Timing]]:
    async def run() -> Timing:
        seen = 0
        with Stopwatch() as watch:
            async with await async_stream_chat(client, BODY) as stream:
                async for chunk in stream:
                    if chunk.choices:
                        _ = chunk.choices[0].delta.content
                    seen += 1
        _check(seen, chunks)
        return watch.timing

    return run


def _sync_pairs(root: str, rounds: int, chunks: int, openai_chunks: int) -> dict[str, Pairs]:
    """Pairs named ``reader/shape``; the reference readers' under their own names."""
    headers = {"Authorization": f"Bearer {KEY}"}
    pairs: dict[str, Pairs] = {}
    with httpx.Client(base_url=root, headers=headers) as http:
        for shape in SHAPES:
            stream = f"/sse/{shape}/{chunks}"
            with connect(KEY, base_url=root + stream, requests_per_minute=None) as sdk:
                readers = {
                    f"stream_chat/{shape}": _sdk(sdk, chunks),
                    f"until_done/{shape}": _sdk_until_done(sdk, chunks),
                }
                if shape == _REFERENCE_SHAPE:
                    readers["httpx-sse"] = _httpx_sse(http, stream, chunks)
                pairs |= interleave(_raw_lines(http, stream, chunks), readers, rounds)
        short = f"/sse/{_REFERENCE_SHAPE}/{openai_chunks}"
        with OpenAI(base_url=root + short, api_key=KEY, max_retries=0) as openai:
            pairs |= interleave(
                _raw_lines(http, short, openai_chunks),
                {"openai": _openai(openai, openai_chunks)},
                rounds,
            )
    return pairs


def _async_pairs(root: str, rounds: int, chunks: int) -> dict[str, Pairs]:
    """Pairs named ``async_stream_chat/shape``."""
    http = httpx.AsyncClient(base_url=root, headers={"Authorization": f"Bearer {KEY}"})
    # One loop for every round: the clients' connections belong to it.
    loop = asyncio.new_event_loop()
    pairs: dict[str, Pairs] = {}
    try:
        for shape in SHAPES:
            stream = f"/sse/{shape}/{chunks}"
            sdk = aconnect(KEY, base_url=root + stream, requests_per_minute=None)
            try:
                pairs |= interleave(
                    _on_loop(loop, _raw_lines_async(http, stream, chunks)),
                    {f"async_stream_chat/{shape}": _on_loop(loop, _sdk_async(sdk, chunks))},
                    rounds,
                )
            finally:
                loop.run_until_complete(sdk.aclose())
    finally:
        loop.run_until_complete(http.aclose())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
    return pairs


def run(root: str, rounds: int, chunks: int, openai_chunks: int) -> list[Figure]:
    """Measure every reader on the server at ``root``, started with both chunk counts.

    ``openai_chunks`` is the shorter stream the openai SDK reads. The SDK's
    figures, one per reader and shape, come first, the worst first.
    """
    sync = _sync_pairs(root, rounds, chunks, openai_chunks)
    async_pairs = _async_pairs(root, rounds, chunks)
    group, raw, per = "SSE chat stream", "httpx iter_lines + json.loads", ("chunk", chunks)
    sdk: list[Figure] = []
    for shape in SHAPES:
        typed = f"Typed ChatCompletionChunk objects; {chunks:,} {shape} chunks per stream."
        sdk += [
            timed_figure(
                f"stream.sync.stream_chat.{shape}",
                group,
                f"SSE: stream_chat, {shape} chunks",
                raw,
                sync[f"stream_chat/{shape}"],
                per,
                _TARGET,
                typed,
            ),
            timed_figure(
                f"stream.sync.until_done.{shape}",
                group,
                f"SSE: stream_chat().until_done(), {shape} chunks",
                raw,
                sync[f"until_done/{shape}"],
                per,
                _TARGET,
                f"The assembled ChatResult only; {chunks:,} {shape} chunks per stream.",
            ),
            timed_figure(
                f"stream.async.stream_chat.{shape}",
                group,
                f"SSE: async_stream_chat, {shape} chunks",
                "httpx aiter_lines + json.loads",
                async_pairs[f"async_stream_chat/{shape}"],
                per,
                _TARGET,
                typed,
            ),
        ]
    sdk.sort(key=lambda figure: figure.value)
    return [
        *sdk,
        timed_figure(
            "stream.sync.httpx_sse",
            group,
            "SSE: httpx-sse + json.loads",
            raw,
            sync["httpx-sse"],
            per,
            None,
            f"Reference reader, plain dicts; {chunks:,} {_REFERENCE_SHAPE} chunks per stream.",
        ),
        timed_figure(
            "stream.sync.openai",
            group,
            "SSE: openai SDK stream",
            raw,
            sync["openai"],
            ("chunk", openai_chunks),
            None,
            f"Reference reader; {openai_chunks:,}-chunk streams for both sides (it is slow), "
            "so the ratio is a per-chunk throughput ratio.",
        ),
    ]
