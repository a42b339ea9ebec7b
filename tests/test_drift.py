"""Answer validation: connect(validate="warn"/"raise") against the mock clean and with each of its
drifts, sync and async; the record, the pointer, the rate-limited log line and client.drift."""

from __future__ import annotations

import gzip
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from drift_scenario import TASK, Outcome, async_run_user_code, run_user_code

from api_in_one import ApiInOneClient, ApiInOneError, APIResponseValidationError, aconnect, connect
from api_in_one._answers import MAX_CHECKED_BYTES, VALIDATE_VARIABLE
from api_in_one._operations import of_kind, operation
from api_in_one._recording import read_recording
from api_in_one.conformance import check_recording
from api_in_one.mock import DEMO_KEY, DRIFTS, MockConfig, RunningMock
from api_in_one.mock._server import MockHost
from api_in_one_client.api.tasks import get_task
from api_in_one_client.models import TaskStatusResponse

EXPECTED: dict[str, tuple[str | None, str]] = {
    "renamed-field": ("task-status", "/body/data/status"),
    "unknown-status": ("task", "/body/data/status"),
    "no-rate-limit-headers": (None, "/headers/retry-after"),
    "error-without-type": ("task-status", "/body/error/type"),
    "html-502": ("task", "/status"),
    "chunk-without-choices": ("chat", "/events/0/data/choices"),
    "undeclared-status": ("task", "/status"),
}
"""Each drift of the mock: the kind of operation whose answer shows it (any, for the 429 the
scenario runs into) and the JSON pointer of the record."""


def _config(drift: str | None) -> MockConfig:
    # Two requests a minute make the scenario's third request a 429.
    limit = 2 if drift == "no-rate-limit-headers" else 600
    return MockConfig(
        time_scale=0.0001, requests_per_minute=limit, drift=frozenset([drift] if drift else [])
    )


@pytest.fixture
def mount(_aio_mock_host: MockHost) -> Iterator[Any]:
    """Mounts a fresh mock on the session's server; unmounts it after the test."""
    yield _aio_mock_host.mount
    _aio_mock_host.unmount()


def _client(mock: RunningMock, validate: str, *, is_async: bool = False) -> ApiInOneClient:
    make = aconnect if is_async else connect
    return make(
        DEMO_KEY,
        base_url=mock.base_url,
        validate=validate,
        max_retries=0,
        requests_per_minute=None,
    )


def _kind(operation_id: str) -> str | None:
    return operation(operation_id).kind


def _raised_records(outcome: Outcome) -> list[dict[str, Any]]:
    return [
        record
        for error in outcome.errors
        if isinstance(error, APIResponseValidationError) and isinstance(error.body, list)
        for record in error.body
    ]


def test_every_drift_of_the_mock_has_an_expected_record() -> None:
    assert set(EXPECTED) == set(DRIFTS)


def test_a_clean_mock_run_shows_no_drift(mount: Any, caplog: pytest.LogCaptureFixture) -> None:
    mock = mount(_config(None))
    with caplog.at_level(logging.WARNING, "api_in_one.drift"), _client(mock, "raise") as client:
        outcome = run_user_code(client)
    assert len(client.drift) == 0
    assert client.drift.records == []
    assert [type(error).__name__ for error in outcome.errors] == ["NotFoundError"]
    assert outcome.statuses[-1] == "SUCCESS"
    assert outcome.chat
    assert not caplog.records
    assert "0 record(s)" in str(client.drift)


@pytest.mark.anyio
async def test_a_clean_mock_run_shows_no_drift_async(mount: Any) -> None:
    mock = mount(_config(None))
    async with _client(mock, "raise", is_async=True) as client:
        outcome = await async_run_user_code(client)
    assert len(client.drift) == 0
    assert [type(error).__name__ for error in outcome.errors] == ["NotFoundError"]


