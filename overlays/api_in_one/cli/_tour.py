"""The tour behind ``make demo``: every kind of task, chat and tool calls, batches, errors.

Each task operation of openapi.yaml runs once with its first request example,
so an operation added to the spec joins the tour.

With no settings it serves the bundled mock on a loopback port. With
``API_IN_ONE_API_KEY`` and ``API_IN_ONE_BASE_URL`` set it runs against that
server instead: a cheap subset by default, everything with ``--full``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from api_in_one_client import AuthenticatedClient
from api_in_one_client.models import TaskCreated

from .._client import connect
from .._errors import InsufficientCreditsError, TaskFailedError
from .._operations import OperationFacts, of_kind, operations
from .._task_status import SUCCESS
from ..batch._lines import DONE, FAILED, REFUSED
from ..batch._runner import run_batch
from ..chat._stream import stream_chat
from ..tasks._downloads import download_results
from ..tasks._polling import as_completed, wait_for_task
from ._output import TaskProgress, echo_stream
from ._progress import WaitProgress

__all__ = ["run_demo"]

LOW_BALANCE_KEY = "aio_demo_low_balance"
# The demo mock and client share one limit, twice the gateway's default, to keep the tour short.
RATE_LIMIT = 120
CHEAP_TASKS = 2
"""Against a real server without ``--full``: this many of the cheapest task operations."""


@dataclass
class Step:
    name: str
    outcome: str
    detail: str


@dataclass(frozen=True)
class _Sample:
    """A task operation of the spec with its first request example."""

    operation: OperationFacts
    body: dict[str, Any]

    @property
    def name(self) -> str:
        model = self.body.get("model")
        command = self.operation.command or self.operation.operation_id
        return f"{command} ({model})" if model else command

    @property
    def cost(self) -> float:
        return self.operation.cost(self.body) or 0.0

    def create(self, client: AuthenticatedClient, **changes: Any) -> TaskCreated:
        """Create the task, with ``changes`` made to the example body."""
        created = self.operation.call({**self.body, **changes}).sync(client)
        assert isinstance(created, TaskCreated), created
        return created


def _samples() -> list[_Sample]:
    """One sample per task operation that has a request example, in the spec's order."""
    return [
        _Sample(facts, dict(next(iter(facts.examples.values()))))
        for facts in operations()
        if facts.creates_task and facts.request_schema and facts.examples
    ]


def _kinds(full: bool) -> list[_Sample]:
    samples = _samples()
    if full:
        return samples
    cheapest = sorted(samples, key=lambda sample: sample.cost)[:CHEAP_TASKS]
    return [sample for sample in samples if sample in cheapest]


def _varied(sample: _Sample, text: str) -> dict[str, Any]:
    """Changes that make the sample's prompt say ``text``, when it has a prompt."""
    return {"prompt": text} if "prompt" in sample.body else {}


@contextlib.contextmanager
def _target(
    console: Console, api_key: str | None, base_url: str | None
) -> Iterator[tuple[str, str, Any]]:
    """(key, base URL, mock state or None): a remote server if configured, else the mock.

    A server is configured by a key and a base URL, each a flag or its variable.
    """
    key = api_key or os.environ.get("API_IN_ONE_API_KEY")
    url = base_url or os.environ.get("API_IN_ONE_BASE_URL")
    if key and url:
        console.print(f"Running against [bold]{url}[/bold].")
        yield key, url, None
        return
    from ..mock import DEMO_KEY, MockConfig, serve

    config = MockConfig(
        keys={DEMO_KEY: 10_000.0, LOW_BALANCE_KEY: 0.0},
        time_scale=0.05,
        requests_per_minute=RATE_LIMIT,
    )
    with serve(config) as mock:
        console.print(f"Serving the bundled mock at [bold]{mock.base_url}[/bold] (no key needed).")
        yield DEMO_KEY, mock.base_url, mock.state
    console.print("Mock stopped.")


def run_demo(
    console: Console,
    *,
    full: bool,
    output: Path = Path("demo-output"),
    api_key: str | None = None,
    base_url: str | None = None,
) -> int:
    """Run the tour and print a summary table; returns the exit code."""
    steps: list[Step] = []
    started = time.monotonic()
    with _target(console, api_key, base_url) as (key, url, mock):
        full = full or mock is not None
        with connect(key, base_url=url, requests_per_minute=RATE_LIMIT if mock else 60) as client:
            console.rule("One task of every kind: create, wait, download")
            for sample in _kinds(full):
                created = sample.create(client)
                label = f"{sample.name:<24} {created.data.task_id:<26}"
                with TaskProgress(console, label) as progress:
                    task = wait_for_task(client, created, on_progress=progress, poll_interval=0.2)
                paths = download_results(client, task, output)
                steps.append(Step(sample.name, task.status, ", ".join(str(p) for p in paths)))

            console.rule("Chat, streamed as it arrives")
            chat = of_kind("chat")
            body = dict(next(iter(chat.examples.values())))
            with stream_chat(client, {**body, "stream_options": {"include_usage": True}}) as stream:
                result = echo_stream(console, stream)
            steps.append(
                Step(
                    f"{chat.command} ({chat.default_model})",
                    result.finish_reason or "?",
                    f"{len(result.text)} characters, {result.credits_consumed:g} credits",
                )
            )

            _tool_call(console, client, steps)
            if mock is not None:
                _batch(console, client, mock, steps)
                _journaled(console, client, output / "batch", steps)
                _errors(console, client, url, mock, steps)
    table = Table(title=f"api-in-one demo: {time.monotonic() - started:.0f} s")
    for column in ("step", "outcome", "detail"):
        table.add_column(column)
    for step in steps:
        table.add_row(step.name, step.outcome, step.detail)
    console.print(table)
    return 0


