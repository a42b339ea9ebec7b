"""Soak the batch journal against the mock: killed runs, many workers, the spending guard.

    .venv/bin/python -m scripts.soak [--only killed sigterm workers guard faults hostile] [--seed N]

The mock runs in this process, which outlives every run and worker it
starts and kills, so its counters are the truth about what was created:
each input line writes its custom_id into the prompt, and a line with two
tasks on the mock is a duplicate.

1. killed: a 100-line batch (``aio batch run``, SQLite journal) is SIGKILLed
   at 20 random moments and rerun each time, then run to the end. No line
   has two tasks; every line ends done, failed or unknown; the unknown lines
   are at most the kills that landed while a create was in flight (a line
   the journal shows ``sending`` right after the kill); the output is
   complete and in input order.
2. sigterm: the same with SIGTERM, which must leave no unknown line.
3. workers: four worker processes share one Redis journal and one
   ``RedisRateBudget`` on 400 lines; two are SIGKILLed mid-run. 0 duplicates,
   0 lost lines, 0 answers 429.
4. guard: ``--max-credits`` below the estimate; the mock's balance shows
   nothing over the cap was created, on the first run and on a rerun; the
   lines refused unsent are sent, once each, when the cap is raised.
5. faults: each way a journal, an input or a process was broken
   (``soak_faults``): Redis killed with and without AOF, evicted, paused;
   SQLite truncated or replaced; a shortened and a different input; a budget
   outage; a fork; a bad result line; the Redis clock stepping back.
6. hostile: a broken or hostile server, a full disk, bad bytes
   (``soak_hostile``): a gzip bomb, endless downloads, huge and compressed
   SSE, undecodable inputs and arguments.

Exit status 1 with the failed checks printed, 0 with a summary per part.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from starlette.requests import ClientDisconnect

from api_in_one import JournalError, RedisRateBudget, connect, open_journal, run_batch
from api_in_one.mock import DEMO_KEY, MockConfig, serve
from scripts import soak_faults, soak_hostile
from scripts.soak_support import (
    IMAGE_COST,
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

PARTS = ("killed", "sigterm", "workers", "guard", "faults", "hostile")


def _sending(journal: Path) -> int:
    """Lines the journal shows as sent without a recorded answer: creates cut off in flight."""
    if not journal.exists():  # killed while starting
        return 0
    try:
        reader = open_journal(journal, read_only=True)
    except JournalError:  # killed before it recorded anything
        return 0
    try:
        return reader.summary().count("sending")
    finally:
        reader.close()


def _check_output(checks: Checks, out: Path, lines: int, label: str) -> dict[str, int]:
    rows = output(out)
    checks.that(len(rows) == lines, f"{label}: the output has {len(rows)} of {lines} lines")
    ids = [row["custom_id"] for row in rows]
    checks.that(ids == [f"{i:04}" for i in range(lines)], f"{label}: output not in input order")
    states = Counter(row["status"] for row in rows)
    ended = states["done"] + states["failed"] + states["unknown"]
    checks.that(ended == lines, f"{label}: lines not done, failed or unknown: {dict(states)}")
    return dict(states)


def killed_runs(checks: Checks, folder: Path, rng: random.Random, sig: signal.Signals) -> str:
    """The killed-runs campaign with ``sig``; returns its summary line."""
    label = sig.name
    source, journal, out = folder / "input.jsonl", folder / "journal.sqlite", folder / "out.jsonl"
    write_input(source, 100)
    config = MockConfig(time_scale=0.01, requests_per_minute=1_000_000)
    config.faults.slow_seconds = 0.03  # creates take long enough for kills to land in them
    in_flight = 0
    args = [str(source), "--journal", str(journal), "--out", str(out)]
    args += ["--requests-per-minute", "100000"]
    with serve(config) as mock:
        for _ in range(20):
            run = subprocess.Popen(aio(mock, *args), stdout=subprocess.DEVNULL)
            try:
                run.wait(timeout=rng.uniform(0.5, 4.0))
            except subprocess.TimeoutExpired:
                run.send_signal(sig)
            run.wait(timeout=60)
            in_flight += _sending(journal)
        final = subprocess.run(aio(mock, *args), stdout=subprocess.DEVNULL, timeout=300)
        per_line = tasks_per_line(mock)
    checks.that(final.returncode in (0, 1), f"{label}: final run exited {final.returncode}")
    twice = [line for line, count in per_line.items() if count > 1]
    checks.that(not twice, f"{label}: lines with two tasks on the mock: {twice}")
    states = _check_output(checks, out, 100, label)
    checks.that(states.get("failed", 0) == 0, f"{label}: failed lines {states}")
    unknown = states.get("unknown", 0)
    checks.that(unknown <= in_flight, f"{label}: {unknown} unknown > {in_flight} cut-off creates")
    if sig == signal.SIGTERM:
        checks.that(unknown == 0, f"{label}: SIGTERM left {unknown} unknown lines")
    return (
        f"{label}: 20 kills, {in_flight} during a create; final {states}; "
        f"{sum(per_line.values())} tasks for 100 lines, none twice"
    )


WORKER_LIMIT, WORKER_WINDOW = 100, 2.0
"""The mock lets the key make this many requests in any window of this many seconds."""


def worker(redis_url: str, base_url: str, source: str, out: str) -> int:
    """One worker process of the many-workers part (``soak.py worker ...``)."""
    budget = RedisRateBudget(redis_url, WORKER_LIMIT, per=WORKER_WINDOW, key="soak-budget")
    journal = open_journal(f"{redis_url}#soak", lease=1.5)
    with connect(DEMO_KEY, base_url=base_url, rate_budget=budget) as client:
        report = run_batch(client, source, journal, out=out, poll_interval=0.05, claim_size=10)
    journal.close()
    return 0 if report.summary.unfinished == 0 else 1


def many_workers(checks: Checks, folder: Path, rng: random.Random) -> str:
    """Four workers on one Redis journal and budget, two SIGKILLed mid-run."""
    source = folder / "input.jsonl"
    write_input(source, 400)
    config = MockConfig(
        keys={DEMO_KEY: 1_000_000.0},
        time_scale=0.01,
        requests_per_minute=WORKER_LIMIT,
        rate_window=WORKER_WINDOW,
    )
    with RedisServer(folder, "--appendonly", "yes") as server, serve(config) as mock:
        redis_url = server.url
        outs = [folder / f"out-{n}.jsonl" for n in range(4)]
        workers = [
            subprocess.Popen(
                [*SOAK, "worker", redis_url, mock.base_url, str(source), str(o)], cwd=ROOT
            )
            for o in outs
        ]
        victims = rng.sample(range(4), 2)
        for victim, share in zip(victims, (0.25, 0.5), strict=True):
            wait_until(mock, int(400 * share), timeout=300)
            workers[victim].kill()
        codes = [process.wait(timeout=600) for process in workers]
        per_line = tasks_per_line(mock)
        rate_limited = mock.state.stats.statuses[429]
    survivors = [n for n in range(4) if n not in victims]
    checks.that(all(codes[n] == 0 for n in survivors), f"workers: exit codes {codes}")
    twice = [line for line, count in per_line.items() if count > 1]
    checks.that(not twice, f"workers: lines with two tasks on the mock: {twice}")
    checks.that(rate_limited == 0, f"workers: {rate_limited} answers were 429")
    states: dict[str, int] = {}
    for n in survivors:
        states = _check_output(checks, outs[n], 400, f"workers (output of worker {n})")
    lost = 400 - sum(states.get(s, 0) for s in ("done", "failed", "unknown"))
    unknown = states.get("unknown", 0)
    checks.that(states.get("failed", 0) == 0, f"workers: failed lines {states}")
    checks.that(unknown <= 2, f"workers: {unknown} unknown lines from 2 kills")
    return (
        f"workers: 4 workers, 2 SIGKILLed; final {states}; {len(per_line)} lines with a task, "
        f"0 twice: {not twice}; lost {lost}; 429 answers {rate_limited}"
    )


def guard(checks: Checks, folder: Path) -> str:
    """``--max-credits`` below the estimate: the balance shows nothing over the cap.

    The lines over the cap are refused unsent; a rerun with the whole estimate
    as its cap sends them, and no line gets a second task.
    """
    source, out = folder / "input.jsonl", folder / "out.jsonl"
    write_input(source, 40)
    key, balance = "aio_soak_guard_key_000000000000", 10_000.0
    cap, whole = 40 * IMAGE_COST / 3, 40 * IMAGE_COST
    config = MockConfig(time_scale=0.01, requests_per_minute=1_000_000, keys={key: balance})
    args = [str(source), "--journal", str(folder / "j.sqlite"), "--out", str(out)]
    args += ["--requests-per-minute", "100000"]
    with serve(config) as mock:
        charged = []
        for _ in range(2):
            capped = [*args, "--max-credits", f"{cap:g}"]
            subprocess.run(aio(mock, *capped, key=key), stdout=subprocess.DEVNULL, timeout=120)
            charged.append(balance - mock.state.balances[key])
        created = mock.state.stats.tasks_created[key]
        refused = Counter(row["error"]["type"] for row in output(out) if row["status"] == "refused")
        raised = [*args, "--max-credits", f"{whole:g}"]
        subprocess.run(aio(mock, *raised, key=key), stdout=subprocess.DEVNULL, timeout=120)
        per_line = tasks_per_line(mock, key)
    checks.that(all(c <= cap for c in charged), f"guard: charged {charged} over the cap {cap:g}")
    checks.that(refused["CreditLimitError"] == 40 - created, f"guard: refusals {dict(refused)}")
    statuses = Counter(row["status"] for row in output(out))
    checks.that(statuses == {"done": 40}, f"guard: after the raised cap {dict(statuses)}")
    twice = [line for line, count in per_line.items() if count > 1]
    checks.that(len(per_line) == 40 and not twice, f"guard: lines sent twice: {twice}")
    return (
        f"guard: estimate {whole:g}, cap {cap:g}; charged {charged[-1]:g} after two runs; "
        f"{created} created, {refused['CreditLimitError']} refused unsent; the cap raised to "
        f"{whole:g}: {statuses['done']} done, none twice"
    )


class _KilledClients(logging.Filter):
    """A killed run leaves the mock a request it cannot read: expected here, not news."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, ClientDisconnect)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen parts; exit 1 when any check failed."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["worker"]:
        return worker(*args[1:5])
    if args[:1] == ["fault-worker"]:
        return soak_faults.worker(*args[1:])
    if args[:1] == ["hostile-worker"]:
        return soak_hostile.hostile_worker(*args[1:4])
    parser = argparse.ArgumentParser(prog="soak.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--seed", type=int, default=int(time.time()))
    options = parser.parse_args(args)
    logging.getLogger("uvicorn.error").addFilter(_KilledClients())
    rng = random.Random(options.seed)
    print(f"soak: seed {options.seed}", flush=True)
    checks = Checks()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="aio-soak-") as temporary:
        root = Path(temporary)
        for part in options.only:
            folder = root / part
            folder.mkdir()
            begun = time.monotonic()
            if part == "killed":
                line = killed_runs(checks, folder, rng, signal.SIGKILL)
            elif part == "sigterm":
                line = killed_runs(checks, folder, rng, signal.SIGTERM)
            elif part == "workers":
                line = many_workers(checks, folder, rng)
            elif part == "guard":
                line = guard(checks, folder)
            elif part == "faults":
                line = soak_faults.faults(checks, folder)
            else:
                line = soak_hostile.hostile(checks, folder)
            print(f"{line} ({time.monotonic() - begun:.0f} s)", flush=True)
    print(f"soak: {time.monotonic() - started:.0f} s, {len(checks.failed)} failed checks")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
