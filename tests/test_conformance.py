"""run_conformance and aio conformance against the mock, clean and drifted, and against servers
that break the contract in ways the mock does not: every drift reported, nothing crashes, and
no run spends more than its cap."""

from __future__ import annotations

import copy
import inspect
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api_in_one import TokenBucket
from api_in_one._operations import operation, operations
from api_in_one._spec import load_spec
from api_in_one.cli import main
from api_in_one.conformance import DRIFT, PASS, SKIPPED, ConformanceReport, run_conformance
from api_in_one.mock import DEMO_KEY, DRIFTS, MockConfig, RunningMock, create_app, serve
from api_in_one.mock.__main__ import parser as mock_parser

BALANCE = 1000.0
WINDOW = 1.0
"""The mock's rate window in seconds, so that a whole run paced under it takes about a second."""
LIMIT = 200
PROBE_WINDOW, PROBE_LIMIT = 2.0, 40
"""A limit the unpaced probe reaches however slow the machine: 40 requests within 2 s."""
POLL_INTERVAL = 0.01
TASK_TIMEOUT = 10.0
ALL_EXAMPLES = sum(
    facts.cost(example) or 0
    for facts in operations()
    if facts.kind in {"task", "chat"}
    for example in facts.examples.values()
)


def _config(
    drift: frozenset[str] = frozenset(), limit: int = LIMIT, window: float = WINDOW
) -> MockConfig:
    return MockConfig(
        keys={DEMO_KEY: BALANCE},
        requests_per_minute=limit,
        rate_window=window,
        time_scale=0.002,
        drift=drift,
    )


@pytest.fixture
def mock() -> Iterator[RunningMock]:
    with serve(_config()) as running:
        yield running


def _run(mock: RunningMock, max_credits: float, **options: Any) -> ConformanceReport:
    config = mock.state.config
    budget = TokenBucket(config.requests_per_minute, 5, per=config.rate_window)
    return run_conformance(
        mock.base_url,
        DEMO_KEY,
        max_credits=max_credits,
        rate_budget=budget,
        poll_interval=POLL_INTERVAL,
        task_timeout=TASK_TIMEOUT,
        **options,
    )


def _spent(mock: RunningMock) -> float:
    return BALANCE - mock.state.balances[DEMO_KEY]


def test_clean_mock_shows_no_drift_and_every_kind_of_check_passes(mock: RunningMock) -> None:
    report = _run(mock, ALL_EXAMPLES)

    assert report.ok, report.to_markdown()
    assert report.credits_spent == _spent(mock) == ALL_EXAMPLES
    checks = {(result.operation, result.check) for result in report.results}
    for facts in operations():
        assert (facts.operation_id, "401 wrong key") in checks
        if facts.request_schema is not None:
            assert any(op == facts.operation_id and c.startswith("400 ") for op, c in checks)
        for name in facts.examples if facts.creates_task else ():
            assert (facts.operation_id, f"example {name} results") in checks
    chat = operation("chat").operation_id
    assert {c for op, c in checks if op == chat} >= {
        "example oneShot (JSON)",
        "example streamed (SSE)",
    }
    assert ("getTask", "404 unknown task") in checks
    # Paced under the budget, the run never went over the limit.
    assert mock.state.stats.statuses[429] == 0


def test_the_rate_limit_probe_is_the_only_check_that_meets_a_429() -> None:
    with serve(_config(limit=PROBE_LIMIT, window=PROBE_WINDOW)) as mock:
        report = _run(mock, 0, probe_rate_limit=True)
        statuses = mock.state.stats.statuses

    assert report.ok, report.to_markdown()
    [probe] = [result for result in report.results if result.check.startswith("429")]
    assert (probe.outcome, probe.status) == (PASS, 429)
    assert statuses[429] == 1


def test_the_cap_holds_and_the_mock_balance_proves_it(mock: RunningMock) -> None:
    report = _run(mock, 7)

    assert report.ok, report.to_markdown()
    assert _spent(mock) == report.credits_spent <= 7
    paid = [r for r in report.results if r.check.startswith("example ") and r.outcome == PASS]
    skipped = [r for r in report.results if r.outcome == SKIPPED]
    assert paid
    assert skipped
    assert all("credits" in r.detail for r in skipped)
    assert mock.state.stats.statuses[429] == 0


def test_a_zero_cap_spends_nothing_but_still_runs_the_free_checks(mock: RunningMock) -> None:
    report = _run(mock, 0)

    assert report.ok
    assert _spent(mock) == report.credits_spent == 0
    assert not mock.state.stats.tasks_created
    passed = {(r.operation, r.check) for r in report.results if r.outcome == PASS}
    assert {(facts.operation_id, "401 wrong key") for facts in operations()} <= passed
    assert ("getTask", "404 unknown task") in passed


EXPECTED_PROBLEM = {
    "renamed-field": "'status' is a required property",
    "unknown-status": "'QUEUED' is none of the documented values",
    "no-rate-limit-headers": "header Retry-After is declared but was not sent",
    "error-without-type": "'type' is a required property",
    "html-502": "HTTP 502 is not a declared response",
    "chunk-without-choices": "'choices' is a required property",
    "undeclared-status": "HTTP 201 is not a declared response",
}


