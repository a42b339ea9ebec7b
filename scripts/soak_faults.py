"""The fault part of ``make soak``: each way a batch's journal, input or process was broken.

Each case breaks one thing as a user's machine would, then runs ``aio batch
run`` (or ``run_batch`` in a worker process) against the mock, whose
counters say what was created. For every case: 0 lines paid twice, 0 lines
sent that are not in the input, 0 tracebacks, and no run past its deadline
(``DEADLINE`` seconds; a run that passes it is killed and counted a hang).

1. Redis without AOF is refused; Redis with AOF killed mid-batch and
   restarted is waited out by two workers.
2. A SQLite journal truncated to 0 bytes, or replaced by another batch's, is
   refused (and ``aio batch status`` on it is an error, not a traceback).
3. An input cut to its first 5 lines sends only those; a different input is
   refused.
4. A rate-budget outage (``RedisRateBudget``, its Redis killed after 5
   creates) leaves lines pending, not unknown; a rerun finishes the batch.
5. ``os.fork()`` after ``connect()``: the child is refused, and no answer
   crosses to the parent.
6. One line's unparsable result URL fails that line; the batch goes on.
7. Redis evicting the journal's keys: an eviction policy is refused at open,
   a lost line is refused, a lost queue is requeued.
8. Redis paused (SIGSTOP) 10 s under the default 30-s lease: two workers wait
   it out.
9. The Redis clock stepping back 120 s: a shared budget does not wait it out.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from api_in_one import ForkedClientError, RedisRateBudget, connect, run_batch
from api_in_one.mock import DEMO_KEY, MockConfig, RunningMock, serve
from api_in_one_client.api.images import create_image_generation
from api_in_one_client.models import ImageGenerationRequest
from scripts.soak_support import (
    MODEL,
    ROOT,
    SOAK,
    Checks,
    RedisServer,
    aio,
    output,
    tasks_per_line,
    wait_until,
    write_input,
)

DEADLINE = 120.0
"""No run of this part may take longer (seconds); the whole part takes about a minute."""
AOF = ("--appendonly", "yes")


class Verdicts:
    """Runs the cases' commands under the deadline and tallies what the part promises."""

    def __init__(self, checks: Checks) -> None:
        self.checks = checks
        self.tracebacks = 0
        self.hangs = 0
        self.lines: list[str] = []

    def run(self, command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
        """Run ``command`` to its end or the deadline; its stderr is searched for tracebacks."""
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=DEADLINE, cwd=ROOT, **options
            )
        except subprocess.TimeoutExpired as expired:
            self.hangs += 1
            self.checks.that(False, f"hung past {DEADLINE:g} s: {' '.join(command[3:6])}")
            stderr = expired.stderr.decode() if isinstance(expired.stderr, bytes) else ""
            return subprocess.CompletedProcess(command, -9, "", stderr)
        self.seen(done.stderr)
        return done

    def seen(self, stderr: str) -> None:
        """Count the tracebacks a process printed."""
        if "Traceback" in stderr:
            self.tracebacks += 1
            self.checks.that(False, f"a traceback: {stderr.strip().splitlines()[-1]}")

    def paid_once(self, label: str, mock: RunningMock, input_ids: set[str]) -> Any:
        """Check no line has two tasks and every task is of a line of the input."""
        per_line = tasks_per_line(mock)
        twice = sorted(line for line, count in per_line.items() if count > 1)
        strangers = sorted(set(per_line) - input_ids)
        self.checks.that(not twice, f"{label}: lines paid twice: {twice}")
        self.checks.that(not strangers, f"{label}: lines sent not in the input: {strangers}")
        return per_line

    def verdict(self, line: str) -> None:
        """Print and keep one case's verdict."""
        print(f"  {line}", flush=True)
        self.lines.append(line)


def _aio(mock: RunningMock, *args: str) -> list[str]:
    """``aio batch run`` without a rate budget to speak of: these cases count tasks."""
    return aio(mock, *args, "--requests-per-minute", "1000000")


def _ids(count: int, start: int = 0) -> set[str]:
    return {f"{i:04}" for i in range(start, start + count)}


def _refused(done: subprocess.CompletedProcess[str], words: str) -> bool:
    return done.returncode == 2 and words in " ".join(done.stderr.split())