@pytest.mark.parametrize("drift", sorted(EXPECTED))
def test_warn_records_each_drift_at_its_pointer_and_returns_the_answer(
    drift: str, mount: Any, caplog: pytest.LogCaptureFixture
) -> None:
    kind, pointer = EXPECTED[drift]
    mock = mount(_config(drift))
    with caplog.at_level(logging.WARNING, "api_in_one.drift"), _client(mock, "warn") as client:
        outcome = run_user_code(client)
    found = [r for r in client.drift.records if r.pointer == pointer]
    assert found, str(client.drift)
    assert kind is None or any(_kind(r.operation) == kind for r in found), str(client.drift)
    record = found[0]
    assert record.request_id
    assert record.expected
    assert record.received
    exported = json.loads(json.dumps(client.drift.to_dict()))
    assert any(place["pointer"] == pointer for place in exported["places"])
    logged = [r for r in caplog.records if getattr(r, "drift", {}).get("pointer") == pointer]
    assert logged
    assert logged[0].__dict__["drift"]["request_id"] == record.request_id
    # No APIResponseValidationError of the layer's own: warn hands every answer on.
    assert not _raised_records(outcome)


@pytest.mark.parametrize("drift", sorted(EXPECTED))
@pytest.mark.anyio
async def test_raise_raises_for_each_drift_with_its_record(drift: str, mount: Any) -> None:
    kind, pointer = EXPECTED[drift]
    mock = mount(_config(drift))
    async with _client(mock, "raise", is_async=True) as client:
        outcome = await async_run_user_code(client)
    raised = [r for r in _raised_records(outcome) if r["pointer"] == pointer]
    assert raised, [str(error) for error in outcome.errors]
    assert kind is None or any(_kind(r["operation"]) == kind for r in raised)
    assert client.drift.count(raised[0]["operation"], pointer) >= 1


@pytest.mark.parametrize("drift", ["unknown-status", "chunk-without-choices"])
def test_raise_sync_stops_at_the_drifted_answer(drift: str, mount: Any) -> None:
    _, pointer = EXPECTED[drift]
    mock = mount(_config(drift))
    with _client(mock, "raise") as client:
        outcome = run_user_code(client)
    errors = [e for e in outcome.errors if isinstance(e, APIResponseValidationError)]
    assert errors
    assert pointer in str(errors[0])
    assert errors[0].request_id
    assert any(r["pointer"] == pointer for r in _raised_records(outcome))


@pytest.mark.anyio
async def test_warn_async_returns_the_parsed_model_as_without_validation(mount: Any) -> None:
    mock = mount(_config("unknown-status"))
    async with _client(mock, "warn", is_async=True) as client:
        outcome = await async_run_user_code(client)
    assert outcome.created.data.status == "QUEUED"  # as parsed today, drift or not
    assert client.drift.count(TASK.operation_id, "/body/data/status") == 1


def test_a_place_that_keeps_drifting_is_logged_once_and_counted_every_time(
    mount: Any, caplog: pytest.LogCaptureFixture
) -> None:
    mock = mount(_config("error-without-type"))
    with caplog.at_level(logging.WARNING, "api_in_one.drift"), _client(mock, "warn") as client:
        for _ in range(5):
            with pytest.raises(ApiInOneError):
                get_task.sync("no_such_task", client=client)
    operation = of_kind("task-status").operation_id
    assert client.drift.count(operation, "/body/error/type") == 5
    lines = [r for r in caplog.records if getattr(r, "drift", None)]
    assert len(lines) == 1
    assert "/body/error/type" in lines[0].getMessage()


