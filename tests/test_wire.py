"""Wire facts: media types in any case, and a request's facts worked out once and carried.

The answers here are the bundled mock's own, relabelled on the way back with
the media type in mixed case, as HTTP allows and some servers send.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from api_in_one import ApiInOneClient, aconnect, async_stream_chat, connect, stream_chat
from api_in_one._operations import of_kind, operation, operation_for
from api_in_one._request_facts import RequestFacts, facts_of
from api_in_one.mock import DEMO_KEY, RunningMock
from api_in_one_client.api.chat import create_chat_completion
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.api.tasks import get_task
from api_in_one_client.models import ChatCompletionRequest, ImageGenerationRequest, TaskCreated

CHAT_BODY = {"model": "gemini", "messages": [{"role": "user", "content": "Describe the sea"}]}
CHAT_COST = of_kind("chat").cost(CHAT_BODY) or 0.0
MIXED_CASE = {"text/event-stream": "Text/Event-Stream", "application/json": "Application/JSON"}


def _relabelled(response: httpx.Response) -> httpx.Response:
    """The answer with its media type in mixed case (its parameters kept)."""
    value = response.headers.get("content-type", "")
    kind, _, parameters = value.partition(";")
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() != "content-type"]
    mixed = MIXED_CASE.get(kind.strip(), kind) + (f";{parameters}" if parameters else "")
    return httpx.Response(
        response.status_code,
        headers=[*headers, ("Content-Type", mixed)],
        stream=response.stream,
        extensions=response.extensions,
    )


class _Relabelling(httpx.HTTPTransport):
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return _relabelled(super().handle_request(request))


class _AsyncRelabelling(httpx.AsyncHTTPTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return _relabelled(await super().handle_async_request(request))


def _client(mock: RunningMock, **options: Any) -> ApiInOneClient:
    http = httpx.Client(transport=_Relabelling())
    return connect(DEMO_KEY, base_url=mock.base_url, httpx_client=http, **options)


def _async_client(mock: RunningMock, **options: Any) -> ApiInOneClient:
    http = httpx.AsyncClient(transport=_AsyncRelabelling())
    return aconnect(DEMO_KEY, base_url=mock.base_url, httpx_client=http, **options)


def test_a_stream_labelled_in_mixed_case_is_a_stream(aio_mock: RunningMock) -> None:
    with _client(aio_mock) as client:
        result = stream_chat(client, CHAT_BODY).until_done()
    assert result.text
    assert result.finish_reason == "stop"


@pytest.mark.anyio
async def test_a_stream_labelled_in_mixed_case_is_a_stream_async(aio_mock: RunningMock) -> None:
    async with _async_client(aio_mock) as client:
        result = await (await async_stream_chat(client, CHAT_BODY)).until_done()
    assert result.text
    assert result.finish_reason == "stop"


def test_the_guard_counts_a_chat_answer_labelled_in_mixed_case(aio_mock: RunningMock) -> None:
    body = ChatCompletionRequest.from_dict({**CHAT_BODY, "stream": False})
    with _client(aio_mock, max_credits=100) as client:
        create_chat_completion.sync(client=client, body=body)
        assert client.credit_guard is not None
        assert (client.credit_guard.spent, client.credit_guard.committed) == (CHAT_COST, CHAT_COST)


@pytest.mark.anyio
async def test_the_guard_counts_a_chat_answer_labelled_in_mixed_case_async(
    aio_mock: RunningMock,
) -> None:
    body = ChatCompletionRequest.from_dict({**CHAT_BODY, "stream": False})
    async with _async_client(aio_mock, max_credits=100) as client:
        await create_chat_completion.asyncio(client=client, body=body)
        assert client.credit_guard is not None
        assert (client.credit_guard.spent, client.credit_guard.committed) == (CHAT_COST, CHAT_COST)


class _Recording(httpx.HTTPTransport):
    """Sends to the mock, noting the facts and the body each attempt carries."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[RequestFacts, bytes]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((facts_of(request), request.content))
        return super().handle_request(request)


def test_every_attempt_carries_the_facts_worked_out_at_the_entry(aio_mock: RunningMock) -> None:
    recording = _Recording()
    body = {"model": "flux-2", "prompt": "a lighthouse at dusk"}
    with connect(
        DEMO_KEY,
        base_url=aio_mock.base_url,
        httpx_client=httpx.Client(transport=recording),
        backoff_base=0.001,
        max_credits=100,
    ) as client:
        created = create_image_generation.sync(
            client=client, body=ImageGenerationRequest.from_dict(body)
        )
        assert isinstance(created, TaskCreated)
        aio_mock.state.faults.error_burst = 1  # the poll's first attempt gets a 503, then a retry
        get_task.sync(created.data.task_id, client=client)
    (create, _), (first_poll, _), (second_poll, _) = recording.seen
    assert create.operation == operation("image")
    assert (create.body, create.media_type) == (body, "application/json")
    assert first_poll is second_poll  # worked out once, for both attempts
    assert first_poll.operation == of_kind("task-status")
    assert first_poll.body is None
    assert create.request_id != first_poll.request_id
    assert all(
        facts.request_id and facts.request_id.startswith("req_") for facts in (create, first_poll)
    )


def test_a_chat_sent_for_json_carries_the_body_it_sends(aio_mock: RunningMock) -> None:
    recording = _Recording()
    http = httpx.Client(transport=recording)
    with connect(DEMO_KEY, base_url=aio_mock.base_url, httpx_client=http) as client:
        chat = ChatCompletionRequest.from_dict(CHAT_BODY)  # stream defaults to true
        create_chat_completion.sync(client=client, body=chat)
    [(facts, content)] = recording.seen
    assert facts.body["stream"] is False
    assert json.loads(content) == facts.body


@pytest.mark.parametrize("base", ["https://apiin.one/api/v1", "http://127.0.0.1:9/gw/v1", ""])
def test_the_operation_of_a_request_is_found_under_any_base_url(base: str) -> None:
    status, image = of_kind("task-status"), operation("image")
    task_path = status.path.replace("{task_id}", "n1abc")
    origin = base or "https://apiin.one"
    assert operation_for(httpx.Request("GET", origin + task_path)) == status
    assert operation_for(httpx.Request("POST", origin + image.path)) == image
    assert operation_for(httpx.Request("DELETE", origin + image.path)) is None
    assert operation_for(httpx.Request("GET", origin + "/nothing/here")) is None
