"""openapi.yaml is the one source of per-operation facts: no hand-written layer repeats them.

The mock, the CLI, the demo, the scripts and the benchmarks learn every
operation through ``api_in_one._operations``. This searches them for the
spec's own operationIds, path templates and model slugs, so that an
operation, path or model renamed or added in the spec needs no edit there.
"""

from __future__ import annotations

import re
from pathlib import Path

from api_in_one._operations import operations

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("overlays", "scripts", "bench")
SPEC_READER = ROOT / "overlays" / "api_in_one" / "_operations.py"


def _literals() -> set[str]:
    found: set[str] = set()
    for facts in operations():
        found |= {facts.operation_id, facts.path, *facts.models}
    return found


def test_the_search_knows_the_spec() -> None:
    literals = _literals()
    assert {facts.operation_id for facts in operations()} <= literals
    assert len(literals) > len(operations()) * 2


def test_no_hand_written_layer_names_an_operation_path_or_model() -> None:
    pattern = re.compile(
        "|".join(rf"(?<![\w-]){re.escape(literal)}(?![\w-])" for literal in _literals())
    )
    hits = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for layer in LAYERS
        for path in sorted((ROOT / layer).rglob("*"))
        if path.is_file() and path != SPEC_READER and "__pycache__" not in path.parts
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert not hits, "\n".join(hits)
