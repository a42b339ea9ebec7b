"""Benchmarks of the SDK: every figure is a ratio to a baseline measured in the same run.

``python -m bench`` (``make bench``) runs them and writes ``bench/results.json``;
``python -m bench --quick`` is a smoke run of a few seconds. On a shared
machine absolute times are noise, so each candidate is timed right after
its baseline, round after round, and the median of the per-round ratios
is reported:

- SSE chat streams: ``stream_chat`` (sync and async), httpx-sse and the
  openai SDK against httpx ``iter_lines()`` + ``json.loads``;
- request overhead: the generated task-status call through ``connect()`` against
  ``httpx.Client.get`` + ``json.loads``, sequential and 16 concurrent;
- batch waiting on the mock: ``as_completed`` against naive polling, in
  429 answers, requests per task and lag behind the tasks' ends;
- wall times of ``scripts/generate.py --check`` and, on request, ``make test``.
"""