def test_every_drift_the_mock_offers_has_an_expected_report() -> None:
    assert set(EXPECTED_PROBLEM) == set(DRIFTS)


@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_each_injected_drift_is_reported_without_a_crash(drift: str, tmp_path: Path) -> None:
    probe = drift == "no-rate-limit-headers"
    limit, window = (PROBE_LIMIT, PROBE_WINDOW) if probe else (LIMIT, WINDOW)
    with serve(_config(frozenset({drift}), limit, window)) as mock:
        report = _run(mock, 0 if probe else 12, probe_rate_limit=probe)
        spent = _spent(mock)

    assert not report.ok
    problems = [problem for result in report.drift for problem in result.problems]
    assert any(EXPECTED_PROBLEM[drift] in problem for problem in problems), problems
    assert all(result.excerpt for result in report.drift if result.status is not None)
    assert spent == report.credits_spent <= 12
    markdown, data = report.write(tmp_path)
    assert EXPECTED_PROBLEM[drift] in markdown.read_text()
    assert json.loads(data.read_text())["outcomes"]["drift"] == len(report.drift)


Handler = Callable[[httpx.Request], httpx.Response]


def _against(
    handler: Handler, max_credits: float = 50, spec: dict[str, Any] | None = None
) -> ConformanceReport:
    return run_conformance(
        "http://127.0.0.1:9/api/v1",
        DEMO_KEY,
        max_credits=max_credits,
        rate_budget=TokenBucket(10_000, 5, per=1.0),
        transport=httpx.MockTransport(handler),
        spec=spec,
        poll_interval=POLL_INTERVAL,
        task_timeout=TASK_TIMEOUT,
    )


def test_a_server_answering_plain_text_200_to_everything_is_all_drift() -> None:
    report = _against(lambda request: httpx.Response(200, text="OK"))

    assert not report.ok
    problems = [p for result in report.drift for p in result.problems]
    assert any("Content-Type 'text/plain' is not declared" in p for p in problems)
    assert any("expected HTTP 401, got 200" in p for p in problems)


def test_a_non_json_200_with_a_json_content_type_is_reported() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=b"{not json", headers={"Content-Type": "application/json"}
        )

    report = _against(handler)

    assert any("the body is not JSON" in p for r in report.drift for p in r.problems)


def test_lost_connections_and_garbage_streams_do_not_crash_the_run() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            raise httpx.ReadError("connection reset by peer", request=request)
        if request.url.path.endswith("/chat/completions"):
            stream = b"data: {broken\n\nevent: ping\n\ndata: {}\n\n"
            return httpx.Response(
                200, content=stream, headers={"Content-Type": "text/event-stream"}
            )
        body = {"code": 200, "message": "success", "data": {"task_id": "t1"}}
        return httpx.Response(200, json=body)

    report = _against(handler, max_credits=1000)

    details = " ".join(p for r in report.drift for p in r.problems)
    assert "no answer" in details
    assert "data is not JSON" in details
    assert "the stream ended without [DONE]" in details
    assert "waiting failed" in details


def test_a_server_that_accepts_invalid_bodies_cannot_make_the_run_overspend() -> None:
    """It charges the key's account for every create, at the spec's price (the most for none).

    A request with a wrong key is accepted too, but there is no account to charge it to.
    """
    charged: list[float] = []
    by_path = {facts.path: facts for facts in operations()}

    def lenient(request: httpx.Request) -> httpx.Response:
        facts = by_path.get(request.url.path.removeprefix("/api/v1"))
        if request.method == "POST" and facts is not None:
            body = json.loads(request.content)
            price = facts.cost(body) if isinstance(body, dict) else None
            if request.headers["authorization"] == f"Bearer {DEMO_KEY}":
                charged.append(
                    price if price is not None else max(m.credits for m in facts.models.values())
                )
            return httpx.Response(
                200, json={"code": 200, "message": "success", "data": {"task_id": "t"}}
            )
        return httpx.Response(
            404, json={"error": {"code": 404, "message": "no", "type": "not_found"}}
        )

    report = _against(lenient, max_credits=15)

    # The report counts an accepted invalid body at the most its operation can cost.
    assert sum(charged) <= report.credits_spent <= 15
    assert any("expected HTTP 400, got 200" in r.detail for r in report.drift)


def test_the_key_never_reaches_the_report(tmp_path: Path) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        said = request.headers["authorization"]
        return httpx.Response(500, json={"error": {"code": 500, "message": said}})

    report = _against(echo, max_credits=0)
    markdown, data = report.write(tmp_path)

    assert report.drift
    for text in (markdown.read_text(), data.read_text()):
        assert DEMO_KEY not in text
        assert "Bearer aio_***" in text


@pytest.fixture
def minute_mock() -> Iterator[RunningMock]:
    """A mock with a per-minute limit high enough for the command's own pacing to be quick."""
    with serve(MockConfig(keys={DEMO_KEY: BALANCE}, requests_per_minute=6000)) as running:
        yield running


