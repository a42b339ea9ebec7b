"""The tour behind ``make demo``: every kind of task, chat, a batch, and errors handled.

With no settings it serves the bundled mock on a loopback port. With
``API_IN_ONE_API_KEY`` and ``API_IN_ONE_BASE_URL`` set it runs against that
server instead: a cheap subset by default, everything with ``--full``.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from api_in_one_client import AuthenticatedClient
from api_in_one_client.api.audio import create_music, create_speech
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.api.tools import remove_image_background, remove_video_background, swap_face
from api_in_one_client.api.videos import create_video_generation
from api_in_one_client.models import (
    FaceSwapRequest,
    ImageGenerationRequest,
    MusicRequest,
    RemoveBackgroundRequest,
    SpeechRequest,
    TaskCreated,
    VideoBackgroundRemovalRequest,
    VideoGenerationRequest,
)

from .._client import connect
from .._downloads import download_results
from .._errors import InsufficientCredits, TaskFailed
from .._polling import as_completed, wait_for_task
from .._streaming import stream_chat
from ._output import TaskProgress, echo_stream

__all__ = ["run_demo"]

PHOTO = "https://example.com/photo.jpg"
LOW_BALANCE_KEY = "aio_demo_low_balance"
# The demo mock and client share one limit, twice the gateway's default, to keep the tour short.
RATE_LIMIT = 120


@dataclass
class Step:
    name: str
    outcome: str
    detail: str


def _kinds(full: bool) -> list[tuple[str, Any, Any]]:
    cheap = [
        (
            "image (flux-2)",
            create_image_generation,
            ImageGenerationRequest("flux-2", "A serene Japanese garden with cherry blossoms"),
        ),
        ("remove-bg", remove_image_background, RemoveBackgroundRequest(PHOTO)),
    ]
    if not full:
        return cheap
    return [
        *cheap,
        (
            "video (kling-3)",
            create_video_generation,
            VideoGenerationRequest("kling-3", "A golden retriever running through sunflowers"),
        ),
        (
            "music (suno)",
            create_music,
            MusicRequest("suno", gpt_description_prompt="An upbeat summer pop song"),
        ),
        (
            "speech (elevenlabs-v3)",
            create_speech,
            SpeechRequest.from_dict(
                {
                    "model": "elevenlabs-v3",
                    "dialogue": [{"text": "Hello, welcome to API in One.", "voice": "narrator"}],
                }
            ),
        ),
        ("face-swap", swap_face, FaceSwapRequest(PHOTO, "https://example.com/face.jpg")),
        (
            "video-bg",
            remove_video_background,
            VideoBackgroundRemovalRequest("https://example.com/talking-head.mp4"),
        ),
    ]


@contextlib.contextmanager
def _target(console: Console) -> Iterator[tuple[str, str, Any]]:
    """(key, base URL, mock state or None): a remote server if configured, else the mock."""
    key, url = os.environ.get("API_IN_ONE_API_KEY"), os.environ.get("API_IN_ONE_BASE_URL")
    if key and url:
        console.print(f"Running against [bold]{url}[/bold] (from the environment).")
        yield key, url, None
        return
    from ..mock import DEMO_KEY, MockConfig, serve

    config = MockConfig(
        keys={DEMO_KEY: 10_000.0, LOW_BALANCE_KEY: 2.0},
        time_scale=0.05,
        requests_per_minute=RATE_LIMIT,
    )
    with serve(config) as mock:
        console.print(f"Serving the bundled mock at [bold]{mock.base_url}[/bold] (no key needed).")
        yield DEMO_KEY, mock.base_url, mock.state
    console.print("Mock stopped.")


def _create(client: AuthenticatedClient, module: Any, body: Any) -> TaskCreated:
    created = module.sync(client=client, body=body)
    assert isinstance(created, TaskCreated)
    return created


def run_demo(console: Console, *, full: bool, output: Path = Path("demo-output")) -> int:
    """Run the tour and print a summary table; returns the exit code."""
    steps: list[Step] = []
    started = time.monotonic()
    with _target(console) as (key, url, mock):
        full = full or mock is not None
        with connect(key, base_url=url, requests_per_minute=RATE_LIMIT if mock else 60) as client:
            console.rule("One task of every kind: create, wait, download")
            for name, module, body in _kinds(full):
                created = _create(client, module, body)
                with TaskProgress(console, f"{name:<24} {created.data.task_id:<26}") as progress:
                    task = wait_for_task(client, created, on_progress=progress, poll_interval=0.2)
                paths = download_results(client, task, output)
                steps.append(Step(name, task.status, ", ".join(str(p) for p in paths)))

            console.rule("Chat, streamed as it arrives")
            body = {
                "model": "gemini",
                "messages": [{"role": "user", "content": "Say hello to the demo"}],
            }
            with stream_chat(client, {**body, "stream_options": {"include_usage": True}}) as stream:
                result = echo_stream(console, stream)
            steps.append(
                Step(
                    "chat (gemini)",
                    result.finish_reason or "?",
                    f"{len(result.text)} characters, {result.credits_consumed:g} credits",
                )
            )

            if mock is not None:
                _batch(console, client, mock, steps)
                _errors(console, client, url, mock, steps)
    table = Table(title=f"api-in-one demo: {time.monotonic() - started:.0f} s")
    for column in ("step", "outcome", "detail"):
        table.add_column(column)
    for step in steps:
        table.add_row(step.name, step.outcome, step.detail)
    console.print(table)
    return 0


def _batch(console: Console, client: AuthenticatedClient, mock: Any, steps: list[Step]) -> None:
    console.rule(f"20 image tasks through as_completed, under a {RATE_LIMIT}/min budget")
    before = mock.stats.statuses[429]
    created = [
        _create(
            client,
            create_image_generation,
            ImageGenerationRequest("flux-2", f"A lighthouse, study {n}"),
        )
        for n in range(20)
    ]
    for number, task in enumerate(as_completed(client, created, poll_interval=0.5), start=1):
        console.print(f"  {number:>2}/20  {task.task_id}  {task.status}")
    rate_limited = mock.stats.statuses[429] - before
    steps.append(Step("batch of 20 images", "all finished", f"{rate_limited} x 429"))


def _errors(
    console: Console, client: AuthenticatedClient, url: str, mock: Any, steps: list[Step]
) -> None:
    console.rule("Errors, handled")
    with connect(LOW_BALANCE_KEY, base_url=url, requests_per_minute=RATE_LIMIT) as poor:
        try:
            _create(
                poor, create_image_generation, ImageGenerationRequest("flux-2", "A costly picture")
            )
        except InsufficientCredits as error:
            console.print(f"  402 handled: {error.message}", soft_wrap=True)
            steps.append(Step("402 insufficient credits", "handled", error.type or ""))
    mock.faults.fail_next_tasks = 1
    created = _create(
        client, create_image_generation, ImageGenerationRequest("flux-2", "A doomed picture")
    )
    try:
        wait_for_task(client, created, poll_interval=0.2)
    except TaskFailed as error:
        console.print(f"  FAILED handled: {error.task_id}: {error.error_message}")
        steps.append(Step("FAILED task", "handled", error.error_message or ""))
