"""The aio command line against the mock: every subcommand, exit codes and --json."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api_in_one._operations import of_kind, operation
from api_in_one._spec import load_spec
from api_in_one.cli import main
from api_in_one.cli._options import Command, create_commands
from api_in_one.cli._tour import CHEAP_TASKS
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock

POOR_KEY = "aio_poor_key"


@pytest.fixture
def aio_mock_config() -> MockConfig:
    return MockConfig(time_scale=0.01, keys={DEMO_KEY: 1000.0, POOR_KEY: 1.0})


@pytest.fixture(autouse=True)
def settings(monkeypatch: pytest.MonkeyPatch, aio_mock: RunningMock) -> None:
    monkeypatch.setenv("API_IN_ONE_API_KEY", DEMO_KEY)
    monkeypatch.setenv("API_IN_ONE_BASE_URL", aio_mock.base_url)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    code, out, err = run(capsys, "--json", *argv)
    assert code == 0, err
    document = json.loads(out)
    assert isinstance(document, dict)
    return document


def _flag(name: str) -> str:
    return "--" + re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower().replace("_", "-")


def argv_for(body: dict[str, Any]) -> list[str]:
    """The ``aio`` options that send ``body``, as a user would type them."""
    argv: list[str] = []
    for name, value in body.items():
        flag = _flag(name)
        if isinstance(value, bool):
            argv.append(flag if value else "--no-" + flag.removeprefix("--"))
        elif name == "dialogue":
            for line in value:
                text = f"{line['voice']}: {line['text']}" if "voice" in line else line["text"]
                argv += [flag, text]
        elif isinstance(value, list):
            for item in value:
                argv += [flag, str(item)]
        elif isinstance(value, dict):
            argv += [flag, json.dumps(value)]
        else:
            argv += [flag, str(value)]
    return argv


EXAMPLES = [
    pytest.param(command.name, example, id=f"{command.name} {name}")
    for command in create_commands()
    for name, example in command.operation.examples.items()
]


@pytest.mark.parametrize(("command", "example"), EXAMPLES)
def test_every_create_command_sends_its_options_as_the_request_body(
    capsys: pytest.CaptureFixture[str],
    aio_mock: RunningMock,
    command: str,
    example: dict[str, Any],
) -> None:
    """Each request example of the spec, typed as options, is the body the server gets."""
    created = run_json(capsys, command, *argv_for(example))
    data = created["data"]
    assert isinstance(data, dict)
    sent = aio_mock.state.tasks[data["task_id"]].request
    # Options left out are not sent, so the server applies the spec's defaults.
    assert sent == example
    assert aio_mock.state.stats.tasks_created[DEMO_KEY] == 1


@pytest.mark.parametrize("command", create_commands(), ids=lambda command: command.name)
def test_every_create_command_offers_each_request_property(
    capsys: pytest.CaptureFixture[str], command: Command
) -> None:
    code, out, _ = run(capsys, command.name, "--help")
    assert code == 0
    assert command.operation.summary in out
    schema = load_spec()["components"]["schemas"][command.schema_name]
    for name in schema["properties"]:
        assert _flag(name) in out
    for flag in ("--wait", "--download", "--json"):
        assert flag in out


def test_wait_and_download_save_the_results(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    task = run_json(
        capsys, "image", "--model", "flux-2", "--prompt", "A red fox", "--download", str(tmp_path)
    )
    assert task["status"] == "SUCCESS"
    files = task["files"]
    assert isinstance(files, list)
    assert len(files) == 1
    assert Path(files[0]).read_bytes().startswith(b"\x89PNG")

    code, out, _ = run(capsys, "remove-bg", "--image", "https://example.com/a.png", "--wait")
    assert code == 0
    assert "SUCCESS" in out
    assert "result  http" in out


def test_task_get_and_wait(capsys: pytest.CaptureFixture[str]) -> None:
    created = run_json(capsys, "image", "--model", "flux-2", "--prompt", "A red fox")
    data = created["data"]
    assert isinstance(data, dict)
    task_id = data["task_id"]
    assert run_json(capsys, "task", "get", task_id)["task_id"] == task_id
    finished = run_json(capsys, "task", "wait", task_id)
    assert finished["status"] == "SUCCESS"
    code, out, _ = run(capsys, "task", "get", task_id)
    assert code == 0
    assert out.startswith(f"{task_id}  SUCCESS")


def test_chat_streams_the_same_reply_it_gives_whole(capsys: pytest.CaptureFixture[str]) -> None:
    code, streamed, _ = run(capsys, "chat", "Hello there", "--system", "Be brief")
    assert code == 0
    assert streamed.startswith("Mock reply to: Hello there.")
    code, whole, _ = run(capsys, "chat", "Hello there", "--system", "Be brief", "--no-stream")
    assert code == 0
    assert whole == streamed
    code, out, _ = run(capsys, "chat", "Hello there", "--system", "Be brief", "--json")
    assert code == 0
    reply = json.loads(out)
    assert reply["text"] == streamed.rstrip("\n")
    assert reply["credits_consumed"] == 2
    usage = reply["usage"]
    assert isinstance(usage, dict)
    assert usage["total_tokens"] > 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["image", "--prompt", "A red fox"], "the following arguments are required: --model"),
        (
            ["video", "--model", "kling-3", "--prompt", "x", "--aspect-ratio", "4:3"],
            "invalid choice",
        ),
        (["image", "--model", "flux-2", "--prompt", "A fox", "--seed", "many"], "invalid int"),
        (["video", "--model", "kling-3", "--prompt", "Waves", "--bogus"], "unknown flag --bogus"),
        # Unknown before missing: a misspelt flag is named with its fix, not as a missing one.
        (["image", "--model", "flux-2", "--promt", "A fox"], "did you mean --prompt?"),
        (["chat"], "the following arguments are required: message"),
        (["teleport"], "invalid choice"),
    ],
)
def test_bad_flags_exit_2_with_a_helpful_message(
    capsys: pytest.CaptureFixture[str], aio_mock: RunningMock, argv: list[str], message: str
) -> None:
    """Pins rules of the docs page on purpose: a required model, a closed list of aspect
    ratios, an integer seed; and usage errors the server never sees."""
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert "usage: aio" in err
    assert aio_mock.state.stats.received == 0


def test_a_missing_key_is_a_usage_error_naming_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("API_IN_ONE_API_KEY")
    code, _, err = run(capsys, "task", "get", "n1")
    assert code == 2
    assert "API_IN_ONE_API_KEY" in err
    # The fix in the command line's words: its flag, not connect()'s keyword argument.
    assert "--api-key" in err
    assert "api_key=" not in err


@pytest.mark.parametrize(
    ("argv", "kind", "status", "words"),
    [
        (["image", "--model", "flux-3", "--prompt", "A red fox"], "NotFoundError", 404, "flux-2"),
        (["image", "--model", "flux-2"], "UsageError", None, "--prompt"),
        (["image", "--model", "flux-2", "--promt", "A fox"], "UsageError", None, "--prompt"),
    ],
)
def test_json_errors_are_one_json_object_on_stderr(
    capsys: pytest.CaptureFixture[str], argv: list[str], kind: str, status: int | None, words: str
) -> None:
    code, out, err = run(capsys, "--json", *argv)
    assert code == (1 if status else 2)
    assert out == ""
    error = json.loads(err)
    assert set(error) == {"type", "status", "message", "request_id"}
    assert (error["type"], error["status"]) == (kind, status)
    assert words in error["message"]
    if status:
        assert error["request_id"].startswith("req_")


def test_an_unknown_model_names_the_known_ones_and_the_closest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "image", "--model", "flux-3", "--prompt", "A red fox")
    assert code == 1
    assert "the closest is flux-2" in err
    assert all(model in err for model in operation("image").models)


def test_a_base_url_without_the_api_prefix_gets_the_base_url_to_try(
    capsys: pytest.CaptureFixture[str], aio_mock: RunningMock
) -> None:
    root = aio_mock.base_url.removesuffix("/api/v1")
    code, _, err = run(
        capsys, "--base-url", root, "image", "--model", "flux-2", "--prompt", "A red fox"
    )
    assert code == 1
    assert f"Try --base-url {aio_mock.base_url}" in err


def test_wait_shows_the_task_id_at_once_then_each_status_in_a_log(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Not a terminal (captured): plain lines, the first before any poll is answered."""
    code, out, _ = run(capsys, "image", "--model", "flux-2", "--prompt", "A red fox", "--wait")
    assert code == 0
    lines = out.splitlines()
    task_id = lines[0].split()[0]
    assert lines[0].split()[1:] == ["submitted", "0.0", "s"]
    statuses = [line.split()[1] for line in lines[1:] if line.startswith(task_id)]
    assert statuses[-1] == "SUCCESS"
    assert lines[-2].startswith("✓ ") or lines[-1].startswith("  result")