def _batch(console: Console, client: AuthenticatedClient, mock: Any, steps: list[Step]) -> None:
    sample = _samples()[0]
    console.rule(f"20 {sample.name} tasks through as_completed, under a {RATE_LIMIT}/min budget")
    before = mock.stats.statuses[429]
    created: list[TaskCreated] = []
    # The budget paces the creates over seconds: a line shows them counting up meanwhile.

    def creating(elapsed: float) -> str:
        return f"  creating {len(created)}/20  {elapsed:4.1f} s"

    with WaitProgress(console, creating) as progress:
        for n in range(20):
            created.append(sample.create(client, **_varied(sample, f"A lighthouse, study {n}")))
            progress.changed()
    for number, task in enumerate(as_completed(client, created, poll_interval=0.5), start=1):
        console.print(f"  {number:>2}/20  {task.task_id}  {task.status}")
    rate_limited = mock.stats.statuses[429] - before
    steps.append(Step(f"batch of 20 {sample.name}", "all finished", f"{rate_limited} x 429"))


def _tool_call(console: Console, client: AuthenticatedClient, steps: list[Step]) -> None:
    """The spec's chat example with ``tools``: the call, its result sent back, the answer."""
    chat = of_kind("chat")
    body = next((dict(e) for e in chat.examples.values() if "tools" in e), None)
    if body is None:
        return
    console.rule("A tool call: asked for, answered, used")
    with stream_chat(client, body) as stream:
        asked = stream.until_done()
    if not asked.tool_calls:
        steps.append(Step("tool call", asked.finish_reason or "?", "no call was asked for"))
        return
    call = asked.tool_calls[0]
    name, arguments = call.function.name, call.function.arguments  # type: ignore[union-attr]
    console.print(f"  the model calls {name}({arguments})", markup=False)
    messages = [
        *body["messages"],
        {"role": "assistant", "content": None, "tool_calls": [call.to_dict()]},
        {"role": "tool", "tool_call_id": call.id, "content": json.dumps({"answer": 42})},
    ]
    with stream_chat(client, {**body, "messages": messages}) as stream:
        answered = echo_stream(console, stream)
    steps.append(Step(f"tool call ({name})", answered.finish_reason or "?", answered.text[:40]))


def _journaled(
    console: Console, client: AuthenticatedClient, folder: Path, steps: list[Step]
) -> None:
    """A batch file run with a journal and a credit cap, then resumed with a higher cap."""
    sample = _samples()[0]
    console.rule(f"A journalled batch of 5 {sample.name} from a file, capped, then resumed")
    shutil.rmtree(folder, ignore_errors=True)  # each tour starts a new batch
    folder.mkdir(parents=True)
    lines = folder / "input.jsonl"
    with lines.open("w") as file:
        for n in range(5):
            body = {**sample.body, **_varied(sample, f"A harbour at dusk, take {n}")}
            line = {"custom_id": f"take-{n}", "operation": sample.operation.operation_id}
            file.write(json.dumps({**line, "body": body}) + "\n")
    journal, out = folder / "journal.sqlite", folder / "output.jsonl"
    for cap in (3 * sample.cost, 5 * sample.cost):
        report = run_batch(client, lines, journal, out=out, max_credits=cap, poll_interval=0.2)
        summary = report.summary
        # The words of aio batch run's summary.
        console.print(
            f"  cap {cap:g} credits: {summary.count(DONE)} done, "
            f"{summary.count(FAILED)} failed, {summary.count(REFUSED)} refused unsent; "
            f"{report.spent_by_run:g} credits spent by this run, {summary.spent:g} in all"
        )
    done = sum(json.loads(row)["task_status"] == SUCCESS for row in out.read_text().splitlines())
    steps.append(Step("journalled batch of 5", f"{done} done", f"resumed; see {out}"))


def _errors(
    console: Console, client: AuthenticatedClient, url: str, mock: Any, steps: list[Step]
) -> None:
    console.rule("Errors, handled")
    paid = [sample for sample in _samples() if sample.cost > 0]
    if paid:
        with connect(LOW_BALANCE_KEY, base_url=url, requests_per_minute=RATE_LIMIT) as poor:
            try:
                paid[0].create(poor, **_varied(paid[0], "A costly picture"))
            except InsufficientCreditsError as error:
                console.print(f"  402 handled: {error.message}", soft_wrap=True)
                steps.append(Step("402 insufficient credits", "handled", error.type or ""))
    sample = _samples()[0]
    mock.faults.fail_next_tasks = 1
    created = sample.create(client, **_varied(sample, "A doomed picture"))
    try:
        wait_for_task(client, created, poll_interval=0.2)
    except TaskFailedError as error:
        console.print(f"  FAILED handled: {error.task_id}: {error.error_message}")
        steps.append(Step("FAILED task", "handled", error.error_message or ""))
