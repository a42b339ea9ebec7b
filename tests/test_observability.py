"""Logging under ``api_in_one`` (and ``API_IN_ONE_LOG``), and OpenTelemetry spans that link a
task's creation, its polls and its download."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import api_in_one as aio
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.models import ImageGenerationRequest

CAT = ImageGenerationRequest(model="flux-2", prompt="a cat on a windowsill")

# A server that answers 503 once, then the task: run with API_IN_ONE_LOG=debug.
RETRYING_SCRIPT = """
import httpx
from api_in_one import connect
from api_in_one_client.api.tasks import get_task

answers = iter([503, 200])

def answer(request):
    status = next(answers)
    if status == 503:
        return httpx.Response(503, json={"error": {"code": 503, "message": "Busy"}})
    task = {"task_id": "n0_t", "status": "SUCCESS"}
    return httpx.Response(200, json={"code": 200, "message": "ok", "data": task})

http = httpx.Client(transport=httpx.MockTransport(answer))
with connect("aio_secret_key_123", httpx_client=http, backoff_base=0) as client:
    get_task.sync("n0_t", client=client)
"""


@pytest.fixture
def aio_mock_config() -> MockConfig:
    return MockConfig(time_scale=0.01)


def test_api_in_one_log_debug_shows_a_retry_and_never_the_key() -> None:
    environment = {**os.environ, "API_IN_ONE_LOG": "debug"}
    environment.pop("API_IN_ONE_API_KEY", None)
    finished = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(RETRYING_SCRIPT)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = finished.stderr.splitlines()
    assert any(
        "api_in_one INFO] Retrying GET /api/v1/tasks/n0_t in 0.00 s (retry 1 of 2): HTTP 503"
        in line
        for line in lines
    ), lines
    assert any("GET /api/v1/tasks/n0_t -> 200" in line for line in lines), lines
    assert all("aio_secret_key_123" not in line for line in lines)


def test_logs_follow_a_task_from_creation_to_download(
    aio_mock: RunningMock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="api_in_one")
    with aio.connect(DEMO_KEY, base_url=aio_mock.base_url) as client:
        created = create_image_generation.sync(client=client, body=CAT)
        aio.download_results(
            client, aio.wait_for_task(client, created, poll_interval=0.01), tmp_path
        )
    task_id = aio.task_id_of(created)
    messages = [record.getMessage() for record in caplog.records]
    for expected in [
        "POST /api/v1/images/generations -> 200",
        f"Created task {task_id}",
        f"Polling task {task_id} (poll 1)",
        f"Task {task_id} finished SUCCESS",
        f"Downloaded 1 files of task {task_id}",
    ]:
        assert any(expected in message for message in messages), (expected, messages)
    assert all(DEMO_KEY not in message for message in messages)


@pytest.fixture(scope="module")
def _exporter() -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return exporter


@pytest.fixture
def spans(_exporter: InMemorySpanExporter) -> InMemorySpanExporter:
    _exporter.clear()
    return _exporter


def _linked(create_to_download: tuple[ReadableSpan, ...], task_id: str) -> None:
    """The create call, the wait (its polls as children) and the download, linked together."""
    by_name: dict[str, list[ReadableSpan]] = {}
    for span in create_to_download:
        by_name.setdefault(span.name, []).append(span)
    [create] = by_name["POST /images/generations"]
    [wait] = by_name["wait for task"]
    [download] = by_name["download results"]
    # Named by the template, not the path: one span name for every task (low cardinality).
    polls = by_name["GET /tasks/{task_id}"]
    paths = [str((poll.attributes or {}).get("url.path")) for poll in polls]
    assert all(path.endswith(f"/tasks/{task_id}") for path in paths)
    assert create.kind is trace.SpanKind.CLIENT
    assert create.attributes is not None
    assert create.attributes["http.response.status_code"] == 200
    assert str(create.attributes["api_in_one.request_id"]).startswith("req_")
    assert [link.context for link in wait.links] == [create.context]
    assert wait.attributes is not None
    assert wait.attributes["api_in_one.task_status"] == "SUCCESS"
    assert wait.attributes["api_in_one.polls"] == len(polls)
    assert all(poll.parent == wait.context for poll in polls)
    assert [link.context for link in download.links] == [create.context, wait.context]


def test_spans_link_create_polls_and_download(
    spans: InMemorySpanExporter, aio_mock: RunningMock, tmp_path: Path
) -> None:
    with aio.connect(DEMO_KEY, base_url=aio_mock.base_url) as client:
        created = create_image_generation.sync(client=client, body=CAT)
        aio.download_results(
            client, aio.wait_for_task(client, created, poll_interval=0.01), tmp_path
        )
    _linked(spans.get_finished_spans(), aio.task_id_of(created))


@pytest.mark.anyio
async def test_spans_link_create_polls_and_download_async(
    spans: InMemorySpanExporter, aio_mock: RunningMock, tmp_path: Path
) -> None:
    async with aio.aconnect(DEMO_KEY, base_url=aio_mock.base_url) as client:
        created = await create_image_generation.asyncio(client=client, body=CAT)
        task = await aio.async_wait_for_task(client, created, poll_interval=0.01)
        await aio.async_download_results(client, task, tmp_path)
    _linked(spans.get_finished_spans(), aio.task_id_of(created))


def test_a_retry_is_an_event_on_the_calls_span(
    spans: InMemorySpanExporter, aio_mock: RunningMock
) -> None:
    aio_mock.state.faults.error_burst, aio_mock.state.faults.error_status = 1, 429
    with aio.connect(DEMO_KEY, base_url=aio_mock.base_url, backoff_base=0) as client:
        create_image_generation.sync(client=client, body=CAT)
    [span] = spans.get_finished_spans()
    [event] = span.events
    assert event.name == "retry"
    assert event.attributes is not None
    assert event.attributes["reason"] == "HTTP 429"
