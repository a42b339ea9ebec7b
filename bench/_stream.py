"""SSE chat streams: ``stream_chat`` and other readers against raw httpx, on one loopback server.

Every reader takes the same stream and does what a chat UI does with it:
decode each ``chat.completion.chunk`` and read its text delta; ``until_done``
returns the assembled message instead. The baseline is the least a caller
can do by hand: httpx's ``iter_lines()`` and ``json.loads`` of each ``data:``
line.
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

__all__ = ["run"]

_MODEL = of_kind("chat").default_model
BODY: dict[str, Any] = {
    "model": _MODEL,
    "messages": [{"role": "user", "content": "Describe the sea"}],
    "stream": True,
    "stream_options": {"include_usage": True},
}
_TARGET = Target(">=", 0.8)


def _check(seen: int, chunks: int) -> None:
    # A reader that stops early would look fast; every run must see every chunk.
    if seen != chunks:
        raise RuntimeError(f"read {seen} chunks of {chunks}")


def _raw_lines(http: httpx.Client, chunks: int) -> Workload:
    def run() -> Timing:
        seen = 0
        path = f"/sse/{chunks}{CHAT_PATH}"
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


def _httpx_sse(http: httpx.Client, chunks: int) -> Workload:
    def run() -> Timing:
        seen = 0
        path = f"/sse/{chunks}{CHAT_PATH}"
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
    http: httpx.AsyncClient, chunks: int
) -> Callable[[], Coroutine[Any, Any, Timing]]:
    async def run() -> Timing:
        seen = 0
        path = f"/sse/{chunks}{CHAT_PATH}"
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
    headers = {"Authorization": f"Bearer {KEY}"}
    with (
        httpx.Client(base_url=root, headers=headers) as http,
        connect(KEY, base_url=f"{root}/sse/{chunks}", requests_per_minute=None) as sdk,
        OpenAI(base_url=f"{root}/sse/{openai_chunks}", api_key=KEY, max_retries=0) as openai,
    ):
        pairs = interleave(
            _raw_lines(http, chunks),
            {
                "stream_chat": _sdk(sdk, chunks),
                "until_done": _sdk_until_done(sdk, chunks),
                "httpx-sse": _httpx_sse(http, chunks),
            },
            rounds,
        )
        pairs |= interleave(
            _raw_lines(http, openai_chunks), {"openai": _openai(openai, openai_chunks)}, rounds
        )
    return pairs


def _async_pairs(root: str, rounds: int, chunks: int) -> dict[str, Pairs]:
    http = httpx.AsyncClient(base_url=root, headers={"Authorization": f"Bearer {KEY}"})
    sdk = aconnect(KEY, base_url=f"{root}/sse/{chunks}", requests_per_minute=None)
    # One loop for every round: the clients' connections belong to it.
    loop = asyncio.new_event_loop()
    try:
        return interleave(
            _on_loop(loop, _raw_lines_async(http, chunks)),
            {"async_stream_chat": _on_loop(loop, _sdk_async(sdk, chunks))},
            rounds,
        )
    finally:
        loop.run_until_complete(http.aclose())
        loop.run_until_complete(sdk.aclose())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def run(root: str, rounds: int, chunks: int, openai_chunks: int) -> list[Figure]:
    """Measure every reader on the server at ``root``, started with both chunk counts.

    ``openai_chunks`` is the shorter stream the openai SDK reads.
    """
    sync = _sync_pairs(root, rounds, chunks, openai_chunks)
    async_pairs = _async_pairs(root, rounds, chunks)
    group, raw, per = "SSE chat stream", "httpx iter_lines + json.loads", ("chunk", chunks)
    typed = f"Typed ChatCompletionChunk objects; {chunks:,} chunks per stream."
    return [
        timed_figure(
            "stream.sync.stream_chat",
            group,
            "SSE: stream_chat",
            raw,
            sync["stream_chat"],
            per,
            _TARGET,
            typed,
        ),
        timed_figure(
            "stream.sync.until_done",
            group,
            "SSE: stream_chat().until_done()",
            raw,
            sync["until_done"],
            per,
            _TARGET,
            f"The assembled ChatResult only; {chunks:,} chunks per stream.",
        ),
        timed_figure(
            "stream.async.stream_chat",
            group,
            "SSE: async_stream_chat",
            "httpx aiter_lines + json.loads",
            async_pairs["async_stream_chat"],
            per,
            _TARGET,
            typed,
        ),
        timed_figure(
            "stream.sync.httpx_sse",
            group,
            "SSE: httpx-sse + json.loads",
            raw,
            sync["httpx-sse"],
            per,
            None,
            f"Reference reader, plain dicts; {chunks:,} chunks per stream.",
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
