"""A conformance run: free checks, then the spec's examples within a credit cap, then the report.

Every request is paced by one rate budget, so the run stays under the
server's limit; only ``probe_rate_limit`` exceeds it, on purpose and last.
The checks send their requests exactly as built; waiting for tasks is the
SDK's ``wait_for_task``. Both go through a recording transport that keeps
every answer whole, so that drift is judged on the bytes the server sent,
whatever the SDK makes of them, and a server that breaks the contract in
any way ends up in the report rather than in a traceback.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from .. import _wire
from .._budget import RateBudget, TokenBucket
from .._client import ApiInOneClient, _settings, connect
from .._contract import Answer, Contract
from .._errors import TaskFailedError
from .._operations import OperationFacts, operations
from .._spec import load_spec
from .._task_status import SUCCESS, task_id_of
from ..tasks._polling import wait_for_task
from ._invalid import invalid_bodies, invalid_parameter
from ._report import (
    DRIFT,
    PASS,
    SKIPPED,
    CheckResult,
    ConformanceReport,
    Outcome,
    excerpt_of,
    redact,
)

__all__ = ["run_conformance"]

WRONG_KEY = "aio_conformance_wrong_key_000000"
"""Sent for the 401 checks: shaped like a key, so only the server's lookup can reject it."""
UNKNOWN_TASK = "aioconformance_no_such_task"
PAID_KINDS = frozenset({"task", "chat"})
_RESULT_BYTES = 64 * 1024
"""How much of each result file is read: enough to see it is there, without downloading a video."""


def run_conformance(
    base_url: str | None = None,
    api_key: str | None = None,
    *,
    max_credits: float,
    probe_rate_limit: bool = False,
    requests_per_minute: float = 60,
    rate_budget: RateBudget | None = None,
    transport: httpx.BaseTransport | None = None,
    poll_interval: float = 1.0,
    task_timeout: float = 600.0,
    timeout: float = 60.0,
    probe_requests: int = 300,
    spec: Mapping[str, Any] | None = None,
    on_result: Callable[[CheckResult], None] | None = None,
) -> ConformanceReport:
    """Check the server at ``base_url`` against openapi.yaml and return the report.

    Free checks come first: 401 with a wrong key, 404 for an unknown task and
    400 for bodies breaking the spec's constraints. Then the spec's request
    examples run cheapest first, by the spec's credit facts, as long as they
    fit in ``max_credits``; each task is waited for and its result URLs are
    fetched. A request that could be charged if the server wrongly accepted
    it (an invalid body) is only sent when that worst case fits too, and
    counts as spent if it is accepted, so the run never spends more than
    ``max_credits``. ``probe_rate_limit`` then
    exceeds the rate limit on purpose to check the 429 answer. ``on_result``
    is called with each check's result as it is known (``aio conformance``
    prints a line for each).

    Requests are paced by ``rate_budget`` (default: a ``TokenBucket`` of
    ``requests_per_minute``). ``transport`` replaces the HTTP transport, e.g.
    with an ``httpx.MockTransport``. The key and base URL default as for
    ``connect()``. Raises ``ApiInOneError`` for a missing key or an unsafe base
    URL and ``ValueError`` for a negative ``max_credits`` or a pace under 2
    requests per minute.
    """
    if max_credits < 0 or math.isnan(max_credits):
        raise ValueError(f"max_credits must be 0 or more, got {max_credits!r}")
    if rate_budget is None and not requests_per_minute >= 2:
        raise ValueError(f"requests_per_minute must be 2 or more, got {requests_per_minute!r}")
    api_key, base_url = _settings(api_key, base_url)
    spec = load_spec() if spec is None else spec
    budget = rate_budget or TokenBucket(
        requests_per_minute, min(5, max(1, math.ceil(requests_per_minute) - 1)), per=60.0
    )
    report = ConformanceReport(
        base_url=base_url, spec_version=str(spec["info"]["version"]), max_credits=max_credits
    )
    recorder = _Recorder(transport or httpx.HTTPTransport(), httpx.URL(base_url.rstrip("/")).path)
    http = httpx.Client(transport=recorder)
    client = connect(
        api_key,
        base_url=base_url,
        max_retries=0,
        rate_budget=budget,
        timeout=timeout,
        httpx_client=http,
        validate="off",  # the run judges every answer itself, from the bytes it recorded
    )
    # The checks' own requests bypass the SDK's transport, which would turn an invalid
    # body into a valid one (it sets chat's ``stream``) or retry it; they share its budget.
    raw = httpx.Client(
        transport=recorder,
        base_url=base_url,
        headers={"Authorization": f"Bearer {api_key}"},
        timeout=timeout,
    )
    files = httpx.Client(
        transport=transport or httpx.HTTPTransport(), timeout=timeout, follow_redirects=True
    )
    run = _ConformanceRun(
        contract=Contract(spec),
        facts=operations(spec),
        client=client,
        raw=raw,
        budget=budget,
        recorder=recorder,
        files=files,
        key=api_key,
        report=report,
        poll_interval=poll_interval,
        task_timeout=task_timeout,
        on_result=on_result,
    )
    with client, raw, files:
        run.free_checks()
        run.paid_checks()
        if probe_rate_limit:
            run.probe_rate_limit(probe_requests)
    return report