def test_a_value_that_starts_with_a_dash_is_no_unknown_flag(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "chat", "- a list item, please", "--no-stream")
    assert (code, err) == (0, "")
    assert "a list item" in out


def test_version_is_the_installed_one(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    code, out, _ = run(capsys, "--version")
    assert (code, out) == (0, f"aio {version('api-in-one')}\n")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["--api-key", POOR_KEY, "image", "--model", "flux-2", "--prompt", "A red fox"],
            "aio: InsufficientCreditsError: Insufficient credits",
        ),
        (["task", "get", "n404"], "aio: NotFoundError: "),
        (["image", "--model", "flux-2", "--prompt", "ab"], "aio: BadRequestError: "),
    ],
)
def test_api_errors_exit_1_with_the_envelope_message_and_no_traceback(
    capsys: pytest.CaptureFixture[str], aio_mock: RunningMock, argv: list[str], expected: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 1
    assert err.startswith(expected)
    assert "Traceback" not in err + out
    assert sum(aio_mock.state.stats.tasks_created.values()) == 0


def test_demo_runs_against_the_server_its_flags_name(
    capsys: pytest.CaptureFixture[str],
    aio_mock: RunningMock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("API_IN_ONE_API_KEY")
    monkeypatch.delenv("API_IN_ONE_BASE_URL")
    flags = ["--api-key", DEMO_KEY, "--base-url", aio_mock.base_url]
    code, out, _ = run(capsys, "demo", *flags, "--output", str(tmp_path))
    assert code == 0
    assert f"Running against {aio_mock.base_url}" in out
    assert aio_mock.state.stats.tasks_created[DEMO_KEY] == CHEAP_TASKS


def test_demo_runs_against_a_configured_server(
    capsys: pytest.CaptureFixture[str], aio_mock: RunningMock, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "demo", "--output", str(tmp_path))
    assert code == 0
    assert f"Running against {aio_mock.base_url}" in out
    assert "api-in-one demo" in out
    # A real server gets the cheap subset: the two cheapest tasks of the spec, then chat.
    tasks = aio_mock.state.tasks.values()
    assert len(tasks) == CHEAP_TASKS
    assert len(list(tmp_path.iterdir())) == sum(task.result_count for task in tasks)
    chat = of_kind("chat")
    assert f"{chat.command} ({chat.default_model})" in out


@pytest.fixture
def served_mock() -> Iterator[str]:
    aio = shutil.which("aio", path=os.path.dirname(sys.executable))
    assert aio is not None, "the aio console script is not installed"
    process = subprocess.Popen(
        [aio, "mock", "--port", "0", "--key", "aio_cli_key=5"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        # The banner is printed once the socket listens.
        banner = process.stdout.readline()
        yield re.search(r"http://127\.0\.0\.1:\d+/api/v1", banner)[0]  # type: ignore[index]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_aio_mock_serves_the_gateway(served_mock: str) -> None:
    headers = {"Authorization": "Bearer aio_cli_key"}
    answer = httpx.get(f"{served_mock}/tasks/n404", headers=headers)
    assert answer.status_code == 404
    assert answer.json()["error"]["type"] == "not_found"
    # The --key balance of 5 credits pays for one flux-2 image and no more.
    image = {"model": "flux-2", "prompt": "A red fox"}
    statuses = [
        httpx.post(f"{served_mock}/images/generations", headers=headers, json=image).status_code
        for _ in range(2)
    ]
    assert statuses == [200, 402]


def test_a_taken_port_suggests_port_0(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        code, _, err = run(capsys, "mock", "--port", str(taken.getsockname()[1]))
    assert code == 2
    assert err.startswith("aio mock: port ")  # the command the user ran
    assert err.endswith("is in use: pass --port 0 for a free one\n")
    assert "Traceback" not in err


def test_aio_mock_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "mock", "--help")
    assert code == 0
    assert "--requests-per-minute" in out
