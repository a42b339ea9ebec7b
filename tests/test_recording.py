"""Recording exchanges, replaying them in the mock and re-checking them offline: the same user
code gets the same answers from a replaying mock whose own state could not give them; a
recording made under drift is flagged and a clean one passes; no recording holds a key (the
``recordings`` fixture searches every file)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from clocks import Clock
from drift_scenario import TASK, TASK_BODY, async_run_user_code, run_user_code

from api_in_one import aconnect, connect
from api_in_one._operations import DEFAULT_MOCK_SECONDS, of_kind
from api_in_one._recording import read_recording
from api_in_one.cli import main
from api_in_one.conformance import DRIFT, PASS, check_recording
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock
from api_in_one.mock.__main__ import main as mock_main
from api_in_one.mock.__main__ import parser as mock_parser
from api_in_one.mock._server import MockHost

_MODEL = TASK.model(TASK_BODY)
UNPACED: dict[str, Any] = {"requests_per_minute": None}
"""The client's own budget off: the mock's limit is far above what a test sends."""
STEP = (_MODEL.mock_seconds if _MODEL else DEFAULT_MOCK_SECONDS) / 3
"""Clock seconds between polls: a task is seen pending, running, then finished."""


@pytest.fixture
def mount(_aio_mock_host: MockHost) -> Iterator[Any]:
    """Mounts fresh mocks on the session's server (one after the other); unmounts at the end."""
    yield _aio_mock_host.mount
    _aio_mock_host.unmount()


def _recording_mock(mount: Any, clock: Clock, drift: frozenset[str] = frozenset()) -> RunningMock:
    mock: RunningMock = mount(MockConfig(clock=clock, requests_per_minute=600, drift=drift))
    return mock


def _replaying_mock(mount: Any, recording: Path) -> RunningMock:
    """A mock whose own state can answer none of the scenario: no credits, a stopped clock."""
    config = MockConfig(keys={DEMO_KEY: 0.0}, clock=Clock(), replay=recording)
    mock: RunningMock = mount(config)
    return mock


def _advance(clock: Clock) -> Any:
    def advance() -> None:
        clock.now += STEP

    return advance


def test_replay_gives_the_same_user_code_the_recorded_answers(
    mount: Any, clock: Clock, recordings: Path
) -> None:
    path = recordings / "exchanges.jsonl"
    mock = _recording_mock(mount, clock)
    with connect(
        DEMO_KEY, **UNPACED, base_url=mock.base_url, record=path, validate="warn"
    ) as client:
        recorded = run_user_code(client, _advance(clock))
    assert recorded.statuses[0] != recorded.statuses[-1] == "SUCCESS"
    assert len(set(recorded.statuses)) >= 3  # pending, IN_PROGRESS, SUCCESS
    exchanges = list(read_recording(path))
    assert len(exchanges) == 1 + len(recorded.statuses) + 2
    assert all(exchange["drift"] == [] for exchange in exchanges)
    assert exchanges[-1]["response"]["events"][-1] == {"data": "[DONE]"}

    replaying = _replaying_mock(mount, path)
    with connect(DEMO_KEY, **UNPACED, base_url=replaying.base_url, validate="raise") as client:
        replayed = run_user_code(client)
    assert replayed.seen() == recorded.seen()
    assert len(client.drift) == 0


@pytest.mark.anyio
async def test_replay_gives_the_same_answers_async(
    mount: Any, clock: Clock, recordings: Path
) -> None:
    path = recordings / "exchanges.jsonl"
    mock = _recording_mock(mount, clock)
    async with aconnect(DEMO_KEY, **UNPACED, base_url=mock.base_url, record=path) as client:
        recorded = await async_run_user_code(client, _advance(clock))
    replaying = _replaying_mock(mount, path)
    async with aconnect(DEMO_KEY, **UNPACED, base_url=replaying.base_url) as client:
        replayed = await async_run_user_code(client)
    assert replayed.seen() == recorded.seen()
    assert recorded.statuses[-1] == "SUCCESS"
    assert len(recorded.statuses) >= 3