class _Recorder(httpx.BaseTransport):
    """Reads every answer whole and keeps it, before the SDK's transport sees it."""

    def __init__(self, inner: httpx.BaseTransport, base_path: str) -> None:
        self.inner, self.base_path = inner, base_path.rstrip("/")
        self.answers: list[Answer] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        try:
            response.read()
        except BaseException:
            response.close()
            raise
        path = request.url.path.removeprefix(self.base_path) or "/"
        self.answers.append(
            Answer(request.method, path, response.status_code, response.headers, response.content)
        )
        return response

    def close(self) -> None:
        self.inner.close()


@dataclass
class _ConformanceRun:
    """One run's connections, budget and report, and the checks that fill the report."""

    contract: Contract
    facts: tuple[OperationFacts, ...]
    client: ApiInOneClient
    raw: httpx.Client
    budget: RateBudget
    recorder: _Recorder
    files: httpx.Client
    key: str
    report: ConformanceReport
    poll_interval: float
    task_timeout: float
    on_result: Callable[[CheckResult], None] | None = None

    def _keep(self, result: CheckResult) -> None:
        self.report.results.append(result)
        if self.on_result is not None:
            self.on_result(result)

    # -- free checks ---------------------------------------------------------------------

    def free_checks(self) -> None:
        for facts in self.facts:
            example = _first_example(facts)
            self._check(
                facts,
                "401 wrong key",
                401,
                self._path(facts),
                example,
                key=WRONG_KEY,
                cost=0.0,  # nothing can be charged to the account of a key that was not sent
            )
            if facts.kind == "task-status":
                self._check(facts, "404 unknown task", 404, self._path(facts), None, cost=0.0)
            for parameter, schema in self.contract.parameter_schemas(facts).items():
                invalid = invalid_parameter(parameter, schema)
                if invalid is not None:
                    path = self._path(facts, {parameter: invalid.value})
                    self._check(facts, f"400 {invalid.rule}", 400, path, example, cost=0.0)
            if facts.request_schema is None or not isinstance(example, Mapping):
                continue
            schema = {"$ref": f"#/components/schemas/{facts.request_schema}"}
            for invalid in invalid_bodies(
                schema,
                example,
                self.contract.resolve,
                functools.partial(self._rejects, facts),
            ):
                self._check(
                    facts,
                    f"400 {invalid.rule}",
                    400,
                    self._path(facts),
                    invalid.value,
                    cost=_worst_cost(facts),
                )

    # -- paid checks ---------------------------------------------------------------------

    def paid_checks(self) -> None:
        planned = []
        for order, facts in enumerate(self.facts):
            if facts.kind not in PAID_KINDS:
                continue
            for name, example in facts.examples.items():
                cost = facts.cost(example) if isinstance(example, Mapping) else None
                planned.append((math.inf if cost is None else cost, order, name, facts, example))
        planned.sort(key=lambda plan: plan[:3])
        created: list[tuple[OperationFacts, str, Mapping[str, Any], str]] = []
        for cost, _, name, facts, example in planned:
            check = f"example {name}"
            if cost == math.inf:
                self._add(facts, check, SKIPPED, "the spec states no cost for this request")
            elif not self._affordable(cost):
                left = self.report.max_credits - self.report.credits_spent
                self._add(facts, check, SKIPPED, f"costs {cost:g} credits, {left:g} left")
            elif facts.kind == "chat":
                self._chat(facts, check, example, cost)
            else:
                answer = self._check(facts, check, 200, self._path(facts), example, cost=cost)
                task_id = _task_id(answer)
                if task_id is not None:
                    created.append((facts, name, example, task_id))
        for facts, name, example, task_id in created:
            self._wait(facts, name, example, task_id)

    def _chat(
        self, facts: OperationFacts, check: str, example: Mapping[str, Any], cost: float
    ) -> None:
        streamed = example.get("stream", True) is not False
        accept = _wire.EVENT_STREAM if streamed else _wire.JSON
        self._check(
            facts,
            f"{check} ({'SSE' if streamed else 'JSON'})",
            200,
            self._path(facts),
            example,
            cost=cost,
            accept=accept,
        )

    def _wait(
        self, facts: OperationFacts, name: str, example: Mapping[str, Any], task_id: str
    ) -> None:
        status_facts = next((f for f in self.facts if f.kind == "task-status"), None)
        if status_facts is None:
            return
        check = f"task of {facts.operation_id} example {name}"
        with self._answers() as polls:
            failure = None
            try:
                task: Any = wait_for_task(
                    self.client,
                    task_id,
                    timeout=self.task_timeout,
                    poll_interval=self.poll_interval,
                    max_poll_interval=max(self.poll_interval, 5.0),
                )
            except TaskFailedError as error:
                task, failure = error.task, None
            except Exception as error:  # whatever the SDK makes of a drifted answer
                task, failure = None, f"waiting failed: {type(error).__name__}: {error}"
        own = [poll for poll in polls if poll.path.endswith("/" + task_id)]
        problems: list[str] = []
        offending: Answer | None = None
        for poll in own:
            found = self.contract.check(status_facts, poll)
            if poll.status != 200:
                found.insert(0, f"expected HTTP 200, got {poll.status}")
            new = [problem for problem in found if problem not in problems]
            if new and offending is None:
                offending = poll
            problems += new
        if failure is not None:
            problems.append(failure)
        last = own[-1] if own else None
        status = getattr(task, "status", None)
        detail = f"{len(own)} polls, ended {status}" if task is not None else ""
        self._result(status_facts, check, problems, offending or last, detail=detail)
        if task is not None and isinstance(status, str) and status.upper() == SUCCESS:
            self._results(facts, name, example, task)

    def _results(
        self, facts: OperationFacts, name: str, example: Mapping[str, Any], task: Any
    ) -> None:
        urls = task.response if isinstance(task.response, list) else []
        problems = []
        expected = facts.results
        if expected is not None and len(urls) != expected.count:
            problems.append(f"{len(urls)} result URLs, the spec says {expected.count}")
        media_type = expected.media_type_for(example) if expected is not None else None
        for url in urls:
            try:
                with self.files.stream("GET", str(url)) as response:
                    for _ in response.iter_bytes(_RESULT_BYTES):
                        break
            except (httpx.HTTPError, httpx.InvalidURL, ValueError) as error:
                problems.append(f"{url}: {type(error).__name__}: {error}")
                continue
            if response.status_code != 200:
                problems.append(f"{url}: HTTP {response.status_code}")
            got = _wire.media_type(response)
            if media_type is not None and got != _wire.media_type(media_type):
                problems.append(f"{url}: Content-Type {got!r}, the spec says {media_type!r}")
        detail = f"{len(urls)} result files fetched" if not problems else problems[0]
        outcome = DRIFT if problems else PASS
        self._add(facts, f"example {name} results", outcome, detail, problems=problems)

    # -- rate limit ----------------------------------------------------------------------

    def probe_rate_limit(self, limit: int) -> None:
        facts = next((f for f in self.facts if f.kind == "task-status"), self.facts[0])
        check = "429 rate limit (probe)"
        answer: Answer | None = None
        sent = 0
        # Unpaced on purpose: this is the one check that goes over the limit.
        while sent < limit and answer is None:
            sent += 1
            try:
                self.raw.get(self._path(facts))
            except httpx.HTTPError:
                break
            if self.recorder.answers[-1].status == 429:
                answer = self.recorder.answers[-1]
        if answer is None:
            self._add(facts, check, SKIPPED, f"no 429 after {sent} requests")
            return
        self._result(facts, check, self.contract.check(facts, answer), answer)

    # -- helpers -------------------------------------------------------------------------

    def _check(
        self,
        facts: OperationFacts,
        check: str,
        expected: int,
        path: str,
        body: Any,
        *,
        cost: float | None,
        key: str | None = None,
        accept: str | None = None,
    ) -> Answer | None:
        """Send one request, judge the answer against the spec and ``expected``; keep the result."""
        if cost is None:
            self._add(facts, check, SKIPPED, "the spec states no cost, so it cannot be risked")
            return None
        if not self._affordable(cost):
            self._add(
                facts, check, SKIPPED, f"could cost {cost:g} credits if accepted; too few left"
            )
            return None
        headers = {}
        if key is not None:
            headers["Authorization"] = f"Bearer {key}"
        if accept is not None:
            headers["Accept"] = accept
        with self._answers() as seen:
            error = self._send(facts.method, path, body, headers)
        answer = seen[-1] if seen else None
        if answer is None:
            self._add(facts, check, DRIFT, f"no answer: {error}", problems=[f"no answer: {error}"])
            return None
        problems = self.contract.check(facts, answer)
        if answer.status != expected:
            problems.insert(0, f"expected HTTP {expected}, got {answer.status}")
        if accept is not None and answer.status == expected and answer.media_type != accept:
            problems.insert(0, f"asked for {accept}, got {answer.media_type or '(none)'}")
        charged = cost if 200 <= answer.status < 300 else 0.0
        self._result(facts, check, problems, answer, credits=charged)
        return answer

    def _send(self, method: str, path: str, body: Any, headers: dict[str, str]) -> str | None:
        """Send as given, paced; the recorder keeps the answer. Returns why none came."""
        self.budget.acquire()
        try:
            self.raw.request(method, path, json=body if method != "GET" else None, headers=headers)
        except httpx.HTTPError as error:
            return redact(f"{type(error).__name__}: {error}", self.key)
        return None

    def _result(
        self,
        facts: OperationFacts,
        check: str,
        problems: list[str],
        answer: Answer | None,
        *,
        credits: float = 0.0,
        detail: str = "",
    ) -> None:
        problems = [redact(problem, self.key) for problem in problems]
        status = answer.status if answer is not None else None
        if problems:
            excerpt = _excerpt(answer, self.key) if answer is not None else ""
            self._keep(
                CheckResult(
                    facts.operation_id,
                    check,
                    DRIFT,
                    problems[0],
                    status,
                    tuple(problems),
                    excerpt,
                    credits,
                )
            )
            return
        detail = detail or f"HTTP {status} as declared"
        self._keep(CheckResult(facts.operation_id, check, PASS, detail, status, credits=credits))

    def _add(
        self,
        facts: OperationFacts,
        check: str,
        outcome: Outcome,
        detail: str,
        *,
        problems: list[str] | None = None,
    ) -> None:
        self._keep(
            CheckResult(
                facts.operation_id,
                check,
                outcome,
                redact(detail, self.key),
                problems=tuple(redact(p, self.key) for p in problems or ()),
            )
        )

    def _rejects(self, facts: OperationFacts, body: Any) -> bool:
        return bool(self.contract.request_errors(facts, body))

    def _affordable(self, cost: float) -> bool:
        return self.report.credits_spent + cost <= self.report.max_credits

    def _path(self, facts: OperationFacts, values: Mapping[str, str] | None = None) -> str:
        def value(match: re.Match[str]) -> str:
            return (values or {}).get(match.group(1), UNKNOWN_TASK)

        return re.sub(r"\{(\w+)\}", value, facts.path)

    @contextmanager
    def _answers(self) -> Iterator[list[Answer]]:
        """The answers recorded while the block runs (filled in when it ends)."""
        seen: list[Answer] = []
        start = len(self.recorder.answers)
        try:
            yield seen
        finally:
            seen += self.recorder.answers[start:]