def _config(**faults: Any) -> MockConfig:
    config = MockConfig(time_scale=0.01, requests_per_minute=1_000_000, keys={DEMO_KEY: 1e9})
    for name, value in faults.items():
        setattr(config.faults, name, value)
    return config


def redis_killed(v: Verdicts, folder: Path) -> None:
    """Case 1: no AOF is refused; with AOF, Redis SIGKILLed mid-batch and restarted."""
    source = folder / "in.jsonl"
    write_input(source, 200)
    with RedisServer(folder / "plain") as plain, serve(_config()) as mock:
        args = [str(source), "--journal", f"{plain.url}#b", "--out", str(folder / "o")]
        done = v.run(_aio(mock, *args))
        refused = _refused(done, "appendonly is off")
        v.checks.that(refused and not mock.state.tasks, f"1: no AOF not refused: {done.stderr}")
    (folder / "aof").mkdir()
    with RedisServer(folder / "aof", *AOF) as server, serve(_config(slow_seconds=0.01)) as mock:
        args = [str(source), "--journal", f"{server.url}#b", "--lease", "10"]
        args += ["--requests-per-minute", "1000000"]
        workers = [_start(_aio(mock, *args, "--out", str(folder / f"o{n}"))) for n in range(2)]
        wait_until(mock, 60, DEADLINE)
        server.kill()
        at_kill = len(mock.state.tasks)
        time.sleep(0.5)  # down for a moment, as a crashed server restarted by its supervisor
        server.start()
        codes = [_finish(v, worker) for worker in workers]
        again = v.run(_aio(mock, *args, "--out", str(folder / "again")))
        per_line = v.paid_once("1 (Redis killed)", mock, _ids(200))
    states = output(folder / "again")
    v.checks.that(codes == [0, 0] and again.returncode == 0, f"1: exit codes {codes}")
    unknown = sum(row["status"] == "unknown" for row in states)
    v.verdict(
        f"1 Redis: no AOF refused, 0 sent; with AOF killed at {at_kill} creates and restarted: "
        f"workers exit {codes}, {len(per_line)} lines created, 0 twice, {unknown} unknown"
    )