def test_matching_ignores_volatile_fields_and_the_rest_falls_back_to_the_mock(
    mount: Any, clock: Clock, recordings: Path
) -> None:
    path = recordings / "exchanges.jsonl"
    mock = _recording_mock(mount, clock)
    create = f"{TASK.path}"
    with connect(DEMO_KEY, **UNPACED, base_url=mock.base_url, record=path) as client:
        http = client.get_httpx_client()
        first = http.post(create, json={**TASK_BODY, "seed": 1}).json()
    replaying = mount(MockConfig(clock=Clock(), replay=path, seed=1))  # other task ids
    with connect(DEMO_KEY, **UNPACED, base_url=replaying.base_url) as client:
        http = client.get_httpx_client()
        # Another seed, keys in another order: the recorded answer.
        reordered = dict(reversed(list({**TASK_BODY, "seed": 2}.items())))
        assert http.post(create, json=reordered).json() == first
        # Used up: a create goes to the stateful mock, which makes a new task.
        again = http.post(create, json=TASK_BODY).json()
        assert again["data"]["task_id"] != first["data"]["task_id"]
    assert sum(replaying.state.stats.tasks_created.values()) == 1


def _drifted_and_clean(mount: Any, clock: Clock, recordings: Path) -> tuple[Path, Path]:
    drifted, clean = recordings / "drifted.jsonl", recordings / "clean.jsonl"
    for path, drift in ((drifted, frozenset({"unknown-status"})), (clean, frozenset())):
        mock = _recording_mock(mount, clock, drift)
        with connect(
            DEMO_KEY, **UNPACED, base_url=mock.base_url, record=path, validate="warn"
        ) as client:
            run_user_code(client, _advance(clock))
    return drifted, clean


def test_from_recording_flags_what_was_recorded_under_drift_and_passes_the_rest(
    mount: Any, clock: Clock, recordings: Path, tmp_path: Path
) -> None:
    drifted, clean = _drifted_and_clean(mount, clock, recordings)
    flagged = check_recording(drifted)
    assert not flagged.ok
    assert all("QUEUED" in result.detail for result in flagged.drift)
    recorded_verdicts = [bool(exchange["drift"]) for exchange in read_recording(drifted)]
    assert [result.outcome == DRIFT for result in flagged.results] == recorded_verdicts
    passed = check_recording(clean)
    assert passed.ok
    assert {result.outcome for result in passed.results} == {PASS}

    assert main(["conformance", "--from-recording", str(clean), "--report", str(tmp_path)]) == 0
    assert main(["conformance", "--from-recording", str(drifted), "--report", str(tmp_path)]) == 1
    report = json.loads((tmp_path / "conformance.json").read_text())
    assert report["outcomes"]["drift"] == sum(recorded_verdicts)


def test_from_recording_sees_what_a_new_spec_would_reject(
    mount: Any, clock: Clock, recordings: Path
) -> None:
    from api_in_one._spec import load_spec

    _, clean = _drifted_and_clean(mount, clock, recordings)
    spec = json.loads(json.dumps(load_spec()))
    chunk = spec["components"]["schemas"]["ChatCompletionChunk"]
    chunk["required"] = [*chunk["required"], "system_fingerprint"]  # an edit the mock breaks
    report = check_recording(clean, spec)
    assert [result.operation for result in report.drift] == [of_kind("chat").operation_id]
    assert "system_fingerprint" in report.drift[0].detail


def test_a_bad_recording_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text('{"response": {"status": 200}}\nnot json\n')
    assert main(["conformance", "--from-recording", str(path)]) == 2
    assert main(["conformance", "--from-recording", str(tmp_path / "missing.jsonl")]) == 2
    assert main(["conformance"]) == 2  # neither a recording nor --max-credits


def test_aio_record_appends_every_exchange_of_a_command(
    mount: Any, clock: Clock, recordings: Path
) -> None:
    path = recordings / "cli.jsonl"
    mock = _recording_mock(mount, clock)
    common = ["--api-key", DEMO_KEY, "--base-url", mock.base_url, "--record", str(path)]
    assert main(["task", "get", "no_such_task", *common]) == 1
    assert main(["chat", "Hello there", *common, "--json"]) == 0
    exchanges = list(read_recording(path))
    assert [exchange["response"]["status"] for exchange in exchanges] == [404, 200]
    assert exchanges[1]["response"]["events"][-1]["data"] == "[DONE]"


def test_the_mock_command_line_takes_a_recording_that_exists(tmp_path: Path) -> None:
    assert mock_parser().parse_args(["--replay", "exchanges.jsonl"]).replay == "exchanges.jsonl"
    with pytest.raises(SystemExit) as exited:
        mock_main(["--replay", str(tmp_path / "missing.jsonl")])
    assert exited.value.code == 2
