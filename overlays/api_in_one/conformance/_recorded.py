"""``aio conformance --from-recording FILE``: recorded traffic checked against today's spec.

Nothing is sent. Each exchange of a recording (``connect(record=...)``,
``aio ... --record``) is checked with the same rules as a live run, so
after an edit to openapi.yaml a maintainer sees which answers the real
gateway gave that the new spec would reject. An exchange whose operation
the spec no longer has is drift too.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from .._contract import Answer, Contract
from .._operations import OperationFacts, Routes, operations, routes
from .._recording import read_recording, recorded_body
from .._spec import load_spec
from ._report import DRIFT, PASS, SKIPPED, CheckResult, ConformanceReport, excerpt_of

__all__ = ["check_recording"]


def check_recording(path: Path | str, spec: Mapping[str, Any] | None = None) -> ConformanceReport:
    """The report of every exchange in the recording at ``path`` against ``spec`` (the
    bundled openapi.yaml by default); raises ``ValueError`` for a line that is not one."""
    spec = load_spec() if spec is None else spec
    contract, known = Contract(spec), {facts.operation_id: facts for facts in operations(spec)}
    paths = routes(spec)
    report = ConformanceReport(
        base_url=f"recording {path}", spec_version=str(spec["info"]["version"]), max_credits=0
    )
    for number, exchange in enumerate(read_recording(Path(path)), start=1):
        report.results.append(_checked(contract, known, paths, number, exchange))
    return report


def _checked(
    contract: Contract,
    known: Mapping[str, OperationFacts],
    paths: Routes,
    number: int,
    exchange: Mapping[str, Any],
) -> CheckResult:
    request, response = exchange.get("request") or {}, exchange["response"]
    method, path = str(request.get("method", "")), str(request.get("path", ""))
    check = f"recorded #{number}: {method} {path}"
    facts = known.get(str(exchange.get("operation"))) or _operation_at(paths, method, path)
    body = recorded_body(response)
    status = int(response.get("status", 0))
    if facts is None:
        name = str(exchange.get("operation"))
        problem = f"{method} {path} is an operation ({name}) openapi.yaml no longer declares"
        return CheckResult(name, check, DRIFT, problem, status, (problem,), excerpt_of(body, None))
    if "omitted_bytes" in response:
        detail = f"the body ({response['omitted_bytes']} bytes and more) was not recorded"
        return CheckResult(facts.operation_id, check, SKIPPED, detail, status)
    answer = Answer(method, path, status, httpx.Headers(response.get("headers") or {}), body)
    if response.get("complete") is False:
        # The caller stopped reading: the missing end marker is not the server's.
        problems = [p for p in contract.check(facts, answer) if "ended without" not in p]
    else:
        problems = contract.check(facts, answer)
    if not problems:
        return CheckResult(facts.operation_id, check, PASS, f"HTTP {status}", status)
    return CheckResult(
        facts.operation_id,
        check,
        DRIFT,
        problems[0],
        status,
        tuple(problems),
        excerpt_of(body, None),
    )


def _operation_at(paths: Routes, method: str, path: str) -> OperationFacts | None:
    found = paths.match(path)
    return None if found is None else found.by_method.get(method)