def test_the_mode_comes_from_the_environment_and_a_bad_one_is_refused(
    mount: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    mock = mount(_config("unknown-status"))
    monkeypatch.setenv(VALIDATE_VARIABLE, "RAISE")
    with connect(DEMO_KEY, base_url=mock.base_url) as client:
        assert client.drift.mode == "raise"
    monkeypatch.setenv(VALIDATE_VARIABLE, "off")
    with connect(DEMO_KEY, base_url=mock.base_url) as client:
        outcome = run_user_code(client)
        assert len(client.drift) == 0
        assert not client.drift.checking
    assert outcome.created.data.status == "QUEUED"
    monkeypatch.setenv(VALIDATE_VARIABLE, "loud")
    with pytest.raises(ApiInOneError, match="API_IN_ONE_VALIDATE must be one of"):
        connect(DEMO_KEY, base_url=mock.base_url)
    with pytest.raises(ApiInOneError, match="validate must be one of"):
        connect(DEMO_KEY, base_url=mock.base_url, validate="strict")


def _contract_breaker(request: httpx.Request) -> httpx.Response:
    """A server outside the mock's drifts: a task status whose types are all wrong."""
    body = {"code": "200", "message": 7, "data": {"task_id": 5, "status": ["SUCCESS"]}}
    return httpx.Response(200, json=body)


def test_wrong_types_are_pointed_at_one_by_one() -> None:
    http = httpx.Client(transport=httpx.MockTransport(_contract_breaker))
    with connect(DEMO_KEY, httpx_client=http, validate="warn", max_retries=0) as client:
        answer = get_task.sync("t1", client=client)
    # The generated models take what comes; warn says so and hands the answer on as today.
    assert isinstance(answer, TaskStatusResponse)
    assert answer.data.task_id == 5  # type: ignore[comparison-overlap]
    pointers = {record.pointer for record in client.drift.records}
    assert {"/body/code", "/body/message", "/body/data/task_id"} <= pointers
    assert "/body/data/status" in pointers


def test_without_jsonschema_warn_checks_nothing_and_says_so_and_raise_refuses(
    mount: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from api_in_one import _answers

    # A base install: the validate extra (jsonschema) is not there to import.
    monkeypatch.setitem(sys.modules, "jsonschema", None)
    monkeypatch.setitem(sys.modules, "api_in_one._contract", None)
    monkeypatch.setattr(_answers, "_CONTRACT", [])
    monkeypatch.setattr(_answers, "_MISSING_SAID", [])
    mock = mount(_config("unknown-status"))
    with pytest.raises(ApiInOneError, match=r"api-in-one\[validate\]"):
        connect(DEMO_KEY, base_url=mock.base_url, validate="raise")
    with caplog.at_level(logging.INFO, "api_in_one.drift"):
        with connect(DEMO_KEY, base_url=mock.base_url, validate="warn") as client:
            outcome = run_user_code(client)
        with connect(DEMO_KEY, base_url=mock.base_url, validate="warn"):
            pass
    assert outcome.created.data.status == "QUEUED"
    assert not client.drift.checking
    assert "not checked" in str(client.drift)
    said = [r for r in caplog.records if "not checked against the spec" in r.getMessage()]
    assert len(said) == 1
    assert said[0].levelno == logging.WARNING  # asked for by name, so a warning


def _huge_compressed(request: httpx.Request) -> httpx.Response:
    """A proxy's answer that inflates far past what is checked: 9 MiB of one JSON string."""
    body = json.dumps({"code": 200, "message": "x" * (9 << 20), "data": {}}).encode()
    headers = {"content-type": "application/json", "content-encoding": "gzip"}
    return httpx.Response(200, content=gzip.compress(body), headers=headers)


def test_an_answer_too_large_to_check_is_handed_on_unchecked(recordings: Path) -> None:
    path = recordings / "large.jsonl"
    http = httpx.Client(transport=httpx.MockTransport(_huge_compressed))
    with connect(DEMO_KEY, httpx_client=http, validate="raise", record=path) as client:
        answer = client.get_httpx_client().get("/tasks/t1")
    assert len(answer.json()["message"]) == 9 << 20  # the whole answer, decoded once
    assert len(client.drift) == 0
    (recorded,) = read_recording(path)
    assert recorded["response"]["omitted_bytes"] > MAX_CHECKED_BYTES
    assert check_recording(path).counts()["skipped"] == 1


@pytest.mark.anyio
async def test_an_answer_too_large_to_check_is_handed_on_unchecked_async() -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(_huge_compressed))
    async with aconnect(DEMO_KEY, httpx_client=http, validate="raise") as client:
        answer = await client.get_async_httpx_client().get("/tasks/t1")
    assert len(answer.json()["message"]) == 9 << 20