def test_cli_exit_codes_and_report_files(
    minute_mock: RunningMock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mock = minute_mock
    common = ["--base-url", mock.base_url, "--api-key", DEMO_KEY, "--max-credits", "0"]
    common += ["--requests-per-minute", "6000"]

    assert main(["conformance", *common, "--report", str(tmp_path / "clean")]) == 0
    report = json.loads((tmp_path / "clean" / "conformance.json").read_text())
    # A line per check as it ends, then the summary: a long run shows progress in a log.
    lines = capsys.readouterr().out.splitlines()
    checks = sum(report["outcomes"].values())
    assert all(line.split()[0] in {"pass", "drift", "skipped"} for line in lines[:checks])
    assert lines[checks].startswith(f"{report['outcomes']['pass']} passed")
    assert report["outcomes"]["drift"] == 0
    assert report["credits_spent"] == 0
    assert "Credits spent: 0 of at most 0" in (tmp_path / "clean" / "conformance.md").read_text()

    mock.state.balances.pop(DEMO_KEY)  # the key stops working: every check drifts
    assert main(["conformance", *common, "--report", str(tmp_path / "drift")]) == 1
    assert json.loads((tmp_path / "drift" / "conformance.json").read_text())["outcomes"][DRIFT]

    assert main(["conformance", "--max-credits", "-1"]) == 2
    assert main(["conformance", *common, "--requests-per-minute", "1"]) == 2
    insecure = ["--base-url", "http://example.com/api/v1", "--api-key", DEMO_KEY]
    assert main(["conformance", *insecure, "--max-credits", "1"]) == 2


def test_conformance_exports_are_sorted_and_documented() -> None:
    import api_in_one.conformance as package

    public = {name for name in vars(package) if not name.startswith("_")}
    assert set(package.__all__) == {n for n in public if not inspect.ismodule(getattr(package, n))}
    assert package.__all__ == sorted(package.__all__, key=lambda n: (not n.isupper(), n))
    for name in ("CheckResult", "ConformanceReport", "run_conformance"):
        assert inspect.getdoc(getattr(package, name))


def test_an_operation_added_to_the_spec_is_checked_with_no_other_change() -> None:
    spec = copy.deepcopy(load_spec())
    tool = next(facts for facts in operations() if facts.creates_task and not facts.models)
    added = copy.deepcopy(spec["paths"][tool.path][tool.method.lower()])
    added.update({"operationId": "upscaleImage", "x-cli-command": "upscale"})
    spec["paths"]["/images/tools/upscale"] = {"post": added}
    paths: list[str] = []

    def unauthorized(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        envelope = {"code": 401, "message": "Invalid API key", "type": "authentication_error"}
        return httpx.Response(401, json={"error": envelope})

    report = _against(unauthorized, max_credits=0, spec=spec)

    assert "/api/v1/images/tools/upscale" in paths
    checked = {r.check: r.outcome for r in report.results if r.operation == "upscaleImage"}
    assert checked["401 wrong key"] == PASS
    assert any(check.startswith("400 ") for check in checked)


def test_the_mock_refuses_a_drift_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="Unknown drift nope; known: renamed-field"):
        create_app(MockConfig(drift=frozenset({"nope"})))
    with pytest.raises(SystemExit):
        mock_parser().parse_args(["--drift", "nope"])
    chosen = mock_parser().parse_args(["--drift", "html-502", "--drift", "unknown-status"])
    assert chosen.drift == ["html-502", "unknown-status"]


def test_missing_result_files_and_task_answers_outside_the_spec_are_drift() -> None:
    """A server that takes only the spec's examples, then serves a task that cannot be right."""
    examples = [example for facts in operations() for example in facts.examples.values()]
    url = "https://cdn.example.com/files/t1.png"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "cdn.example.com":
            return httpx.Response(404, html="<h1>Not Found</h1>")
        if request.method == "GET":
            task = {
                "task_id": "t1",
                "status": "SUCCESS",
                "response": [url],
                "consumed_credits": "1",
            }
            return httpx.Response(200, json={"code": 200, "message": "success", "data": task})
        if json.loads(request.content) in examples:
            created = {"code": 200, "message": "success", "data": {"task_id": "t1"}}
            return httpx.Response(200, json=created)
        invalid = {"code": 400, "message": "invalid", "type": "invalid_request"}
        return httpx.Response(400, json={"error": invalid})

    report = _against(handler, max_credits=1)

    drifted = {result.check: result.problems for result in report.drift}
    tool = next(facts for facts in operations() if facts.creates_task and facts.credits == 1)
    [name] = tool.examples
    assert tool.results is not None
    media_type = tool.results.media_type_for(tool.examples[name])
    [problem] = drifted[f"task of {tool.operation_id} example {name}"]
    assert problem == "body.data.consumed_credits: '1' is not of type 'number', 'null'"
    assert drifted[f"example {name} results"] == (
        f"{url}: HTTP 404",
        f"{url}: Content-Type 'text/html', the spec says {media_type!r}",
    )
    assert report.credits_spent == 1
