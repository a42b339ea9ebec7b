"""A request's operation, media type and request id are found in one place each.

``_operations`` matches paths to operations, ``_wire`` reads media types and
request ids, and ``_request_facts`` works them out once per request for the
transport stack. Any other module of overlays/ that matches a path itself,
parses ``Content-Type``, compares a media type as a string, decodes a
request's body or reads ``X-Request-Id`` would drift from them, as the
case-sensitive copies once did. This searches overlays/ for each of those.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "overlays" / "api_in_one"
THE_PLACES = {PACKAGE / "_operations.py", PACKAGE / "_wire.py", PACKAGE / "_request_facts.py"}
MEDIA = r"(?:application/json|text/event-stream)"

FORBIDDEN = {
    "reads Content-Type (use _wire.media_type)": r"headers(?:\.get\(|\[)\s*[\"']content-type[\"']",
    "strips media type parameters (use _wire.media_type)": r"\.(?:split|partition)\(\s*[\"'];",
    "compares a media type as a string (use _wire.is_json / is_event_stream)": (
        rf"[=!]=\s*[\"']{MEDIA}[\"']|[\"']{MEDIA}[\"']\s*(?:[=!]=|in\s)"
    ),
    "matches a path to an operation (use _operations.operation_for / routes)": (
        r"url\.path\.endswith|\.endswith\([^)]*(?:facts|of_kind\([^)]*\))\.path"
        r"|re\.escape\([^)]*(?:template|\.path)"
    ),
    "decodes a request's body (use _request_facts.facts_of(request).body)": (r"request\.content\b"),
    "reads a request id (use _wire.request_id_of / sent_request_id, or facts_of)": (
        r"[\"']x-request-id[\"']"
        r"|headers\.get\(\s*REQUEST_ID_HEADER|headers\[\s*REQUEST_ID_HEADER\s*\](?!\s*=[^=])"
        r"|REQUEST_ID_HEADER\s+(?:not\s+)?in\s"
    ),
}
PATTERNS = {why: re.compile(pattern, re.IGNORECASE) for why, pattern in FORBIDDEN.items()}

# Lines of the copies this replaced, one or more for each rule: the search must find them.
OLD_COPIES = [
    'media_type = response.headers.get("content-type", "").split(";")[0].strip()',
    'if response.headers.get("content-type", "").split(";")[0].strip() == "application/json":',
    'or "text/event-stream" in request.headers.get("accept", "")',
    'if media_type == "text/event-stream":',
    'return request.url.path.endswith(of_kind("chat").path)',
    'if facts.method == method.upper() and "{" not in facts.path and path.endswith(facts.path):',
    'template = re.sub(r"\\\\\\{[^}]+\\\\\\}", "[^/]+", re.escape(facts.path))',
    "body = json.loads(request.content)",
    "request_id=request.headers[REQUEST_ID_HEADER],",
    "request_id=request.headers.get(REQUEST_ID_HEADER),",
    "if REQUEST_ID_HEADER not in request.headers:",
    'response.headers["X-Request-Id"] = request.headers.get("x-request-id", "mock_unnamed")',
]


def _broken_rules(line: str) -> list[str]:
    return [why for why, pattern in PATTERNS.items() if pattern.search(line)]


@pytest.mark.parametrize("line", OLD_COPIES)
def test_the_search_finds_the_copies_it_replaced(line: str) -> None:
    assert _broken_rules(line)


def test_the_search_lets_the_one_place_be_used() -> None:
    for line in [
        "response.headers[REQUEST_ID_HEADER] = sent_request_id(request.headers) or 'x'",
        'http.stream("GET", url, headers={REQUEST_ID_HEADER: request_id})',
        "if is_event_stream(response):",
        "facts = operation_for(request)",
    ]:
        assert not _broken_rules(line), line


def test_no_module_finds_an_operation_media_type_or_request_id_itself() -> None:
    hits = [
        f"{path.relative_to(ROOT)}:{number}: {why}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path not in THE_PLACES
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        for why in _broken_rules(line)
    ]
    assert not hits, "\n".join(hits)