def _first_example(facts: OperationFacts) -> Any:
    """The cheapest example of the operation (the first when costs tie), or None."""
    examples = list(facts.examples.values())
    if not examples:
        return None

    def cost(body: Any) -> float:
        found = facts.cost(body) if isinstance(body, Mapping) else None
        return math.inf if found is None else found

    return min(examples, key=cost)


def _worst_cost(facts: OperationFacts) -> float | None:
    """The most a request of the operation can cost if the server accepts it."""
    if facts.method in {"GET", "HEAD", "OPTIONS"} or facts.kind == "task-status":
        return 0.0
    if facts.models:
        return max(model.credits for model in facts.models.values())
    return facts.credits


def _task_id(answer: Answer | None) -> str | None:
    if answer is None or not 200 <= answer.status < 300:
        return None
    try:
        return task_id_of(answer.json())
    except (ValueError, TypeError):
        return None


def _excerpt(answer: Answer, key: str) -> str:
    shown = ("content-type", "retry-after", "x-ratelimit-limit", "x-ratelimit-remaining")
    head = [f"HTTP {answer.status} ({answer.method} {answer.path})"]
    head += [f"{name}: {value}" for name, value in answer.headers.items() if name in shown]
    return redact("\n".join(head), key) + "\n\n" + excerpt_of(answer.body, key)
