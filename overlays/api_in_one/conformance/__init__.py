"""Check a live server against openapi.yaml, safely: ``run_conformance`` and its report.

Free checks first (401, 404, 400 for bodies breaking the spec's rules), then
the spec's own examples within a credit cap, chat streamed and not; every
answer, header and event is validated against the spec::

    report = run_conformance(base_url, api_key, max_credits=50)
    report.write("conformance-report")  # conformance.md and conformance.json
    assert report.ok, report.to_markdown()

``aio conformance`` runs it from the command line; ``check_recording`` (``aio conformance
--from-recording FILE``) checks recorded traffic instead, sending nothing.
"""

from ._recorded import check_recording
from ._report import DRIFT, PASS, SKIPPED, CheckResult, ConformanceReport, Outcome
from ._runner import run_conformance

__all__ = [
    "DRIFT",
    "PASS",
    "SKIPPED",
    "CheckResult",
    "ConformanceReport",
    "Outcome",
    "check_recording",
    "run_conformance",
]