def _start(command: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def _finish(v: Verdicts, process: subprocess.Popen[str]) -> int:
    try:
        _, stderr = process.communicate(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        v.hangs += 1
        v.checks.that(False, f"a worker hung past {DEADLINE:g} s")
        return -9
    v.seen(stderr)
    return process.returncode


def _killed_after(v: Verdicts, mock: RunningMock, command: list[str], creates: int) -> None:
    """Run ``command`` and SIGKILL it once the mock holds ``creates`` tasks."""
    process = _start(command)
    wait_until(mock, creates, DEADLINE)
    process.kill()
    process.communicate()


def sqlite_lost(v: Verdicts, folder: Path) -> None:
    """Case 2: a journal truncated to 0 bytes, or replaced by another batch's."""
    source, journal, other = folder / "in.jsonl", folder / "j.sqlite", folder / "other.sqlite"
    write_input(source, 30)
    with serve(_config(slow_seconds=0.02)) as mock:
        args = [str(source), "--journal", str(journal), "--out", str(folder / "o")]
        _killed_after(v, mock, _aio(mock, *args), 10)
        sent = len(mock.state.tasks)
        journal.write_bytes(b"")
        truncated = v.run(_aio(mock, *args))
        status = v.run([*aio(mock)[:4], "status", "--journal", str(journal)])
        write_input(folder / "b.jsonl", 2, start=500)
        b_args = [str(folder / "b.jsonl"), "--journal", str(other), "--out", str(folder / "b")]
        v.run(_aio(mock, *b_args))
        created = len(mock.state.tasks)
        other.replace(journal)
        replaced = v.run(_aio(mock, *args))
        v.paid_once("2 (SQLite)", mock, _ids(30) | _ids(2, 500))
        after = len(mock.state.tasks)
    v.checks.that(_refused(truncated, "empty or incomplete"), f"2: truncated: {truncated.stderr}")
    v.checks.that(status.returncode == 2, f"2: status on a truncated journal: {status.stderr}")
    v.checks.that(_refused(replaced, "was replaced"), f"2: replaced: {replaced.stderr}")
    v.checks.that(after == created, f"2: {after - created} creates after the replacement")
    v.verdict(
        f"2 SQLite: {sent} sent, then truncated: exit {truncated.returncode}, status exit "
        f"{status.returncode}; replaced: exit {replaced.returncode}; 0 sent after either"
    )


def input_changed(v: Verdicts, folder: Path) -> None:
    """Case 3: the input cut to its first 5 lines; then a different input."""
    source, journal, out = folder / "in.jsonl", folder / "j.sqlite", folder / "o"
    write_input(source, 20)
    with serve(_config(slow_seconds=0.05)) as mock:
        first = [str(source), "--journal", str(journal), "--out", str(folder / "first")]
        _killed_after(v, mock, _aio(mock, *first), 3)
        before = tasks_per_line(mock)
        write_input(source, 5)
        args = [str(source), "--journal", str(journal), "--out", str(out)]
        shortened = v.run(_aio(mock, *args))
        cut_off = {line for line in tasks_per_line(mock) if int(line) >= 5} - set(before)
        write_input(folder / "other.jsonl", 20, start=100)
        other = v.run(_aio(mock, str(folder / "other.jsonl"), *args[1:]))
        per_line = v.paid_once("3 (input)", mock, _ids(20))
    report = json.loads(shortened.stdout or "{}")
    v.checks.that(not cut_off, f"3: lines cut from the input were sent: {sorted(cut_off)}")
    v.checks.that(len(output(out)) == 5, "3: the output holds other lines than the input's")
    v.checks.that(_refused(other, "not in the journal"), f"3: other input: {other.stderr}")
    v.checks.that(not any(int(line) >= 100 for line in per_line), "3: the other input was sent")
    v.verdict(
        f"3 input: cut to 5 of 20 after {len(before)} sent: exit {shortened.returncode}, "
        f"{report.get('outside_input')} journal lines reported outside, 0 of them sent; "
        f"a different input: exit {other.returncode}, 0 sent"
    )


def budget_worker(redis_url: str, base_url: str, source: str, journal: str) -> int:
    """A run on a SQLite journal under a ``RedisRateBudget`` (``soak worker budget ...``)."""
    budget = RedisRateBudget(redis_url, 100_000, key="soak-outage")
    with connect(DEMO_KEY, base_url=base_url, rate_budget=budget) as client:
        report = run_batch(client, source, journal, poll_interval=0.05, claim_size=5)
    summary = {"states": report.summary.states, "error": report.error and report.error.message}
    print(json.dumps(summary))
    return 0 if report.all_done else 1


def budget_outage(v: Verdicts, folder: Path) -> None:
    """Case 4: the budget's Redis killed after the 5th create."""
    source, journal = folder / "in.jsonl", folder / "j.sqlite"
    write_input(source, 30)
    (folder / "r").mkdir()
    with RedisServer(folder / "r") as server, serve(_config(slow_seconds=0.02)) as mock:
        command = [*SOAK, "fault-worker", "budget", server.url, mock.base_url]
        command += [str(source), str(journal)]
        worker = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        wait_until(mock, 5, DEADLINE)
        server.kill()
        stdout, stderr = worker.communicate(timeout=DEADLINE)
        v.seen(stderr)
        sent = len(mock.state.tasks)
        first = json.loads(stdout.strip().splitlines()[-1])
        server.start()
        again = v.run(command)
        v.paid_once("4 (budget)", mock, _ids(30))
        total = len(mock.state.tasks)
    states = first["states"]
    v.checks.that(states.get("unknown", 0) == 0, f"4: the outage made unknown lines: {states}")
    v.checks.that(again.returncode == 0 and total == 30, f"4: the rerun: {again.stdout}")
    v.verdict(
        f"4 budget outage after {sent} creates: {states.get('pending', 0)} pending, "
        f"{states.get('unknown', 0)} unknown; the rerun sent the rest: {total} of 30, 0 twice"
    )


def fork_worker(base_url: str) -> int:
    """``os.fork()`` after ``connect()``; both processes create (``soak worker fork ...``)."""

    def body(prompt: str) -> ImageGenerationRequest:
        return ImageGenerationRequest(model=MODEL, prompt=f"soak picture [{prompt}]")

    with connect(DEMO_KEY, base_url=base_url, requests_per_minute=None) as client:
        create_image_generation.sync(client=client, body=body("0000"))  # a pooled connection
        child = os.fork()
        who = "child" if child == 0 else "parent"
        got: list[tuple[str, str]] = []
        refused = 0
        for n in range(50):
            prompt = f"{1 if child == 0 else 2}{n:03}"
            try:
                made = create_image_generation.sync(client=client, body=body(prompt))
            except ForkedClientError:
                refused += 1
                continue
            assert made is not None
            assert not hasattr(made, "error")
            got.append((prompt, made.data.task_id))
        print(json.dumps({"who": who, "got": got, "refused": refused}), flush=True)
        if child == 0:
            os._exit(0)
        os.waitpid(child, 0)
    return 0


def forked(v: Verdicts, folder: Path) -> None:
    """Case 5: a client that crosses a fork."""
    with serve(_config()) as mock:
        done = v.run([*SOAK, "fault-worker", "fork", mock.base_url])
        reports = {r["who"]: r for r in map(json.loads, done.stdout.splitlines())}
        crossed = [
            (prompt, task_id)
            for report in reports.values()
            for prompt, task_id in report["got"]
            if mock.state.tasks[task_id].request.get("prompt") != f"soak picture [{prompt}]"
        ]
    child, parent = reports.get("child", {}), reports.get("parent", {})
    v.checks.that(child.get("refused") == 50, f"5: the child was not refused: {child}")
    v.checks.that(len(parent.get("got", [])) == 50, "5: the parent lost creates")
    v.checks.that(not crossed, f"5: answers crossed: {crossed[:3]}")
    v.verdict(
        f"5 fork: child refused {child.get('refused')} of 50 creates; parent got "
        f"{len(parent.get('got', []))} of 50, {len(crossed)} answers crossed"
    )


class _BadResultUrl(httpx.BaseTransport):
    """The mock, but the task of line 0003 answers with a result URL httpx cannot parse."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.task_id = ""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST" and b"[0003]" in request.content:
            self.task_id = json.loads(response.read())["data"]["task_id"]
        if request.method != "GET" or not self.task_id or self.task_id not in request.url.path:
            return response
        answer = json.loads(response.read())
        if answer["data"].get("response"):
            answer["data"]["response"] = ["http://[::1"]  # httpx: "Invalid port"
        headers = {"x-request-id": response.headers.get("x-request-id", "")}
        return httpx.Response(response.status_code, headers=headers, json=answer)


def bad_result_line(v: Verdicts, folder: Path) -> None:
    """Case 6: one line's result cannot be saved; the other lines are."""
    source, out = folder / "in.jsonl", folder / "o.jsonl"
    write_input(source, 10)
    with serve(_config()) as mock:
        http = httpx.Client(transport=_BadResultUrl())
        url = mock.base_url
        with connect(DEMO_KEY, base_url=url, httpx_client=http, requests_per_minute=None) as client:
            run_batch(
                client, source, folder / "j", out=out, download=folder / "f", poll_interval=0.05
            )
        v.paid_once("6 (bad result)", mock, _ids(10))
    states = [row["status"] for row in output(out)]
    v.checks.that(states.count("done") == 9, f"6: the batch stopped: {states}")
    v.checks.that(states[3] == "failed", f"6: line 0003 did not fail alone: {states}")
    v.verdict(
        f"6 bad result line: {states.count('done')} done, {states.count('failed')} failed alone"
    )


def evicted(v: Verdicts, folder: Path) -> None:
    """Case 7: an eviction policy, a lost line, a lost queue."""
    source = folder / "in.jsonl"
    write_input(source, 40)
    with (
        RedisServer(folder, *AOF) as server,
        serve(_config(slow_seconds=0.02)) as mock,
        server.client() as keys,
    ):
        args = [str(source), "--journal", f"{server.url}#e", "--lease", "2"]
        args += ["--out", str(folder / "o")]
        _killed_after(v, mock, _aio(mock, *args), 10)
        keys.config_set("maxmemory", "100mb")
        keys.config_set("maxmemory-policy", "allkeys-lru")
        policy = v.run(_aio(mock, *args))
        keys.config_set("maxmemory-policy", "noeviction")
        keys.delete("api-in-one:batch:e:queue")
        requeued = v.run(_aio(mock, *args))
        keys.delete("api-in-one:batch:e:line:0007")
        lost = v.run(_aio(mock, *args))
        v.paid_once("7 (evicted)", mock, _ids(40))
        total = len(mock.state.tasks)
    v.checks.that(_refused(policy, "allkeys-lru"), f"7: allkeys-lru: {policy.stderr}")
    ended = [row["status"] for row in output(folder / "o")]
    unknown = ended.count("unknown")  # at most the create the kill cut off
    finished = requeued.returncode in (0, 1) and ended.count("done") + unknown == 40
    v.checks.that(finished and unknown <= 1, f"7: lost queue: {ended} {requeued.stderr}")
    v.checks.that(_refused(lost, "lost the line 0007"), f"7: lost line: {lost.stderr}")
    v.verdict(
        f"7 evicted: allkeys-lru refused (exit {policy.returncode}); queue lost: finished, "
        f"{total} of 40 created once, {unknown} unknown; a line lost: exit {lost.returncode}"
    )


def paused(v: Verdicts, folder: Path) -> None:
    """Case 8: Redis SIGSTOPped 10 s mid-batch, under the default 30-s lease."""
    source = folder / "in.jsonl"
    write_input(source, 150)
    with RedisServer(folder, *AOF) as server, serve(_config(slow_seconds=0.01)) as mock:
        args = [str(source), "--journal", f"{server.url}#p"]
        workers = [_start(_aio(mock, *args, "--out", str(folder / f"o{n}"))) for n in range(2)]
        wait_until(mock, 40, DEADLINE)
        server.signal(signal.SIGSTOP)
        time.sleep(10)  # the pause itself
        server.signal(signal.SIGCONT)
        codes = [_finish(v, worker) for worker in workers]
        per_line = v.paid_once("8 (paused)", mock, _ids(150))
    v.checks.that(codes == [0, 0], f"8: workers exit {codes}")
    v.verdict(f"8 paused 10 s: workers exit {codes}, {len(per_line)} of 150 created, 0 twice")


def clock_stepped_back(v: Verdicts, folder: Path) -> None:
    """Case 9: the budget's bucket written 120 s ahead of the server's TIME."""
    source = folder / "in.jsonl"
    write_input(source, 20)
    with (
        RedisServer(folder, *AOF) as server,
        serve(_config()) as mock,
        server.client() as keys,
    ):
        seconds, micros = keys.time()
        now, step = seconds * 1_000_000 + micros, 120 * 1_000_000
        keys.set("soak-clock", f"{now + step + 1_000_000}:{now + step}", px=step * 2 // 1000)
        budget = RedisRateBudget(server.url, 6000, key="soak-clock")
        stop = threading.Event()
        timer = threading.Timer(30, stop.set)
        timer.start()
        began = time.monotonic()
        with connect(DEMO_KEY, base_url=mock.base_url, rate_budget=budget) as client:
            report = run_batch(client, source, folder / "j", stop=stop, poll_interval=0.05)
        took = time.monotonic() - began
        timer.cancel()
    v.checks.that(report.all_done and took < 30, f"9: the batch took {took:.0f} s")
    v.verdict(f"9 clock stepped back 120 s: 20 lines in {took:.1f} s")


CASES: list[Callable[[Verdicts, Path], None]] = [
    redis_killed,
    sqlite_lost,
    input_changed,
    budget_outage,
    forked,
    bad_result_line,
    evicted,
    paused,
    clock_stepped_back,
]


def faults(checks: Checks, folder: Path) -> str:
    """Every case; returns the part's summary line."""
    verdicts = Verdicts(checks)
    for case in CASES:
        place = folder / case.__name__
        place.mkdir()
        began = time.monotonic()
        case(verdicts, place)
        print(f"    ({case.__name__}: {time.monotonic() - began:.0f} s)", flush=True)
    return (
        f"faults: {len(CASES)} cases; {verdicts.tracebacks} tracebacks, {verdicts.hangs} runs "
        f"past {DEADLINE:g} s"
    )


def worker(kind: str, *args: str) -> int:
    """The worker processes of this part (``soak fault-worker budget|fork ...``)."""
    if kind == "budget":
        return budget_worker(*args)
    return fork_worker(*args)
